package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"formportal/store/sqlstore"
)

// The operations commands, beside serving:
//
//	portal [flags] config                 the effective configuration, secrets masked
//	portal [flags] healthcheck            ask the running portal's /healthz (a container's HEALTHCHECK)
//	portal [flags] backup FILE            a consistent copy of the SQLite database, while the portal serves
//	portal [flags] restore FILE           replace the SQLite database with a backup; every portal stopped
//	portal [flags] migrate status         the migrations applied and pending, applying none
//	portal [flags] migrate apply          apply the pending migrations, as a start would, and stop
const opsUsage = "config | healthcheck | backup FILE | restore FILE | migrate status | migrate apply"

// opsCommand is the operations command args name, if they name one.
func opsCommand(args []string) (func(context.Context, *config) error, bool) {
	switch {
	case len(args) == 1 && args[0] == "config":
		return func(_ context.Context, c *config) error { return printConfig(os.Stdout, c) }, true
	case len(args) == 1 && args[0] == "healthcheck":
		return healthcheck, true
	case len(args) == 2 && args[0] == "backup":
		return func(ctx context.Context, c *config) error { return backup(ctx, c, args[1]) }, true
	case len(args) == 2 && args[0] == "restore":
		return func(ctx context.Context, c *config) error { return restore(ctx, c, args[1]) }, true
	case len(args) == 2 && args[0] == "migrate" && args[1] == "status":
		return func(ctx context.Context, c *config) error { return migrateStatus(ctx, os.Stdout, c) }, true
	case len(args) == 2 && args[0] == "migrate" && args[1] == "apply":
		return migrateApply, true
	}
	return nil, false
}

// healthcheck asks the portal listening on -addr for /healthz: from inside its container or host, so a
// listener on every interface (":8080") is asked on loopback.
func healthcheck(ctx context.Context, c *config) error {
	host, port, err := net.SplitHostPort(c.addr)
	if err != nil {
		return fmt.Errorf("healthcheck: -addr %q: %w", c.addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	return nil
}

// sqlitePath is the SQLite database file in the data folder.
func sqlitePath(c *config) string { return filepath.Join(c.dataDir, "portal.db") }

func backup(ctx context.Context, c *config, dest string) error {
	if c.databaseURL != "" {
		return fmt.Errorf("backup: %w: README, Backups", sqlstore.ErrNotSQLite)
	}
	if _, err := os.Stat(sqlitePath(c)); err != nil {
		return fmt.Errorf("backup: no database to copy: %w", err)
	}
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, dest); err != nil {
		return err
	}
	info, err := os.Stat(dest)
	if err != nil {
		return err
	}
	fmt.Printf("Backup of %s written to %s (%d KB, checked) in %v: it holds every change committed before %s.\n",
		sqlitePath(c), dest, info.Size()>>10, time.Since(start).Round(time.Millisecond), start.UTC().Format(time.RFC3339))
	return nil
}

func restore(ctx context.Context, c *config, from string) error {
	if c.databaseURL != "" {
		return errors.New("restore: PostgreSQL is restored with its own tools (README, Backups)")
	}
	if err := os.MkdirAll(c.dataDir, 0o700); err != nil {
		return fmt.Errorf("restore: data folder: %w", err)
	}
	kept, err := sqlstore.RestoreSQLite(ctx, from, sqlitePath(c))
	if err != nil {
		return err
	}
	fmt.Printf("Restored %s from %s.\n", sqlitePath(c), from)
	if kept != "" {
		fmt.Printf("The database it replaced is kept as %s: delete it once the restore is checked.\n", kept)
	}
	return nil
}

func migrateStatus(ctx context.Context, w io.Writer, c *config) error {
	var st sqlstore.MigrationStatus
	var err error
	if c.databaseURL != "" {
		st, err = sqlstore.PostgresMigrationStatus(ctx, c.databaseURL)
	} else {
		st, err = sqlstore.SQLiteMigrationStatus(ctx, sqlitePath(c))
	}
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MIGRATION\tSTATE\tAPPLIED")
	unknown := 0
	for _, m := range st.Applied {
		state := "applied"
		if !m.Known {
			state, unknown = "applied by a newer portal: unknown to this one", unknown+1
		}
		at := "unknown"
		if !m.AppliedAt.IsZero() {
			at = m.AppliedAt.Format(time.DateTime + " MST")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, state, at)
	}
	for _, name := range st.Pending {
		fmt.Fprintf(tw, "%s\tpending: applied at the next start\t\n", name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if unknown > 0 {
		return fmt.Errorf("%d migration(s) applied by a newer portal: this one refuses to start on this database", unknown)
	}
	return nil
}

func migrateApply(ctx context.Context, c *config) error {
	db, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	fmt.Println("Every migration is applied.")
	return db.Close()
}
