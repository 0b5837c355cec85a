package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// wantTypes is what each kind of file must be served as.
var wantTypes = map[string]string{
	".css": "text/css; charset=utf-8",
	".js":  "text/javascript; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
}

func get(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func distFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(embedded, "dist/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEveryFileServedWithItsType(t *testing.T) {
	h := Handler()
	n := 0
	err := fs.WalkDir(embedded, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		name := strings.TrimPrefix(p, "dist/")
		want, ok := wantTypes[path.Ext(name)]
		if !ok {
			t.Errorf("%s: no content type expected for this kind of file; add it to wantTypes", name)
			return nil
		}
		resp := get(t, h, Path(name))
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", name, got, want)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", name, got)
		}
		if path.Ext(name) != ".js" && !bytes.Equal(body, distFile(t, name)) {
			t.Errorf("%s: body differs from dist/%s", name, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.css", "app.js", "govuk-frontend.min.js"} {
		if _, ok := files[name]; !ok {
			t.Errorf("dist/%s is missing: run build.sh", name)
		}
	}
	if n == 0 {
		t.Fatal("dist is empty")
	}
}

func TestPathVersionsByContent(t *testing.T) {
	for name, f := range files {
		want := "/assets/" + name + "?v=" + version(f.body)
		if got := Path(name); got != want {
			t.Errorf("Path(%q) = %q, want %q", name, got, want)
		}
		if got := Path("/" + name); got != want {
			t.Errorf("Path(%q) = %q, want %q", "/"+name, got, want)
		}
	}
	if !regexp.MustCompile(`^/assets/app\.css\?v=[0-9a-f]{12}$`).MatchString(Path("app.css")) {
		t.Errorf("Path(app.css) = %q", Path("app.css"))
	}
	if got := Path("missing.css"); got != "/assets/missing.css" {
		t.Errorf("Path(missing.css) = %q", got)
	}

	// The version follows the content.
	a, b := version([]byte("body{color:red}")), version([]byte("body{color:blue}"))
	if a == b || len(a) != 12 || a != version([]byte("body{color:red}")) {
		t.Errorf("versions %q and %q", a, b)
	}
	m, err := load(fstest.MapFS{"x.css": {Data: []byte("a{}")}})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := load(fstest.MapFS{"x.css": {Data: []byte("b{}")}})
	if err != nil {
		t.Fatal(err)
	}
	if m["x.css"].version == m2["x.css"].version {
		t.Error("a change of content kept the version")
	}
}

func TestScriptImportsAreVersioned(t *testing.T) {
	src := distFile(t, "app.js")
	if !bytes.Contains(src, []byte(`from './govuk-frontend.min.js'`)) {
		t.Fatal("app.js does not import ./govuk-frontend.min.js")
	}
	served := readAll(t, get(t, Handler(), Path("app.js")))
	want := "from './govuk-frontend.min.js?v=" + files["govuk-frontend.min.js"].version + "'"
	if !bytes.Contains(served, []byte(want)) {
		t.Errorf("served app.js does not contain %q", want)
	}
	if files["app.js"].version != version(served) {
		t.Error("app.js's version is not the hash of what is served")
	}
	// The import resolves to a file that is served as cacheable.
	resp := get(t, Handler(), "/assets/govuk-frontend.min.js?v="+files["govuk-frontend.min.js"].version)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != cacheImmutable {
		t.Errorf("imported script: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

func TestCachingAndETag(t *testing.T) {
	h := Handler()
	f := files["app.css"]

	resp := get(t, h, Path("app.css"))
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("current version: Cache-Control %q", got)
	}
	etag := resp.Header.Get("ETag")
	if etag != `"`+f.version+`"` {
		t.Errorf("ETag %q", etag)
	}
	for _, target := range []string{"/assets/app.css", "/assets/app.css?v=000000000000", "/assets/app.css?v="} {
		if got := get(t, h, target).Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", target, got)
		}
	}
	resp = get(t, h, "/assets/app.css", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", resp.StatusCode)
	}
	resp = get(t, h, "/assets/app.css", "If-None-Match", `"stale"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("stale If-None-Match: status %d, want 200", resp.StatusCode)
	}
}

func TestGzip(t *testing.T) {
	h := Handler()
	resp := get(t, h, Path("app.css"), "Accept-Encoding", "br, gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("Content-Encoding %q, Vary %q", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
	}
	if resp.Header.Get("ETag") == `"`+files["app.css"].version+`"` {
		t.Error("the gzipped body has the same ETag as the plain one")
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, distFile(t, "app.css")) {
		t.Error("gunzipped body differs from dist/app.css")
	}
	for _, ae := range []string{"", "br", "gzip;q=0"} {
		resp := get(t, h, Path("app.css"), "Accept-Encoding", ae)
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, resp.Header.Get("Content-Encoding"))
		}
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	h := Handler()
	for _, target := range []string{"/assets/nope.css", "/assets/", "/assets/images", "/assets/images/", "/assets/../assets.go", "/app.css", "/assets/dist/app.css"} {
		if resp := get(t, h, target); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, resp.StatusCode)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/assets/app.css", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", rec.Code)
	}
	req = httptest.NewRequest(http.MethodHead, Path("app.css"), nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("HEAD: status %d, %d bytes, %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"))
	}
}

// The stylesheet is a council's, not GOV.UK's: Arial, no GDS Transport, the council's colour as a
// custom property, and a print stylesheet.
func TestStylesheet(t *testing.T) {
	css := string(distFile(t, "app.css"))
	if strings.Contains(css, "GDS Transport") {
		t.Error("app.css mentions GDS Transport")
	}
	if strings.Contains(css, "@font-face") {
		t.Error("app.css has @font-face rules")
	}
	if !strings.Contains(css, "font-family:arial,sans-serif") {
		t.Error("app.css does not set arial")
	}
	if !strings.Contains(css, "--council-brand") {
		t.Error("app.css does not use --council-brand")
	}
	if !strings.Contains(css, "@media print{") {
		t.Fatal("app.css has no @media print block")
	}
	// The portal's own print block starts by hiding everything but the page's content.
	hidden := ""
	for _, block := range strings.Split(css, "@media print{")[1:] {
		if rule, _, ok := strings.Cut(block, "{display:none !important}"); ok && strings.Contains(rule, ".app-header") {
			hidden = rule
		}
	}
	for _, sel := range []string{".govuk-generic-header", ".app-header", ".app-user-menu", ".govuk-footer", ".app-section-nav", ".govuk-button", ".app-timeout-dialog"} {
		if !strings.Contains(hidden+",", sel+",") {
			t.Errorf("the print stylesheet does not hide %s", sel)
		}
	}
	if !strings.Contains(css, "break-inside:avoid") {
		t.Error("the print stylesheet lets table rows break across pages")
	}
	for _, class := range []string{".app-header", ".app-user-menu", ".app-section-nav", ".app-required", ".app-timeout-dialog", ".app-row", ".app-marking"} {
		if !strings.Contains(css, class) {
			t.Errorf("app.css has no %s", class)
		}
	}
	if !strings.Contains(css, ".app-required{font-weight:700;margin-left:.15em;color:#d4351c}") {
		t.Error("the asterisk is not red (#d4351c)")
	}
	if strings.Contains(css, "sourceMappingURL") {
		t.Error("app.css refers to a source map")
	}
}
