package engine

// compat of expressions: a computed value worked out differently, a new or changed requiredWhen, a new
// or changed rule (of the form, a section, or a table's or list's rows). Rules are the same rule when their expression is; a rule whose message alone changed
// breaks nothing.

// compareComputed compares two versions of one question's expressions.
func compareComputed(new *Form, of, nf *Field, at compatReport) {
	if nf.Type == TypeComputed {
		switch {
		case of.Result != nf.Result || of.Integer != nf.Integer:
			at(new, nf.pointer+"/result", Error, "compat-computed", "%s is now %s (was %s): consumers of submissions receive another type of value", nf.place(), resultWords(nf), resultWords(of))
		case of.Expr != nf.Expr:
			at(new, nf.pointer+"/expr", Warning, "compat-computed", "%s is now worked out as %s (was %s): submissions made before and after the change hold different values for the same answers", nf.place(), nf.Expr, of.Expr)
		}
	}
	if nf.RequiredWhen != "" && nf.RequiredWhen != of.RequiredWhen && !nf.Required {
		at(new, nf.pointer+"/requiredWhen", Warning, "compat-rule", "%s is now required when %s: drafts in flight may have to answer it before they can be submitted", nf.place(), nf.RequiredWhen)
	}
	for _, r := range nf.Rules {
		if !hadRule(of.Rules, r) {
			reportRule(new, r, nf.eachRowPlace(), at)
		}
	}
}

func resultWords(fd *Field) string {
	if fd.Result == ResultNumber && fd.Integer {
		return "a whole number"
	}
	return pick(fd.Result, ResultText)
}

// compareRules reports the rules of the new version that the old did not have, at the form or in a
// section the old version had.
func compareRules(old, new *Form, at compatReport) {
	for _, r := range new.Rules {
		if !hadRule(old.Rules, r) {
			reportRule(new, r, "the form", at)
		}
	}
	for _, s := range new.Sections {
		o := old.Section(s.ID)
		if o == nil {
			continue
		}
		for _, r := range s.Rules {
			if !hadRule(o.Rules, r) {
				reportRule(new, r, s.place(), at)
			}
		}
	}
}

// hadRule reports whether rules hold one with the rule's expression: the same rule, whatever its message.
func hadRule(rules []*Rule, r *Rule) bool {
	for _, o := range rules {
		if o.Expr == r.Expr {
			return true
		}
	}
	return false
}

func reportRule(new *Form, r *Rule, place string, at compatReport) {
	at(new, r.pointer+"/expr", Warning, "compat-rule", "%s has a new or changed rule (%s): drafts in flight that break it cannot be submitted until they are changed", place, r.Expr)
}
