package casework_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"formportal/casework"
	"formportal/engine"
	"formportal/store"
)

// edit changes a response's draft answers as its author would.
func (e *env) edit(t *testing.T, r *store.Response, change func(a *engine.Answers)) {
	t.Helper()
	if _, err := e.work.SaveDraft(context.Background(), r.ID, r.OwnerEmail, func(cur *store.Response) (casework.Edit, error) {
		var a engine.Answers
		if err := json.Unmarshal(cur.Answers, &a); err != nil {
			return casework.Edit{}, err
		}
		change(&a)
		raw, err := json.Marshal(a)
		return casework.Edit{Answers: raw}, err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestReturnWithMarksAndTheChangesAfter(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.delegate(t, "multi-agency-chronology", 2)
	e.answer(t, r)
	sub, err := e.work.Submit(ctx, r.ID, r.OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.work.ChangesSinceReturn(ctx, sub); got != nil {
		t.Fatalf("a first submission has changes since a return: %+v", got)
	}
	var a engine.Answers
	json.Unmarshal(sub.Submission, &a)
	rows := a.Values["chronology_entries"].([]any)
	if len(rows) < 2 {
		t.Fatalf("sample answers have %d chronology rows", len(rows))
	}

	for _, bad := range [][]casework.Mark{
		{{Path: "no_such_question", Comment: "?"}},
		{{Path: "chronology_entries[99]", Comment: "?"}},
		{{Path: "chronology_entries[0]", Comment: "  "}},
		{{Path: "chronology_entries[0]", Comment: "a"}, {Path: "chronology_entries[0]", Comment: "b"}},
		{{Path: "chronology_entries[0]", Comment: strings.Repeat("x", casework.MaxMarkLength+1)}},
	} {
		if _, err := e.work.ReturnForInformation(ctx, r.ID, "jo@council.example", "Insufficient Detail", "", bad...); !errors.Is(err, casework.ErrMarks) {
			t.Fatalf("marks %v: %v", bad, err)
		}
	}
	if got, _ := e.st.Response(ctx, r.ID); got.Status != store.StatusSubmitted {
		t.Fatalf("refused marks changed the delegation to %s", got.Status)
	}
	marks := []casework.Mark{{Path: "chronology_entries[1]", Comment: "Which school was this?"}, {Path: "practitioner_role", Comment: "Your job title, please"}}
	returned, err := e.work.ReturnForInformation(ctx, r.ID, "jo@council.example", "Insufficient Detail", "See the marks", marks...)
	if err != nil {
		t.Fatal(err)
	}
	open, err := e.work.OpenMarks(ctx, returned)
	if err != nil || len(open) != 2 || open["chronology_entries[1]"] != "Which school was this?" {
		t.Fatalf("marks shown to the professional: %v, %v", open, err)
	}

	// The professional changes the marked row, removes another and adds one, and changes the answer.
	e.edit(t, returned, func(a *engine.Answers) {
		rows := a.Values["chronology_entries"].([]any)
		row := map[string]any{}
		for k, v := range rows[1].(map[string]any) {
			row[k] = v
		}
		row["event"] = "Meeting at Cherwell School"
		added := map[string]any{}
		for k, v := range row {
			added[k] = v
		}
		added["event"] = "Follow-up call"
		a.Values["chronology_entries"] = append([]any{rows[0], row}, added)
		a.Values["practitioner_role"] = "Designated safeguarding lead"
	})
	resub, err := e.work.Submit(ctx, r.ID, r.OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if open, _ := e.work.OpenMarks(ctx, resub); open != nil {
		t.Fatalf("marks still shown after resubmitting: %v", open)
	}
	got, err := e.work.ChangesSinceReturn(ctx, resub)
	if err != nil || got == nil {
		t.Fatalf("changes since the return: %v, %v", got, err)
	}
	kinds := map[string][]string{}
	for _, c := range got.Changes {
		kinds[c.Kind] = append(kinds[c.Kind], c.Path)
	}
	if len(got.Round.Marks) != 2 || !strings.Contains(strings.Join(kinds[engine.ChangeChanged], " "), "practitioner_role") ||
		!strings.Contains(strings.Join(kinds[engine.ChangeChanged], " "), "chronology_entries[1]") || len(kinds[engine.ChangeAdded])+len(kinds[engine.ChangeRemoved]) == 0 {
		t.Fatalf("changes: %+v", got.Changes)
	}
}
