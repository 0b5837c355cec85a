package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"formportal/casework"
	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/store"
)

// Demo account: the README gives these so a newcomer can sign in at once.
const (
	DemoEmail    = "demo.professional@example.org"
	DemoPassword = "demo portal password 2026"

	DemoStaffEmail    = "demo.staff@council.example"
	DemoStaffPassword = "demo staff password 2026"
	// DemoStaffTOTPSecret is the demo admin's authenticator app key, published in the README like the
	// password: add it to an app, or read the current code in the dev mailbox.
	DemoStaffTOTPSecret = "MZXXE3LQN5ZHIYLMEBSGK3LPEBVWK6JB"
)

// SeedDemo adds the demo data once: a council staff member (an admin of the staff console), a
// professional with a verified account, two delegated tasks (a
// Multi-Agency Chronology for two siblings, a Care Plan part 1), and in the Children's Portal a saved
// draft, a submitted referral and one returned for more information. Running it again changes nothing.
func (a *App) SeedDemo(ctx context.Context) error {
	_, err := a.store.UserByEmail(ctx, DemoEmail)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash, err := hashPassword(DemoPassword)
	if err != nil {
		return err
	}
	now := a.now()
	u := &store.User{ID: store.NewID(), Email: DemoEmail, Forename: "Sam", Surname: "Jones", Organisation: "Cherwell Primary School",
		Phone: "01632960001", PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("demo professional: %w", err)
	}
	sender := map[string]any{"name": "Nyree Ellison-Anjos", "department": "ICT Applications and Systems Team",
		"address": "Speedwell House\nSpeedwell Street\nOXFORD\nOX1 1NE", "email": "nyree.ellison-anjos@council.example"}
	delegations := []struct {
		form, due, comments string
		sections            []string
		caseData            map[string]any
	}{
		{"multi-agency-chronology", now.AddDate(0, 0, 14).Format(time.DateOnly), "Please include all contact since January.", nil, map[string]any{
			"familyName": "Boreo family", "address": "41 Test Street, Testertown, TS1 1ST", "sender": sender,
			"children": []any{
				map[string]any{"id": "c1", "name": "Aurora Boreo", "dob": "2016-01-01", "gender": "Female"},
				map[string]any{"id": "c2", "name": "Orion Boreo", "dob": "2018-05-20", "gender": "Male"},
			}}},
		{"care-plan-part-1", "", "", []string{"contributor", "health", "education", "supporting_documentation"}, map[string]any{
			"sender": sender,
			"child": map[string]any{"id": "p1001", "name": "Frodo Bagginski", "dob": "2012-09-22", "gender": "Male",
				"ethnicity": "White - English, Welsh, Scottish, Northern Irish or British", "legalStatus": "Interim care order (section 38)",
				"address": "Address withheld", "placement": map[string]any{"type": "Foster placement with a relative or friend", "address": "Address withheld", "startDate": "2024-11-04"}}}},
	}
	for _, d := range delegations {
		if a.forms.Get(d.form) == nil {
			continue // a council that removed the form
		}
		raw, err := json.Marshal(d.caseData)
		if err != nil {
			return err
		}
		if _, err := a.work.Delegate(ctx, "demo", casework.Delegation{Form: d.form, Sections: d.sections, CaseData: raw, DueDate: d.due, Comments: d.comments,
			To: casework.Professional{Email: DemoEmail, Name: u.Name(), Organisation: u.Organisation}}); err != nil {
			return fmt.Errorf("demo delegation %s: %w", d.form, err)
		}
	}
	staffHash, err := hashPassword(DemoStaffPassword)
	if err != nil {
		return err
	}
	staff := &store.User{ID: store.NewID(), Email: DemoStaffEmail, Forename: "Nyree", Surname: "Ellison-Anjos", Organisation: "Children's Services",
		Role: store.RoleAdmin, PasswordHash: staffHash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now, TOTPSecret: DemoStaffTOTPSecret}
	if err := a.store.CreateUser(ctx, staff); err != nil {
		return fmt.Errorf("demo staff: %w", err)
	}
	if err := a.seedDemoReferrals(ctx, u); err != nil {
		return fmt.Errorf("demo referrals: %w", err)
	}
	a.log.Info("demo data added", "email", DemoEmail)
	return nil
}

// seedDemoReferrals gives the demo professional a saved draft, a submitted form and a returned one, made
// through the same lifecycle as anyone's and dated a few days back.
func (a *App) seedDemoReferrals(ctx context.Context, u *store.User) error {
	now := a.now()
	for i, form := range []string{"safeguarding-concern", "early-help-request", "safeguarding-concern"} {
		f := a.forms.Get(form)
		if f == nil {
			continue
		}
		work := a.work.At(now.AddDate(0, 0, -3+i))
		resp, err := work.StartReferral(ctx, form, referrer(u, engine.AudienceProf))
		if err != nil {
			return err
		}
		var caseData any
		if err := json.Unmarshal(resp.CaseData, &caseData); err != nil {
			return err
		}
		answers := enginetest.Answers(f, caseData, 2, now)
		if i == 0 {
			// A draft: only the first sections answered.
			prefilled, _ := f.Prefill(caseData)
			for _, s := range f.Sections[:min(3, len(f.Sections))] {
				for _, fd := range s.Fields {
					if v, ok := answers.Values[fd.ID]; ok {
						prefilled.Values[fd.ID] = v
					}
				}
			}
			answers = prefilled
		}
		// The pages its author went through are visited, so its answered sections show Completed, not
		// Not started, when the demo opens the draft or the returned form.
		visited := f.Sections
		if i == 0 {
			visited = visited[:min(3, len(visited))]
		}
		for _, s := range visited {
			answers.Visited = append(answers.Visited, s.ID)
		}
		docs := demoDocuments(resp.ID, answers, now)
		draft, err := json.Marshal(answers)
		if err != nil {
			return err
		}
		if _, err := work.SaveDraft(ctx, resp.ID, u.Email, func(*store.Response) (casework.Edit, error) {
			return casework.Edit{Answers: draft, Add: docs}, nil
		}); err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		if _, err := work.Submit(ctx, resp.ID, u.Email); err != nil {
			return fmt.Errorf("sample answers for %s: %w", form, err)
		}
		if i == 2 {
			if _, err := work.ReturnForInformation(ctx, resp.ID, "demo", "Insufficient Detail", "Can you please provide further information regarding this referral?"); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoPDF is a small, valid PDF: the demo's sample document.
const demoPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// demoDocuments stores a real document for every sample document the answers list, so every demo
// answer's download works.
func demoDocuments(respID string, answers engine.Answers, now time.Time) []*store.Attachment {
	var out []*store.Attachment
	add := func(vals map[string]any) {
		for field, v := range vals {
			list, _ := v.([]any)
			for _, it := range list {
				m, _ := it.(map[string]any)
				if _, isDoc := m["kind"]; !isDoc || m["id"] == nil {
					continue
				}
				att := &store.Attachment{ID: store.NewID(), ResponseID: respID, FieldID: field, Name: "report.pdf", Kind: "pdf",
					MediaType: "application/pdf", Size: int64(len(demoPDF)), Content: []byte(demoPDF), CreatedAt: now}
				m["id"], m["name"], m["kind"], m["size"] = att.ID, att.Name, att.Kind, float64(att.Size)
				out = append(out, att)
			}
		}
	}
	add(answers.Values)
	for _, c := range answers.Children {
		add(c)
	}
	return out
}
