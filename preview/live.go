package preview

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"formportal/engine"
)

// A page knows the generation of the folder it was drawn from, and its script listens on /events for a
// later one: each save of a form file makes a new generation, and every open page reloads.

// generations counts the saves of the folder's form files.
type generations struct {
	mu      sync.Mutex
	n       int64
	changed chan struct{} // closed, and replaced, at the next generation
}

// newGenerations starts from the time, so that a page drawn by an earlier run of the preview reloads
// when its script reconnects to this one.
func newGenerations() *generations {
	return &generations{n: time.Now().UnixNano(), changed: make(chan struct{})}
}

func (g *generations) current() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// wait returns the generation and a channel closed when the next one begins.
func (g *generations) wait() (int64, <-chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n, g.changed
}

func (g *generations) next() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	close(g.changed)
	g.changed = make(chan struct{})
}

// events streams (Server-Sent Events) a "change" once the folder's generation is no longer the one the
// page was drawn from (?since=), then ends: the page reloads.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		gen, changed := s.gen.wait()
		if gen != since {
			fmt.Fprintf(w, "event: change\ndata: %d\n\n", gen)
			flusher.Flush()
			return
		}
		select {
		case <-changed:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// settle is how long the folder must be quiet after a file event before pages reload: an editor's save
// is often several events (truncate, write, rename), and a page drawn between them would show a half
// written file.
const settle = 150 * time.Millisecond

// watch starts watching the folder; loop then turns its events into generations.
func (s *Server) watch() (*fsnotify.Watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", s.dir, err)
	}
	if err := w.Add(s.dir); err != nil {
		w.Close()
		return nil, fmt.Errorf("watching %s: %w", s.dir, err)
	}
	return w, nil
}

// loop starts a new generation each time a form file of the folder is written, created, removed or
// renamed, until ctx ends; it closes the watcher.
func (s *Server) loop(ctx context.Context, w *fsnotify.Watcher) {
	defer w.Close()
	quiet := time.NewTimer(settle)
	quiet.Stop()
	defer quiet.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Op != fsnotify.Chmod && (engine.IsFormFile(filepath.Base(ev.Name)) || engine.IsTranslationFile(filepath.Base(ev.Name))) { // a form or its Welsh
				quiet.Reset(settle)
			}
		case <-quiet.C:
			s.gen.next()
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("watching the forms folder", "dir", s.dir, "err", err)
		}
	}
}
