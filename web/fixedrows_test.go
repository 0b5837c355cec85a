package web

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/engine"
	"formportal/forms"
)

// fixedRowsForms are the fixtures with a table that starts with fixed rows (GP, School) in the referral's
// concern page.
func fixedRowsForms(t *testing.T) *forms.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, name := range []string{"family", "referral"} {
		data, err := os.ReadFile("../testdata/valid/" + name + "/form.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if name == "referral" {
			text := strings.Replace(string(data), "      - id: documents\n", `      - id: professionals
        type: table
        label: Professionals who know the child
        maxRows: 3
        fixedRows:
          - { id: gp, label: GP }
          - { id: school, label: School }
        columns:
          - { id: name, type: text, label: Name, required: true }
          - { id: telephone, type: phone, label: Telephone number }
      - id: documents
`, 1)
			data = []byte(text)
		}
		fsys[name+".yaml"] = &fstest.MapFile{Data: data}
	}
	lib, err := forms.LoadFrom(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// TestFixedRowsAreFilledNotRemoved: a table's fixed rows are on the page before anything is typed,
// headed by their labels, changed on their row pages, kept when cleared, and never removed, even by a
// crafted post; rows added after them are ordinary rows.
func TestFixedRowsAreFilledNotRemoved(t *testing.T) {
	e, _ := newDelegationEnv(t)
	e.useForms(fixedRowsForms(t))
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"

	b.get(pages+"concern").status(200).see("Professionals who know the child", "GP", "School", "Change GP", "Change School")
	if removeRE.MatchString(b.last) {
		t.Fatalf("a fixed row has a Remove button:\n%s", htmlText(b.last))
	}
	b.get(pages+"concern?field=professionals&row=0").status(200).see("Change GP", "Name")
	b.post(pages+"concern?field=professionals&row=0", "row.name", "Dr Patel", "row.telephone", "01632960001", "action", "save-row").
		see("GP has been saved", "Dr Patel", "01632960001")
	b.post(pages+"concern?field=professionals&row=new", "row.name", "Youth worker", "action", "save-row").see("Youth worker")
	b.removeAction("professionals", 2) // the added row can be removed
	// Cleared, the school row stays, blank.
	b.post(pages+"concern?field=professionals&row=1", "row.name", "", "action", "save-row").see("School")
	// The table is full with three rows: no more can be added.
	b.get(pages + "concern").see("You have added 3 rows, the most this can hold")

	// A crafted removal of the GP row is refused, and nothing changes.
	b.post(pages+"concern", "action", "remove:professionals:0:0123456789abcdef01234567").status(http.StatusBadRequest).see("That row cannot be removed")

	resp, err := e.store.Response(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var draft engine.Answers
	if err := json.Unmarshal(resp.Answers, &draft); err != nil {
		t.Fatal(err)
	}
	rows, _ := draft.Values["professionals"].([]any)
	if len(rows) != 3 {
		t.Fatalf("stored rows = %v", rows)
	}
	gp, school := rows[0].(map[string]any), rows[1].(map[string]any)
	if gp[engine.FixedRowKey] != "gp" || gp["name"] != "Dr Patel" || school[engine.FixedRowKey] != "school" || school["name"] != nil && school["name"] != "" {
		t.Errorf("stored rows = %v", rows)
	}
	if _, marked := rows[2].(map[string]any)[engine.FixedRowKey]; marked {
		t.Errorf("the added row is stored as a fixed row: %v", rows[2])
	}
}
