package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"formportal/apikey"
	"formportal/store"
	"formportal/store/sqlstore"
)

// apiKeySpec reads "NAME [-expires 90d] [-scope read-only]", the flags before or after the name.
func apiKeySpec(args []string) (apikey.Spec, error) {
	var spec apikey.Spec
	var expires, scope string
	fl := flag.NewFlagSet("apikey create", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.StringVar(&expires, "expires", "", "how long the key works, a year when not given: days (90d), weeks (12w), years (1y) or a Go duration (720h)")
	fl.StringVar(&scope, "scope", string(store.ScopeReadWrite), "read-only (GET only) or read-write")
	if err := fl.Parse(args); err != nil {
		return spec, err
	}
	if fl.NArg() > 0 {
		spec.Name = fl.Arg(0)
		if err := fl.Parse(fl.Args()[1:]); err != nil {
			return spec, err
		}
	}
	if spec.Name == "" || fl.NArg() > 0 {
		return spec, errors.New("give one NAME")
	}
	spec.Scope = store.Scope(scope)
	if expires != "" {
		lifetime, err := parseLifetime(expires)
		if err != nil {
			return spec, err
		}
		spec.Lifetime = lifetime
	}
	return spec, nil
}

// parseLifetime reads 90d, 12w, 1y or a Go duration (720h); it must be positive.
func parseLifetime(s string) (time.Duration, error) {
	bad := fmt.Errorf("-expires %q: give a number of days, weeks or years, like 90d, 12w or 1y", s)
	d, err := time.ParseDuration(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			var count int
			count, err = strconv.Atoi(n)
			d = time.Duration(count) * unit
		}
	}
	if err != nil {
		return 0, bad
	}
	if d <= 0 {
		return 0, fmt.Errorf("-expires %q: a key must work for some time", s)
	}
	return d, nil
}

// operator names who ran a command, for the audit log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "command line:" + u.Username
	}
	return "command line"
}

func createAPIKey(ctx context.Context, db *sqlstore.DB, spec apikey.Spec) error {
	var k *store.APIKey
	var secret string
	now := time.Now()
	err := db.InTx(ctx, func(tx store.Data) error {
		var err error
		if k, secret, err = apikey.New(ctx, tx, spec, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: operator(), Action: "created API key", Detail: keyWords(k)})
	})
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	fmt.Printf("API key %q created, %s, expires %s. Keep it safe: it is shown only this once.\n%s\n", k.Name, k.Scope, k.ExpiresAt.Format(time.DateTime+" MST"), secret)
	return nil
}

// keyWords describes a key for the audit log.
func keyWords(k *store.APIKey) string {
	return fmt.Sprintf("%s (id %s, %s, expires %s)", k.Name, k.ID, k.Scope, k.ExpiresAt.Format(time.DateTime+" MST"))
}

func listAPIKeys(ctx context.Context, db *sqlstore.DB) error {
	keys, err := db.APIKeys(ctx)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		fmt.Println("No API keys. Make one with: portal apikey create NAME")
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSCOPE\tCREATED\tEXPIRES\tSTATUS")
	for _, k := range keys {
		status := "active"
		switch {
		case !k.RevokedAt.IsZero():
			status = "revoked " + k.RevokedAt.Format(time.DateTime)
		case !now.Before(k.ExpiresAt):
			status = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.ID, k.Scope, k.CreatedAt.Format(time.DateTime), k.ExpiresAt.Format(time.DateTime), status)
	}
	return tw.Flush()
}

// revokeAPIKey revokes the key with this id or, failing that, this name.
func revokeAPIKey(ctx context.Context, db *sqlstore.DB, nameOrID string) error {
	keys, err := db.APIKeys(ctx)
	if err != nil {
		return err
	}
	var k *store.APIKey
	for i := range keys {
		if keys[i].ID == nameOrID {
			k = &keys[i]
		}
	}
	for i := range keys {
		if k == nil && keys[i].Name == nameOrID {
			k = &keys[i]
		}
	}
	if k == nil {
		return fmt.Errorf("no API key is called %q or has that id: portal apikey list shows them", nameOrID)
	}
	if !k.RevokedAt.IsZero() {
		return fmt.Errorf("the API key %s was already revoked on %s", k.Name, k.RevokedAt.Format(time.DateTime+" MST"))
	}
	now := time.Now()
	err = db.InTx(ctx, func(tx store.Data) error {
		if err := tx.RevokeAPIKey(ctx, k.ID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, store.AuditEntry{At: now, Actor: operator(), Action: "revoked API key", Detail: keyWords(k)})
	})
	if err != nil {
		return fmt.Errorf("revoke api key %s: %w", k.Name, err)
	}
	fmt.Printf("API key %s (id %s) revoked: every portal process refuses it from its next request.\n", k.Name, k.ID)
	return nil
}
