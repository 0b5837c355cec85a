package pdf

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// The fonts are DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, see fonts/LICENSE). They cover
// Latin-1, the punctuation Word puts into pasted text (curly quotes, dashes, bullets, ellipsis) and the
// ballot box U+2610 the blank forms draw.

//go:embed fonts/DejaVuSans.ttf
var regularTTF []byte

//go:embed fonts/DejaVuSans-Bold.ttf
var boldTTF []byte

const (
	familyRegular = "DejaVuSans"
	familyBold    = "DejaVuSans-Bold"
	replacement   = '\uFFFD' // drawn for a character the font cannot draw, when the font has it
	ballotBox     = "\u2610"
)

// face is one embedded font: its outlines for coverage checks and its advance widths, kept the way gopdf
// keeps them (thousandths of an em, truncated) so that wrapping measures exactly what gopdf draws.
type face struct {
	name string
	data []byte

	once    sync.Once
	err     error
	font    *sfnt.Font
	upem    int
	latin   [256]int32 // advance widths of U+0000..U+00FF; -1 when the font lacks the glyph
	replace rune       // what stands in for a missing character: U+FFFD if the font has it, else '?'

	mu    sync.Mutex
	buf   sfnt.Buffer
	other map[rune]int32 // advance widths of other characters, -1 when missing
}

var (
	regularFace = &face{name: familyRegular, data: regularTTF}
	boldFace    = &face{name: familyBold, data: boldTTF}
)

func (f *face) load() error {
	f.once.Do(func() {
		f.font, f.err = sfnt.Parse(f.data)
		if f.err != nil {
			return
		}
		f.upem = int(f.font.UnitsPerEm())
		f.other = map[rune]int32{}
		for r := range f.latin {
			f.latin[r] = f.lookup(rune(r))
		}
		f.replace = '?'
		if f.lookup(replacement) >= 0 {
			f.replace = replacement
		}
	})
	return f.err
}

// lookup returns the advance width of r in thousandths of an em, or -1 when the font has no glyph for it
// (GlyphIndex 0). The caller holds f.mu or is inside once.
func (f *face) lookup(r rune) int32 {
	g, err := f.font.GlyphIndex(&f.buf, r)
	if err != nil || g == 0 {
		return -1
	}
	adv, err := f.font.GlyphAdvance(&f.buf, g, fixed.I(f.upem), font.HintingNone)
	if err != nil {
		return -1
	}
	return int32(adv.Round()) * 1000 / int32(f.upem)
}

// width returns the advance width of r in thousandths of an em, or -1 when the font cannot draw it.
func (f *face) width(r rune) int32 {
	if r >= 0 && r < 256 {
		return f.latin[r]
	}
	f.mu.Lock()
	w, ok := f.other[r]
	if !ok {
		w = f.lookup(r)
		f.other[r] = w
	}
	f.mu.Unlock()
	return w
}

// has reports whether the font can draw r. Control characters never can, and neither can characters
// beyond the Basic Multilingual Plane: DejaVu draws a few (some emoji), but gopdf writes the ToUnicode map
// that PDF readers copy and search text with in four hex digits, so such a character would read back as
// a different one (U+1F600 as U+1F60). Replacing it visibly and reporting it is honest; drawing a glyph
// whose text is wrong is not.
func (f *face) has(r rune) bool {
	if r < 0x20 || (r >= 0x7f && r < 0xa0) || r > 0xFFFF {
		return false
	}
	return f.width(r) >= 0
}

// measure returns the width of s at size points.
func (f *face) measure(s string, size float64) float64 {
	var sum int32
	for _, r := range s {
		if w := f.width(r); w > 0 {
			sum += w
		}
	}
	return float64(sum) * (size / 1000)
}

// clean prepares text for drawing with the face: composed Unicode (NFC, so a decomposed "é" pasted from
// a Mac is one character), "\r\n" and "\r" as "\n", tabs as spaces, and every character the font cannot
// draw (and every byte that is not UTF-8) replaced by a visible stand-in and passed to report. Newlines
// are kept.
func (f *face) clean(s string, report func(rune)) string {
	if plainASCII(s) {
		return s
	}
	if utf8.ValidString(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				continue // the "\n" follows
			}
			b.WriteByte('\n')
		case r == '\t':
			b.WriteString("    ")
		case r == utf8.RuneError && size == 1:
			report(r)
			b.WriteRune(f.replace)
		case f.has(r):
			b.WriteRune(r)
		default:
			report(r)
			b.WriteRune(f.replace)
		}
	}
	return b.String()
}

// plainASCII reports whether s is printable ASCII and newlines only, which the font always covers.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < 0x20 && c != '\n') {
			return false
		}
	}
	return true
}
