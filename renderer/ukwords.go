package renderer

import (
	"context"

	"formportal/engine"
	"formportal/i18n"
)

// ukWord is one of the engine's fixed words of a date of birth or an address in the request's language.
func ukWord(ctx context.Context, english string) string {
	return engine.UKWord(i18n.From(ctx), english)
}

// optional marks an optional part ("Postcode (optional)").
func optional(ctx context.Context, label string) string {
	return i18n.T(ctx, "uk.optional", "Label", label)
}
