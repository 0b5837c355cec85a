package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"formportal/metrics"
	"formportal/store/sqlstore"
)

// serveMetrics serves the Prometheus metrics at /metrics on -metrics-addr, apart from the portal so
// that only the monitoring network reaches them, and reports db's stats in them. Without -metrics-addr
// there is no listener. The returned func stops it.
func serveMetrics(c *config, db *sqlstore.DB, logger *slog.Logger) (func(), error) {
	metrics.WatchStore(db.Stats)
	if c.metricsAddr == "" {
		return func() {}, nil
	}
	l, err := net.Listen("tcp", c.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.setting("metrics-addr"), err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics stopped", "err", err)
		}
	}()
	if !loopbackListener(c.metricsAddr) {
		logger.Warn("metrics are served on an address other machines can reach: let only the monitoring system reach it (a firewall rule)", "metrics_addr", c.metricsAddr)
	}
	logger.Info("metrics listening", "metrics_addr", l.Addr().String())
	return func() { srv.Close() }, nil
}
