package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"formportal/store"
)

const responseColumns = `id, kind, form_id, form_version, sections, owner_email, owner_user_id, owner_name, owner_org, case_data, answers,
	submission, status, due_date, comments, reference, return_reason, return_comment, previous_id, version, created_at, updated_at, submitted_at, key_id, data_key`

// selectResponse is what a read of a response selects: its columns, its retention times, then its place
// in the list order.
const selectResponse = `SELECT ` + responseColumns + `, fetched_at, anonymised_at, list_seq FROM responses`

func (db *DB) scanResponse(row interface{ Scan(...any) error }) (*store.Response, error) {
	var r store.Response
	var sections, caseData, answers, submission, keyID string
	var dataKey []byte
	var created, updated, submitted, fetched, anonymised int64
	err := row.Scan(&r.ID, &r.Kind, &r.FormID, &r.FormVersion, &sections, &r.OwnerEmail, &r.OwnerUserID, &r.OwnerName, &r.OwnerOrg, &caseData, &answers,
		&submission, &r.Status, &r.DueDate, &r.Comments, &r.Reference, &r.ReturnReason, &r.ReturnComment, &r.PreviousID, &r.Version,
		&created, &updated, &submitted, &keyID, &dataKey, &fetched, &anonymised, &r.ListSeq)
	if err != nil {
		return nil, notFound(err)
	}
	if err := json.Unmarshal([]byte(sections), &r.Sections); err != nil {
		return nil, fmt.Errorf("response %s sections: %w", r.ID, err)
	}
	o, err := db.opener(keyID, dataKey)
	if err == nil {
		caseData, err = o.text(caseData, sealCaseData)
	}
	if err == nil {
		answers, err = o.text(answers, sealAnswers)
	}
	if err == nil {
		submission, err = o.text(submission, sealSubmission)
	}
	if err != nil {
		return nil, fmt.Errorf("response %s: %w", r.ID, err)
	}
	r.CaseData, r.Answers = json.RawMessage(caseData), json.RawMessage(answers)
	if submission != "" {
		r.Submission = json.RawMessage(submission)
	}
	r.CreatedAt, r.UpdatedAt, r.SubmittedAt = fromMillis(created), fromMillis(updated), fromMillis(submitted)
	r.FetchedAt, r.AnonymisedAt = fromMillis(fetched), fromMillis(anonymised)
	return &r, nil
}

// responseArgs are the values of a response's columns from kind to previous_id, its payloads sealed
// under a fresh data key, and that key's key_id and data_key.
func (db *DB) responseArgs(r *store.Response) (args, key []any, err error) {
	sections, err := json.Marshal(r.Sections)
	if err != nil {
		return nil, nil, err
	}
	if r.Sections == nil {
		sections = []byte("[]")
	}
	p, err := db.sealPayloads(r)
	if err != nil {
		return nil, nil, err
	}
	return []any{r.Kind, r.FormID, r.FormVersion, string(sections), strings.ToLower(r.OwnerEmail), r.OwnerUserID, r.OwnerName, r.OwnerOrg,
		p.caseData, p.answers, p.submission, r.Status, r.DueDate, r.Comments,
		r.Reference, r.ReturnReason, r.ReturnComment, r.PreviousID}, []any{p.keyID, p.wrapped}, nil
}

// payloads are a response's case data, answers and submission as stored: sealed under the data key
// keyID names and wrapped holds, or in the clear without keys.
type payloads struct {
	caseData, answers, submission string
	keyID                         string
	wrapped                       []byte
}

// sealPayloads seals a response's payloads under a fresh data key; absent ones are stored as their defaults.
func (db *DB) sealPayloads(r *store.Response) (payloads, error) {
	orEmpty := func(m json.RawMessage, def string) string {
		if len(m) == 0 {
			return def
		}
		return string(m)
	}
	var p payloads
	s, err := db.newSealer()
	if err == nil {
		p.caseData, err = s.text(orEmpty(r.CaseData, "{}"), sealCaseData)
	}
	if err == nil {
		p.answers, err = s.text(orEmpty(r.Answers, `{"values":{}}`), sealAnswers)
	}
	if err == nil {
		p.submission, err = s.text(orEmpty(r.Submission, ""), sealSubmission)
	}
	if err != nil {
		return p, err
	}
	p.keyID, p.wrapped = s.key()
	return p, nil
}

func (db *DB) insertEvent(ctx context.Context, tx *sql.Tx, ev *store.Event) error {
	if ev == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, db.bind(`INSERT INTO response_events (id, response_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?, ?)`),
		ev.ID, ev.ResponseID, millis(ev.At), ev.Kind, ev.Actor, ev.Detail)
	if err != nil {
		return fmt.Errorf("add event: %w", err)
	}
	return nil
}

// CreateResponse adds a response and its first event in one transaction.
func (db *DB) CreateResponse(ctx context.Context, r *store.Response, ev *store.Event) error {
	args, key, err := db.responseArgs(r)
	if err != nil {
		return fmt.Errorf("create response: %w", err)
	}
	r.Version = 1
	args = append([]any{r.ID}, args...)
	args = append(args, r.Version, millis(r.CreatedAt), millis(r.UpdatedAt), millis(r.SubmittedAt))
	args = append(args, key...)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO responses (`+responseColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), args...); err != nil {
			return fmt.Errorf("create response: %w", err)
		}
		if err := db.insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return db.relist(ctx, tx, r)
	})
}

// relist gives r the next place in the list order when this write leaves it in a status other than the
// one it was last placed with, so that a reader following ListResponsesAfter meets it again, once. The
// counter is taken last in the transaction and its row lock held until commit: places are handed out in
// commit order.
func (db *DB) relist(ctx context.Context, tx *sql.Tx, r *store.Response) error {
	var listed string
	if err := tx.QueryRowContext(ctx, db.bind(`SELECT list_status FROM responses WHERE id = ?`), r.ID).Scan(&listed); err != nil {
		return fmt.Errorf("place response in list order: %w", err)
	}
	if store.Status(listed) == r.Status {
		return nil
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE list_counter SET value = value + 1 RETURNING value`).Scan(&seq); err != nil {
		return fmt.Errorf("place response in list order: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.bind(`UPDATE responses SET list_seq = ?, list_status = ? WHERE id = ?`), seq, r.Status, r.ID); err != nil {
		return fmt.Errorf("place response in list order: %w", err)
	}
	r.ListSeq = seq
	return nil
}

// Response reads one response.
func (db *DB) Response(ctx context.Context, id string) (*store.Response, error) {
	return db.scanResponse(db.queryRow(ctx, selectResponse+` WHERE id = ?`, id))
}

// selectResponseHolding is selectResponse with the answers left out when the version is the one bound first.
var selectResponseHolding = strings.Replace(selectResponse, " answers,", " CASE WHEN version = ? THEN '' ELSE answers END,", 1)

// ResponseHolding reads one response, its answers only when they are not of version held.
func (db *DB) ResponseHolding(ctx context.Context, id string, held int) (*store.Response, error) {
	r, err := db.scanResponse(db.queryRow(ctx, selectResponseHolding+` WHERE id = ?`, held, id))
	if err == nil && r.Version == held {
		r.Answers = nil
	}
	return r, err
}

// selectResponseHead selects the columns the index responses_head holds.
const selectResponseHead = `SELECT id, kind, form_id, form_version, owner_email, owner_user_id, status, version FROM responses`

// indexedByHead reads from responses_head: SQLite's planner, left to itself, takes the primary key's
// index and then the row.
func (db *DB) indexedByHead() string {
	if db.dialect == sqlite {
		return ` INDEXED BY responses_head`
	}
	return ""
}

// responseHeadQuery reads the head of the response whose id is bound, from responses_head.
func (db *DB) responseHeadQuery() string {
	return selectResponseHead + db.indexedByHead() + ` WHERE id = ?`
}

// ResponseHead reads a response's head: who it is for, its form, status and version; outside a
// transaction, checked by the version against what this process kept (versionCache).
func (db *DB) ResponseHead(ctx context.Context, id string) (*store.Response, error) {
	if db.inTx != nil {
		return db.readResponseHead(ctx, id)
	}
	return db.heads.read(id, db.versionOf(ctx, `SELECT version FROM responses`+db.indexedByHead()+` WHERE id = ?`, id),
		func() (int64, *store.Response, error) {
			head, err := db.readResponseHead(ctx, id)
			if err != nil {
				return 0, nil, err
			}
			return int64(head.Version), head, nil
		})
}

func (db *DB) readResponseHead(ctx context.Context, id string) (*store.Response, error) {
	var r store.Response
	err := db.queryRow(ctx, db.responseHeadQuery(), id).
		Scan(&r.ID, &r.Kind, &r.FormID, &r.FormVersion, &r.OwnerEmail, &r.OwnerUserID, &r.Status, &r.Version)
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

// UpdateResponse saves a response if nobody changed it since it was read.
func (db *DB) UpdateResponse(ctx context.Context, r *store.Response, ev *store.Event) error {
	args, key, err := db.responseArgs(r)
	if err != nil {
		return fmt.Errorf("update response: %w", err)
	}
	args = append(args[1:], millis(r.UpdatedAt), millis(r.SubmittedAt), millis(r.AnonymisedAt)) // kind never changes
	args = append(args, key...)
	args = append(args, r.ID, r.Version)
	// The version guards the write, so repeating it after a lost connection cannot apply it twice.
	err = db.retry(ctx, func() error {
		return db.tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, db.bind(`UPDATE responses SET form_id = ?, form_version = ?, sections = ?, owner_email = ?, owner_user_id = ?,
			owner_name = ?, owner_org = ?, case_data = ?, answers = ?, submission = ?, status = ?, due_date = ?, comments = ?,
			reference = ?, return_reason = ?, return_comment = ?, previous_id = ?, updated_at = ?, submitted_at = ?,
			anonymised_at = ?, key_id = ?, data_key = ?, version = version + 1 WHERE id = ? AND version = ?`), args...)
			if err != nil {
				return fmt.Errorf("update response: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if _, err := db.Response(ctx, r.ID); err != nil {
					return err
				}
				return store.ErrStale
			}
			if err := db.insertEvent(ctx, tx, ev); err != nil {
				return err
			}
			return db.relist(ctx, tx, r)
		})
	})
	if err == nil {
		r.Version++
	}
	return err
}

// responseWhere is the WHERE clause, and its arguments, selecting the responses f matches.
func responseWhere(f store.ResponseFilter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.FormID != "" {
		add("form_id = ?", f.FormID)
	}
	if f.OwnerEmail != "" {
		add("owner_email = ?", strings.ToLower(f.OwnerEmail))
	}
	if f.OwnerUserID != "" {
		add("owner_user_id = ?", f.OwnerUserID)
	}
	if !f.UpdatedFrom.IsZero() {
		add("updated_at >= ?", millis(f.UpdatedFrom))
	}
	if !f.SubmittedFrom.IsZero() {
		add("submitted_at >= ?", millis(f.SubmittedFrom))
	}
	if !f.UpdatedBefore.IsZero() {
		add("updated_at < ?", millis(f.UpdatedBefore))
	}
	if !f.CreatedBefore.IsZero() {
		add("created_at < ?", millis(f.CreatedBefore))
	}
	if !f.FetchedBefore.IsZero() {
		add("fetched_at > 0 AND fetched_at >= submitted_at AND fetched_at < ?", millis(f.FetchedBefore))
	}
	if f.NotAnonymised {
		where = append(where, "anonymised_at = 0")
	}
	if len(f.Statuses) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		where = append(where, "status IN ("+marks+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ListResponses lists responses, newest change first.
func (db *DB) ListResponses(ctx context.Context, f store.ResponseFilter) ([]*store.Response, error) {
	where, args := responseWhere(f)
	q := selectResponse + where + " ORDER BY updated_at DESC, id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return db.listResponses(ctx, q, args)
}

// ListResponsesAfter lists responses in the order they took their status, after a place in it.
func (db *DB) ListResponsesAfter(ctx context.Context, f store.ResponseFilter, after int64) ([]*store.Response, error) {
	if f.Limit <= 0 {
		return nil, fmt.Errorf("list responses after %d: limit %d must be positive", after, f.Limit)
	}
	where, args := responseWhere(f)
	if where == "" {
		where = " WHERE list_seq > ?"
	} else {
		where += " AND list_seq > ?"
	}
	args = append(args, after, f.Limit)
	return db.listResponses(ctx, selectResponse+where+" ORDER BY list_seq LIMIT ?", args)
}

func (db *DB) listResponses(ctx context.Context, q string, args []any) ([]*store.Response, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list responses: %w", err)
	}
	defer rows.Close()
	var out []*store.Response
	for rows.Next() {
		r, err := db.scanResponse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Events lists a response's history, oldest first.
func (db *DB) Events(ctx context.Context, responseID string) ([]store.Event, error) {
	rows, err := db.query(ctx, `SELECT id, response_id, at, kind, actor, detail FROM response_events WHERE response_id = ? ORDER BY seq`, responseID)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []store.Event
	for rows.Next() {
		var e store.Event
		var at int64
		if err := rows.Scan(&e.ID, &e.ResponseID, &at, &e.Kind, &e.Actor, &e.Detail); err != nil {
			return nil, fmt.Errorf("read event: %w", err)
		}
		e.At = fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddAttachment stores an uploaded document.
func (db *DB) AddAttachment(ctx context.Context, a *store.Attachment) error {
	s, err := db.newSealer()
	if err != nil {
		return fmt.Errorf("add attachment: %w", err)
	}
	content, err := s.bytes(a.Content, sealContent)
	if err != nil {
		return fmt.Errorf("add attachment: %w", err)
	}
	keyID, wrapped := s.key()
	_, err = db.exec(ctx, `INSERT INTO attachments (id, response_id, field_id, name, kind, media_type, size, content, created_at, key_id, data_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ResponseID, a.FieldID, a.Name, a.Kind, a.MediaType, a.Size, content, millis(a.CreatedAt), keyID, wrapped)
	if err != nil {
		return fmt.Errorf("add attachment: %w", err)
	}
	return nil
}

// Attachment reads a document with its content.
func (db *DB) Attachment(ctx context.Context, id string) (*store.Attachment, error) {
	var a store.Attachment
	var created int64
	var keyID string
	var wrapped []byte
	err := db.queryRow(ctx, `SELECT id, response_id, field_id, name, kind, media_type, size, content, created_at, key_id, data_key FROM attachments WHERE id = ?`, id).
		Scan(&a.ID, &a.ResponseID, &a.FieldID, &a.Name, &a.Kind, &a.MediaType, &a.Size, &a.Content, &created, &keyID, &wrapped)
	if err != nil {
		return nil, notFound(err)
	}
	o, err := db.opener(keyID, wrapped)
	if err == nil {
		a.Content, err = o.bytes(a.Content, sealContent)
	}
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", id, err)
	}
	a.CreatedAt = fromMillis(created)
	return &a, nil
}

// AttachmentsOf lists a response's documents, without their content.
func (db *DB) AttachmentsOf(ctx context.Context, responseID string) ([]store.Attachment, error) {
	rows, err := db.query(ctx, `SELECT id, response_id, field_id, name, kind, media_type, size, created_at FROM attachments WHERE response_id = ? ORDER BY created_at, id`, responseID)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	var out []store.Attachment
	for rows.Next() {
		var a store.Attachment
		var created int64
		if err := rows.Scan(&a.ID, &a.ResponseID, &a.FieldID, &a.Name, &a.Kind, &a.MediaType, &a.Size, &created); err != nil {
			return nil, fmt.Errorf("read attachment: %w", err)
		}
		a.CreatedAt = fromMillis(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteAttachment removes a document.
func (db *DB) DeleteAttachment(ctx context.Context, id string) error {
	return affectedOne(db.exec(ctx, `DELETE FROM attachments WHERE id = ?`, id))
}

// CopyAttachments gives a new response (a resubmission) the documents of an earlier one, keeping ids
// unique by prefixing the new response's id. Each copy keeps its document's sealed content and data key.
func (db *DB) CopyAttachments(ctx context.Context, fromResponse, toResponse string) error {
	_, err := db.exec(ctx, `INSERT INTO attachments (id, response_id, field_id, name, kind, media_type, size, content, created_at, key_id, data_key)
		SELECT ? || '-' || id, ?, field_id, name, kind, media_type, size, content, created_at, key_id, data_key FROM attachments WHERE response_id = ?`,
		toResponse, toResponse, fromResponse)
	if err != nil {
		return fmt.Errorf("copy attachments: %w", err)
	}
	return nil
}

// SaveAutoReply adds or replaces an automatic reply.
func (db *DB) SaveAutoReply(ctx context.Context, a *store.AutoReply) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM auto_replies WHERE id = ? AND user_id = ?`), a.ID, a.UserID); err != nil {
			return fmt.Errorf("save auto reply: %w", err)
		}
		_, err := tx.ExecContext(ctx, db.bind(`INSERT INTO auto_replies (id, user_id, starts_on, ends_on, message, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
			a.ID, a.UserID, a.StartsOn, a.EndsOn, a.Message, millis(a.CreatedAt))
		if err != nil {
			return fmt.Errorf("save auto reply: %w", err)
		}
		return nil
	})
}

// AutoReplies lists a user's automatic replies by start date.
func (db *DB) AutoReplies(ctx context.Context, userID string) ([]store.AutoReply, error) {
	rows, err := db.query(ctx, `SELECT id, user_id, starts_on, ends_on, message, created_at FROM auto_replies WHERE user_id = ? ORDER BY starts_on, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list auto replies: %w", err)
	}
	defer rows.Close()
	var out []store.AutoReply
	for rows.Next() {
		var a store.AutoReply
		var created int64
		if err := rows.Scan(&a.ID, &a.UserID, &a.StartsOn, &a.EndsOn, &a.Message, &created); err != nil {
			return nil, fmt.Errorf("read auto reply: %w", err)
		}
		a.CreatedAt = fromMillis(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// DeleteAutoReply removes one of a user's automatic replies.
func (db *DB) DeleteAutoReply(ctx context.Context, userID, id string) error {
	return affectedOne(db.exec(ctx, `DELETE FROM auto_replies WHERE id = ? AND user_id = ?`, id, userID))
}
