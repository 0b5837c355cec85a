// Package sealed is envelope encryption for what the store keeps at rest: each record's payload is
// sealed with AES-256-GCM under a data key of its own, and the data key is kept beside it sealed under a
// master key named by an id. Master keys come from a file or the environment, never the database; the
// key id on every record lets them rotate: rewrapping a record's data key under a new master key is a
// small write that leaves its payload as it is. Only the standard library's AES-GCM is used.
package sealed

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// KeySize is the size of every key: AES-256.
const KeySize = 32

var (
	// ErrUnknownKey is returned for a record sealed under a master key the keyring does not hold.
	ErrUnknownKey = errors.New("sealed with a key this keyring does not hold")
	// ErrWrongKey is returned when a key of the right id does not open what was sealed under it: the
	// key was mistyped or replaced, or the record was altered.
	ErrWrongKey = errors.New("the key does not open it: a wrong key, or altered data")
)

// Keyring is the master keys: the current one seals new data keys, every one opens what it sealed.
type Keyring struct {
	current string
	keys    map[string]cipher.AEAD
}

var keyID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Parse reads a keyring: one key a line, its id, a space and the 32-byte key in standard base64; the
// first line is the current key, and lines after it are older keys, kept until no record uses them.
// Empty lines and lines starting with # are skipped. Errors name the line, never the key.
func Parse(text []byte) (*Keyring, error) {
	k := &Keyring{keys: map[string]cipher.AEAD{}}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, enc, ok := strings.Cut(line, " ")
		if !ok || !keyID.MatchString(id) {
			return nil, fmt.Errorf("keyring line %d: want a key id (letters, digits, - _ .), a space and the key in base64", n)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("keyring line %d (key %s): the key must be %d random bytes in base64", n, id, KeySize)
		}
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("keyring line %d: key id %s given twice", n, id)
		}
		aead, err := newAEAD(raw)
		if err != nil {
			return nil, fmt.Errorf("keyring line %d (key %s): %w", n, id, err)
		}
		k.keys[id] = aead
		if k.current == "" {
			k.current = id
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read keyring: %w", err)
	}
	if k.current == "" {
		return nil, errors.New("keyring holds no key")
	}
	return k, nil
}

// NewKeyLine is a keyring line with a fresh random key of this id.
func NewKeyLine(id string) (string, error) {
	if !keyID.MatchString(id) {
		return "", fmt.Errorf("key id %q: use letters, digits, - _ or . (at most 64)", id)
	}
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("new key: %w", err)
	}
	return id + " " + base64.StdEncoding.EncodeToString(raw), nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	return cipher.NewGCM(block)
}

// Current is the id of the key new data keys are sealed under.
func (k *Keyring) Current() string { return k.current }

// Has reports whether the keyring holds a key of this id.
func (k *Keyring) Has(id string) bool {
	_, ok := k.keys[id]
	return ok
}

// DataKey is one record's key, with its sealed form to keep beside the record.
type DataKey struct {
	KeyID   string // the master key it is sealed under
	Wrapped []byte // the data key sealed under it
	aead    cipher.AEAD
}

// NewDataKey makes a fresh data key sealed under the current master key.
func (k *Keyring) NewDataKey() (*DataKey, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("new data key: %w", err)
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, err
	}
	wrapped, err := k.wrap(k.current, raw)
	if err != nil {
		return nil, err
	}
	return &DataKey{KeyID: k.current, Wrapped: wrapped, aead: aead}, nil
}

// DataKey opens a record's data key sealed under the master key keyID.
func (k *Keyring) DataKey(keyID string, wrapped []byte) (*DataKey, error) {
	raw, err := k.unwrap(keyID, wrapped)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return nil, err
	}
	return &DataKey{KeyID: keyID, Wrapped: wrapped, aead: aead}, nil
}

// Rewrap seals a data key sealed under keyID again under the current master key; the payloads it
// sealed stay as they are.
func (k *Keyring) Rewrap(keyID string, wrapped []byte) ([]byte, error) {
	raw, err := k.unwrap(keyID, wrapped)
	if err != nil {
		return nil, err
	}
	return k.wrap(k.current, raw)
}

// The master key's id is bound to what it seals, so a data key cannot be passed off under another id.
func (k *Keyring) wrap(id string, raw []byte) ([]byte, error) {
	return seal(k.keys[id], raw, []byte("data-key:"+id))
}

func (k *Keyring) unwrap(id string, wrapped []byte) ([]byte, error) {
	aead, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("key %q: %w", id, ErrUnknownKey)
	}
	raw, err := open(aead, wrapped, []byte("data-key:"+id))
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", id, err)
	}
	return raw, nil
}

// Seal encrypts a payload; context (the table and column) is bound to it, so it opens only there.
func (d *DataKey) Seal(plain []byte, context string) ([]byte, error) {
	return seal(d.aead, plain, []byte(context))
}

// Open decrypts what Seal sealed in the same context.
func (d *DataKey) Open(sealed []byte, context string) ([]byte, error) {
	return open(d.aead, sealed, []byte(context))
}

// seal is a random nonce followed by the ciphertext and its tag.
func seal(aead cipher.AEAD, plain, aad []byte) ([]byte, error) {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, plain, aad), nil
}

func open(aead cipher.AEAD, sealed, aad []byte) ([]byte, error) {
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrWrongKey
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], aad)
	if err != nil {
		return nil, ErrWrongKey
	}
	return plain, nil
}
