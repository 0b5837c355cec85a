// Reading answers however they were posted or stored: text, numbers, yes/no, ticks and lists.

package engine

import (
	"encoding/json"
	"strconv"
	"strings"
)

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAnswered(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(v) != ""
	case []any:
		for _, x := range v {
			if isAnswered(x) {
				return true
			}
		}
		return false
	case []string:
		return len(v) > 0
	case map[string]any:
		for _, x := range v {
			if isAnswered(x) {
				return true
			}
		}
		return false
	case bool:
		return true
	}
	return true
}

func textOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case float64:
		return formatNumber(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

func cleanText(v any, multiline bool) string {
	s := strings.TrimSpace(textOf(v))
	if multiline {
		return strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}

func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case int:
		return float64(v), true
	case string:
		s := strings.ReplaceAll(strings.TrimSpace(v), ",", "")
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !strings.ContainsAny(s, "xXpPnN_iI")
	}
	return 0, false
}

func yesNo(v any) (string, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return valueYes, true
		}
		return valueNo, true
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		if s == valueYes || s == valueNo {
			return s, true
		}
	}
	return "", false
}

// Ticked reports whether a checkbox answer (a declaration) is ticked, however it was posted or stored.
func Ticked(v any) bool { return ticked(v) }

// AnswerList is a multiple-choice answer as its list of values, however it was posted or stored.
func AnswerList(v any) []string { return asList(v) }

func ticked(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		return s == "yes" || s == "true" || s == "on"
	}
	return false
}

func asList(v any) []string {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s := textOf(x); strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
