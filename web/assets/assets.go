// Package assets serves the portals' built front-end files (the stylesheet, the scripts and the icon)
// at /assets/, from dist/ embedded in the binary.
//
// dist/ is built from src/ and the pinned npm packages by build.sh and committed, so building the Go
// program needs no Node.js (see README.md). Every file is versioned by a hash of its content: pages link
// to Path(name), which adds ?v=<hash>, and a request carrying the current hash may be cached for a year.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var embedded embed.FS

// Prefix is where the files are served.
const Prefix = "/assets/"

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// file is one served file, prepared once.
type file struct {
	body        []byte
	gzipped     []byte // nil when compressing does not pay
	version     string
	contentType string
}

// files holds every file of dist/ by its name relative to dist/ ("app.css", "images/favicon.svg").
var files = mustLoad(embedded)

func mustLoad(root embed.FS) map[string]*file {
	dist, err := fs.Sub(root, "dist")
	if err != nil {
		panic(err)
	}
	m, err := load(dist)
	if err != nil {
		panic(err)
	}
	return m
}

// load reads every file of dist, works out its content type and version, and compresses what is worth
// compressing. A script's relative imports of other files ("./govuk-frontend.min.js") get those files'
// versions, so that a cached script never runs with an old copy of what it imports.
func load(dist fs.FS) (map[string]*file, error) {
	m := map[string]*file{}
	err := fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		m[name] = &file{body: body, version: version(body), contentType: contentType(name, body)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The versions of the files as built, for the scripts that import them.
	built := map[string]string{}
	for name, f := range m {
		built[name] = f.version
	}
	for name, f := range m {
		if path.Ext(name) == ".js" {
			f.body = versionImports(name, f.body, built)
			f.version = version(f.body)
		}
		f.gzipped = compress(f.contentType, f.body)
	}
	return m, nil
}

// versionImports adds ?v= to a script's quoted relative references ('./x.js') to the other scripts in its
// folder, with their versions as built. One level only: a script imported by another and importing a
// third would be served under a new version, which its importer's reference would not carry (it would
// be revalidated on each use rather than cached; the build has no such script).
func versionImports(name string, body []byte, built map[string]string) []byte {
	dir := path.Dir(name)
	for other, v := range built {
		if other == name || path.Ext(other) != ".js" || path.Dir(other) != dir {
			continue
		}
		base := path.Base(other)
		for _, q := range []string{"'", `"`} {
			old := q + "./" + base + q
			body = bytes.ReplaceAll(body, []byte(old), []byte(q+"./"+base+"?v="+v+q))
		}
	}
	return body
}

// version is the short hash of a file's content that Path adds to its URL.
func version(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])[:12]
}

// types are the content types of the files the build makes; others come from the mime package.
var types = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
	".woff":  "font/woff",
}

func contentType(name string, body []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

// compress gzips text that is big enough to gain from it.
func compress(contentType string, body []byte) []byte {
	if len(body) < 1024 || !(strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "svg") || strings.Contains(contentType, "json")) {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	if buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// Path is the URL of a built file with its version, for example "/assets/app.css?v=3f2a9c1b7d4e". A name
// that is not in dist/ gets no version (and will be a 404).
func Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if f, ok := files[name]; ok {
		return Prefix + name + "?v=" + f.version
	}
	return Prefix + name
}

// Handler serves /assets/<name> from dist/. A request whose ?v= is the file's current version may be
// cached for a year; any other must be revalidated (with its ETag) each time.
func Handler() http.Handler {
	return handler(files)
}

func handler(m map[string]*file) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, Prefix)
		f := m[name]
		if !ok || f == nil {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Query().Get("v") == f.version {
			h.Set("Cache-Control", cacheImmutable)
		} else {
			h.Set("Cache-Control", cacheRevalidate)
		}
		body, etag := f.body, `"`+f.version+`"`
		if f.gzipped != nil {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				body, etag = f.gzipped, `"`+f.version+`-gz"`
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("ETag", etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (and does not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !(params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000")
	}
	return false
}
