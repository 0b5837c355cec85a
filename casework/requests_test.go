package casework_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/store"
)

// threeAgencies is a request for the chronology section to a school, a GP and the police.
func threeAgencies(t *testing.T, e *env) casework.MultiAgency {
	t.Helper()
	form := e.forms.Get("multi-agency-chronology")
	raw, _ := json.Marshal(enginetest.CaseData(form, 3))
	return casework.MultiAgency{Form: form.ID, Sections: []string{"chronology"}, CaseData: raw, To: []casework.Contribution{
		{To: casework.Professional{Email: "Head@School.example", Name: "Sam Head", Organisation: "Hill Primary"}, DueDate: "2026-03-20", Comments: "Since 2024"},
		{To: casework.Professional{Email: "gp@surgery.example", Name: "Dr Patel", Organisation: "Elm Surgery"}, DueDate: "2026-03-27"},
		{To: casework.Professional{Email: "pc@police.example", Name: "PC Lane", Organisation: "Thames Valley Police"}},
	}}
}

func TestSendRequestMakesOneDelegationPerAgencyInOneTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := threeAgencies(t, e)
	q, list, err := e.work.SendRequest(ctx, "jo@council.example", m)
	if err != nil {
		t.Fatal(err)
	}
	if c := e.count(t); c != (counts{responses: 3, audits: 4, mails: 3, events: 3}) {
		t.Fatalf("after sending to three agencies: %+v", c)
	}
	stored, err := e.st.RequestResponses(ctx, q.ID)
	if err != nil || len(stored) != 3 || len(list) != 3 {
		t.Fatalf("request's delegations: %d stored, %d answered, %v", len(stored), len(list), err)
	}
	for i, r := range stored {
		want := m.To[i]
		if r.OwnerEmail != strings.ToLower(want.To.Email) || r.OwnerOrg != want.To.Organisation || r.DueDate != want.DueDate ||
			r.Comments != want.Comments || r.Status != store.StatusSent || len(r.Sections) != 1 || r.Sections[0] != "chronology" {
			t.Fatalf("delegation %d: %+v, want %+v", i, r, want)
		}
		mails, _ := e.st.MailAbout(ctx, r.ID)
		if len(mails) != 1 || mails[0].To != r.OwnerEmail || strings.Contains(mails[0].Text, "Boreo") {
			t.Fatalf("delegation %d's email: %+v (one, to its professional, naming no child)", i, mails)
		}
	}
	got, err := e.st.Request(ctx, q.ID)
	if err != nil || got.FormID != "multi-agency-chronology" || got.CreatedBy != "jo@council.example" {
		t.Fatalf("request: %+v, %v", got, err)
	}

	// Progress follows each delegation on its own: one re-assigned, one retracted, one opened.
	if _, err := e.work.Reassign(ctx, stored[0].ID, "jo@council.example", casework.Professional{Email: "deputy@school.example", Name: "Deputy"}, "on leave"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.work.Retract(ctx, stored[1].ID, "jo@council.example", "not involved"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.work.Opened(ctx, stored[2].ID, engine.Submitter{Type: engine.AudienceProf, Email: "pc@police.example"}); err != nil {
		t.Fatal(err)
	}
	_, progress, err := e.work.RequestProgress(ctx, q.ID)
	if err != nil || len(progress) != 3 {
		t.Fatalf("progress: %v, %v", progress, err)
	}
	if p := progress[0]; !p.Reassigned || p.Delegation.OwnerEmail != "deputy@school.example" || p.Delegation.Status != store.StatusSent {
		t.Fatalf("re-assigned: %+v", p)
	}
	if p := progress[1]; p.Reassigned || p.Delegation.Status != store.StatusRetracted {
		t.Fatalf("retracted: %+v", p)
	}
	if p := progress[2]; p.Delegation.Status != store.StatusOpened || p.Undeliverable() || p.Mail == nil || p.AutoReply != nil {
		t.Fatalf("opened: %+v", p)
	}
	if _, _, err := e.work.RequestProgress(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a missing request: %v", err)
	}
}

func TestSendRequestIsWholeOrNotAtAll(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, step := range []string{"mail", "audit"} {
		e.faults.fail(step)
		if _, _, err := e.work.SendRequest(ctx, "jo@council.example", threeAgencies(t, e)); !errors.Is(err, errInjected) {
			t.Fatalf("send with %s failing: %v", step, err)
		}
		if c := e.count(t); c != (counts{}) {
			t.Fatalf("a request whose %s failed left %+v behind", step, c)
		}
		if list, _ := e.st.ListRequests(ctx, 10); len(list) != 0 {
			t.Fatalf("a request whose %s failed was kept: %+v", step, list)
		}
	}
}

func TestSendRequestRefusesWhatItCannotSend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	twice := threeAgencies(t, e)
	twice.To[2].To.Email = " GP@surgery.example"
	none := threeAgencies(t, e)
	none.To = nil
	many := threeAgencies(t, e)
	for range casework.MaxAgencies {
		many.To = append(many.To, many.To[0])
	}
	badSection := threeAgencies(t, e)
	badSection.Sections = []string{"nope"}
	for name, m := range map[string]casework.MultiAgency{"twice": twice, "none": none, "too many": many} {
		if _, _, err := e.work.SendRequest(ctx, "jo@council.example", m); !errors.Is(err, casework.ErrRequest) {
			t.Fatalf("%s: %v, want ErrRequest", name, err)
		}
	}
	if _, _, err := e.work.SendRequest(ctx, "jo@council.example", badSection); err == nil {
		t.Fatal("a section that is not delegable was sent")
	}
	if c := e.count(t); c != (counts{}) {
		t.Fatalf("refused requests left %+v", c)
	}
}
