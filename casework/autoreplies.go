package casework

import (
	"context"
	"errors"
	"time"

	"formportal/apievents"
	"formportal/store"
)

// ActiveAutoReply is the user's automatic reply in force today, if any.
func (s *Service) ActiveAutoReply(ctx context.Context, userID string) (*store.AutoReply, error) {
	list, err := s.st.AutoReplies(ctx, userID)
	if err != nil {
		return nil, err
	}
	today := s.now().Format(time.DateOnly)
	for i := range list {
		if list[i].StartsOn <= today && today <= list[i].EndsOn {
			return &list[i], nil
		}
	}
	return nil, nil
}

// AutoReplyFor is the automatic reply in force for a professional's (verified) address, if any.
func (s *Service) AutoReplyFor(ctx context.Context, email string) (*store.AutoReply, error) {
	u, err := s.st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil || u.EmailVerifiedAt.IsZero() {
		return nil, err
	}
	return s.ActiveAutoReply(ctx, u.ID)
}

// SaveAutoReply sets or changes a professional's automatic reply, and tells the case system of it for
// each delegation they have open, in one transaction.
func (s *Service) SaveAutoReply(ctx context.Context, u *store.User, a *store.AutoReply) error {
	err := s.st.InTx(ctx, func(tx store.Data) error {
		if err := tx.SaveAutoReply(ctx, a); err != nil {
			return err
		}
		return s.tellAutoReply(ctx, tx, u)
	})
	if err == nil {
		s.told()
	}
	return err
}

// DeleteAutoReply removes one of a professional's automatic replies, and tells the case system of it
// for each delegation they have open. ErrNotFound when the user has no such reply.
func (s *Service) DeleteAutoReply(ctx context.Context, u *store.User, id string) error {
	err := s.st.InTx(ctx, func(tx store.Data) error {
		if err := tx.DeleteAutoReply(ctx, u.ID, id); err != nil {
			return err
		}
		return s.tellAutoReply(ctx, tx, u)
	})
	if err == nil {
		s.told()
	}
	return err
}

func (s *Service) tellAutoReply(ctx context.Context, tx store.Data, u *store.User) error {
	list, err := tx.ListResponses(ctx, store.ResponseFilter{Kind: store.KindDelegation, OwnerEmail: u.Email, Statuses: open})
	if err != nil {
		return err
	}
	for i := range list {
		if err := apievents.Record(ctx, tx, apievents.DelegationAutoReplyChanged, list[i], s.now()); err != nil {
			return err
		}
	}
	return nil
}
