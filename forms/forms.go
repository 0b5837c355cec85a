// Package forms holds the form definitions the portal ships with, embedded in the binary, and the
// library of forms a portal serves: the current version of each, which new responses start on, and every
// published version, which the responses started on them keep.
package forms

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"formportal/engine"
)

//go:embed *.yaml
var files embed.FS

// FS is the embedded form definitions, for tools that want the files themselves.
func FS() fs.FS { return files }

// Library is a set of loaded form definitions: the current version of each form by id, and every
// version known, by id and version. It is safe for concurrent use; versions are only ever added.
type Library struct {
	mu       sync.RWMutex
	byID     map[string]*engine.Form
	order    []*engine.Form // by title, for lists shown to people
	versions map[key]*engine.Form
}

type key struct {
	id      string
	version int
}

// Load loads and checks every embedded form. Warnings do not stop a form loading; errors do, since a
// broken definition must never reach a professional.
func Load() (*Library, error) {
	return LoadFrom(files, ".")
}

// LoadFrom loads every form definition in a folder of fsys.
func LoadFrom(fsys fs.FS, dir string) (*Library, error) {
	list, diags, err := engine.LoadFS(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("load forms: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("load forms: %d problems, first %s", len(diags), diags[0])
	}
	return New(list), nil
}

// New is a library whose current forms are the list.
func New(list []*engine.Form) *Library {
	l := &Library{versions: map[key]*engine.Form{}}
	l.SetCurrent(list)
	return l
}

// SetCurrent makes the list the forms the library offers, each at its version in the list or at a later
// version already in the library. Every version stays known.
func (l *Library) SetCurrent(list []*engine.Form) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID = map[string]*engine.Form{}
	for _, f := range list {
		l.addLocked(f)
		l.byID[f.ID] = l.latestLocked(f.ID)
	}
	l.sortLocked()
}

// Add adds a version of a form. A version later than a current form's becomes current; a form the
// library does not offer stays not offered.
func (l *Library) Add(f *engine.Form) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addLocked(f)
	if cur := l.byID[f.ID]; cur != nil && f.Version > cur.Version {
		l.byID[f.ID] = f
		l.sortLocked()
	}
}

func (l *Library) addLocked(f *engine.Form) {
	k := key{f.ID, f.Version}
	if _, known := l.versions[k]; !known {
		l.versions[k] = f
		for _, lang := range f.Languages {
			f.In(lang) // the translated copies are made once, here, not by the first request for them
		}
	}
}

func (l *Library) latestLocked(id string) *engine.Form {
	var latest *engine.Form
	for k, f := range l.versions {
		if k.id == id && (latest == nil || k.version > latest.Version) {
			latest = f
		}
	}
	return latest
}

func (l *Library) sortLocked() {
	l.order = l.order[:0:0]
	for _, f := range l.byID {
		l.order = append(l.order, f)
	}
	sort.Slice(l.order, func(i, j int) bool {
		if l.order[i].Title != l.order[j].Title {
			return l.order[i].Title < l.order[j].Title
		}
		return l.order[i].ID < l.order[j].ID
	})
}

// Get returns the current version of the form with the id, or nil.
func (l *Library) Get(id string) *engine.Form {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.byID[id]
}

// Version returns a version of a form, or nil when the library does not know it. Version 0 is that of
// responses made before versions were kept and not yet given one: the current version.
func (l *Library) Version(id string, version int) *engine.Form {
	if version == 0 {
		return l.Get(id)
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.versions[key{id, version}]
}

// Versions lists every known version of a form, earliest first.
func (l *Library) Versions(id string) []*engine.Form {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var out []*engine.Form
	for k, f := range l.versions {
		if k.id == id {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// All lists the current version of every form by title.
func (l *Library) All() []*engine.Form {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.order
}

// Referrals lists the referral forms open to an audience (professional or public), by title.
func (l *Library) Referrals(audience string) []*engine.Form {
	var out []*engine.Form
	for _, f := range l.All() {
		if f.Kind == engine.KindReferral && f.HasAudience(audience) {
			out = append(out, f)
		}
	}
	return out
}
