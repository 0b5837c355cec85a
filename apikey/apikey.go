// Package apikey makes the back office's API keys and says how they are kept: as SHA-256 hashes, the
// secret shown once. The API authenticates with it; the command line makes keys with it.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"time"

	"formportal/store"
)

// DefaultLifetime is how long a key works when its maker does not say.
const DefaultLifetime = 365 * 24 * time.Hour

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Spec is what a new key is called, what it may do and for how long.
type Spec struct {
	Name     string
	Scope    store.Scope   // read-write when empty
	Lifetime time.Duration // DefaultLifetime when zero
}

// New makes a key for the back office and stores its hash; the secret is shown once.
func New(ctx context.Context, st store.Data, spec Spec, now time.Time) (*store.APIKey, string, error) {
	if !nameRE.MatchString(spec.Name) {
		return nil, "", fmt.Errorf("key name %q: use up to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit", spec.Name)
	}
	if spec.Scope == "" {
		spec.Scope = store.ScopeReadWrite
	}
	if spec.Scope != store.ScopeReadOnly && spec.Scope != store.ScopeReadWrite {
		return nil, "", fmt.Errorf("key scope %q: use %s or %s", spec.Scope, store.ScopeReadOnly, store.ScopeReadWrite)
	}
	if spec.Lifetime == 0 {
		spec.Lifetime = DefaultLifetime
	}
	if spec.Lifetime < 0 {
		return nil, "", fmt.Errorf("key lifetime %v: it must be positive", spec.Lifetime)
	}
	raw := make([]byte, 32)
	rand.Read(raw)
	secret := "fpk_" + base64.RawURLEncoding.EncodeToString(raw)
	k := &store.APIKey{ID: store.NewID(), Name: spec.Name, Hash: Hash(secret), Scope: spec.Scope, CreatedAt: now, ExpiresAt: now.Add(spec.Lifetime)}
	if err := st.CreateAPIKey(ctx, k); errors.Is(err, store.ErrConflict) {
		return nil, "", fmt.Errorf("there is already a key called %q (names are never reused, so the audit log names one key): choose another name", spec.Name)
	} else if err != nil {
		return nil, "", err
	}
	return k, secret, nil
}

// Hash is how a key is stored and looked up: SHA-256, since keys are 256 random bits, so a fast hash is
// enough to make a leaked table useless.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
