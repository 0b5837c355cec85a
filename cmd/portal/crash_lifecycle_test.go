package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/store"
	"formportal/store/sqlstore"
)

// lifecycle is what the crash test's council and referrer did and were told had happened: delegations
// created and retracted through the API, referrals returned through the API and resubmitted by the
// professional.
type lifecycle struct {
	key        string
	created    []string // acknowledged new delegations
	retracted  []string
	returned   []string // acknowledged returns of referrals
	submitted  []string // acknowledged submissions of referrals
	retracting string   // sent, not acknowledged: may or may not have happened
}

// newAPIKey makes a back-office key with the portal's own command, as an operator would.
func newAPIKey(t *testing.T, bin, data string) string {
	out, err := exec.Command(bin, "-data", data, "apikey", "create", "crash").CombinedOutput()
	if err != nil {
		t.Fatalf("apikey create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return lines[len(lines)-1]
}

func (c *crashClient) api(key, method, path string, body any) (int, map[string]any) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, rd)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.c.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return 0, nil
	}
	return resp.StatusCode, out
}

// step does one lifecycle operation, chosen from what the database held when the portal started: submit
// the referral waiting for more information, or return the submitted one, or create and retract a
// delegation.
func (c *crashClient) step(l *lifecycle, openReferral, submittedReferral string, n int) {
	switch {
	case n%3 == 0 && openReferral != "" && !contains(l.submitted, openReferral):
		v := url.Values{"csrf_token": {c.csrf}}
		resp, err := c.c.PostForm(c.base+"/referrals/"+openReferral+"/submit", v)
		if err != nil {
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode == http.StatusOK && strings.Contains(string(body), "Form submitted") {
			l.submitted = append(l.submitted, openReferral)
		}
	case n%3 == 1 && submittedReferral != "" && !contains(l.returned, submittedReferral):
		code, _ := c.api(l.key, "POST", "/referrals/"+submittedReferral+"/return", map[string]any{"reason": "Insufficient Detail", "comment": "More please"})
		if code == http.StatusOK {
			l.returned = append(l.returned, submittedReferral)
		}
	default:
		code, out := c.api(l.key, "POST", "/delegations", map[string]any{"form": "multi-agency-chronology",
			"professional": map[string]any{"email": "crash@school.example", "name": "Crash Test"},
			"caseData": map[string]any{"familyName": "Test family", "children": []any{map[string]any{"id": "k1", "name": "Kit Test", "dob": "2015-02-03"}},
				"sender": map[string]any{"name": "Jo Worker"}}})
		if code != http.StatusCreated {
			return
		}
		id := out["id"].(string)
		l.created = append(l.created, id)
		l.retracting = id
		if code, _ := c.api(l.key, "POST", "/delegations/"+id+"/retract", map[string]any{"reason": "sent in error"}); code == http.StatusOK {
			l.retracted = append(l.retracted, id)
			l.retracting = ""
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// referralHeads finds, in the stopped portal's database, the demo referral open for more information and
// the submitted one: what the next run works on.
func referralHeads(t *testing.T, path string) (open, submitted string) {
	db, err := sqlstore.OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.ListResponses(context.Background(), store.ResponseFilter{Kind: store.KindReferral,
		Statuses: []store.Status{store.StatusReturned, store.StatusSubmitted}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Status == store.StatusReturned && open == "" {
			open = r.ID
		}
		if r.Status == store.StatusSubmitted && submitted == "" {
			submitted = r.ID
		}
	}
	return open, submitted
}

// checkLifecycle proves, with the portal down after a kill, that no operation is half done: every
// acknowledged one is there whole, every answer's document exists, no document is left that nothing lists,
// and each change's history event, audit entry and email are there exactly when the change is.
func checkLifecycle(t *testing.T, path string, l *lifecycle) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func(q string, args ...any) int {
		var n int
		if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	status := func(id string) store.Status {
		var s string
		if err := raw.QueryRow(`SELECT status FROM responses WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatalf("acknowledged response %s is missing after a kill: %v", id, err)
		}
		return store.Status(s)
	}
	for _, id := range l.created {
		status(id)
	}
	for _, id := range l.retracted {
		if s := status(id); s != store.StatusRetracted {
			t.Fatalf("acknowledged retraction of %s: status %s after a kill", id, s)
		}
	}
	for _, id := range l.returned {
		if s := status(id); s != store.StatusSuperseded {
			t.Fatalf("acknowledged return of %s: status %s after a kill", id, s)
		}
	}
	for _, id := range l.submitted {
		if s := status(id); s != store.StatusSubmitted && s != store.StatusSuperseded {
			t.Fatalf("acknowledged submission of %s: status %s after a kill", id, s)
		}
	}

	// Every returned referral has exactly one open copy, and every copy's original was returned.
	if n := count(`SELECT COUNT(*) FROM responses r WHERE r.status = 'superseded' AND (SELECT COUNT(*) FROM responses c WHERE c.previous_id = r.id) <> 1`); n > 0 {
		t.Fatalf("%d returned referrals without exactly one reopened copy: a half-done return", n)
	}
	if n := count(`SELECT COUNT(*) FROM responses c JOIN responses r ON r.id = c.previous_id WHERE r.status <> 'superseded'`); n > 0 {
		t.Fatalf("%d reopened copies whose original was not marked returned", n)
	}
	// Each change's email, event and audit entry exist exactly when the change does.
	// An email to someone with no language chosen, on a form offered in Welsh, is in both: "Welsh / English".
	mails := func(subject string) int {
		return count(`SELECT COUNT(*) FROM mail WHERE subject = ? OR subject LIKE '% / ' || ?`, subject, subject)
	}
	events := func(kind string) int { return count(`SELECT COUNT(*) FROM response_events WHERE kind = ?`, kind) }
	superseded := count(`SELECT COUNT(*) FROM responses WHERE status = 'superseded'`)
	if m := mails("More information needed about your form"); m != superseded {
		t.Fatalf("%d referral returns but %d return emails", superseded, m)
	}
	if a := count(`SELECT COUNT(*) FROM audit WHERE action = 'returned'`); a != superseded {
		t.Fatalf("%d referral returns but %d audit entries", superseded, a)
	}
	refSubmits := count(`SELECT COUNT(*) FROM response_events e JOIN responses r ON r.id = e.response_id WHERE r.kind = 'referral' AND e.kind IN ('submitted', 'resubmitted')`)
	if m := mails("Confirmation of form submission"); m != refSubmits {
		t.Fatalf("%d referral submissions but %d confirmation emails", refSubmits, m)
	}
	delegated := count(`SELECT COUNT(*) FROM responses WHERE kind = 'delegation'`)
	if e := count(`SELECT COUNT(*) FROM response_events e JOIN responses r ON r.id = e.response_id WHERE r.kind = 'delegation' AND e.kind = 'created'`); e != delegated {
		t.Fatalf("%d delegations but %d creation events", delegated, e)
	}
	if m := mails("A form has been delegated to you"); m != delegated+events("reassigned") {
		t.Fatalf("%d delegations and %d re-assignments but %d delegation emails", delegated, events("reassigned"), m)
	}
	if a, r := count(`SELECT COUNT(*) FROM audit WHERE action = 'retracted'`), count(`SELECT COUNT(*) FROM responses WHERE status = 'retracted'`); a != r {
		t.Fatalf("%d retracted delegations but %d audit entries", r, a)
	}

	// Documents: every one an answer lists exists for that response, and none is left unlisted.
	rows, err := raw.Query(`SELECT id, answers, submission FROM responses`)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{} // attachment id -> response
	for rows.Next() {
		var id, answers, submission string
		if err := rows.Scan(&id, &answers, &submission); err != nil {
			t.Fatal(err)
		}
		for _, doc := range []string{answers, submission} {
			var v any
			json.Unmarshal([]byte(doc), &v)
			for _, att := range casework.AttachmentIDs(v) {
				listed[att] = id
			}
		}
	}
	rows.Close()
	stored := map[string]string{}
	rows, err = raw.Query(`SELECT id, response_id FROM attachments`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, resp string
		rows.Scan(&id, &resp)
		stored[id] = resp
	}
	rows.Close()
	for att, resp := range listed {
		if stored[att] != resp {
			t.Fatalf("response %s lists document %s, which is not stored for it after a kill", resp, att)
		}
	}
	for att, resp := range stored {
		if listed[att] != resp {
			t.Fatalf("document %s of response %s is stored but listed by no answer: left behind by a kill", att, resp)
		}
	}
}

func (l *lifecycle) String() string {
	return fmt.Sprintf("%d delegations created, %d retracted, %d referral returns, %d resubmissions",
		len(l.created), len(l.retracted), len(l.returned), len(l.submitted))
}
