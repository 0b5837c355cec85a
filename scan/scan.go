// Package scan checks uploaded documents before the portal keeps them: for malware with ClamAV's clamd
// (its INSTREAM command, over a Unix socket or TCP), and for PDFs that run JavaScript or other actions
// when opened.
package scan

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Clamd scans with a running clamd.
type Clamd struct {
	network, address string
	timeout          time.Duration
}

// NewClamd returns a scanner for the clamd at addr: "unix:/run/clamav/clamd.ctl" or "tcp:127.0.0.1:3310"
// (a bare path is a Unix socket).
func NewClamd(addr string) (*Clamd, error) {
	network, address, ok := strings.Cut(addr, ":")
	switch {
	case !ok && strings.HasPrefix(addr, "/"):
		network, address = "unix", addr
	case network == "unix" || network == "tcp":
	default:
		return nil, fmt.Errorf("clamd address %q: use unix:/path/to/clamd.sock or tcp:host:port", addr)
	}
	return &Clamd{network: network, address: address, timeout: 30 * time.Second}, nil
}

// Result is what a scan found: nothing (Threat empty), or the name of what it found.
type Result struct {
	Threat string
}

// chunk is the most INSTREAM sends at once; clamd's StreamMaxLength still bounds the whole.
const chunk = 64 << 10

// Scan sends content to clamd. An error means the content could not be checked, never that it is clean.
func (c *Clamd) Scan(ctx context.Context, content []byte) (Result, error) {
	reply, err := c.command(ctx, "zINSTREAM\x00", func(conn net.Conn) error {
		var size [4]byte
		for len(content) > 0 {
			n := min(len(content), chunk)
			binary.BigEndian.PutUint32(size[:], uint32(n))
			if _, err := conn.Write(size[:]); err != nil {
				return err
			}
			if _, err := conn.Write(content[:n]); err != nil {
				return err
			}
			content = content[n:]
		}
		binary.BigEndian.PutUint32(size[:], 0)
		_, err := conn.Write(size[:])
		return err
	})
	if err != nil {
		return Result{}, err
	}
	// "stream: OK", "stream: Eicar-Signature FOUND", or "INSTREAM size limit exceeded. ERROR".
	body := strings.TrimPrefix(reply, "stream: ")
	switch {
	case body == "OK":
		return Result{}, nil
	case strings.HasSuffix(body, " FOUND"):
		return Result{Threat: strings.TrimSuffix(body, " FOUND")}, nil
	}
	return Result{}, fmt.Errorf("clamd: %s", reply)
}

// Ping checks clamd answers.
func (c *Clamd) Ping(ctx context.Context) error {
	reply, err := c.command(ctx, "zPING\x00", nil)
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("clamd answered %q to PING", reply)
	}
	return nil
}

// command sends one z-command (NUL-terminated) and reads its NUL-terminated reply.
func (c *Clamd) command(ctx context.Context, cmd string, send func(net.Conn) error) (string, error) {
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, c.network, c.address)
	if err != nil {
		return "", fmt.Errorf("connect to clamd: %w", err)
	}
	defer conn.Close()
	deadline := time.Now().Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	if _, err := conn.Write([]byte(cmd)); err != nil {
		return "", fmt.Errorf("clamd %s: %w", strings.Trim(cmd, "z\x00"), err)
	}
	if send != nil {
		if err := send(conn); err != nil {
			return "", fmt.Errorf("clamd %s: %w", strings.Trim(cmd, "z\x00"), err)
		}
	}
	reply, err := bufio.NewReader(conn).ReadString(0)
	if err != nil && !errors.Is(err, net.ErrClosed) && reply == "" {
		return "", fmt.Errorf("clamd %s: no reply: %w", strings.Trim(cmd, "z\x00"), err)
	}
	return strings.TrimRight(reply, "\x00\n"), nil
}
