package preview

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"formportal/engine"
	"formportal/engine/enginetest"
	"formportal/renderer"
	"formportal/web/assets"
)

// Names of the preview's own inputs. Field ids never contain a hyphen, so these never clash with a
// question of the form.
const (
	audienceParam = "preview-audience"
	childrenParam = "preview-children"
	startParam    = "preview-start"   // "empty" starts from no answers; otherwise the sample answers
	postedParam   = "preview-posted"  // the page's answers are in the address
	drawnParam    = "preview-section" // a page drawn, whose answers are in the address ("health/c1")
	checkParam    = "preview-check"   // show the validation messages
)

// Limits of the designer's choices.
const (
	maxChildren     = 5 // the sample sibling group
	defaultChildren = 2
	sampleRows      = 3 // rows of each table in the sample answers
)

// options are what the designer chose for the preview of a form.
type options struct {
	Audience string
	Children int
	Empty    bool // start from no answers
	Posted   bool
	Check    bool
}

func readOptions(form *engine.Form, q url.Values) options {
	o := options{Audience: form.Audience[0], Children: defaultChildren, Empty: q.Get(startParam) == "empty",
		Posted: q.Get(postedParam) != "", Check: q.Get(checkParam) != ""}
	if a := q.Get(audienceParam); form.HasAudience(a) {
		o.Audience = a
	}
	if n, err := strconv.Atoi(q.Get(childrenParam)); err == nil && n >= 1 && n <= maxChildren {
		o.Children = n
	}
	return o
}

// query is the address's query for the options, for links that keep them.
func (o options) query(empty bool) string {
	v := url.Values{audienceParam: {o.Audience}, childrenParam: {strconv.Itoa(o.Children)}}
	if empty {
		v.Set(startParam, "empty")
	}
	return "?" + v.Encode()
}

// sampleCaseData is what the portal would supply: enginetest's sample, for the chosen number of
// children, with the person a referral is from of the chosen audience (the portal's submitter.type).
func sampleCaseData(form *engine.Form, o options) any {
	data := enginetest.CaseData(form, o.Children)
	if m, ok := data.(map[string]any); ok {
		if sub, ok := m["submitter"].(map[string]any); ok && form.Kind == engine.KindReferral {
			sub["type"] = o.Audience
		}
	}
	return data
}

// answers are the sample answers (or none), with what the designer posted in their place: the page is
// one HTML form, each per-child section's inputs named after its child ("children.c1.gp_name"). A page
// that was not drawn (its condition did not hold) keeps the sample answers, ready for when it is.
func answers(form *engine.Form, caseData any, o options, q url.Values, today time.Time) engine.Answers {
	base := engine.Answers{Values: map[string]any{}}
	if !o.Empty {
		base = enginetest.Answers(form, caseData, sampleRows, today)
	}
	if !o.Posted {
		return base
	}
	drawn := map[string]bool{}
	for _, k := range q[drawnParam] {
		drawn[k] = true
	}
	out := engine.Answers{Values: base.Values, Children: base.Children}
	for _, sec := range form.Sections {
		if !sec.Repeats() {
			if drawn[sec.ID] {
				replace(sec, out.Values, renderer.DecodeSection(sec, q, base.Values))
			}
			continue
		}
		for _, c := range form.Repetitions(sec, caseData, out) { // each child, or each item of a list
			if !drawn[pageKey(sec.ID, c.ID)] {
				continue
			}
			if out.Children == nil {
				out.Children = map[string]map[string]any{}
			}
			if out.Children[c.ID] == nil {
				out.Children[c.ID] = map[string]any{}
			}
			replace(sec, out.Children[c.ID], renderer.DecodeSection(sec, unprefixed(q, childPrefix(c.ID)), base.Children[c.ID]))
		}
	}
	return out
}

// replace puts a section's decoded answers in place of its previous ones.
func replace(sec *engine.Section, into, section map[string]any) {
	for _, fd := range sec.Fields {
		delete(into, fd.ID)
	}
	for k, v := range section {
		into[k] = v
	}
}

// pageKey names a page: the section, and the child of a per-child section.
func pageKey(section, child string) string {
	if child == "" {
		return section
	}
	return section + "/" + child
}

func childPrefix(id string) string { return "children." + id + "." }

// unprefixed are the posted values whose names start with prefix, without it.
func unprefixed(q url.Values, prefix string) url.Values {
	out := url.Values{}
	for k, v := range q {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// sectionView is one page of the form (for one child, in a per-child section).
type sectionView struct {
	Key         string
	Title       string
	ChildName   string
	Description string
	Fields      []renderer.FieldView
}

// hiddenSection is a page the answers leave out, and when it would be asked.
type hiddenSection struct {
	Title string
	When  string
}

// formView is the preview of a form.
type formView struct {
	Page       renderer.Page
	File       string
	Form       *engine.Form
	Warnings   engine.Diagnostics
	Options    options
	Family     bool // the case data's children can be chosen: a family delegation (a referral has none)
	Sections   []sectionView
	Hidden     []hiddenSection
	Action     string
	Generation int64
}

// problemsView is a file formlint finds errors in.
type problemsView struct {
	Page       renderer.Page
	File       string
	Diags      engine.Diagnostics
	Generation int64
}

// indexView lists the folder's files.
type indexView struct {
	Page       renderer.Page
	Dir        string
	Files      []file
	Generation int64
}

func page(title string) renderer.Page {
	return renderer.Page{Title: title, Council: "Form preview", Service: "formlint preview", AssetPath: assets.Path, Standalone: true}
}

// portalName is the portal a form is filled in on, as its pages are headed there.
func portalName(form *engine.Form) string {
	if form.Kind == engine.KindReferral {
		return "Children's Portal"
	}
	return "Delegation Portal"
}

func (s *Server) formPage(w http.ResponseWriter, r *http.Request) {
	f, ok := s.find(w, r)
	if !ok {
		return
	}
	gen := s.gen.current()
	if f.Form == nil {
		s.render(w, r, problemsPage(problemsView{Page: page("Errors in " + f.Name), File: f.Name, Diags: f.Diags, Generation: gen}))
		return
	}
	form := f.Form
	q := r.URL.Query()
	o := readOptions(form, q)
	caseData := sampleCaseData(form, o)
	ans := answers(form, caseData, o, q, s.today())
	res := form.Validate(caseData, ans, engine.ValidateOptions{Today: s.today()})
	pg := page(form.Title)
	pg.Service = portalName(form)
	v := formView{Page: pg, File: f.Name, Form: form, Warnings: f.Diags, Options: o,
		Family: form.Scope == engine.ScopeFamily && form.Kind != engine.KindReferral, Action: formHref(f.Name), Generation: gen}
	children := form.Children(caseData)
	prefilled, _ := form.Prefill(caseData)
	hidden := map[string]bool{}
	for _, sr := range res.Sections {
		sec := form.Section(sr.Section)
		if !sr.Visible {
			if !hidden[sec.ID] {
				hidden[sec.ID] = true
				v.Hidden = append(v.Hidden, hiddenSection{Title: sec.Title, When: sec.ShowWhen.Describe()})
			}
			continue
		}
		in := renderer.SectionInput{Section: sec, Values: engine.PageValues(prefilled, ans, sec, sr.Child), Hidden: sr.Hidden,
			Children: children, Action: v.Action, Qualify: true, TablePages: map[string]int{}, Computed: sr.Computed,
			Form: form, Answers: ans, Child: sr.Child, RequiredNow: sr.RequiredNow}
		if sr.Child != "" {
			in.Prefix = childPrefix(sr.Child)
		}
		if o.Check {
			in.Errors = sr.Errors
			v.Page.Errors = append(v.Page.Errors, renderer.ErrorItems(in, sr.Errors)...)
		}
		v.Sections = append(v.Sections, sectionView{Key: pageKey(sec.ID, sr.Child), Title: sec.Title, ChildName: sr.ChildName, Description: sec.Description,
			Fields: renderer.BuildSection(in)})
	}
	s.render(w, r, formPreview(v))
}

func audienceLabel(a string) string {
	if a == engine.AudiencePublic {
		return "A member of the public"
	}
	return "A professional"
}

// count says how many diagnostics of a severity there are: "2 errors".
func count(diags engine.Diagnostics, sev engine.Severity, noun string) string {
	n := 0
	for _, d := range diags {
		if d.Severity == sev {
			n++
		}
	}
	if n != 1 {
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}
