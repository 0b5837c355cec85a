package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"formportal/store"
)

const userColumns = `id, email, forename, surname, organisation, phone, password_hash, email_verified_at, terms_accepted_at, created_at, role,
	must_change_password, disabled_at, totp_secret, lang`

func scanUser(row interface{ Scan(...any) error }) (*store.User, error) {
	var ur userRow
	if err := row.Scan(ur.dest()...); err != nil {
		return nil, notFound(err)
	}
	return ur.user(), nil
}

// userRow is where a row's userColumns are scanned. They can be NULL, all of them, when the user is
// joined to something that has none.
type userRow struct {
	id, email, forename, surname, organisation, phone, passwordHash, role, totpSecret, lang sql.NullString
	verified, terms, created, mustChange, disabled                                          sql.NullInt64
}

func (r *userRow) dest() []any {
	return []any{&r.id, &r.email, &r.forename, &r.surname, &r.organisation, &r.phone, &r.passwordHash, &r.verified, &r.terms, &r.created, &r.role,
		&r.mustChange, &r.disabled, &r.totpSecret, &r.lang}
}

// user is the user scanned, or nil when there was none.
func (r *userRow) user() *store.User {
	if !r.id.Valid {
		return nil
	}
	return &store.User{ID: r.id.String, Email: r.email.String, Forename: r.forename.String, Surname: r.surname.String,
		Organisation: r.organisation.String, Phone: r.phone.String, PasswordHash: r.passwordHash.String, Role: r.role.String,
		TOTPSecret: r.totpSecret.String, Lang: r.lang.String, EmailVerifiedAt: fromMillis(r.verified.Int64),
		TermsAcceptedAt: fromMillis(r.terms.Int64), CreatedAt: fromMillis(r.created.Int64), MustChangePassword: r.mustChange.Int64 != 0,
		DisabledAt: fromMillis(r.disabled.Int64)}
}

// joinedUserColumns are userColumns of the users table joined as u.
var joinedUserColumns = func() string {
	cols := strings.Split(userColumns, ",")
	for i, c := range cols {
		cols[i] = "u." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

// flag is a bool as the columns keep it: 0 or 1.
func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// CreateUser adds a user; ErrConflict when the email address is taken.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	return db.insertUser(ctx, db.write, u)
}

func (db *DB) insertUser(ctx context.Context, q queryer, u *store.User) error {
	_, err := q.ExecContext(ctx, db.bind(`INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		u.ID, strings.ToLower(u.Email), u.Forename, u.Surname, u.Organisation, u.Phone, u.PasswordHash,
		millis(u.EmailVerifiedAt), millis(u.TermsAcceptedAt), millis(u.CreatedAt), u.Role,
		flag(u.MustChangePassword), millis(u.DisabledAt), u.TOTPSecret, u.Lang)
	if isUniqueViolation(err) {
		return store.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("create user: %w", withFull(err))
	}
	return nil
}

// UserByID finds a user.
func (db *DB) UserByID(ctx context.Context, id string) (*store.User, error) {
	return scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail finds a user by email address, in any case.
func (db *DB) UserByEmail(ctx context.Context, email string) (*store.User, error) {
	return scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, strings.ToLower(email)))
}

// UpdateUser saves every field of a user; ErrConflict when the new email address is taken.
func (db *DB) UpdateUser(ctx context.Context, u *store.User) error {
	res, err := db.exec(ctx, `UPDATE users SET email = ?, forename = ?, surname = ?, organisation = ?, phone = ?,
		password_hash = ?, email_verified_at = ?, terms_accepted_at = ?, role = ?,
		must_change_password = ?, disabled_at = ?, totp_secret = ?, lang = ? WHERE id = ?`,
		strings.ToLower(u.Email), u.Forename, u.Surname, u.Organisation, u.Phone, u.PasswordHash,
		millis(u.EmailVerifiedAt), millis(u.TermsAcceptedAt), u.Role,
		flag(u.MustChangePassword), millis(u.DisabledAt), u.TOTPSecret, u.Lang, u.ID)
	if isUniqueViolation(err) {
		return store.ErrConflict
	}
	return affectedOne(res, err)
}

// DeleteUser removes a user, their codes and, by cascade, their sessions.
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM codes WHERE subject_id = ?`), id); err != nil {
			return fmt.Errorf("delete codes of user: %w", err)
		}
		return affectedOne(tx.ExecContext(ctx, db.bind(`DELETE FROM users WHERE id = ?`), id))
	})
}

// ListStaff lists the council staff accounts by email address.
func (db *DB) ListStaff(ctx context.Context) ([]store.User, error) {
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users WHERE role <> '' ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// CreatePendingRegistration stores a registration waiting for its code.
func (db *DB) CreatePendingRegistration(ctx context.Context, p *store.PendingRegistration) error {
	_, err := db.exec(ctx, `INSERT INTO pending_registrations (id, email, forename, surname, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, strings.ToLower(p.Email), p.Forename, p.Surname, p.PasswordHash, millis(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("create pending registration: %w", err)
	}
	return nil
}

// PendingRegistrationByID finds a pending registration.
func (db *DB) PendingRegistrationByID(ctx context.Context, id string) (*store.PendingRegistration, error) {
	return scanPendingRegistration(db.queryRow(ctx, pendingRegistrationByID, id))
}

const pendingRegistrationByID = `SELECT id, email, forename, surname, password_hash, created_at FROM pending_registrations WHERE id = ?`

func scanPendingRegistration(row *sql.Row) (*store.PendingRegistration, error) {
	var p store.PendingRegistration
	var created int64
	if err := row.Scan(&p.ID, &p.Email, &p.Forename, &p.Surname, &p.PasswordHash, &created); err != nil {
		return nil, notFound(err)
	}
	p.CreatedAt = fromMillis(created)
	return &p, nil
}

// CompleteRegistration makes the account of a pending registration and discards the address's others.
func (db *DB) CompleteRegistration(ctx context.Context, pendingID, userID string, at time.Time) (*store.User, error) {
	var u *store.User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		p, err := scanPendingRegistration(tx.QueryRowContext(ctx, db.bind(pendingRegistrationByID), pendingID))
		if err != nil {
			return err
		}
		u = &store.User{ID: userID, Email: p.Email, Forename: p.Forename, Surname: p.Surname, PasswordHash: p.PasswordHash, EmailVerifiedAt: at, CreatedAt: at}
		if err := db.insertUser(ctx, tx, u); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM pending_registrations WHERE email = ?`), u.Email); err != nil {
			return fmt.Errorf("discard pending registrations: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// DeletePendingRegistrationsBefore removes registrations whose code was never entered.
func (db *DB) DeletePendingRegistrationsBefore(ctx context.Context, createdBefore time.Time) (int, error) {
	return db.deleteCount(ctx, "delete old pending registrations", `DELETE FROM pending_registrations WHERE created_at < ?`, millis(createdBefore))
}

func (db *DB) deleteCount(ctx context.Context, what, query string, args ...any) (int, error) {
	res, err := db.exec(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s *store.Session) error {
	data, err := json.Marshal(s.Data)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	_, err = db.exec(ctx, `INSERT INTO sessions (id, user_id, csrf_token, data, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ID, nullable(s.UserID), s.CSRFToken, string(data), millis(s.CreatedAt), millis(s.LastSeenAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByID finds a session by the hash of its token.
func (db *DB) SessionByID(ctx context.Context, id string) (*store.Session, error) {
	s, _, err := db.SessionWithUser(ctx, id)
	return s, err
}

// SessionWithUser reads a session and its user: outside a transaction, checked by the session's version
// against what this process kept (versionCache).
func (db *DB) SessionWithUser(ctx context.Context, id string) (*store.Session, *store.User, error) {
	read := func() (int64, sessionWithUser, error) { return db.readSessionWithUser(ctx, id) }
	if db.inTx != nil {
		_, su, err := read()
		return su.session, su.user, err
	}
	su, err := db.sessions.read(id, db.versionOf(ctx, `SELECT version FROM sessions WHERE id = ?`, id), read)
	return su.session, su.user, err
}

// readSessionWithUser reads a session, its version and its user in one query.
func (db *DB) readSessionWithUser(ctx context.Context, id string) (int64, sessionWithUser, error) {
	var s store.Session
	var user sql.NullString
	var data string
	var version, created, seen int64
	var ur userRow
	err := db.queryRow(ctx, `SELECT s.version, s.id, s.user_id, s.csrf_token, s.data, s.created_at, s.last_seen_at, `+joinedUserColumns+`
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?`, id).
		Scan(append([]any{&version, &s.ID, &user, &s.CSRFToken, &data, &created, &seen}, ur.dest()...)...)
	if err != nil {
		return 0, sessionWithUser{}, notFound(err)
	}
	s.UserID, s.CreatedAt, s.LastSeenAt = user.String, fromMillis(created), fromMillis(seen)
	if err := json.Unmarshal([]byte(data), &s.Data); err != nil {
		return 0, sessionWithUser{}, fmt.Errorf("decode session: %w", err)
	}
	return version, sessionWithUser{session: &s, user: ur.user()}, nil
}

// UpdateSession saves a session's user, data and last use.
func (db *DB) UpdateSession(ctx context.Context, s *store.Session) error {
	data, err := json.Marshal(s.Data)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	// Setting the same values twice is harmless, so a lost connection is retried.
	var res sql.Result
	err = db.retry(ctx, func() (err error) {
		res, err = db.exec(ctx, `UPDATE sessions SET user_id = ?, csrf_token = ?, data = ?, last_seen_at = ? WHERE id = ?`,
			nullable(s.UserID), s.CSRFToken, string(data), millis(s.LastSeenAt), s.ID)
		return err
	})
	return affectedOne(res, err)
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	db.sessions.forget(id)
	_, err := db.exec(ctx, `DELETE FROM sessions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except one.
func (db *DB) DeleteUserSessions(ctx context.Context, userID, except string) error {
	_, err := db.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, except)
	if err != nil {
		return fmt.Errorf("delete sessions of user: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes idle and over-age sessions.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleBefore, anonymousIdleBefore, createdBefore time.Time) (int, error) {
	return db.deleteCount(ctx, "delete expired sessions", `DELETE FROM sessions WHERE (user_id IS NOT NULL AND last_seen_at < ?) OR last_seen_at < ? OR created_at < ?`,
		millis(idleBefore), millis(anonymousIdleBefore), millis(createdBefore))
}

// CreateCode stores a code and retires earlier unused codes of the same subject and purpose.
func (db *DB) CreateCode(ctx context.Context, c *store.Code) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`UPDATE codes SET used_at = ? WHERE subject_id = ? AND purpose = ? AND used_at = 0`),
			millis(c.CreatedAt), c.Subject, c.Purpose); err != nil {
			return fmt.Errorf("retire codes: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO codes (id, subject_id, purpose, hash, tries, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.Subject, c.Purpose, c.Hash, c.Tries, millis(c.ExpiresAt), millis(c.UsedAt), millis(c.CreatedAt)); err != nil {
			return fmt.Errorf("create code: %w", err)
		}
		return nil
	})
}

// LatestCode is the newest code of a subject for a purpose.
func (db *DB) LatestCode(ctx context.Context, subject, purpose string) (*store.Code, error) {
	var c store.Code
	var expires, used, created int64
	err := db.queryRow(ctx, `SELECT id, subject_id, purpose, hash, tries, expires_at, used_at, created_at FROM codes
		WHERE subject_id = ? AND purpose = ? ORDER BY CASE WHEN used_at = 0 THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1`, subject, purpose).
		Scan(&c.ID, &c.Subject, &c.Purpose, &c.Hash, &c.Tries, &expires, &used, &created)
	if err != nil {
		return nil, notFound(err)
	}
	c.ExpiresAt, c.UsedAt, c.CreatedAt = fromMillis(expires), fromMillis(used), fromMillis(created)
	return &c, nil
}

// UpdateCode saves a code's tries and use.
func (db *DB) UpdateCode(ctx context.Context, c *store.Code) error {
	return affectedOne(db.exec(ctx, `UPDATE codes SET tries = ?, used_at = ? WHERE id = ?`, c.Tries, millis(c.UsedAt), c.ID))
}

// DeleteCodesExpiredBefore removes codes that can no longer be used.
func (db *DB) DeleteCodesExpiredBefore(ctx context.Context, before time.Time) (int, error) {
	return db.deleteCount(ctx, "delete expired codes", `DELETE FROM codes WHERE expires_at < ?`, millis(before))
}

// RecordAttempt notes one attempt against a rate-limit key, in one transaction (one commit).
func (db *DB) RecordAttempt(ctx context.Context, key string, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.bind(`INSERT INTO attempts (key, at) VALUES (?, ?)`), key, millis(at)); err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		// Old attempts count for nothing; keep the table small.
		if _, err := tx.ExecContext(ctx, db.bind(`DELETE FROM attempts WHERE at < ?`), millis(at.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("prune attempts: %w", err)
		}
		return nil
	})
}

// CountAttempts counts the attempts against a key since a time.
func (db *DB) CountAttempts(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM attempts WHERE key = ? AND at >= ?`, key, millis(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count attempts: %w", err)
	}
	return n, nil
}

// EnqueueMail puts a message in the outbox, due at once.
func (db *DB) EnqueueMail(ctx context.Context, m *store.Mail) error {
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	var id int64
	err := db.write.QueryRowContext(ctx, db.bind(`INSERT INTO mail (recipient, subject, body, lang, response_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		m.To, m.Subject, m.Text, m.Lang, m.ResponseID, millis(m.CreatedAt), millis(m.NextAttemptAt)).Scan(&id)
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", withFull(err))
	}
	m.ID = id
	return nil
}

const mailColumns = `id, recipient, subject, body, lang, response_id, created_at, attempts, next_attempt_at, sent_at, failed_at, last_error`

func scanMail(rows *sql.Rows) ([]store.Mail, error) {
	defer rows.Close()
	var out []store.Mail
	for rows.Next() {
		var m store.Mail
		var created, next, sent, failed int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.Lang, &m.ResponseID, &created, &m.Attempts, &next, &sent, &failed, &m.LastError); err != nil {
			return nil, fmt.Errorf("read mail: %w", err)
		}
		m.CreatedAt, m.NextAttemptAt, m.SentAt, m.FailedAt = fromMillis(created), fromMillis(next), fromMillis(sent), fromMillis(failed)
		out = append(out, m)
	}
	return out, rows.Err()
}

// ClaimDueMail takes due messages and leases them to this sender.
func (db *DB) ClaimDueMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Mail, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("claim mail: limit %d must be positive", limit)
	}
	var out []store.Mail
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.dialect == postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, db.bind(`SELECT `+mailColumns+` FROM mail WHERE sent_at = 0 AND failed_at = 0 AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+lock), millis(now), limit)
		if err != nil {
			return err
		}
		if out, err = scanMail(rows); err != nil {
			return err
		}
		for i := range out {
			out[i].Attempts++
			if _, err := tx.ExecContext(ctx, db.bind(`UPDATE mail SET next_attempt_at = ?, attempts = ? WHERE id = ?`),
				millis(now.Add(lease)), out[i].Attempts, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return out, nil
}

// RenewMailLease extends the lease of claimed messages still unsent.
func (db *DB) RenewMailLease(ctx context.Context, ids []int64, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{millis(until)}
	for _, id := range ids {
		args = append(args, id)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	if _, err := db.exec(ctx, `UPDATE mail SET next_attempt_at = ? WHERE id IN (`+marks+`) AND sent_at = 0 AND failed_at = 0`, args...); err != nil {
		return fmt.Errorf("renew mail lease: %w", err)
	}
	return nil
}

// MarkMailSent records delivery.
func (db *DB) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("mark mail %d sent: no time given", id)
	}
	return affectedOne(db.exec(ctx, `UPDATE mail SET sent_at = ?, last_error = '' WHERE id = ?`, millis(at), id))
}

// MarkMailFailed records a failed attempt and when to try again.
func (db *DB) MarkMailFailed(ctx context.Context, id int64, next time.Time, reason string) error {
	// A sender whose lease ran out must not undo another sender's delivery.
	return affectedOne(db.exec(ctx, `UPDATE mail SET next_attempt_at = ?, last_error = ? WHERE id = ? AND sent_at = 0 AND failed_at = 0`, millis(next), reason, id))
}

// MarkMailUndeliverable gives up on a message, keeping why.
func (db *DB) MarkMailUndeliverable(ctx context.Context, id int64, at time.Time, reason string) error {
	if at.IsZero() {
		return fmt.Errorf("mark mail %d undeliverable: no time given", id)
	}
	// Another sender may have delivered it meanwhile: a delivery stands.
	return affectedOne(db.exec(ctx, `UPDATE mail SET failed_at = ?, last_error = ? WHERE id = ? AND sent_at = 0`, millis(at), reason, id))
}

// MailAbout lists the messages about a response, newest first.
func (db *DB) MailAbout(ctx context.Context, responseID string) ([]store.Mail, error) {
	rows, err := db.query(ctx, `SELECT `+mailColumns+` FROM mail WHERE response_id = ? ORDER BY id DESC`, responseID)
	if err != nil {
		return nil, fmt.Errorf("list mail about %s: %w", responseID, err)
	}
	return scanMail(rows)
}

// RecentMail lists the newest messages first.
func (db *DB) RecentMail(ctx context.Context, limit int) ([]store.Mail, error) {
	rows, err := db.query(ctx, `SELECT `+mailColumns+` FROM mail ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	return scanMail(rows)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// affectedOne turns a write that touched no row into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("store write: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// isUniqueViolation recognises both SQLite's and PostgreSQL's unique-constraint errors.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505") || strings.Contains(msg, "duplicate key value")
}
