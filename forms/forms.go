// Package forms holds the form definitions the portal ships with, embedded in the binary.
package forms

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"formportal/engine"
)

//go:embed *.yaml
var files embed.FS

// FS is the embedded form definitions, for tools that want the files themselves.
func FS() fs.FS { return files }

// Library is a set of loaded form definitions, by id.
type Library struct {
	byID  map[string]*engine.Form
	order []*engine.Form // by title, for lists shown to people
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
	lib := &Library{byID: map[string]*engine.Form{}}
	for _, f := range list {
		lib.byID[f.ID] = f
		lib.order = append(lib.order, f)
	}
	sort.Slice(lib.order, func(i, j int) bool { return lib.order[i].Title < lib.order[j].Title })
	return lib, nil
}

// Get returns the form with the id, or nil.
func (l *Library) Get(id string) *engine.Form { return l.byID[id] }

// All lists every form by title.
func (l *Library) All() []*engine.Form { return l.order }

// Referrals lists the referral forms open to an audience (professional or public), by title.
func (l *Library) Referrals(audience string) []*engine.Form {
	var out []*engine.Form
	for _, f := range l.order {
		if f.Kind == engine.KindReferral && f.HasAudience(audience) {
			out = append(out, f)
		}
	}
	return out
}
