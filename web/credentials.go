package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
	"github.com/ccojocar/zxcvbn-go"

	"formportal/emailaddr"
	"formportal/i18n"
)

// Password policy: length over composition (NCSC guidance), and no password a guesser would try early.
const (
	minPasswordLength = 10
	maxPasswordLength = 256
)

// argonParams are OWASP's recommended argon2id minimum (19 MiB, 2 passes, 1 lane): strong, and light
// enough in memory that a burst of sign-ins cannot exhaust a small server.
var argonParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is checked against when an address has no account, so an unknown address takes as long as a
// wrong password (no account enumeration by timing).
var dummyHash = mustHash("not a real password: timing equaliser")

func mustHash(pw string) string {
	h, err := hashPassword(pw)
	if err != nil {
		panic(err)
	}
	return h
}

func hashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, argonParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

func passwordMatches(pw, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// passwordProblem says what is wrong with a new password, in words a person can act on in the language of
// ctx, or "".
func passwordProblem(ctx context.Context, pw string, personal ...string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return i18n.T(ctx, "password.enter")
	case n < minPasswordLength:
		return i18n.T(ctx, "password.too_short", "Count", minPasswordLength)
	case n > maxPasswordLength:
		return i18n.T(ctx, "password.too_long", "Count", maxPasswordLength)
	}
	var inputs []string
	for _, p := range personal {
		inputs = append(inputs, strings.Fields(strings.ToLower(strings.NewReplacer("@", " ", ".", " ").Replace(p)))...)
	}
	if zxcvbn.PasswordStrength(pw, inputs).Score < 2 {
		return i18n.T(ctx, "password.weak")
	}
	return ""
}

// emailProblem checks an email address as GOV.UK's pattern asks: what is wrong with it, in the language
// of ctx, or "".
func emailProblem(ctx context.Context, email string) string {
	switch {
	case emailaddr.Problem(email) == "":
		return ""
	case email == "":
		return i18n.T(ctx, "common.enter_an_email")
	}
	return i18n.T(ctx, "engine.email.format")
}

func normaliseEmail(s string) string { return emailaddr.Normalise(s) }

// newCode is an emailed one-time code: 8 random digits.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return fmt.Sprintf("%08d", n.Int64())
}

// formatCode shows a code as people read it: "1985 9471".
func formatCode(code string) string { return code[:4] + " " + code[4:] }

// normaliseCode accepts a code typed with or without spaces or a dash.
func normaliseCode(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
}

// codeHash is how a code is stored: bound to its code record, so one hash cannot be replayed for another.
// Codes live 15 minutes and allow 5 tries, which is what protects their small space.
func codeHash(codeID, code string) string {
	sum := sha256.Sum256([]byte(codeID + ":" + code))
	return hex.EncodeToString(sum[:])
}
