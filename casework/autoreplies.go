package casework

import (
	"context"
	"errors"
	"time"

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
