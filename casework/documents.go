package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"formportal/store"
)

// PurgeUnlistedDocuments removes documents that no answer of their response lists and that are older
// than a day: left behind by crashed uploads in versions that stored a file before its draft. Today a
// file is stored with the draft that lists it, so nothing new is left; this clears what came before.
// The day's margin means a document committed while this runs is never mistaken for one left behind.
// Each deletion is in the audit log under actor, with its response.
func (s *Service) PurgeUnlistedDocuments(ctx context.Context, actor string) (int, error) {
	before := s.now().Add(-24 * time.Hour)
	purged := 0
	var after int64
	for {
		page, err := s.st.ListResponsesAfter(ctx, store.ResponseFilter{Limit: 200}, after)
		if err != nil {
			return purged, fmt.Errorf("purge documents: %w", err)
		}
		for _, r := range page {
			after = r.ListSeq
			n, err := s.purgeUnlisted(ctx, r, before, actor)
			if err != nil {
				return purged, fmt.Errorf("purge documents of %s: %w", r.ID, err)
			}
			purged += n
		}
		if len(page) < 200 {
			return purged, nil
		}
	}
}

func (s *Service) purgeUnlisted(ctx context.Context, r *store.Response, before time.Time, actor string) (int, error) {
	docs, err := s.st.AttachmentsOf(ctx, r.ID)
	if err != nil || len(docs) == 0 {
		return 0, err
	}
	listed := map[string]bool{}
	for _, doc := range []json.RawMessage{r.Answers, r.Submission} {
		var v any
		if len(doc) > 0 && json.Unmarshal(doc, &v) == nil {
			for _, id := range AttachmentIDs(v) {
				listed[id] = true
			}
		}
	}
	n := 0
	for _, d := range docs {
		if listed[d.ID] || !d.CreatedAt.Before(before) {
			continue
		}
		err := s.st.InTx(ctx, func(tx store.Data) error {
			if err := tx.DeleteAttachment(ctx, d.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, actor, Purge, r, "document "+d.ID+" no answer lists")
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// AttachmentIDs are the ids of the documents an answers value lists, at any depth.
func AttachmentIDs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["id"].(string); ok && isAttachment(x) {
			return []string{id}
		}
		for _, c := range x {
			out = append(out, AttachmentIDs(c)...)
		}
	case []any:
		for _, c := range x {
			out = append(out, AttachmentIDs(c)...)
		}
	}
	return out
}
