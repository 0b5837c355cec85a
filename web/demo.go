package web

import (
	"context"
	"errors"
	"fmt"

	"formportal/store"
)

// Demo account: the README gives these so a newcomer can sign in at once.
const (
	DemoEmail    = "demo.professional@example.org"
	DemoPassword = "demo portal password 2026"
)

// SeedDemo adds the demo data once: a professional with a verified account. Running it again changes
// nothing.
func (a *App) SeedDemo(ctx context.Context) error {
	_, err := a.store.UserByEmail(ctx, DemoEmail)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash, err := hashPassword(DemoPassword)
	if err != nil {
		return err
	}
	now := a.now()
	u := &store.User{ID: newID(), Email: DemoEmail, Forename: "Sam", Surname: "Jones", Organisation: "Cherwell Primary School",
		Phone: "01632960001", PasswordHash: hash, EmailVerifiedAt: now, TermsAcceptedAt: now, CreatedAt: now}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("demo professional: %w", err)
	}
	a.log.Info("demo data added", "email", DemoEmail)
	return nil
}
