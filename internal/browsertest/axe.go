package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// AxePathInRepo is where axe-core's axe.min.js lives, relative to the
// repository root.
const AxePathInRepo = "web/assets/testdata/axe.min.js"

// AxeTags returns the axe-core rule tags every page is checked against:
// WCAG 2.0, 2.1 and 2.2 at levels A and AA.
func AxeTags() []string {
	return []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
}

// RepoRoot returns the repository root: the nearest directory at or above the
// working directory that holds a go.mod file. Go tests run in their package's
// directory, so this finds the module root from any package.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod found at or above the working directory")
		}
		dir = parent
	}
}

// AxePath returns the path of axe.min.js: [AxePathInRepo] under [RepoRoot].
func AxePath() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", fmt.Errorf("cannot find axe-core: %w", err)
	}
	return filepath.Join(root, filepath.FromSlash(AxePathInRepo)), nil
}

var axeOnce = sync.OnceValues(func() (string, error) {
	path, err := AxePath()
	if err != nil {
		return "", err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("cannot read axe-core (axe.min.js from the npm package axe-core, expected at %s): %w", AxePathInRepo, err)
	}
	return string(src), nil
})

// axeSource returns the text of axe.min.js, read once per test binary.
func axeSource() (string, error) { return axeOnce() }

// AxeReport is the result of one axe-core run on one page.
type AxeReport struct {
	URL        string         `json:"url"`
	AxeVersion string         `json:"version"`
	Violations []AxeViolation `json:"violations"`
}

// AxeViolation is one failed axe rule with the elements that fail it.
type AxeViolation struct {
	ID          string    `json:"id"`     // rule id, such as "image-alt"
	Impact      string    `json:"impact"` // minor, moderate, serious or critical
	Help        string    `json:"help"`   // one line: what the rule asks for
	HelpURL     string    `json:"helpUrl"`
	Description string    `json:"description"`
	Tags        []string  `json:"tags"`
	Nodes       []AxeNode `json:"nodes"`
}

// AxeNode is one element that fails a rule.
type AxeNode struct {
	Target         string `json:"target"` // CSS selector of the element
	HTML           string `json:"html"`   // the element's opening tag, as axe reports it
	FailureSummary string `json:"failureSummary"`
}

// String formats the report for a test failure: the page, then each
// violation with its impact, rule id, help text and link, and each failing
// element's selector, HTML and what to fix.
func (r *AxeReport) String() string {
	var s strings.Builder
	if len(r.Violations) == 0 {
		fmt.Fprintf(&s, "axe-core %s: no accessibility violations on %s", r.AxeVersion, r.URL)
		return s.String()
	}
	fmt.Fprintf(&s, "axe-core %s found %d accessibility violation(s) on %s\n(rules tagged %s)\n",
		r.AxeVersion, len(r.Violations), r.URL, strings.Join(AxeTags(), ", "))
	for i, v := range r.Violations {
		fmt.Fprintf(&s, "\n%d. %s [%s]: %s\n   %s\n", i+1, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&s, "   - element %s\n     %s\n", n.Target, n.HTML)
			for _, line := range strings.Split(strings.TrimSpace(n.FailureSummary), "\n") {
				fmt.Fprintf(&s, "       %s\n", strings.TrimSpace(line))
			}
		}
	}
	return s.String()
}

// RuleIDs returns the ids of the violated rules, in report order.
func (r *AxeReport) RuleIDs() []string {
	ids := make([]string, len(r.Violations))
	for i, v := range r.Violations {
		ids[i] = v.ID
	}
	return ids
}

// axeRunJS runs axe on the document and keeps the parts of the result the
// report needs. Only the top document is checked (iframes: false): frames
// would need axe injected in them too, and the portal's pages have none.
func axeRunJS() string {
	tags, _ := json.Marshal(AxeTags())
	return `axe.run(document, {
  runOnly: {type: 'tag', values: ` + string(tags) + `},
  resultTypes: ['violations'],
  iframes: false,
}).then(r => ({
  url: r.url,
  version: axe.version,
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
    description: v.description, tags: v.tags,
    nodes: v.nodes.map(n => ({
      target: n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' in '),
      html: n.html,
      failureSummary: n.failureSummary || '',
    })),
  })),
}))`
}

// Audit runs axe-core on the current page and returns its report, and adds
// the page to [Browser.CheckedPages]. It does not fail the test on
// violations, so a test can assert them; the harness itself calls it after
// every navigation and fails the test on any violation. It fails the test if
// axe cannot run.
//
// axe is injected with Runtime.evaluate, which the page's Content-Security-
// Policy does not govern. When page JavaScript is disabled, Audit turns it on
// for the duration of the run (axe needs timers and promises) and off again;
// scripts of the page that did not run do not run then either.
func (b *Browser) Audit() *AxeReport {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatalf("browsertest: %v", err)
	}
	ctx, cancel := b.actionCtx()
	defer cancel()
	if !b.javaScript {
		b.setScriptExecution(ctx, true)
		defer b.setScriptExecution(ctx, false)
	}
	r, err := runAxe(ctx, src)
	if err != nil {
		b.fatalf("accessibility check: %v", err)
	}
	b.mu.Lock()
	b.checked = append(b.checked, r.URL)
	b.mu.Unlock()
	return r
}

func runAxe(ctx context.Context, src string) (*AxeReport, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object' && typeof window.axe.run === 'function'`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("cannot load axe-core into the page: %w", err)
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](axeRunJS(), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	var r AxeReport
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("cannot decode the axe result: %w", err)
	}
	r.Violations = excuseConditionalReveal(r.Violations)
	return &r, nil
}

// excuseConditionalReveal drops one violation GOV.UK Frontend makes on purpose: its conditional reveal
// sets aria-expanded on the radio that reveals a question. ARIA does not allow aria-expanded on a radio,
// and axe says so, but the Design System keeps it because screen readers announce it and research found
// no harm; it is a known issue of the Design System (alphagov/govuk-frontend#979). Only that attribute,
// on that component's radios (class govuk-radios__input, with the aria-controls it reveals), is excused:
// any other attribute there, or aria-expanded on any other radio, is still a violation.
func excuseConditionalReveal(vs []AxeViolation) []AxeViolation {
	out := vs[:0]
	for _, v := range vs {
		if v.ID == "aria-allowed-attr" {
			kept := v.Nodes[:0]
			for _, n := range v.Nodes {
				if !revealsWithAriaExpandedOnly(n) {
					kept = append(kept, n)
				}
			}
			if v.Nodes = kept; len(kept) == 0 {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func revealsWithAriaExpandedOnly(n AxeNode) bool {
	if !strings.HasPrefix(n.HTML, `<input class="govuk-radios__input"`) || !strings.Contains(n.HTML, ` type="radio"`) || !strings.Contains(n.HTML, " aria-controls=") {
		return false
	}
	for _, line := range strings.Split(strings.TrimSpace(n.FailureSummary), "\n") {
		line = strings.TrimSpace(line)
		if line != "Fix all of the following:" && !strings.HasPrefix(line, `ARIA attribute is not allowed: aria-expanded="`) {
			return false
		}
	}
	return true
}

// CheckedPages returns the URL of every page axe has checked, in order; a page
// checked twice appears twice. Tests use it to assert that a journey's pages
// were all checked.
func (b *Browser) CheckedPages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.checked...)
}
