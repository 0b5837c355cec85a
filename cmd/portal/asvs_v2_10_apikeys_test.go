package main

// OWASP ASVS 4.0.3 V2.10, service authentication: the operator's API key commands, run as the real
// binary beside a running portal.

import (
	"context"
	"io"
	"net/http"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"formportal/store"
	"formportal/store/sqlstore"
)

// apiCall makes one API request to the running portal and returns the status and body.
func (s *served) apiCall(t *testing.T, key, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+"/api/v1"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// V2.10.1: keys are made with an expiry and a scope, listed, and revoked by name or id; a revocation
// made by the command, another process, is refused by the running portal from its next request. Every
// change of a key is audited under the operator's name.
func TestASVS_V2_10_1_APIKeyCommandsCreateListRevoke(t *testing.T) {
	data := t.TempDir()
	s := serve(t, nil, "-data", data)
	portal := func(args ...string) (string, error) {
		t.Helper()
		return runCommand(t, nil, append([]string{"-data", data, "apikey"}, args...)...)
	}
	create := func(args ...string) string {
		t.Helper()
		out, err := portal(append([]string{"create"}, args...)...)
		if err != nil {
			t.Fatalf("apikey create %v: %v\n%s", args, err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		return lines[len(lines)-1]
	}
	lcs := create("lcs", "-expires", "90d")
	reports := create("-scope", "read-only", "reports")
	if !strings.HasPrefix(lcs, "fpk_") || !strings.HasPrefix(reports, "fpk_") {
		t.Fatalf("keys %q %q", lcs, reports)
	}
	out, err := portal("list")
	if err != nil {
		t.Fatal(err)
	}
	in90 := time.Now().AddDate(0, 0, 90).UTC().Format(time.DateOnly)
	in365 := time.Now().AddDate(0, 0, 365).UTC().Format(time.DateOnly)
	if !regexp.MustCompile(`(?m)^lcs\s+[0-9a-f]{32}\s+read-write\s+\S+ \S+\s+`+in90+` \S+\s+active$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^reports\s+[0-9a-f]{32}\s+read-only\s+\S+ \S+\s+`+in365+` \S+\s+active$`).MatchString(out) {
		t.Fatalf("apikey list:\n%s", out)
	}
	reportsID := regexp.MustCompile(`(?m)^reports\s+([0-9a-f]{32})`).FindStringSubmatch(out)[1]

	if code, body := s.apiCall(t, lcs, "GET", "/forms", ""); code != http.StatusOK {
		t.Fatalf("the new key: %d %s", code, body)
	}
	if code, body := s.apiCall(t, reports, "POST", "/delegations", "{}"); code != http.StatusForbidden {
		t.Fatalf("the read-only key's POST: %d %s", code, body)
	}
	if out, err := portal("revoke", "lcs"); err != nil || !strings.Contains(out, "API key lcs") || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke by name: %v\n%s", err, out)
	}
	if code, body := s.apiCall(t, lcs, "GET", "/forms", ""); code != http.StatusUnauthorized || !strings.Contains(body, "The API key lcs was revoked on") {
		t.Fatalf("the running portal after the revocation: %d %s", code, body)
	}
	if code, _ := s.apiCall(t, reports, "GET", "/forms", ""); code != http.StatusOK {
		t.Fatalf("the other key after lcs was revoked: %d", code)
	}
	if out, err := portal("revoke", reportsID); err != nil {
		t.Fatalf("revoke by id: %v\n%s", err, out)
	}
	if code, _ := s.apiCall(t, reports, "GET", "/forms", ""); code != http.StatusUnauthorized {
		t.Fatalf("the key revoked by id: %d", code)
	}
	if out, _ := portal("list"); strings.Count(out, " revoked ") != 2 {
		t.Fatalf("list after revoking both:\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"revoke", "lcs"}, "already revoked"},
		{[]string{"revoke", "nobody"}, `no API key is called "nobody"`},
		{[]string{"create", "lcs"}, `already a key called "lcs"`},
		{[]string{"create", "new", "-expires", "soon"}, `-expires "soon"`},
		{[]string{"create", "new", "-expires", "0d"}, "must work for some time"},
		{[]string{"create", "new", "-scope", "admin"}, `scope "admin"`},
		{[]string{"create", "two words"}, "key name"},
		{[]string{"create", "a", "b"}, "give one NAME"},
		{[]string{"delete", "lcs"}, "unknown command"},
	} {
		out, err := portal(c.args...)
		if out = strings.ReplaceAll(out, `\"`, `"`); err == nil || !strings.Contains(out, c.want) { // the error is logged as JSON
			t.Errorf("apikey %v: %v, want an error saying %q:\n%s", c.args, err, c.want, out)
		}
	}

	db, err := sqlstore.OpenSQLite(context.Background(), filepath.Join(data, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log, err := db.AuditLog(context.Background(), store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	me, _ := user.Current()
	var changes []string
	for _, e := range log {
		if strings.HasSuffix(e.Action, "API key") {
			if e.Actor != "command line:"+me.Username {
				t.Errorf("%s by %q", e.Action, e.Actor)
			}
			changes = append(changes, e.Action+" "+strings.Fields(e.Detail)[0])
		}
	}
	if strings.Join(changes, ", ") != "revoked API key reports, revoked API key lcs, created API key reports, created API key lcs" {
		t.Fatalf("key changes audited: %q", changes)
	}
}
