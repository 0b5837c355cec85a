package web

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"formportal/apikey"
	"formportal/forms"
)

// signatureEnv serves the family fixture with a required signature on its practitioner page.
func signatureEnv(t *testing.T) (*env, string) {
	t.Helper()
	return familyEnvWith(t, "      - { id: signed, type: signature, label: Signature of the practitioner, required: true }\n")
}

// familyEnvWith serves the family fixture with these questions (YAML lines) added to its practitioner
// page: the case system's API key.
func familyEnvWith(t *testing.T, fields string) (*env, string) {
	t.Helper()
	data, err := os.ReadFile("../testdata/valid/family/form.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "prefill: familyName, readOnly: true }\n", "prefill: familyName, readOnly: true }\n"+fields, 1)
	lib, err := forms.LoadFrom(fstest.MapFS{"family.yaml": &fstest.MapFile{Data: []byte(s)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(_ *Config, o *Options) { o.Forms = lib })
	_, key, err := apikey.New(context.Background(), e.store, apikey.Spec{Name: "lcs"}, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e, key
}

// A signature posted as the browser posts it (multipart): the name is needed, today's date is filled in,
// a date in the future is refused with what was typed kept, and the answer reads as one thing.
func TestSignatureOnThePage(t *testing.T) {
	e, key := signatureEnv(t)
	code, out := e.api(key, "POST", "/delegations", newDelegation("pro@school.example"))
	if code != http.StatusCreated {
		t.Fatalf("create delegation: %d %v", code, out)
	}
	id := out["id"].(string)
	b := e.register("pro@school.example")
	page := "/tasks/" + id + "/pages/practitioner"
	// The clock says 2 March 2026: the date signed is filled in with it.
	b.get(page).see("Signature of the practitioner", "Full name", "Date signed", "Today's date is filled in")
	for part, want := range map[string]string{"day": "2", "month": "3", "year": "2026"} {
		if !strings.Contains(b.last, `name="signed.`+part+`" type="text" inputmode="numeric" value="`+want+`"`) {
			t.Errorf("the signature's %s is not filled in with today's (%s)", part, want)
		}
	}
	fields := []string{"name", "Sam Jones", "phone", "01632960001", "action", "save"}
	b.postMultipart(page, append(fields, "signed.name", "", "signed.day", "2", "signed.month", "3", "signed.year", "2026")...).
		see("Your answers have been saved")
	b.get("/tasks/" + id + "/submit").see("Enter your full name")
	b.get(page)
	b.postMultipart(page, append(fields, "signed.name", "Jane Smith", "signed.day", "3", "signed.month", "3", "signed.year", "2026")...).
		see("The date signed must be today or in the past", "Jane Smith")
	if !strings.Contains(b.last, `name="signed.day" type="text" inputmode="numeric" value="3"`) {
		t.Error("the date typed was not kept")
	}
	b.postMultipart(page, append(fields, "signed.name", "Jane Smith", "signed.day", "1", "signed.month", "3", "signed.year", "2026")...).
		see("Your answers have been saved")
	b.get("/tasks/" + id + "/print").see("Signed by Jane Smith on 1 March 2026")
	b.get("/tasks/" + id + "/pdf").status(http.StatusOK)
	if text := pdfText(t, []byte(b.last)); !strings.Contains(text, "Signed by Jane Smith on 1 March 2026") {
		t.Errorf("the PDF does not show the signature:\n%s", text)
	}

	// Submitted (the other pages answered), the case system reads { name, date }.
	b.get("/tasks/" + id + "/pages/chronology")
	b.post("/tasks/"+id+"/pages/chronology", "action", "add:events")
	b.post("/tasks/"+id+"/pages/chronology?field=events&row=new", "row.date.day", "3", "row.date.month", "2", "row.date.year", "2026",
		"row.event", "Home visit", "action", "save-row").see("Row 1 has been saved")
	b.get("/tasks/" + id + "/pages/health/c1")
	b.post("/tasks/"+id+"/pages/health/c1", "registered_gp", "no", "action", "next")
	b.post("/tasks/"+id+"/pages/health/c2", "registered_gp", "no", "action", "save")
	b.get("/tasks/" + id + "/submit")
	b.post("/tasks/" + id + "/submit").see("Contribution submitted")
	_, sub := e.api(key, "GET", "/delegations/"+id+"/submission", nil)
	raw, _ := json.Marshal(sub)
	if !strings.Contains(string(raw), `"signed":{"date":"2026-03-01","name":"Jane Smith"}`) {
		t.Errorf("the submission's signature: %s", raw)
	}
}
