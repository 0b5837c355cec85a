package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"formportal/store"
	"formportal/store/sqlstore"
)

// TestWebhookCommands: the operator adds an endpoint (its secret printed once, https or loopback only),
// lists it without its secret, and removes it; each change is audited under the operator's name.
func TestWebhookCommands(t *testing.T) {
	data := t.TempDir()
	portal := func(args ...string) (string, error) {
		t.Helper()
		return runCommand(t, nil, append([]string{"-data", data, "webhook"}, args...)...)
	}
	out, err := portal("add", "https://lcs.council.example/portal-events")
	secret := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]{44}`).FindString(out)
	id := regexp.MustCompile(`endpoint ([0-9a-f]{32}) added`).FindStringSubmatch(out)
	if err != nil || secret == "" || id == nil {
		t.Fatalf("webhook add: %v\n%s", err, out)
	}
	if out, err := portal("add", "http://lcs.council.example/"); err == nil || !strings.Contains(out, "must use https") {
		t.Fatalf("an http address elsewhere was taken: %v\n%s", err, out)
	}
	out, err = portal("list")
	if err != nil || !strings.Contains(out, id[1]) || !strings.Contains(out, "https://lcs.council.example/portal-events") || strings.Contains(out, "whsec_") {
		t.Fatalf("webhook list: %v\n%s", err, out)
	}
	if out, err := portal("remove", id[1]); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("webhook remove: %v\n%s", err, out)
	}
	if out, err := portal("remove", id[1]); err == nil {
		t.Fatalf("removing it twice: %s", out)
	}
	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if list, _ := db.WebhookEndpoints(context.Background()); len(list) != 0 {
		t.Fatalf("endpoints left: %+v", list)
	}
	entries, err := db.AuditLog(context.Background(), store.AuditFilter{Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].Action != "removed webhook endpoint" || entries[1].Action != "added webhook endpoint" ||
		!strings.HasPrefix(entries[1].Actor, "command line") {
		t.Fatalf("audit: %+v, %v", entries, err)
	}
}
