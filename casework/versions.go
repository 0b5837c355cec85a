package casework

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"formportal/engine"
	"formportal/store"
)

// Published versions of forms are immutable: Publish stores each definition with its id, version and
// content hash, and refuses a definition that changed under a version already published. Every response
// keeps the version it was started with (store.Response.FormVersion) and is shown, validated and described
// with it, until a designer publishes a compatible version and asks for drafts in flight to move.

// FormOf is the version of its form a response was started with (or moved to).
func (s *Service) FormOf(r *store.Response) (*engine.Form, error) {
	f := s.forms.Version(r.FormID, r.FormVersion)
	if f == nil {
		return nil, fmt.Errorf("form %s version %d is not installed", r.FormID, r.FormVersion)
	}
	return f, nil
}

// PublishOptions say who publishes and whether drafts in flight move to compatible new versions even
// when the definition does not say migrate: compatible.
type PublishOptions struct {
	By      string // for the audit log: "portal start", "portal forms publish", a reload
	Migrate bool
}

// Published is what a publish did.
type Published struct {
	New   []string // "id version N", newly published
	Moved int      // drafts and delegations moved to a new version
	// Stayed counts the drafts and delegations left on an earlier version of a form that asked them to
	// move, because a change since their version would break them.
	Stayed int
	// Unloadable are stored versions this engine could not load: responses on them cannot be opened.
	Unloadable []string
}

// Publish publishes the forms, then makes every published version known to the library and, for each
// new version whose definition (or opts) asks for it, moves the drafts and delegations in flight on
// earlier versions to it when nothing between breaks them. Nothing is published when any definition
// changed under a published version or is older than the latest published.
func (s *Service) Publish(ctx context.Context, list []*engine.Form, opts PublishOptions) (Published, error) {
	var out Published
	stored, err := s.st.FormVersions(ctx)
	if err != nil {
		return out, fmt.Errorf("publish forms: %w", err)
	}
	hashes := map[store.FormVersionKey]string{}
	latest := map[string]int{}
	for _, v := range stored {
		hashes[store.FormVersionKey{FormID: v.FormID, Version: v.Version}] = v.Hash
		latest[v.FormID] = max(latest[v.FormID], v.Version)
	}
	var problems []error
	var fresh []*engine.Form
	for _, f := range list {
		h, published := hashes[store.FormVersionKey{FormID: f.ID, Version: f.Version}]
		switch {
		case published && h != f.Hash():
			problems = append(problems, fmt.Errorf("%s: %s version %d has changed since it was published: raise its version", f.File, f.ID, f.Version))
		case published:
		case f.Version < latest[f.ID]:
			problems = append(problems, fmt.Errorf("%s: %s version %d is older than version %d, already published: raise its version to %d", f.File, f.ID, f.Version, latest[f.ID], latest[f.ID]+1))
		default:
			fresh = append(fresh, f)
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("publish forms: %w", errors.Join(problems...))
	}
	err = s.st.InTx(ctx, func(tx store.Data) error {
		for _, f := range fresh {
			v := &store.FormVersion{FormID: f.ID, Version: f.Version, Hash: f.Hash(), Definition: f.Definition(), PublishedAt: s.now(), PublishedBy: opts.By}
			if err := tx.PublishFormVersion(ctx, v); errors.Is(err, store.ErrConflict) {
				// Another process published it meanwhile (portals starting together on one database):
				// the same definition is no change, another is one.
				same, err := publishedAs(ctx, tx, f)
				if err != nil {
					return err
				}
				if !same {
					return fmt.Errorf("%s: %s version %d has changed since it was published: raise its version", f.File, f.ID, f.Version)
				}
				continue
			} else if err != nil {
				return err
			}
			detail := fmt.Sprintf("%s version %d (%s)", f.ID, f.Version, f.Hash())
			if latest[f.ID] == 0 {
				// The form's first published version is the one its earlier responses were made with.
				n, err := tx.AdoptUnversionedResponses(ctx, f.ID, f.Version)
				if err != nil {
					return err
				}
				if n > 0 {
					detail += fmt.Sprintf(", recorded on %d earlier responses", n)
				}
			}
			if err := tx.Audit(ctx, store.AuditEntry{At: s.now(), Actor: opts.By, Action: "form published", Detail: detail}); err != nil {
				return err
			}
			out.New = append(out.New, fmt.Sprintf("%s version %d", f.ID, f.Version))
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("publish forms: %w", err)
	}
	if out.Unloadable, err = s.LoadVersions(ctx); err != nil {
		return out, err
	}
	for _, f := range fresh {
		if f.Migrate != engine.MigrateCompatible && !opts.Migrate {
			continue
		}
		moved, stayed, err := s.moveDrafts(ctx, f, opts.By)
		out.Moved += moved
		out.Stayed += stayed
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// publishedAs reports whether the stored version of f has f's content.
func publishedAs(ctx context.Context, tx store.Data, f *engine.Form) (bool, error) {
	stored, err := tx.FormVersions(ctx)
	if err != nil {
		return false, err
	}
	for _, v := range stored {
		if v.FormID == f.ID && v.Version == f.Version {
			return v.Hash == f.Hash(), nil
		}
	}
	return false, fmt.Errorf("%s version %d: refused as published, yet not stored", f.ID, f.Version)
}

// LoadVersions adds every published version in the store to the library (a later version of a form the
// library offers becomes the one new responses start on). It lists the versions that no longer load.
func (s *Service) LoadVersions(ctx context.Context) (unloadable []string, err error) {
	stored, err := s.st.FormVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("load form versions: %w", err)
	}
	for _, v := range stored {
		if s.forms.Version(v.FormID, v.Version) != nil {
			continue
		}
		name := fmt.Sprintf("%s version %d (published)", v.FormID, v.Version)
		f, diags := engine.Load(name, v.Definition)
		if f == nil {
			unloadable = append(unloadable, fmt.Sprintf("%s: %d problems, first %s", name, len(diags), diags[0]))
			continue
		}
		s.forms.Add(f)
	}
	return unloadable, nil
}

// LoadNewVersions is LoadVersions when the store has a version the library does not know, and a cheap
// look otherwise: what a portal polls with.
func (s *Service) LoadNewVersions(ctx context.Context) (unloadable []string, err error) {
	latest, err := s.st.LatestFormVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("look for new form versions: %w", err)
	}
	for id, v := range latest {
		if s.forms.Version(id, v) == nil {
			return s.LoadVersions(ctx)
		}
	}
	return nil, nil
}

// moveDrafts moves the drafts and delegations in flight on earlier versions of f's form to f when no
// change between their version and f breaks them (engine.Compat finds no error). It says how many moved
// and how many stayed.
func (s *Service) moveDrafts(ctx context.Context, f *engine.Form, actor string) (moved, stayed int, err error) {
	list, err := s.st.ListResponses(ctx, store.ResponseFilter{FormID: f.ID, Statuses: open})
	if err != nil {
		return 0, 0, fmt.Errorf("move drafts of %s: %w", f.ID, err)
	}
	breaks := map[int]bool{}
	for _, r := range list {
		if r.FormVersion == 0 || r.FormVersion >= f.Version {
			continue
		}
		old := s.forms.Version(r.FormID, r.FormVersion)
		if _, known := breaks[r.FormVersion]; !known {
			breaks[r.FormVersion] = old == nil || engine.Compat(old, f).HasErrors()
		}
		if breaks[r.FormVersion] {
			stayed++
			continue
		}
		did, err := s.move(ctx, r.ID, actor, f)
		if err != nil {
			return moved, stayed, err
		}
		if did {
			moved++
		}
	}
	return moved, stayed, nil
}

// move moves one response to a later version of its form: answers to renamed questions go under their new
// ids, and the history records the move, the answers that did not carry (by question id, never their
// content) and how many answers the new version finds wrong or missing.
func (s *Service) move(ctx context.Context, id, actor string, to *engine.Form) (bool, error) {
	did := false
	_, err := s.change(ctx, id, Migrate, actor, func(tx store.Data, r *store.Response) (note, error) {
		if r.FormVersion >= to.Version {
			return note{quiet: true}, nil // moved meanwhile, by another process's publish
		}
		var answers engine.Answers
		if err := json.Unmarshal(r.Answers, &answers); err != nil {
			return note{}, fmt.Errorf("response %s answers: %w", r.ID, err)
		}
		carried, dropped := to.CarryAnswers(answers)
		b, err := json.Marshal(carried)
		if err != nil {
			return note{}, fmt.Errorf("response %s answers: %w", r.ID, err)
		}
		detail := fmt.Sprintf("from %s version %d to version %d", r.FormID, r.FormVersion, to.Version)
		r.Answers, r.FormVersion = b, to.Version
		if len(dropped) > 0 {
			detail += "; answers not carried: " + strings.Join(dropped, ", ")
		}
		res, err := Validate(to, r, s.now())
		if err != nil {
			return note{}, err
		}
		if n := len(res.Errors); n > 0 {
			detail += fmt.Sprintf("; %d answers to give or correct before it can be submitted", n)
		}
		did = true
		return note{detail: detail}, nil
	})
	return did, err
}

// OpenStatuses are the statuses of responses still being worked on: those a new version may move.
func OpenStatuses() []store.Status { return slices.Clone(open) }
