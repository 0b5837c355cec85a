package store

import (
	"context"
	"encoding/json"
	"time"
)

// ReturnRound is one return of a submission for more information: what was returned and the council's
// comments on its questions and rows (casework.Mark, as JSON).
type ReturnRound struct {
	ID         int64
	ResponseID string // the response open for changes after the return
	ReturnedAt time.Time
	Previous   json.RawMessage // the submission returned
	Marks      json.RawMessage
}

// ReturnRounds keep the rounds of returned submissions.
type ReturnRounds interface {
	AddReturnRound(ctx context.Context, rr *ReturnRound) error
	// ReturnRoundsOf lists a response's rounds, oldest first.
	ReturnRoundsOf(ctx context.Context, responseID string) ([]ReturnRound, error)
	// DeleteReturnRoundsOf removes a response's rounds: anonymising it keeps no earlier answers.
	DeleteReturnRoundsOf(ctx context.Context, responseID string) error
}
