package renderer

// The service's own words for guidance content and the content15 field features, in one place so that
// they can be translated with the rest.
const (
	// WordWarning is read before a warning text's words by screen readers (the "!" icon is hidden).
	WordWarning = "Warning"
)
