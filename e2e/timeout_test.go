package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"formportal/internal/browsertest"
	"formportal/web"
)

// waitFor polls the page until a JavaScript condition holds.
func waitFor(t *testing.T, b *browsertest.Browser, what, js string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var ok bool
		b.Eval(js, &ok)
		if ok {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not happen within %v", what, within)
}

// TestIdleWarningThenSaveBeforeSignOut: the accessible warning appears before the idle timeout, "Stay
// signed in" keeps the session, and if the person walks away the page saves what they typed before the
// session ends, so nothing is lost.
func TestIdleWarningThenSaveBeforeSignOut(t *testing.T) {
	p := startPortal(t, func(c *web.Config) { c.IdleTimeout, c.IdleWarning = 26*time.Second, 3*time.Second })
	id := p.delegate("idle@school.example")
	b := p.browser()
	p.emailLink(b, "idle@school.example")
	p.register(b, "Sam", "Jones", "idle@school.example")
	b.Visit("/tasks/" + id + "/pages/practitioner")
	b.Fill("Name of practitioner", "Typed but never saved")

	dialogOpen := `(() => { const d = document.getElementById("app-timeout-dialog"); return !!d && d.open })()`
	waitFor(t, b, "the timeout warning", dialogOpen, 10*time.Second)
	b.MustSee("Stay signed in")
	if f := b.Focused(); f == "body" {
		t.Fatalf("focus did not move into the warning: %s", f)
	}
	if report := b.Audit(); len(report.Violations) > 0 {
		t.Fatalf("the warning dialog has accessibility problems:\n%s", report)
	}
	b.ClickButton("Stay signed in")
	waitFor(t, b, "the warning closing", "!"+dialogOpen, 5*time.Second)

	// Walk away: the page saves itself before the session ends.
	waitFor(t, b, "the automatic save", `!!document.body && document.body.innerText.includes("have been saved")`, 20*time.Second)
	resp, err := p.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var answers struct{ Values map[string]any }
	json.Unmarshal(resp.Answers, &answers)
	if answers.Values["practitioner_name"] != "Typed but never saved" {
		t.Fatalf("what was typed was lost: %v", answers.Values["practitioner_name"])
	}
}
