// Package clientip says which address a request came from, once the portal's proxy handling has made
// RemoteAddr the client's (web's trusted-proxy middleware).
package clientip

import (
	"net"
	"net/http"
)

// Addr is the request's client address, without the port.
func Addr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
