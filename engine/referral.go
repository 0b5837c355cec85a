package engine

import (
	"strings"
	"time"
)

// Submitter is the signed-in person who starts a referral, as the portal supplies them to the form.
type Submitter struct {
	Type         string // AudienceProf or AudiencePublic: the portal door they came in by
	Name         string
	Email        string
	Organisation string // may be empty: accounts need not give one
	Telephone    string // may be empty
}

// submitterProperties are the properties of the submitter in a referral's case data.
var submitterProperties = []string{"type", "name", "email", "organisation", "telephone"}

// ReferralCaseData is the case data every referral starts with: the submitter's account, and nothing
// else. A referral's caseData must accept it (the referral-case-data rule checks that it does).
func ReferralCaseData(s Submitter) map[string]any {
	return map[string]any{"submitter": map[string]any{"type": s.Type, "name": s.Name, "email": s.Email,
		"organisation": s.Organisation, "telephone": s.Telephone}}
}

// FillSubmitter fills the questions prefilled from submitter.* (the person completing the form) that a
// leaves unanswered, from s. A delegation's case data comes from the council, which does not know
// the professional's account, so the portal calls it when the professional first opens the delegation.
// An answer already there is kept, and what it fills stays theirs to change: read-only questions, and
// sections outside sections (the delegated ones; all when empty), are left alone. A value the question
// would refuse is left out (submitterValue). It reports whether it filled any.
func (f *Form) FillSubmitter(a *Answers, s Submitter, sections []string) bool {
	data, filled := ReferralCaseData(s), false
	f.submitterFields(sections, func(fd *Field) {
		if x := a.Values[fd.ID]; x != nil && x != "" {
			return // answered already
		}
		x, ok := prefillValue(fd, data, fd.Prefill)
		if !ok || x == "" {
			return
		}
		if x, ok = f.submitterValue(fd, x); ok {
			if a.Values == nil {
				a.Values = map[string]any{}
			}
			a.Values[fd.ID], filled = x, true
		}
	})
	return filled
}

// submitterValue is x, a detail of the person's account that fd is prefilled with, as the question keeps
// it (a telephone number as digits), or ok false when the question itself would refuse it (a telephone
// number kept with letters in it, a name longer than the question's maxLength): filled in, it would be
// an error on a page the person has not touched, so the question is left for them to answer.
func (f *Form) submitterValue(fd *Field, x any) (any, bool) {
	now := time.Now()
	v := &validation{form: f, today: now.Format(time.DateOnly), now: now, w: wordsIn(f.Lang())}
	out, _, msg := v.check(fd, x, &scope{v: v})
	if msg != "" {
		return nil, false
	}
	if text, ok := out.(string); ok {
		return text, true
	}
	return x, true // a signature stays the name to sign with, dated when it is signed
}

// ClearSubmitter takes away the answers of the questions FillSubmitter fills, for a delegation passed to
// another professional before anyone saved it: they came from the first professional's account, and
// the next one's first opening fills them from theirs. It reports whether there were any.
func (f *Form) ClearSubmitter(a *Answers, sections []string) bool {
	cleared := false
	f.submitterFields(sections, func(fd *Field) {
		if _, ok := a.Values[fd.ID]; ok {
			delete(a.Values, fd.ID)
			cleared = true
		}
	})
	return cleared
}

// submitterFields visits the questions of sections (all when empty) prefilled from submitter.* that the
// portal fills from a delegation's professional: outside per-child and repeated sections, not read-only.
func (f *Form) submitterFields(sections []string, visit func(*Field)) {
	for _, sec := range f.Sections {
		if sec.PerChild || sec.RepeatFor != "" || len(sections) > 0 && !containsString(sections, sec.ID) {
			continue // a child's or an item's page has no submitter to fill from
		}
		for _, fd := range sec.Fields {
			if !fd.ReadOnly && strings.HasPrefix(fd.Prefill, caseDataSubmitter+".") {
				visit(fd)
			}
		}
	}
}

// delegationSubmitter is the schema of what the portal supplies a delegation as submitter (FillSubmitter):
// the professional's account. The council does not send it, so a delegation's caseData need not declare it.
var delegationSubmitter = func() map[string]any {
	props := map[string]any{}
	for _, p := range submitterProperties {
		props[p] = map[string]any{"type": "string"}
	}
	return map[string]any{"type": "object", "properties": props}
}()

// referralSamples are the case data the portal can start a referral of the audience with: an account
// with every detail, and one with only what an account must have.
func referralSamples(audience string) []struct {
	who  string
	data map[string]any
} {
	who := map[string]string{AudienceProf: "a professional", AudiencePublic: "a member of the public"}[audience]
	return []struct {
		who  string
		data map[string]any
	}{
		{who, ReferralCaseData(Submitter{Type: audience, Name: "Sam Jones", Email: "sam.jones@example.org", Organisation: "Hill Primary School", Telephone: "01632960001"})},
		{who + " with no organisation or telephone on their account", ReferralCaseData(Submitter{Type: audience, Name: "Sam Jones", Email: "sam.jones@example.org"})},
	}
}

// checkReferralCaseData: the portal starts a referral with the submitter's account as its case data.
// A caseData that refuses it lints clean but makes starting the form fail; a prefill from anything else
// is never filled.
func (c *checker) checkReferralCaseData() {
	f := c.form
	if f.Kind != KindReferral {
		return
	}
	if f.CaseData == nil {
		c.errorf("/kind", "referral-case-data", "a referral starts with the case data the portal supplies, the person's account as submitter (%s), but the form declares no caseData, so starting it would fail: declare caseData with submitter", strings.Join(submitterProperties, ", "))
		return
	}
	if f.caseData == nil {
		return // reported by case-data-schema
	}
	c.checkReferralSamples()
	if f.PerChild() || c.hasChildrenColumn() {
		c.errorf("/kind", "referral-case-data", "the portal supplies no children to a referral, so its per-child sections and children columns would have no child to ask about: ask about the children with a list instead")
	}
	c.form.walkFields(func(fd *Field) {
		if fd.Prefill == "" || fd.parent != nil {
			return
		}
		parts := strings.Split(fd.Prefill, ".")
		if len(parts) == 2 && parts[0] == "submitter" && containsString(submitterProperties, parts[1]) {
			return
		}
		c.warnf(fd.pointer+"/prefill", "referral-case-data", "%s is prefilled from %s, but the portal supplies a referral only with submitter.%s, so it is never filled",
			fd.place(), fd.Prefill, strings.Join(submitterProperties, ", submitter."))
	})
}

// checkReferralSamples reports the first case data the portal can supply that caseData refuses.
func (c *checker) checkReferralSamples() {
	for _, audience := range c.form.Audience {
		for _, sample := range referralSamples(audience) {
			if errs := c.form.CheckCaseData(sample.data); len(errs) > 0 {
				e := errs[0]
				c.errorf(c.caseDataPointer(e.Path), "referral-case-data", "caseData refuses what the portal supplies when %s starts the referral (at %s: %s), so starting it would fail: caseData must accept submitter with %s, where organisation and telephone may be empty",
					sample.who, e.Path, e.Message, strings.Join(submitterProperties, ", "))
				return
			}
		}
	}
}

// caseDataPointer finds where in the caseData schema a case-data path is declared, or the nearest
// place above it.
func (c *checker) caseDataPointer(path string) string {
	p := "/caseData"
	if path == "/" || path == "" {
		if _, ok := c.src.nodes[p+"/required"]; ok {
			return p + "/required"
		}
		return p
	}
	for _, part := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		next := p + "/properties/" + part
		if _, ok := c.src.nodes[next]; !ok {
			break
		}
		p = next
	}
	return p
}

// checkOverview: a referral opens with an overview, its first section, which people read before they
// sign in and which is never answered. overview: true says which section it is.
func (c *checker) checkOverview() {
	f := c.form
	for i, s := range f.Sections {
		if !s.Overview {
			continue
		}
		switch {
		case f.Kind != KindReferral:
			c.errorf(s.pointer+"/overview", "overview", "%s is marked overview, but only a referral has an overview: the portal opens a delegation on its first question", s.place())
			continue
		case i > 0:
			c.errorf(s.pointer+"/overview", "overview", "%s is marked overview, but the overview must be the first section: people read it before they start", s.place())
			continue
		}
		for _, prop := range []struct {
			name string
			set  bool
		}{{"showWhen", s.ShowWhen != nil}, {"perChild", s.PerChild}, {"delegable", s.Delegable}} {
			if prop.set {
				c.errorf(s.pointer+"/"+prop.name, "overview", "the overview, %s, is always shown once, before the form starts: remove %s", s.place(), prop.name)
			}
		}
		for _, fd := range s.Fields {
			if fd.Answerable() {
				c.errorf(fd.pointer, "overview", "%s is a question, but the overview is read before signing in and never answered: move it to the next section, or make it content", fd.place())
			}
		}
	}
	if f.Kind == KindReferral && len(f.Sections) > 0 && !f.Sections[0].Overview {
		s := f.Sections[0]
		c.errorf(s.pointer, "overview", "a referral opens with an overview that people read before they sign in, and the portal shows its first section, %s, as that overview, read-only: mark it overview: true and give it only content (put the questions in the next section)", s.place())
	}
}

// checkConditionOrder warns when a question is shown by the answer to a question that comes after it:
// the person reaches it before they have given the answer that decides whether it is asked.
func (c *checker) checkConditionOrder() {
	order := map[*Field]int{}
	c.form.walkFields(func(fd *Field) { order[fd] = len(order) })
	sectionOf := map[*Section]int{}
	for i, s := range c.form.Sections {
		sectionOf[s] = i
	}
	for _, s := range c.form.Sections {
		for _, cond := range s.ShowWhen.comparisons() {
			if t := cond.target; t != nil && sectionOf[t.section] > sectionOf[s] {
				c.warnf(cond.pointer+"/field", "condition-order", "%s is shown by the answer to %s, which comes later, so the person answers it after the section it controls: move the question before the section", s.place(), t.place())
			}
		}
	}
	c.form.walkFields(func(fd *Field) {
		for _, cond := range fd.ShowWhen.comparisons() {
			if t := cond.target; t != nil && order[t] > order[fd] && !c.inCycle[fd] {
				c.warnf(cond.pointer+"/field", "condition-order", "%s is shown by the answer to %s, which comes after it, so the person answers that after the question it controls: move %s before it", fd.place(), t.place(), "`"+t.ID+"`")
			}
		}
	})
}

// comparisons lists the comparisons of a condition, through all, any and not.
func (c *Condition) comparisons() []*Condition {
	if c == nil {
		return nil
	}
	if c.All == nil && c.Any == nil && c.Not == nil {
		return []*Condition{c}
	}
	var out []*Condition
	for _, s := range c.All {
		out = append(out, s.comparisons()...)
	}
	for _, s := range c.Any {
		out = append(out, s.comparisons()...)
	}
	return append(out, c.Not.comparisons()...)
}
