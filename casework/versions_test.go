package casework_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/engine"
	"formportal/forms"
	"formportal/store"
)

// bundled loads a bundled form's file with edits, as a council's edited copy would be.
func bundled(t *testing.T, file string, edits ...string) *engine.Form {
	t.Helper()
	b, err := forms.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("%s no longer holds %q", file, edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	f, diags := engine.Load(file, []byte(s))
	if f == nil {
		t.Fatalf("%s does not load: %v", file, diags)
	}
	return f
}

func TestPublishedVersionsAreImmutable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// The Safeguarding Concern's versions, counted from the one bundled now.
	cur := e.forms.Get("safeguarding-concern").Version
	sv := func(n int) string { return fmt.Sprintf("\nversion: %d\n", n) }
	res, err := e.work.Publish(ctx, e.forms.All(), casework.PublishOptions{By: "portal start"})
	if err != nil || len(res.New) != len(e.forms.All()) {
		t.Fatalf("first publish: %+v, %v", res, err)
	}
	// The same definitions again, and another process's library publishing them too: no change.
	if res, err := e.work.Publish(ctx, e.forms.All(), casework.PublishOptions{By: "portal start"}); err != nil || len(res.New) != 0 {
		t.Fatalf("publishing again: %+v, %v", res, err)
	}

	// A comment or a reflow is no change; an edit under the same version is refused, and nothing of the
	// batch is published.
	if _, err := e.work.Publish(ctx, []*engine.Form{bundled(t, "multi-agency-chronology.yaml", "\nid:", "# reflowed\nid:")}, casework.PublishOptions{}); err != nil {
		t.Fatalf("a comment counted as a change: %v", err)
	}
	edited := bundled(t, "multi-agency-chronology.yaml", "title: Multi-Agency Chronology", "title: Multi-Agency Chronology (edited)")
	next := bundled(t, "safeguarding-concern.yaml", sv(cur), sv(cur+1))
	_, err = e.work.Publish(ctx, []*engine.Form{next, edited}, casework.PublishOptions{})
	if want := fmt.Sprintf("multi-agency-chronology version %d has changed since it was published: raise its version", edited.Version); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("an edited, unbumped version: %v", err)
	}
	stored, _ := e.st.FormVersions(ctx)
	if len(stored) != len(e.forms.All()) {
		t.Fatalf("a refused publish stored %d versions, want %d", len(stored), len(e.forms.All()))
	}

	// A new version is published and becomes current; a version older than the latest is refused.
	if res, err := e.work.Publish(ctx, []*engine.Form{next}, casework.PublishOptions{}); err != nil || len(res.New) != 1 {
		t.Fatalf("version %d: %+v, %v", cur+1, res, err)
	}
	if got := e.forms.Get("safeguarding-concern"); got.Version != cur+1 || e.forms.Version("safeguarding-concern", cur) == nil {
		t.Fatalf("current %d; version %d known: %v", got.Version, cur, e.forms.Version("safeguarding-concern", cur) != nil)
	}
	if _, err := e.work.Publish(ctx, []*engine.Form{bundled(t, "safeguarding-concern.yaml", sv(cur), sv(cur+3))}, casework.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	old := bundled(t, "safeguarding-concern.yaml", sv(cur), sv(cur+2))
	if _, err := e.work.Publish(ctx, []*engine.Form{old}, casework.PublishOptions{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("safeguarding-concern version %d is older than version %d, already published: raise its version to %d", cur+2, cur+3, cur+4)) {
		t.Fatalf("an older version: %v", err)
	}
	entries, _ := e.st.AuditLog(ctx, store.AuditFilter{Limit: 100})
	if entries[0].Action != "form published" || !strings.HasPrefix(entries[0].Detail, fmt.Sprintf("safeguarding-concern version %d (sha256:", cur+3)) {
		t.Fatalf("the publish is not audited: %+v", entries[0])
	}
}

// TestResponsesKeepTheirVersion: every kind of response records the version it was started with, and a
// returned referral's open copy keeps it.
func TestResponsesKeepTheirVersion(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.work.Publish(ctx, e.forms.All(), casework.PublishOptions{By: "portal start"}); err != nil {
		t.Fatal(err)
	}
	cur := e.forms.Get("safeguarding-concern").Version
	ref, err := e.work.StartReferral(ctx, "safeguarding-concern", casework.Referrer{UserID: "u1", Email: "rose@example.org", Name: "Rose Berry", Audience: engine.AudiencePublic})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.work.Publish(ctx, []*engine.Form{bundled(t, "safeguarding-concern.yaml", fmt.Sprintf("\nversion: %d\n", cur), fmt.Sprintf("\nversion: %d\n", cur+1))}, casework.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ := e.st.Response(ctx, ref.ID)
	if got.FormVersion != cur {
		t.Fatalf("the referral is on version %d, want %d", got.FormVersion, cur)
	}
	if f, err := e.work.FormOf(got); err != nil || f.Version != cur {
		t.Fatalf("FormOf: %v, %v", f, err)
	}
	// A submission returned for more information: its open copy stays on the version it was made with.
	got.Status, got.Submission, got.SubmittedAt, got.Reference = store.StatusSubmitted, got.Answers, t0, "FP-20260302-AAAAAA"
	if err := e.st.UpdateResponse(ctx, got, nil); err != nil {
		t.Fatal(err)
	}
	reopened, err := e.work.ReturnForInformation(ctx, ref.ID, "staff@council.example", "Insufficient Detail", "")
	if err != nil || reopened.ID == ref.ID || reopened.FormVersion != cur {
		t.Fatalf("the returned copy: %+v, %v", reopened, err)
	}
	if stored, _ := e.st.Response(ctx, reopened.ID); stored.FormVersion != cur {
		t.Fatalf("the returned copy is stored on version %d, want %d", stored.FormVersion, cur)
	}
	if d, want := e.delegate(t, "multi-agency-chronology", 2), e.forms.Get("multi-agency-chronology").Version; d.FormVersion != want {
		t.Fatalf("a delegation records version %d, want %d", d.FormVersion, want)
	}
	later, err := e.work.StartReferral(ctx, "safeguarding-concern", casework.Referrer{UserID: "u1", Email: "rose@example.org", Name: "Rose Berry", Audience: engine.AudiencePublic})
	if err != nil || later.FormVersion != cur+1 {
		t.Fatalf("a new referral: version %d, %v", later.FormVersion, err)
	}
}

// staleStore answers the first FormVersions outside a transaction with nothing, as a process that read
// before another process published would see it.
type staleStore struct {
	store.Store
	read bool
}

func (s *staleStore) FormVersions(ctx context.Context) ([]store.FormVersion, error) {
	if !s.read {
		s.read = true
		return nil, nil
	}
	return s.Store.FormVersions(ctx)
}

// TestPublishRacingAnotherProcess: portals starting together on one database both publish the same
// forms; the one that finds its version published meanwhile accepts the same content and refuses another.
func TestPublishRacingAnotherProcess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.work.Publish(ctx, e.forms.All(), casework.PublishOptions{By: "first process"}); err != nil {
		t.Fatal(err)
	}
	second := func() *casework.Service {
		lib, err := forms.Load()
		if err != nil {
			t.Fatal(err)
		}
		return casework.New(&staleStore{Store: e.st}, lib, nil, casework.Texts{}, nil)
	}
	res, err := second().Publish(ctx, e.forms.All(), casework.PublishOptions{By: "second process"})
	if err != nil || len(res.New) != 0 {
		t.Fatalf("the same forms, published meanwhile: %+v, %v", res, err)
	}
	edited := bundled(t, "early-help-request.yaml", "title: Early Help request", "title: Early Help request (edited)")
	_, err = second().Publish(ctx, []*engine.Form{edited}, casework.PublishOptions{By: "second process"})
	if err == nil || !strings.Contains(err.Error(), "early-help-request version 3 has changed since it was published: raise its version") {
		t.Fatalf("another definition, published meanwhile: %v", err)
	}
	entries, _ := e.st.AuditLog(ctx, store.AuditFilter{Actor: "second process", Limit: 10})
	if len(entries) != 0 {
		t.Fatalf("the second process audited a publish it did not make: %+v", entries)
	}
}
