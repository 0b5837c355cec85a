package pdf

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"formportal/engine"
)

// pdf.js, the PDF viewer of Firefox and of many web pages, reads every document's tagging as a viewer
// exposes it to assistive technology: the title, the language, the headings with their text, a bookmark
// per section, and each question beside its answer. pdf.js comes from npm, pinned in
// testdata/pdfjs/package-lock.json, and runs under Node.js: the test installs it (npm ci) when it is not
// there yet, and fails, never skips, without Node.js and npm.

type pdfjsElem struct {
	Role string      `json:"role"`
	Text string      `json:"text"`
	Kids []pdfjsElem `json:"kids"`
}

type pdfjsDoc struct {
	Title    string       `json:"title"`
	XMPTitle string       `json:"xmpTitle"`
	Lang     string       `json:"lang"`
	Marked   bool         `json:"marked"`
	Outline  []string     `json:"outline"`
	Pages    []*pdfjsElem `json:"pages"`
}

func (e *pdfjsElem) walk(f func(e *pdfjsElem)) {
	f(e)
	for i := range e.Kids {
		e.Kids[i].walk(f)
	}
}

// pdfjs reads the PDFs at paths with pdf.js.
func pdfjs(t *testing.T, paths []string) map[string]pdfjsDoc {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "pdfjs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: %v", tool, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pdfjs-dist", "package.json")); err != nil {
		cmd := exec.Command("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	cmd := exec.Command("node", append([]string{filepath.Join(dir, "structure.mjs")}, paths...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("pdf.js: %v\n%s", err, msg)
	}
	docs := map[string]pdfjsDoc{}
	if err := json.Unmarshal(out, &docs); err != nil {
		t.Fatalf("pdf.js: %v", err)
	}
	return docs
}

// sectionTitles are the titles of the sections a document prints, in order.
func sectionTitles(d Document) []string {
	var out []string
	if d.Blank {
		for _, s := range d.Form.Sections {
			if len(d.Sections) == 0 || slices.Contains(d.Sections, s.ID) {
				title := s.Title
				if s.PerChild {
					title += " (repeated for each child)"
				}
				if list := s.RepeatList(); list != nil {
					title += " (repeat for each " + list.RowNoun() + ")"
				}
				out = append(out, title)
			}
		}
		return out
	}
	res := d.Form.Validate(d.CaseData, d.Answers, engine.ValidateOptions{Sections: d.Sections, Today: d.Today})
	for _, sr := range res.Sections {
		if sr.Visible {
			title := d.Form.Section(sr.Section).Title
			if sr.Child != "" {
				title = sr.Title // "Health: Aurora Boreo", or a repeated section's own: "About Amy Smith"
			}
			out = append(out, title)
		}
	}
	return out
}

// questionsAndAnswers are the label and the answer of every question of the document's sections (other
// than those repeated for each child) that is not a table or a list, each a paragraph.
func questionsAndAnswers(d Document) [][]string {
	res := d.Form.Validate(d.CaseData, d.Answers, engine.ValidateOptions{Sections: d.Sections, Today: d.Today})
	children := d.Form.Children(d.CaseData)
	var out [][]string
	for _, sr := range res.Sections {
		if !sr.Visible || sr.Child != "" {
			continue
		}
		for _, fd := range d.Form.Section(sr.Section).Fields {
			switch fd.Type {
			case engine.TypeContent, engine.TypeTable, engine.TypeList:
				continue
			}
			if slices.Contains(sr.Hidden, fd.ID) {
				continue
			}
			qa := []string{fd.Label}
			if fd.Type == engine.TypeDeclaration && strings.TrimSpace(fd.Text) != "" {
				qa = append(qa, d.Form.Statement(fd, res.Submission, "", children))
			}
			lines := fd.FormatAnswer(res.Submission.Values[fd.ID], children)
			if len(lines) == 0 {
				lines = []string{english.notAnswered}
			}
			out = append(out, append(qa, lines...))
		}
	}
	return out
}

// squeeze drops the white space of text, which pdf.js and pdftotext place where lines break.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func TestPDFJSExposesTheStructure(t *testing.T) {
	requireTools(t)
	docs := everyDocument(t)
	var paths []string
	for _, nd := range docs {
		paths = append(paths, writeTemp(t, nd.doc, true, strings.ReplaceAll(nd.name, "/", "-")+".pdf"))
	}
	read := pdfjs(t, paths)
	for i, nd := range docs {
		t.Run(nd.name, func(t *testing.T) {
			got := read[paths[i]]
			title := nd.doc.Form.Title
			if got.Title != title || got.XMPTitle != title || got.Lang != "en" || !got.Marked {
				t.Errorf("pdf.js reads title %q, XMP title %q, language %q, marked %v; want %q, %q, en, true",
					got.Title, got.XMPTitle, got.Lang, got.Marked, title, title)
			}
			// The headings: the title, then each section's, in order, the bookmarks too.
			var h1, h2 []string
			var divs [][]string // the texts of the paragraphs of each division, page by page
			for _, page := range got.Pages {
				if page == nil {
					t.Fatalf("a page without a structure tree")
				}
				page.walk(func(e *pdfjsElem) {
					switch e.Role {
					case "H1":
						h1 = append(h1, e.Text)
					case "H2":
						if len(h2) == 0 || h2[len(h2)-1] != e.Text || len(e.Kids) > 0 {
							h2 = append(h2, e.Text)
						}
					case "Div":
						var ps []string
						for _, k := range e.Kids {
							if k.Role == "P" {
								ps = append(ps, k.Text)
							}
						}
						divs = append(divs, ps)
					}
				})
			}
			want := sectionTitles(nd.doc)
			if !slices.Equal(h1, []string{title}) || !slices.Equal(h2, want) || !slices.Equal(got.Outline, want) {
				t.Errorf("pdf.js reads the headings H1 %q, H2 %q and the bookmarks %q; want H1 %q, H2 and bookmarks %q", h1, h2, got.Outline, title, want)
			}
			if nd.doc.Blank {
				return
			}
			// Each question's label is read with its answer: in one division, the label and then the answer
			// (or its start, when the answer continues on the next page).
			qas := questionsAndAnswers(nd.doc)
			if len(qas) == 0 {
				t.Fatalf("no questions to check")
			}
			for _, qa := range qas {
				found := false
				for _, ps := range divs {
					if len(ps) < 2 || squeeze(ps[0]) != squeeze(qa[0]) {
						continue
					}
					if answer := squeeze(strings.Join(qa[1:], "")); strings.HasPrefix(answer, squeeze(strings.Join(ps[1:], ""))) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("no division holds the question %q with its answer %q", qa[0], qa[1:])
				}
			}
		})
	}
}
