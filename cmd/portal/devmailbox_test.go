package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

// V14.3.2 (no debug features in production): the dev mailbox shows every email, sign-in codes included,
// to anyone. The health check found the guard read only how -base-url began, so
// http://localhost.attacker.example and http://127.0.0.1.nip.io passed, and -addr :8080 (every interface)
// was not looked at. Without SMTP the portal now starts only when it listens on loopback and its base
// URL's host is loopback, or when -dev-mailbox says it is a demo.
func TestASVS_V14_3_2_DevMailboxOnlyOnLoopbackOrForADemo(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	refused := []struct{ name, addr, baseURL string }{
		{"a look-alike host", "127.0.0.1:0", "http://localhost.attacker.example"},
		{"a DNS name for 127.0.0.1", "127.0.0.1:0", "http://127.0.0.1.nip.io"},
		{"a look-alike with a port", "127.0.0.1:0", "http://127.0.0.1.nip.io:8080"},
		{"a public https address", "127.0.0.1:0", "https://portal.council.example"},
		{"every interface", ":0", "http://localhost:8080"},
		{"every IPv4 interface", "0.0.0.0:0", "http://127.0.0.1:8080"},
		{"a host name", "portal.council.example:0", "http://localhost:8080"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			err := run(ctx, []string{"-addr", c.addr, "-base-url", c.baseURL, "-data", t.TempDir()}, logger)
			if err == nil || !strings.Contains(err.Error(), "-dev-mailbox") {
				t.Fatalf("-addr %s -base-url %s without SMTP: the dev mailbox was served (%v)", c.addr, c.baseURL, err)
			}
		})
	}

	served := []struct {
		name string
		args []string
	}{
		{"localhost", []string{"-addr", "localhost:0", "-base-url", "http://localhost:8080"}},
		{"127.0.0.1", []string{"-addr", "127.0.0.1:0", "-base-url", "http://127.0.0.1:8080"}},
		{"IPv6 loopback", []string{"-addr", "[::1]:0", "-base-url", "http://[::1]:8080"}},
		{"a demo, said so", []string{"-addr", ":0", "-base-url", "https://demo.council.example", "-dev-mailbox"}},
	}
	for _, c := range served {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, err := parseFlags(append(c.args, "-data", t.TempDir()))
			if err != nil || !cfg.web.DevMailbox {
				t.Fatalf("%v: %v", c.args, err)
			}
		})
	}

	// With SMTP there is no dev mailbox, wherever the portal listens.
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", addr, "-data", t.TempDir(), "-smtp-host", "127.0.0.1", "-smtp-port", "1"}, logger)
	}()
	waitUp(t, "http://"+addr+"/healthz")
	resp, err := http.Get("http://" + addr + "/dev/mail")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("with SMTP, GET /dev/mail: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
