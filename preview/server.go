// Package preview shows a folder of form definitions to their designer, on loopback and without accounts:
// every section of each form drawn as a professional sees it, with sample case data, the designer's
// choice of audience, number of children and answers, the validation messages, and the blank PDF. The page
// reloads itself when a file of the folder is saved; a form with errors shows formlint's diagnostics
// instead. `formlint preview DIR` runs it.
package preview

import (
	_ "embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/a-h/templ"

	"formportal/engine"
	"formportal/pdf"
	"formportal/web/assets"
)

// Server serves the preview of the forms in one folder.
type Server struct {
	dir   string
	fsys  fs.FS
	today func() time.Time
	log   *slog.Logger
	gen   *generations
	done  chan struct{} // closed when the server stops, to end the event streams
}

// New makes the preview of the forms in dir.
func New(dir string, log *slog.Logger) *Server {
	return &Server{dir: dir, fsys: os.DirFS(dir), today: time.Now, log: log, gen: newGenerations(), done: make(chan struct{})}
}

//go:embed preview.js
var script []byte

// scriptPath is where the reloading script is served.
const scriptPath = "/preview.js"

// Handler serves the preview's pages.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /forms/{file}", s.formPage)
	mux.HandleFunc("GET /forms/{file}/blank.pdf", s.blankPDF)
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET "+scriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(script)
	})
	mux.HandleFunc("GET /theme.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		fmt.Fprint(w, ":root{--council-brand:#1d70b8}\n")
	})
	mux.Handle("GET "+assets.Prefix, assets.Handler())
	return loopbackOnly(securityHeaders(mux))
}

// file is one form file of the folder as loaded now.
type file struct {
	Name  string
	Form  *engine.Form // nil when the file has errors
	Diags engine.Diagnostics
}

// load reads every form file of the folder, as the portal would.
func (s *Server) load() ([]file, error) {
	forms, diags, err := engine.LoadFS(s.fsys, ".")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(s.fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.dir, err)
	}
	var out []file
	for _, e := range entries {
		if e.IsDir() || !engine.IsFormFile(e.Name()) {
			continue
		}
		f := file{Name: e.Name()}
		for _, fm := range forms {
			if fm.File == e.Name() {
				f.Form = fm
			}
		}
		for _, d := range diags {
			if d.File == e.Name() {
				f.Diags = append(f.Diags, d)
			}
		}
		if f.Diags.HasErrors() {
			f.Form = nil
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// find loads the folder and returns the file named in the request's path.
func (s *Server) find(w http.ResponseWriter, r *http.Request) (file, bool) {
	files, err := s.load()
	if err != nil {
		s.fail(w, err)
		return file{}, false
	}
	for _, f := range files {
		if f.Name == r.PathValue("file") {
			return f, true
		}
	}
	http.NotFound(w, r)
	return file{}, false
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	files, err := s.load()
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, indexPage(indexView{Page: page("Forms"), Dir: s.dir, Files: files, Generation: s.gen.current()}))
}

func (s *Server) blankPDF(w http.ResponseWriter, r *http.Request) {
	f, ok := s.find(w, r)
	if !ok {
		return
	}
	if f.Form == nil {
		http.Error(w, f.Name+" has errors: it has no PDF until they are fixed", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+f.Form.ID+`.pdf"`)
	if _, err := pdf.Render(w, pdf.Document{Form: f.Form, Blank: true, Marking: pdf.BlankMarking, Today: s.today()}); err != nil {
		s.log.Error("blank PDF", "file", f.Name, "err", err)
	}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := c.Render(r.Context(), w); err != nil {
		s.log.Error("drawing a page", "path", r.URL.Path, "err", err)
	}
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	s.log.Error("preview", "err", err)
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// formHref is the address of a file's preview.
func formHref(name string) string { return "/forms/" + name }

// securityHeaders sets the headers of a page that runs only its own script and style.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// loopbackOnly answers only requests addressed to a loopback name, so that a web page elsewhere cannot
// reach the preview by pointing a name of its own at 127.0.0.1 (DNS rebinding).
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if !loopbackHost(strings.Trim(host, "[]")) {
			http.Error(w, "the preview answers only to localhost", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a host name or address is this machine's loopback.
func loopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
