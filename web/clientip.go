package web

import (
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/realclientip/realclientip-go"
)

// ParseTrustedProxies reads the addresses and CIDR ranges of the proxies in front of the portal, comma
// separated, as -trusted-proxies takes them.
func ParseTrustedProxies(list string) ([]net.IPNet, error) {
	var items []string
	for _, item := range strings.Split(list, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	nets, err := realclientip.AddressesAndRangesToIPNets(items...)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies %q: %w", list, err)
	}
	return nets, nil
}

// clientAddress makes a request's RemoteAddr the client's address when it came through a trusted proxy:
// the rightmost address in X-Forwarded-For that is not a trusted proxy's, so a client cannot pass for
// another by writing the header itself. From anywhere else the header is anyone's to write, and ignored.
// Rate limits and logs then see each client, not the proxy.
func (a *App) clientAddress(next http.Handler) http.Handler {
	trusted := a.cfg.TrustedProxies
	if len(trusted) == 0 {
		return next
	}
	strategy := realclientip.Must(realclientip.NewRightmostTrustedRangeStrategy("X-Forwarded-For", trusted))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := net.ParseIP(clientAddr(r)); ip != nil && inRanges(ip, trusted) {
			if client := strategy.ClientIP(r.Header, r.RemoteAddr); client != "" {
				r = r.WithContext(r.Context()) // a copy, so the caller's request is not changed
				r.RemoteAddr = net.JoinHostPort(client, "0")
			}
		}
		next.ServeHTTP(w, r)
	})
}

func inRanges(ip net.IP, ranges []net.IPNet) bool {
	for _, n := range ranges {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
