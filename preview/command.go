package preview

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Command runs `formlint preview [-addr HOST:PORT] DIR` until interrupted. It returns the exit status:
// 2 for a usage error, an address that is not loopback, or a folder it cannot serve.
func Command(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("formlint preview", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8090", "where to listen: a loopback address only (port 0 picks a free one)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: formlint preview [-addr 127.0.0.1:8090] DIR")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return 2
	}
	dir := fl.Arg(0)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "formlint preview: %s is not a folder\n", dir)
		return 2
	}
	ln, err := Listen(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "formlint preview: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s := New(dir, slog.New(slog.NewTextHandler(stderr, nil)))
	fmt.Fprintf(stdout, "formlint preview: the forms of %s are at http://%s/ (Ctrl+C stops)\n", dir, ln.Addr())
	if err := s.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "formlint preview: %v\n", err)
		return 2
	}
	return 0
}

// Listen listens on a loopback address, and refuses any other: the preview has no accounts.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	if !loopbackHost(host) {
		return nil, fmt.Errorf("refusing to listen on %q: the preview has no accounts, so it listens on loopback only (127.0.0.1, [::1] or localhost)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, fmt.Errorf("refusing to listen on %s: it is not a loopback address", ln.Addr())
	}
	return ln, nil
}

// Serve serves the preview on ln, reloading its pages when the folder's files are saved, until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	w, err := s.watch()
	if err != nil {
		ln.Close()
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.loop(watchCtx, w)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	close(s.done) // ends the event streams, which Shutdown would otherwise wait for
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := srv.Shutdown(shutdownCtx); err == nil && serr != nil {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
