package renderer

import (
	"os"
	"strings"
	"testing"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
)

// TestErrorItemsLinkToTheirInputs: a per-child page's summary links to its inputs' ids, plain on a page
// of its own (the portals) and qualified by the child when several children's pages share one form (the
// preview); either way, to an id the page draws.
func TestErrorItemsLinkToTheirInputs(t *testing.T) {
	data, err := os.ReadFile("../testdata/valid/family/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	form, diags := engine.Load("form.yaml", data)
	if form == nil {
		t.Fatal(diags)
	}
	caseData := enginetest.CaseData(form, 2)
	res := form.Validate(caseData, engine.Answers{Values: map[string]any{}}, engine.ValidateOptions{Today: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	health := form.Section("health")
	for _, qualify := range []bool{false, true} {
		for _, sr := range res.Sections {
			if sr.Section != "health" {
				continue
			}
			in := SectionInput{Section: health, Values: map[string]any{}, Errors: sr.Errors, Prefix: "children." + sr.Child + ".", Qualify: qualify, Action: "/p"}
			items := ErrorItems(in, sr.Errors)
			if len(items) == 0 {
				t.Fatalf("%s: no problems", sr.Child)
			}
			want := "registered_gp"
			if qualify {
				want = "children-" + sr.Child + "-registered_gp"
			}
			if items[0].Field != want {
				t.Errorf("qualify %v, child %s: the summary links to #%s, want #%s", qualify, sr.Child, items[0].Field, want)
			}
			var ids []string
			for _, v := range BuildSection(in) {
				ids = append(ids, v.ID)
			}
			if !strings.Contains(" "+strings.Join(ids, " ")+" ", " "+items[0].Field+" ") {
				t.Errorf("qualify %v: #%s is not among the page's inputs %v", qualify, items[0].Field, ids)
			}
		}
	}
}
