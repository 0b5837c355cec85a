// Package browsertest drives a real headless Chromium from Go tests, for
// end-to-end tests of the portal's server-rendered pages.
//
// A test starts one browser with [New], then reads like a user story:
//
//	srv := httptest.NewServer(handler)
//	t.Cleanup(srv.Close)
//	b := browsertest.New(t, srv.URL)
//	b.Visit("/apply")
//	b.Fill("Full name", "Ada Lovelace")
//	b.Check("I agree to the terms")
//	b.Select("Council area", "North")
//	b.ClickButton("Continue")
//	b.MustSee("Application received")
//
// Every method fails the test (t.Fatal) with a message that says what the page
// had instead, so a test needs no error handling. Element lookups go by what a
// user sees: a field by its <label> text, a button or link by its text. An
// exact match wins; otherwise the one control whose text starts with the
// given text. No match, or more than one, fails the test and lists what the
// page has.
//
// # Waiting
//
// Each action waits for what it causes. A click on a submit button or a link
// waits for the new page to load (the load event) and then for the network to
// be quiet; a click that starts no navigation returns after a short grace
// period. Every action has its own timeout (see [WithTimeout]).
//
// # Accessibility
//
// After every navigation into a new document (Visit, a click or key press that
// loads a page, Back) the harness runs axe-core on the page with the WCAG 2.0,
// 2.1 and 2.2 A and AA rules (see [AxeTags]) and fails the test with a readable
// report on any violation. axe is injected through the DevTools protocol
// (Runtime.evaluate), which a page's Content-Security-Policy does not block, so
// pages keep their strict CSP. [Browser.CheckedPages] lists the pages checked.
//
// # Finding Chromium and axe-core
//
// Chromium comes from $BROWSERTEST_CHROMIUM when set, else /usr/bin/chromium,
// else the first of chromium, chromium-browser, google-chrome on $PATH. A
// missing browser fails the test: it never skips. The CI script .ci/deps
// installs Debian's chromium. axe.min.js is read from
// web/assets/testdata/axe.min.js under the repository root (the directory
// holding go.mod, found by walking up from the working directory).
//
// # Artifacts
//
// When a test fails, the harness saves a full-page screenshot and the page
// HTML and logs their paths, with the page URL and any console errors. They go
// to $BROWSERTEST_ARTIFACTS/<test name> when that variable is set, else to
// t.TempDir(), which the testing package deletes when the test ends.
//
// # Limits
//
//   - MustSee and MustNotSee check the page once; they do not wait for text
//     that a script adds later: WaitToSee does.
//   - Visit of a URL that is not a page (a download, 204 No Content) fails
//     with net::ERR_ABORTED; fetch such URLs with net/http. A click on a
//     link to one is fine: it loads no new document.
//   - axe checks the top document only, not the content of iframes.
//   - With JavaScript disabled, Eval of an expression that returns a promise
//     never settles and times out.
//   - A submit button whose form fails the browser's own validation (for
//     example an empty required field) loads no page; ClickButton returns
//     without waiting, as the browser shows its validation message.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Size of every browser's window and of its viewport (the page area), in CSS
// pixels.
const (
	WindowWidth  = 1280
	WindowHeight = 900
)

// DefaultTimeout is the default time limit of one action, such as a Visit or
// a ClickButton including the page load it causes and the axe check after it.
const DefaultTimeout = 20 * time.Second

const (
	// startTimeout limits the start of the browser.
	startTimeout = 30 * time.Second
	// graceExpected is how long a click on a link or submit button may take
	// to start its navigation; graceOther is the same for any other action,
	// which usually starts none.
	graceExpected = 3 * time.Second
	graceOther    = 200 * time.Millisecond
	// quietPeriod is how long the network must have no request in flight for
	// the page to count as settled; idleLimit caps the wait for that, so
	// that a long-polling page does not stall every action.
	quietPeriod = 50 * time.Millisecond
	idleLimit   = 3 * time.Second
	pollEvery   = 10 * time.Millisecond
)

// An Option changes how [New] sets up the browser.
type Option func(*config)

type config struct {
	javaScript    bool
	timeout       time.Duration
	width, height int64
}

// NoJavaScript starts the browser with page JavaScript disabled, to prove that
// pages work without it. The harness's own DevTools calls (lookups, axe) still
// run. [Browser.SetJavaScript] changes the setting later.
func NoJavaScript() Option { return func(c *config) { c.javaScript = false } }

// WithViewport sizes the page's viewport (default [WindowWidth] by [WindowHeight]): 320 wide is the
// narrowest phone WCAG's reflow criterion asks pages to work on.
func WithViewport(width, height int64) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// WithTimeout sets the time limit of each action (default [DefaultTimeout]).
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Browser is one headless Chromium, with one tab, owned by one test. Its
// methods must be called from the test's goroutine.
type Browser struct {
	t       testing.TB
	baseURL string
	timeout time.Duration
	ctx     context.Context // the tab; it has no deadline

	javaScript bool
	autoAxe    bool // run axe after each new document; only tests of this package turn it off

	nav navState

	mu            sync.Mutex
	checked       []string // pages axe checked, in order
	consoleErrors []string // console errors, exceptions and browser log errors
	browserErrors []string // errors of the DevTools connection

	artifactsDir string
}

// navState follows the main frame of the tab from DevTools events. The event
// listener writes it and actions poll it.
type navState struct {
	mu         sync.Mutex
	mainFrame  cdp.FrameID
	requested  int // main-frame navigations requested (link, form, script)
	started    int // main-frame loads started
	stopped    int // main-frame loads stopped
	committed  int // new documents in the main frame
	sameDoc    int // navigations within the document (fragment, history API)
	inflight   map[network.RequestID]bool
	lastActive time.Time // last change of inflight
	status     int64     // HTTP status of the last main-frame document
}

type navSnapshot struct {
	requested, started, stopped, committed, sameDoc, inflight int
	lastActive                                                time.Time
}

func (n *navState) snapshot() navSnapshot {
	n.mu.Lock()
	defer n.mu.Unlock()
	return navSnapshot{n.requested, n.started, n.stopped, n.committed, n.sameDoc, len(n.inflight), n.lastActive}
}

// New starts a fresh headless Chromium for the test t and returns it. Relative
// paths given to Visit are resolved against baseURL, typically an
// httptest.Server's URL. The browser has a new, empty profile (so no cookies
// or cache), a 1280x900 window and viewport, no sandbox when the test runs as root, and
// English (United Kingdom) as its language. It closes when the test ends.
//
// New fails the test if Chromium is missing or does not start.
func New(t testing.TB, baseURL string, opts ...Option) *Browser {
	t.Helper()
	cfg := config{javaScript: true, timeout: DefaultTimeout, width: WindowWidth, height: WindowHeight}
	for _, o := range opts {
		o(&cfg)
	}
	chromium, err := FindChromium()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	// Read axe now, so a missing file fails before the browser starts.
	if _, err := axeSource(); err != nil {
		t.Fatalf("browsertest: %v", err)
	}

	b := &Browser{
		t:          t,
		baseURL:    strings.TrimRight(baseURL, "/"),
		timeout:    cfg.timeout,
		javaScript: cfg.javaScript,
		autoAxe:    true,
	}
	b.nav.inflight = map[network.RequestID]bool{}

	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.WindowSize(WindowWidth, WindowHeight),
		chromedp.Flag("lang", "en-GB"),
		chromedp.Flag("accept-lang", "en-GB,en"),
		chromedp.Flag("disable-gpu", true),
		// No "save password?" bubbles or autofill popups over the page.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,AutofillServerCommunication,PasswordManagerOnboarding"),
	)
	if os.Geteuid() == 0 {
		// Chromium refuses to run as root with its sandbox.
		flags = append(flags, chromedp.NoSandbox)
	}
	// chromedp gives the browser a new temporary profile (--user-data-dir)
	// and removes it when the browser exits.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithErrorf(b.recordBrowserError),
		chromedp.WithLogf(func(string, ...any) {}),
	)
	// Registered first, so it runs last: the failure cleanup below still has
	// a browser to take its screenshot with.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	b.ctx = ctx

	// The first Run binds the browser's life to its context, so it gets the
	// tab context itself, without a deadline; a timer bounds the start.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		cancelTab()
		err = fmt.Errorf("no answer within %v", startTimeout)
	}
	if err != nil {
		t.Fatalf("browsertest: cannot start Chromium %s: %v", chromium, err)
	}

	if err := chromedp.Listen(ctx, b.onEvent); err != nil {
		t.Fatalf("browsertest: cannot listen to browser events: %v", err)
	}
	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("browsertest: cannot read the frame tree: %v", err)
	}
	b.nav.mu.Lock()
	b.nav.mainFrame = tree.FrameTree.Frame.ID
	b.nav.mu.Unlock()
	// --window-size sizes the whole window; headless Chromium takes some of it
	// for its (invisible) toolbar, so set the page's viewport too.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(cfg.width, cfg.height)); err != nil {
		t.Fatalf("browsertest: cannot set the viewport: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("browsertest: cannot enable the browser log: %v", err)
	}
	if !cfg.javaScript {
		b.setScriptExecution(ctx, false)
	}

	t.Cleanup(b.onTestEnd)
	return b
}

// FindChromium returns the path of the Chromium binary the harness uses:
// $BROWSERTEST_CHROMIUM when set, else /usr/bin/chromium, else the first of
// chromium, chromium-browser, google-chrome and google-chrome-stable on $PATH.
func FindChromium() (string, error) {
	const help = "install Debian's Chromium with `apt-get install -y chromium chromium-driver` (bash .ci/deps does this)"
	if p := os.Getenv("BROWSERTEST_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$BROWSERTEST_CHROMIUM is %q, which is missing: %v", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium is not installed: no /usr/bin/chromium and no chromium, chromium-browser or google-chrome on $PATH; " + help)
}

// onEvent runs in chromedp's event loop for the tab: it must be quick and send
// no commands.
func (b *Browser) onEvent(ev any) {
	n := &b.nav
	n.mu.Lock()
	defer n.mu.Unlock()
	switch ev := ev.(type) {
	case *page.EventFrameRequestedNavigation:
		if ev.FrameID == n.mainFrame {
			n.requested++
		}
	case *page.EventFrameStartedLoading:
		if ev.FrameID == n.mainFrame {
			n.started++
		}
	case *page.EventFrameStoppedLoading:
		if ev.FrameID == n.mainFrame {
			n.stopped++
		}
	case *page.EventFrameNavigated:
		if ev.Frame.ParentID == "" {
			n.mainFrame = ev.Frame.ID
			n.committed++
		}
	case *page.EventNavigatedWithinDocument:
		if ev.FrameID == n.mainFrame {
			n.sameDoc++
		}
	case *network.EventRequestWillBeSent:
		if !strings.HasPrefix(ev.Request.URL, "data:") {
			n.inflight[ev.RequestID] = true
			n.lastActive = time.Now()
		}
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && ev.FrameID == n.mainFrame {
			n.status = ev.Response.Status
		}
	case *network.EventLoadingFinished:
		delete(n.inflight, ev.RequestID)
		n.lastActive = time.Now()
	case *network.EventLoadingFailed:
		delete(n.inflight, ev.RequestID)
		n.lastActive = time.Now()
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		b.addConsoleError(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					var s string
					if json.Unmarshal(a.Value, &s) == nil {
						parts = append(parts, s)
						continue
					}
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			b.addConsoleError("console." + string(ev.Type) + ": " + strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		// The browser's own favicon request is not the page's doing.
		if ev.Entry.Level == cdplog.EntryLevelError && !strings.HasSuffix(ev.Entry.URL, "/favicon.ico") {
			msg := string(ev.Entry.Source) + ": " + ev.Entry.Text
			if ev.Entry.URL != "" {
				msg += " (" + ev.Entry.URL + ")"
			}
			b.addConsoleError(msg)
		}
	}
}

func (b *Browser) addConsoleError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consoleErrors = append(b.consoleErrors, s)
}

func (b *Browser) recordBrowserError(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.browserErrors = append(b.browserErrors, fmt.Sprintf(format, args...))
}

// actionCtx returns the context of one action, limited by the timeout.
func (b *Browser) actionCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, b.timeout)
}

// fatalf fails the test, naming the page the browser is on.
func (b *Browser) fatalf(format string, args ...any) {
	b.t.Helper()
	b.t.Fatalf("browsertest: "+format+"\n(page: %s)", append(args, b.currentURL())...)
}

// currentURL is the page URL, or a note why it is unknown; it never fails.
func (b *Browser) currentURL() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	return u
}

// run runs a DevTools action under the action timeout and fails the test on
// error.
func run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.actionCtx()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// evalJS evaluates a helpersJS call and decodes its by-value result into out.
func (b *Browser) evalJS(what, expr string, out any) {
	b.t.Helper()
	raw := run(b, what, chromedp.Evaluate[[]byte](expr))
	if err := json.Unmarshal(raw, out); err != nil {
		b.fatalf("%s: cannot decode %s: %v", what, raw, err)
	}
}

// resolve resolves a path against the base URL. Absolute URLs are returned as
// they are.
func (b *Browser) resolve(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") || strings.HasPrefix(path, "about:") || strings.HasPrefix(path, "data:") {
		return path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return b.baseURL + path
}

// Visit loads path (relative to the base URL, or an absolute URL), waits for
// the page to load and checks it with axe. A page that fails to load at the
// network level fails the test; an HTTP error status does not (see
// [Browser.StatusCode]).
func (b *Browser) Visit(path string) {
	b.t.Helper()
	u := b.resolve(path)
	before := b.nav.snapshot()
	ctx, cancel := b.actionCtx()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		b.fatalf("visit %s: %v", u, err)
	}
	b.settle(ctx, "visit "+u, before, graceExpected)
}

// Back goes back one page in the history, like the browser's back button.
func (b *Browser) Back() {
	b.t.Helper()
	before := b.nav.snapshot()
	ctx, cancel := b.actionCtx()
	defer cancel()
	// chromedp.NavigateBack waits for a load event, which a page restored
	// from the back/forward cache never fires; settle knows both cases.
	hist, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
	if err != nil {
		b.fatalf("back: %v", err)
	}
	if hist.CurrentIndex <= 0 {
		b.fatalf("back: there is no previous page")
	}
	entry := hist.Entries[hist.CurrentIndex-1].ID
	if _, err := chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: entry}); err != nil {
		b.fatalf("back: %v", err)
	}
	b.settle(ctx, "back", before, graceExpected)
}

// settle waits until the navigation an action started, if any, has loaded and
// the network is quiet. grace is how long the action may take to start a
// navigation. When a new document has loaded, settle runs the axe check.
func (b *Browser) settle(ctx context.Context, what string, before navSnapshot, grace time.Duration) {
	b.t.Helper()
	newDoc, err := b.waitSettled(ctx, before, grace)
	if err != nil {
		b.fatalf("%s: waiting for the page to load: %v", what, err)
	}
	if newDoc && b.autoAxe {
		if r := b.Audit(); len(r.Violations) > 0 {
			b.t.Helper()
			b.t.Fatalf("browsertest: after %s:\n%s", what, r)
		}
	}
}

func (b *Browser) waitSettled(ctx context.Context, before navSnapshot, grace time.Duration) (newDoc bool, err error) {
	sleep := func() error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
			return nil
		}
	}
	// 1. Did the action start a navigation?
	deadline := time.Now().Add(grace)
	for {
		s := b.nav.snapshot()
		if s.started > before.started || s.committed > before.committed || s.requested > before.requested {
			break
		}
		if s.sameDoc > before.sameDoc || time.Now().After(deadline) {
			return false, nil
		}
		if err := sleep(); err != nil {
			return false, err
		}
	}
	for {
		// 2. Wait for the load to finish. A requested navigation that never
		// starts loading (a download, a cancelled submit) is given up on.
		reqDeadline := time.Now().Add(graceExpected)
		for {
			s := b.nav.snapshot()
			if s.started > before.started && s.stopped >= s.started {
				break
			}
			// A page restored from the back/forward cache commits without
			// loading.
			if s.committed > before.committed && s.started == s.stopped {
				break
			}
			if s.started == before.started && time.Now().After(reqDeadline) {
				return s.committed > before.committed, nil
			}
			if err := sleep(); err != nil {
				return false, err
			}
		}
		// 3. Wait for the network to be quiet, unless another navigation
		// starts (a redirect by script), which sends us back to 2.
		idleDeadline := time.Now().Add(idleLimit)
		again := false
		for {
			s := b.nav.snapshot()
			if s.started > s.stopped {
				again = true
				break
			}
			if s.inflight == 0 && time.Since(s.lastActive) >= quietPeriod {
				break
			}
			if time.Now().After(idleDeadline) {
				break
			}
			if err := sleep(); err != nil {
				return false, err
			}
		}
		if !again {
			return b.nav.snapshot().committed > before.committed, nil
		}
	}
}

// clickResult is what helpersJS's prepareClick and prepareCheck return.
type clickResult struct {
	Error string  `json:"error"`
	Done  bool    `json:"done"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Nav   bool    `json:"nav"`
	Desc  string  `json:"desc"`
}

// clickAt clicks with the mouse at (x, y) and waits for what the click causes.
func (b *Browser) clickAt(what string, x, y float64, expectNav bool) {
	b.t.Helper()
	before := b.nav.snapshot()
	ctx, cancel := b.actionCtx()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
		b.fatalf("%s: %v", what, err)
	}
	grace := graceOther
	if expectNav {
		grace = graceExpected
	}
	b.settle(ctx, what, before, grace)
}

// ClickButton clicks the button whose text (or aria-label) is text: a
// <button>, an <input type=submit|button|reset|image> or a role=button
// element. A submit button's form is submitted and the next page loaded
// before ClickButton returns.
func (b *Browser) ClickButton(text string) {
	b.t.Helper()
	b.click("button", text)
}

// ClickLink clicks the link whose text (or aria-label, or image alt text) is
// text, and waits for the page it leads to.
func (b *Browser) ClickLink(text string) {
	b.t.Helper()
	b.click("link", text)
}

func (b *Browser) click(kind, text string) {
	b.t.Helper()
	var r clickResult
	b.evalJS("find "+kind, jsCall("prepareClick", kind, text), &r)
	if r.Error != "" {
		b.fatalf("click %s %q: %s", kind, text, r.Error)
	}
	b.clickAt(fmt.Sprintf("click %s %q", kind, text), r.X, r.Y, r.Nav)
}

// Fill types value into the text field or textarea labelled label, replacing
// what it held. The label is matched on its text, exactly or as a prefix
// (see the package documentation). Fill fails if the field ends up holding
// something else, for example because of a maxlength.
func (b *Browser) Fill(label, value string) {
	b.t.Helper()
	what := fmt.Sprintf("fill %q", label)
	var r struct {
		Error string `json:"error"`
		Mode  string `json:"mode"`
		Desc  string `json:"desc"`
		Empty bool   `json:"empty"`
	}
	b.evalJS(what, jsCall("prepareFill", label, value), &r)
	if r.Error != "" {
		b.fatalf("%s: %s", what, r.Error)
	}
	before := b.nav.snapshot()
	if r.Mode == "type" {
		ctx, cancel := b.actionCtx()
		var err error
		switch {
		case value != "":
			// Typed text replaces the selected old value, with the
			// beforeinput and input events a user's typing fires.
			_, err = chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: value})
		case !r.Empty:
			err = chromedp.Do(ctx, chromedp.KeyEvent(kb.Backspace))
		}
		cancel()
		if err != nil {
			b.fatalf("%s: typing: %v", what, err)
		}
	}
	ctx, cancel := b.actionCtx()
	defer cancel()
	b.settle(ctx, what, before, 0)

	var got struct {
		Error     string `json:"error"`
		Value     string `json:"value"`
		MaxLength int    `json:"maxLength"`
		Desc      string `json:"desc"`
	}
	b.evalJS(what, jsCall("fieldValue", label), &got)
	if got.Error != "" {
		b.fatalf("%s: after typing: %s", what, got.Error)
	}
	if want := strings.ReplaceAll(value, "\r\n", "\n"); got.Value != want {
		note := ""
		if got.MaxLength >= 0 && len([]rune(want)) > got.MaxLength {
			note = fmt.Sprintf(" (the field has maxlength=%d)", got.MaxLength)
		}
		b.fatalf("%s: %s holds %q, want %q%s", what, got.Desc, got.Value, value, note)
	}
}

// Check ticks the checkbox, or chooses the radio button, labelled label, by
// clicking it (or its label, where the input itself is hidden, as GOV.UK's are
// not). It does nothing if it is already checked.
func (b *Browser) Check(label string) {
	b.t.Helper()
	b.setChecked(label, true)
}

// Uncheck clears the checkbox labelled label by clicking it. It does nothing
// if it is not checked; a radio button cannot be unchecked.
func (b *Browser) Uncheck(label string) {
	b.t.Helper()
	b.setChecked(label, false)
}

func (b *Browser) setChecked(label string, want bool) {
	b.t.Helper()
	verb := map[bool]string{true: "check", false: "uncheck"}[want]
	what := fmt.Sprintf("%s %q", verb, label)
	var r clickResult
	b.evalJS(what, jsCall("prepareCheck", label, want), &r)
	if r.Error != "" {
		b.fatalf("%s: %s", what, r.Error)
	}
	if r.Done {
		return
	}
	committed := b.nav.snapshot().committed
	b.clickAt(what, r.X, r.Y, false)
	if b.nav.snapshot().committed != committed {
		return // the click loaded a new page; there is nothing left to verify
	}
	var got struct {
		Error   string `json:"error"`
		Checked bool   `json:"checked"`
	}
	b.evalJS(what, jsCall("isChecked", label), &got)
	if got.Error != "" {
		b.fatalf("%s: after the click: %s", what, got.Error)
	}
	if got.Checked != want {
		b.fatalf("%s: %s is still %s after a click on it", what, r.Desc, map[bool]string{true: "checked", false: "unchecked"}[got.Checked])
	}
}

// Select chooses the option whose text is option (exactly, or as a prefix)
// in the <select> labelled label, firing input and change events as a user's
// choice does.
func (b *Browser) Select(label, option string) {
	b.t.Helper()
	what := fmt.Sprintf("select %q in %q", option, label)
	var r struct {
		Error string `json:"error"`
	}
	before := b.nav.snapshot()
	b.evalJS(what, jsCall("selectOption", label, option), &r)
	if r.Error != "" {
		b.fatalf("%s: %s", what, r.Error)
	}
	ctx, cancel := b.actionCtx()
	defer cancel()
	b.settle(ctx, what, before, 0)
}

// Upload sets the file of the <input type=file> labelled label to filePath, as
// a user's choice in the file dialog does. A relative path is relative to the
// test's working directory (the package directory).
func (b *Browser) Upload(label, filePath string) {
	b.t.Helper()
	what := fmt.Sprintf("upload %s to %q", filePath, label)
	abs, err := filepath.Abs(filePath)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	if st, err := os.Stat(abs); err != nil {
		b.fatalf("%s: %v", what, err)
	} else if st.IsDir() {
		b.fatalf("%s: %s is a directory", what, abs)
	}
	obj := run(b, what, chromedp.Evaluate[*runtime.RemoteObject](jsCall("find", "file", label)))
	if obj.Type == runtime.RemoteObjectTypeString {
		var msg string
		_ = json.Unmarshal(obj.Value, &msg)
		b.fatalf("%s: %s", what, msg)
	}
	ctx, cancel := b.actionCtx()
	defer cancel()
	defer chromedp.Call(ctx, runtime.ReleaseObject, runtime.ReleaseObjectParams{ObjectID: obj.ObjectID})
	if _, err := chromedp.Call(ctx, dom.SetFileInputFiles, dom.SetFileInputFilesParams{Files: []string{abs}, ObjectID: obj.ObjectID}); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// keyNames maps the names Press accepts to chromedp key strings.
var keyNames = map[string]string{
	"Tab": kb.Tab, "Enter": kb.Enter, "Escape": kb.Escape, "Space": " ",
	"Backspace": kb.Backspace, "Delete": kb.Delete, "Home": kb.Home, "End": kb.End,
	"ArrowUp": kb.ArrowUp, "ArrowDown": kb.ArrowDown, "ArrowLeft": kb.ArrowLeft, "ArrowRight": kb.ArrowRight,
	"PageUp": kb.PageUp, "PageDown": kb.PageDown,
}

// Press presses one key in the focused element, as a keyboard user does:
// "Tab", "Shift+Tab", "Enter", "Space", "Escape", "Backspace", "Delete",
// "Home", "End", "PageUp", "PageDown", the arrow keys ("ArrowDown") or a
// single character. Modifiers go before a plus sign ("Shift+Tab"). If the
// key loads a page (Enter in a form), Press waits for it.
func (b *Browser) Press(key string) {
	b.t.Helper()
	parts := strings.Split(key, "+")
	name := parts[len(parts)-1]
	var mods []chromedp.Modifier
	for _, m := range parts[:len(parts)-1] {
		switch m {
		case "Shift":
			mods = append(mods, chromedp.ModifierShift)
		case "Control", "Ctrl":
			mods = append(mods, chromedp.ModifierCtrl)
		case "Alt":
			mods = append(mods, chromedp.ModifierAlt)
		case "Meta":
			mods = append(mods, chromedp.ModifierMeta)
		default:
			b.fatalf("press %q: unknown modifier %q", key, m)
		}
	}
	k, ok := keyNames[name]
	if !ok {
		if len([]rune(name)) != 1 {
			b.fatalf("press %q: unknown key %q", key, name)
		}
		k = name
	}
	before := b.nav.snapshot()
	ctx, cancel := b.actionCtx()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k, chromedp.KeyModifiers(mods...))); err != nil {
		b.fatalf("press %q: %v", key, err)
	}
	grace := graceOther
	if name == "Enter" || name == "Space" {
		grace = 3 * graceOther
	}
	b.settle(ctx, fmt.Sprintf("press %q", key), before, grace)
}

// Text returns the text of the page as a user sees it (document.body.innerText):
// hidden elements are left out, visually-hidden text for screen readers is in.
func (b *Browser) Text() string {
	b.t.Helper()
	return run(b, "read the page text", chromedp.Evaluate[string](`document.body ? document.body.innerText : ''`))
}

var spaces = regexp.MustCompile(`\s+`)

func normalize(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// MustSee fails the test unless the page text contains text. Runs of
// whitespace count as one space on both sides. It checks once, without
// waiting: actions have already waited for the page.
func (b *Browser) MustSee(text string) {
	b.t.Helper()
	if page := normalize(b.Text()); !strings.Contains(page, normalize(text)) {
		b.fatalf("the page does not show %q. It shows:\n%s", text, clipText(page, 2000))
	}
}

// WaitToSee waits until the page text contains text: for what a script changes in the page without
// loading another (a form fetched and drawn in place), which the actions do not wait for. It fails the
// test if the text has not appeared within the action timeout.
func (b *Browser) WaitToSee(text string) {
	b.t.Helper()
	deadline := time.Now().Add(b.timeout)
	for {
		page := normalize(b.Text())
		if strings.Contains(page, normalize(text)) {
			return
		}
		if time.Now().After(deadline) {
			b.fatalf("the page did not come to show %q. It shows:\n%s", text, clipText(page, 2000))
		}
		time.Sleep(pollEvery)
	}
}

// MustNotSee fails the test if the page text contains text.
func (b *Browser) MustNotSee(text string) {
	b.t.Helper()
	if page := normalize(b.Text()); strings.Contains(page, normalize(text)) {
		b.fatalf("the page shows %q, which it should not. It shows:\n%s", text, clipText(page, 2000))
	}
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// URL returns the URL of the current page.
func (b *Browser) URL() string {
	b.t.Helper()
	return run(b, "read the URL", chromedp.Location())
}

// Path returns the path and query of the current page, such as "/apply?x=1".
func (b *Browser) Path() string {
	b.t.Helper()
	return run(b, "read the URL", chromedp.Evaluate[string](`location.pathname + location.search`))
}

// Title returns the document title.
func (b *Browser) Title() string {
	b.t.Helper()
	return run(b, "read the title", chromedp.Title())
}

// StatusCode returns the HTTP status of the last document the tab loaded, or
// 0 before the first.
func (b *Browser) StatusCode() int {
	b.nav.mu.Lock()
	defer b.nav.mu.Unlock()
	return int(b.nav.status)
}

// Focused describes the element that has the keyboard focus, for tests of
// focus management. The description is the tag, #id, up to three .classes,
// type, name and href attributes, then the label (`labelled "Full name"`) or
// the quoted text, for example
//
//	div#error-summary.govuk-error-summary "There is a problem Enter your name"
//	input#full-name.govuk-input[type="text"][name="name"] labelled "Full name"
//
// It returns "body" when nothing in particular has the focus.
func (b *Browser) Focused() string {
	b.t.Helper()
	return run(b, "read the focused element", chromedp.Evaluate[string](jsCall("focused")))
}

// Eval evaluates the JavaScript expression js in the page and stores its
// result, decoded from JSON, in out (a pointer, or nil to ignore the result).
// A promise is awaited (so with JavaScript disabled a promise never settles
// and Eval times out). An exception fails the test. Eval does not wait for a
// navigation the script may start. It runs through DevTools, so the page's CSP
// does not apply.
func (b *Browser) Eval(js string, out any) {
	b.t.Helper()
	raw := run(b, "eval", chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if out == nil || len(raw) == 0 {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.fatalf("eval: cannot decode %s into %T: %v", raw, out, err)
	}
}

// SetJavaScript enables or disables page JavaScript. The change applies to
// scripts that run from now on, so Visit (or reload) a page to see it as a
// browser with that setting gets it.
func (b *Browser) SetJavaScript(enabled bool) {
	b.t.Helper()
	ctx, cancel := b.actionCtx()
	defer cancel()
	b.setScriptExecution(ctx, enabled)
	b.javaScript = enabled
}

func (b *Browser) setScriptExecution(ctx context.Context, enabled bool) {
	b.t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !enabled})
	if err != nil {
		b.t.Fatalf("browsertest: cannot turn JavaScript %s: %v", map[bool]string{true: "on", false: "off"}[enabled], err)
	}
}

// JavaScriptEnabled reports whether page JavaScript is on.
func (b *Browser) JavaScriptEnabled() bool { return b.javaScript }

// Cookies returns the cookies the browser would send to the current page and
// to the base URL.
func (b *Browser) Cookies() []*network.Cookie {
	b.t.Helper()
	urls := []string{b.baseURL + "/"}
	if u := b.currentURL(); strings.HasPrefix(u, "http") {
		urls = append(urls, u)
	}
	res := run(b, "read cookies", func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: urls})
	})
	return res.Cookies
}

// Cookie returns the cookie called name from [Browser.Cookies], or nil.
func (b *Browser) Cookie(name string) *network.Cookie {
	b.t.Helper()
	for _, c := range b.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ConsoleErrors returns the JavaScript exceptions, console.error messages and
// browser log errors (such as Content-Security-Policy violations and failed
// requests) seen so far, in order.
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.consoleErrors...)
}

// Context returns the chromedp context of the tab, for anything the harness
// does not offer. It has no deadline; add one for each call.
func (b *Browser) Context() context.Context { return b.ctx }

// Screenshot saves a full-page PNG of the current page as name.png in the
// artifacts directory (see the package documentation), logs and returns its
// path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := b.screenshot()
	if err != nil {
		b.fatalf("screenshot: %v", err)
	}
	path, err := b.saveArtifact(name+".png", png)
	if err != nil {
		b.fatalf("screenshot: %v", err)
	}
	b.t.Logf("browsertest: screenshot %s", path)
	return path
}

func (b *Browser) screenshot() ([]byte, error) {
	ctx, cancel := b.actionCtx()
	defer cancel()
	return chromedp.Run(ctx, chromedp.FullScreenshot(100))
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (b *Browser) saveArtifact(name string, data []byte) (string, error) {
	if b.artifactsDir == "" {
		if root := os.Getenv("BROWSERTEST_ARTIFACTS"); root != "" {
			b.artifactsDir = filepath.Join(root, unsafeName.ReplaceAllString(b.t.Name(), "_"))
			if err := os.MkdirAll(b.artifactsDir, 0o755); err != nil {
				return "", err
			}
		} else {
			b.artifactsDir = b.t.TempDir()
		}
	}
	path := filepath.Join(b.artifactsDir, unsafeName.ReplaceAllString(name, "_"))
	return path, os.WriteFile(path, data, 0o644)
}

// onTestEnd saves what helps to debug a failed test. It runs before the
// browser closes.
func (b *Browser) onTestEnd() {
	if !b.t.Failed() {
		return
	}
	b.mu.Lock()
	consoleErrors := append([]string(nil), b.consoleErrors...)
	browserErrors := append([]string(nil), b.browserErrors...)
	b.mu.Unlock()
	var notes []string
	notes = append(notes, "page: "+b.currentURL())
	if png, err := b.screenshot(); err == nil {
		if p, err := b.saveArtifact("failure.png", png); err == nil {
			notes = append(notes, "screenshot: "+p)
		}
	}
	ctx, cancel := b.actionCtx()
	html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement ? document.documentElement.outerHTML : ''`))
	cancel()
	if err == nil {
		if p, err := b.saveArtifact("failure.html", []byte(html)); err == nil {
			notes = append(notes, "html: "+p)
		}
	}
	if len(consoleErrors) > 0 {
		notes = append(notes, "console errors:\n  "+strings.Join(consoleErrors, "\n  "))
	}
	if len(browserErrors) > 0 {
		notes = append(notes, "DevTools errors:\n  "+strings.Join(browserErrors, "\n  "))
	}
	if os.Getenv("BROWSERTEST_ARTIFACTS") == "" {
		notes = append(notes, "(set BROWSERTEST_ARTIFACTS=dir to keep these files after the test)")
	}
	b.t.Logf("browsertest: the test failed; %s", strings.Join(notes, "\n"))
}

// Value returns what the text field or textarea labelled label holds (typed answers are not part of the
// page's visible text, so MustSee does not find them).
func (b *Browser) Value(label string) string {
	b.t.Helper()
	var got struct {
		Error string `json:"error"`
		Value string `json:"value"`
	}
	b.evalJS(fmt.Sprintf("value of %q", label), jsCall("fieldValue", label), &got)
	if got.Error != "" {
		b.fatalf("value of %q: %s", label, got.Error)
	}
	return got.Value
}

// Choose picks the option labelled option among the radios or checkboxes of the question whose legend
// starts with question: the way to answer one of several yes/no questions on a page.
func (b *Browser) Choose(question, option string) {
	b.t.Helper()
	what := fmt.Sprintf("choose %q for %q", option, question)
	q, _ := json.Marshal(question)
	o, _ := json.Marshal(option)
	js := `(() => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const sets = [...document.querySelectorAll('fieldset')].filter(f => {
    const l = f.querySelector(':scope > legend');
    return l && norm(l.textContent).startsWith(` + string(q) + `);
  });
  if (sets.length !== 1) return {error: sets.length + ' questions start with that text'};
  const labels = [...sets[0].querySelectorAll('label')].filter(l => norm(l.textContent) === ` + string(o) + `);
  if (labels.length !== 1) return {error: labels.length + ' options have that label'};
  const input = labels[0].control;
  if (input && input.checked) return {done: true};
  labels[0].scrollIntoView({block: 'center', behavior: 'instant'});
  const r = labels[0].getBoundingClientRect();
  return {x: r.left + Math.min(r.width / 2, 20), y: r.top + r.height / 2};
})()`
	var r clickResult
	b.evalJS(what, js, &r)
	if r.Error != "" {
		b.fatalf("%s: %s", what, r.Error)
	}
	if !r.Done {
		b.clickAt(what, r.X, r.Y, false)
	}
}
