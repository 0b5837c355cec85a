package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"formportal/engine"
	"formportal/renderer"
)

// A form page's post is read within the bounds of that page. A browser posts every control the page
// draws, so the form's own definition (its questions, the maxRows of its tables and lists, the children
// of the family) says how many parts and bytes a real post can have. Go's own multipart reader stops at
// 1,000 parts whatever the page, fewer than a chronology of 77 rows about six children posts.

// pageLimits bound one page's post.
type pageLimits struct {
	parts      int              // parts, or urlencoded values
	valueBytes int64            // bytes of every value that is not a file
	files      map[string]int64 // by file input: the most its file may be
	body       int64            // the whole body: values, files and every part's headers
}

const (
	// spareParts: the CSRF token, the draft version and page hash, the button pressed, what the
	// idle-timeout save adds, and room to spare.
	spareParts = 8
	// spareValueBytes lets answers longer than their questions allow arrive, so that the page shows its
	// own "must be N characters or fewer" with nothing lost, instead of refusing the post.
	spareValueBytes = 1 << 20
	// shortValueBytes is the most a value without a length of its own needs: a date's day, a number.
	shortValueBytes = 256
	// openTextBytes is the most a text answer with no maxLength needs.
	openTextBytes = 64 << 10
	// partHeaderBytes is a part's boundary and headers, besides its name; a file's name takes more.
	partHeaderBytes = 256
	fileHeaderBytes = 4 << 10
	// fileDrainBytes is how far past its limit a file is read, so that the answers after it on the page
	// still arrive: the person sees "The selected file must be smaller than" with their answers kept.
	fileDrainBytes = 64 << 20
)

// errPageTooLarge is a post beyond what its page can send.
var errPageTooLarge = errors.New("the post is more than its page can send")

// pageLimitsFor is what a page of this section can send, for this sibling group.
func pageLimitsFor(s *engine.Section, children []engine.Child) pageLimits {
	lim := pageLimits{parts: spareParts, valueBytes: spareValueBytes, files: map[string]int64{}}
	var headers int64 = spareParts * partHeaderBytes
	for _, fd := range s.Fields {
		if fd.Type == engine.TypeAttachments && !fd.ReadOnly {
			lim.parts++
			lim.files[fd.ID] = fileLimit(fd)
			lim.body += fileLimit(fd) + fileHeaderBytes
			continue
		}
		b := fieldBound(fd, len(fd.ID), children)
		lim.parts += b.parts
		lim.valueBytes += b.values
		headers += b.header
	}
	if len(lim.files) > 0 {
		lim.body += fileDrainBytes
	}
	lim.body += lim.valueBytes + headers
	return lim
}

// rowLimitsFor is what a row page of the table or list can send: that row's questions alone.
func rowLimitsFor(fd *engine.Field, children []engine.Child) pageLimits {
	b := rowBound(fd, len("row."), children)
	lim := pageLimits{parts: spareParts + b.parts, valueBytes: spareValueBytes + b.values, files: map[string]int64{}}
	lim.body = lim.valueBytes + spareParts*partHeaderBytes + b.header
	return lim
}

// rowBound is what one row's inputs post at most; nameLen is the length of what their names start with.
func rowBound(fd *engine.Field, nameLen int, children []engine.Child) bound {
	var row bound
	for _, col := range fd.Children() {
		row.add(fieldBound(col, nameLen+len(col.ID), children))
	}
	return row
}

// bound is what one question posts at most.
type bound struct {
	parts          int
	values, header int64
}

func (b *bound) add(o bound) {
	b.parts += o.parts
	b.values += o.values
	b.header += o.header
}

// fieldBound is what a question's inputs post at most; nameLen is the length of its input's name.
func fieldBound(fd *engine.Field, nameLen int, children []engine.Child) bound {
	if !fd.Answerable() || fd.ReadOnly {
		return bound{}
	}
	parts := func(n int, valueBytes int64) bound {
		return bound{parts: n, values: int64(n) * valueBytes, header: int64(n) * int64(partHeaderBytes+nameLen)}
	}
	switch fd.Type {
	case engine.TypeDate:
		return parts(3, shortValueBytes)
	case engine.TypeDateOfBirth:
		return parts(len(renderer.PostedParts(fd)), shortValueBytes)
	case engine.TypeAddress: // and the address chosen from those found, in its lines (addressfinder.go)
		return parts(len(renderer.PostedParts(fd))+1, shortValueBytes)
	case engine.TypeSignature: // the name, and the date's day, month and year
		return parts(len(renderer.PostedParts(fd)), 4*engine.MaxSignatureName)
	case engine.TypeCheckboxes:
		return parts(len(fd.Options), optionBytes(fd))
	case engine.TypeChildren:
		var longest int64 = shortValueBytes
		for _, c := range children {
			longest = max(longest, int64(len(c.ID)))
		}
		return parts(len(children), longest)
	case engine.TypeSelect, engine.TypeRadios:
		return parts(1, optionBytes(fd))
	case engine.TypeText, engine.TypeTextarea, engine.TypeEmail, engine.TypePhone:
		// UTF-8 takes up to four bytes a character; a line break, one character, posts as two.
		if fd.MaxLength != nil {
			return parts(1, max(shortValueBytes, 4*int64(*fd.MaxLength)))
		}
		return parts(1, openTextBytes)
	case engine.TypeTable, engine.TypeList:
		// The form page posts no rows, only which page of them it shows and what is pasted: at most
		// as many rows as the table holds, each a line of its cells.
		row := rowBound(fd, 0, children)
		b := parts(1, shortValueBytes)
		b.add(parts(1, int64(renderer.MaxRows(fd))*(row.values+int64(row.parts))))
		return b
	}
	return parts(1, shortValueBytes)
}

func optionBytes(fd *engine.Field) int64 {
	var longest int64 = shortValueBytes
	for _, o := range fd.Options {
		longest = max(longest, int64(len(o.Value)))
	}
	return longest
}

// pageBody is a page's post, read within its limits.
type pageBody struct {
	values url.Values
	files  map[string]*postedFile // by file input, the file chosen in it
	// cut is the file input whose file was being read when the body reached the page's limit: nothing
	// after it arrived.
	cut string
}

// postedFile is a file chosen in a file input.
type postedFile struct {
	name     string
	content  []byte
	tooLarge bool // more than its field accepts; content is then empty
}

// readPageBody reads a page's post: multipart as the page's form sends it, read part by part within the
// page's limits, or urlencoded (scripts and tests), parsed by Go and held to the same limits.
func readPageBody(w http.ResponseWriter, r *http.Request, lim pageLimits) (*pageBody, error) {
	body := &pageBody{values: url.Values{}, files: map[string]*postedFile{}}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, lim.body)
	}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			return nil, tooLargeOr(err)
		}
		n, size := 0, int64(0)
		for k, vs := range r.PostForm {
			for _, v := range vs {
				n++
				size += int64(len(k) + len(v))
			}
		}
		if n > lim.parts || size > lim.valueBytes {
			return nil, errPageTooLarge
		}
		body.values = r.PostForm
		return body, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read page post: %w", err)
	}
	parts, left := 0, lim.valueBytes
	lastFile := ""
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			// Reaching the limit while skipping the rest of a file too large to keep: what came before
			// it is kept, and the person is told about the file.
			if lastFile != "" && isMaxBytes(err) {
				body.cut = lastFile
				break
			}
			return nil, tooLargeOr(err)
		}
		lastFile = ""
		if parts++; parts > lim.parts {
			return nil, errPageTooLarge
		}
		name := p.FormName()
		if p.FileName() != "" {
			limit, ok := lim.files[name]
			if !ok || body.files[name] != nil {
				continue // no such file input on the page: skipped, within the body's limit
			}
			lastFile = name
			f := &postedFile{name: p.FileName()}
			body.files[name] = f
			f.content, err = io.ReadAll(io.LimitReader(p, limit+1))
			if int64(len(f.content)) > limit || err != nil && isMaxBytes(err) {
				f.content, f.tooLarge = nil, true
			}
			if err != nil {
				if isMaxBytes(err) {
					body.cut = name
					break
				}
				return nil, fmt.Errorf("read page post: %w", err)
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(p, left+1))
		if err != nil {
			return nil, tooLargeOr(err)
		}
		if left -= int64(len(v)); left < 0 {
			return nil, errPageTooLarge
		}
		if name != "" {
			body.values[name] = append(body.values[name], string(v))
		}
	}
	// What the handlers read with r.PostFormValue; ParseForm adds the URL's query to r.Form.
	r.PostForm, r.Form = body.values, nil
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("read page post: %w", err)
	}
	return body, nil
}

func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

func tooLargeOr(err error) error {
	if isMaxBytes(err) {
		return errPageTooLarge
	}
	return fmt.Errorf("read page post: %w", err)
}
