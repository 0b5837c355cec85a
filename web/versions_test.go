package web

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"formportal/casework"
	"formportal/engine"
	"formportal/forms"
	"formportal/store"
)

// concernVersion is the fixture referral form (version 2) with edits, loaded as a later version.
func concernVersion(t *testing.T, version string, edits ...string) *engine.Form {
	t.Helper()
	b, err := os.ReadFile("../testdata/valid/referral/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "\nversion: 2\n", "\nversion: "+version+"\n", 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("the fixture no longer holds %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	f, diags := engine.Load("concern-v"+version+".yaml", []byte(s))
	if f == nil {
		t.Fatalf("version %s does not load: %v", version, diags)
	}
	return f
}

func publish(t *testing.T, e *env, list []*engine.Form, migrate bool) casework.Published {
	t.Helper()
	res, err := e.app.work.Publish(context.Background(), list, casework.PublishOptions{By: "test", Migrate: migrate})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// schemaOf compiles a form version's derived submission schema.
func schemaOf(t *testing.T, f *engine.Form) *jsonschema.Schema {
	t.Helper()
	raw, err := json.Marshal(f.SubmissionSchema())
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("submission.json", bytes.NewReader(raw)); err != nil {
		t.Fatal(err)
	}
	return c.MustCompile("submission.json")
}

func TestDraftKeepsItsVersionAfterABreakingPublish(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	publish(t, e, e.app.forms.All(), false)
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"
	b.post(pages+"you", "your_name", "Rose Berry", "action", "save").see("Your form has been saved")

	// Version 3 breaks drafts: the postcode becomes required, "Other" goes, and it asks for them to move.
	v3 := concernVersion(t, "3",
		"    title: Your details\n", "    title: About you\n",
		"        pattern: \"^[A-Za-z]", "        required: true\n        pattern: \"^[A-Za-z]",
		"          - { value: other, label: Other }\n", "",
		"        showWhen: { field: categories, contains: other }\n", "",
		"                - not: { field: categories, contains: other }\n", "                - { field: risk, equals: low }\n",
		"sections:\n", "migrate: compatible\nsections:\n")
	if res := publish(t, e, []*engine.Form{v3}, false); res.Moved != 0 || res.Stayed != 1 {
		t.Fatalf("publishing a breaking version: %+v, want the draft to stay", res)
	}
	if got := e.app.forms.Get("concern"); got.Version != 3 {
		t.Fatalf("current version %d, want 3", got.Version)
	}

	// Opened with version 2: its titles, and its rules (no postcode needed, "Other" still offered).
	b.get(pages+"you").see("Your details", "Rose Berry")
	if strings.Contains(b.last, "About you") {
		t.Fatal("the draft is shown with version 3")
	}
	b.post(pages+"you", "your_name", "Rose Berry", "action", "next").see("Your concern", "Other")
	if strings.Contains(b.last, "Enter a real postcode") || strings.Contains(b.last, "There is a problem") {
		t.Fatalf("the draft is validated with version 3:\n%s", htmlText(b.last))
	}
	b.post(pages+"concern", "categories", "other", "other_detail", "Left alone at night", "action", "next")
	b.get("/referrals/"+id+"/print").see("Your details", "Describe the other concern", "Left alone at night")
	if text := pdfText(t, []byte(b.get("/referrals/"+id+"/pdf").last)); !strings.Contains(text, "Your details") || strings.Contains(text, "About you") {
		t.Fatalf("the draft's PDF is not version 2's:\n%s", text)
	}

	b.get(pages + "declaration")
	b.post(pages+"declaration", "agree", "yes", "action", "submit").see("Check your answers before submitting")
	b.post("/referrals/" + id + "/submit").see("Form submitted")
	r, err := e.store.Response(ctx, id)
	if err != nil || r.FormVersion != 2 || r.Status != store.StatusSubmitted {
		t.Fatalf("submitted: %+v, %v", r, err)
	}
	var sub any
	if err := json.Unmarshal(r.Submission, &sub); err != nil {
		t.Fatal(err)
	}
	if err := schemaOf(t, e.app.forms.Version("concern", 2)).Validate(sub); err != nil {
		t.Fatalf("the submission does not fit version 2's schema: %v", err)
	}
	if err := schemaOf(t, v3).Validate(sub); err == nil {
		t.Fatal("the submission fits version 3's schema too: the test proves nothing")
	}

	// A new referral starts on version 3.
	b.get("/referrals/new/concern?as=public")
	b.post("/referrals/new/concern?as=public").see("About you")
}

func TestCompatiblePublishMovesDraftsAndCarriesRenames(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	publish(t, e, e.app.forms.All(), false)
	b, id := startConcern(t, e, "rose@example.org")
	pages := "/referrals/" + id + "/pages/"
	b.post(pages+"you", "your_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save").see("Your form has been saved")

	// Version 3 renames the name question and retitles the page: compatible, and it asks drafts to move.
	v3 := concernVersion(t, "3",
		"    title: Your details\n", "    title: About you\n",
		"      - id: your_name\n", "      - id: full_name\n        renamedFrom: your_name\n",
		"sections:\n", "migrate: compatible\nsections:\n")
	if ds := engine.Compat(e.app.forms.Version("concern", 2), v3); ds.HasErrors() {
		t.Fatalf("version 3 is not compatible: %v", ds)
	}
	if res := publish(t, e, []*engine.Form{v3}, false); res.Moved != 1 || res.Stayed != 0 {
		t.Fatalf("publishing a compatible version: %+v, want the draft moved", res)
	}
	r, _ := e.store.Response(ctx, id)
	if r.FormVersion != 3 {
		t.Fatalf("the draft is on version %d, want 3", r.FormVersion)
	}
	var answers engine.Answers
	json.Unmarshal(r.Answers, &answers)
	if answers.Values["full_name"] != "Rose Berry" || answers.Values["your_name"] != nil || answers.Values["postcode"] != "OX1 1NE" {
		t.Fatalf("answers after the move: %v", answers.Values)
	}
	b.get(pages+"you").see("About you", "Rose Berry", "OX1 1NE")
	events, _ := e.store.Events(ctx, id)
	last := events[len(events)-1]
	if last.Kind != "migrated" || !strings.Contains(last.Detail, "from concern version 2 to version 3") {
		t.Fatalf("the move is not in the history: %+v", last)
	}

	// Without migrate: compatible or the publish flag, drafts stay; with the flag they move.
	b.post(pages+"you", "full_name", "Rose Berry", "postcode", "OX1 1NE", "action", "save")
	v4 := concernVersion(t, "4",
		"    title: Your details\n", "    title: About you and how to reach you\n",
		"      - id: your_name\n", "      - id: full_name\n")
	if res := publish(t, e, []*engine.Form{v4}, false); res.Moved != 0 {
		t.Fatalf("a draft moved unasked: %+v", res)
	}
	if r, _ := e.store.Response(ctx, id); r.FormVersion != 3 {
		t.Fatalf("the draft is on version %d, want 3", r.FormVersion)
	}
	v5 := concernVersion(t, "5",
		"    title: Your details\n", "    title: Your name and postcode\n",
		"      - id: your_name\n", "      - id: full_name\n")
	if res := publish(t, e, []*engine.Form{v5}, true); res.Moved != 1 {
		t.Fatalf("the publish flag did not move the draft: %+v", res)
	}
	b.get(pages+"you").see("Your name and postcode", "Rose Berry")

	// The staff console counts open responses per version.
	staff := e.staff("staff@council.example", false)
	staff.get("/staff/forms").see("Forms and versions", "Concern about a child")
	page := htmlText(staff.last)
	for _, want := range []string{"Version 2 2 March 2026 0", "Version 3 2 March 2026 0", "Version 4 2 March 2026 0", "Version 5 Current 2 March 2026 1"} {
		if !strings.Contains(page, want) {
			t.Errorf("the forms page does not say %q:\n%s", want, page)
		}
	}
}

// TestUnopenedVersion2DelegationGetsThePrefill: a Multi-Agency Chronology sent on version 2, before its
// "Your details" questions were prefilled from the professional's account, and not opened yet, moves
// when the bundled version is published (it says migrate: compatible), so its first opening fills them.
func TestUnopenedVersion2DelegationGetsThePrefill(t *testing.T) {
	e, key := newDelegationEnv(t)
	ctx := context.Background()
	data, err := os.ReadFile("../testdata/published/multi-agency-chronology.v2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v2, diags := engine.Load("multi-agency-chronology.v2.yaml", data)
	if v2 == nil || v2.Version != 2 {
		t.Fatalf("version 2 does not load: %v", diags)
	}
	e.useForms(forms.New([]*engine.Form{v2}))
	publish(t, e, e.app.forms.All(), false)
	id := e.delegateToRose(key, v2, 1)

	bundled, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	current := bundled.Get("multi-agency-chronology")
	if res := publish(t, e, []*engine.Form{current}, false); res.Moved != 1 || res.Stayed != 0 {
		t.Fatalf("publishing version %d: %+v, want the delegation moved", current.Version, res)
	}
	if r, err := e.store.Response(ctx, id); err != nil || r.FormVersion != current.Version || r.Status != store.StatusSent {
		t.Fatalf("after the publish: %+v, %v", r, err)
	}

	rose := e.register("pro@school.example")
	rose.get("/account").post("/account", "forename", "Rose", "surname", "Berry", "organisation", "Cherwell School", "phone", "01632 960 001").
		see("Your account details have been saved")
	rose.get("/tasks/"+id).get("/tasks/"+id+"/pages/practitioner").
		see("Name of practitioner", "Rose Berry", "pro@school.example", "Cherwell School", "01632960001")
}
