// The checks of word limits and the UK answer types in a form definition.

package engine

func (c *checker) checkUKTypes(fd *Field) {
	if fd.MaxWords != nil && *fd.MaxWords < 1 {
		c.errorf(fd.pointer+"/maxWords", "limits", "%s: maxWords (%d) must be at least 1", fd.place(), *fd.MaxWords)
	}
	if fd.MaxWords != nil && fd.MaxLength != nil && *fd.MaxWords > *fd.MaxLength {
		c.warnf(fd.pointer+"/maxWords", "limits", "%s: maxWords (%d) is more than maxLength (%d) characters, so the word limit is never reached", fd.place(), *fd.MaxWords, *fd.MaxLength)
	}
	if fd.Type != TypeAddress || fd.SameAs == "" {
		return
	}
	target, problem := c.resolveRef(fd, fd.section, fd.SameAs)
	switch {
	case problem != "":
		c.errorf(fd.pointer+"/sameAs", "same-as", "%s: sameAs %s", fd.place(), problem)
	case target == fd:
		c.errorf(fd.pointer+"/sameAs", "same-as", "%s: sameAs refers to the field itself", fd.place())
	case target.Type != TypeAddress:
		c.errorf(fd.pointer+"/sameAs", "same-as", "%s: sameAs refers to %q, which is a %s field, not an address", fd.place(), fd.SameAs, target.Type)
	case target.SameAs != "":
		c.errorf(fd.pointer+"/sameAs", "same-as", "%s: sameAs refers to %q, which may itself be the same as %q: refer to %q instead", fd.place(), fd.SameAs, target.SameAs, target.SameAs)
	default:
		fd.sameAs = target
	}
}

// compareAddressChoices: an address that no longer offers an answer it did (no fixed abode, not known, the
// same as another, outside the UK) refuses drafts and submissions that gave it, as a removed option does.
func compareAddressChoices(old, new *Form, of, nf *Field, at compatReport) {
	if nf.Type != TypeAddress {
		return
	}
	for _, c := range []struct {
		property string
		had, has bool
	}{
		{"noFixedAbode", of.NoFixedAbode, nf.NoFixedAbode},
		{"addressUnknown", of.AddressUnknown, nf.AddressUnknown},
		{"sameAs", of.SameAs != "", nf.SameAs != ""},
		{"abroad", of.Abroad, nf.Abroad},
	} {
		if c.had && !c.has {
			at(old, of.pointer+"/"+c.property, Error, "compat-option-removed", "%s no longer offers %s: drafts and submissions that gave it no longer fit", nf.place(), c.property)
		}
	}
}
