package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"strconv"
	"sync"
)

// gopdf compresses each page's content stream with a new zlib writer, and a zlib writer costs about a
// megabyte to make: a 500-row chronology of 85 pages would allocate more than 100 MB for its compressors
// alone. So gopdf writes the PDF uncompressed and one pass over its output tags it (tag.go) and
// flate-compresses its streams with one pooled compressor. gopdf's output is simple: objects 1 to N in
// order (the catalog first, a page before its content stream), then one classic cross-reference table.
//
// A tagged PDF has thousands of small objects, its structure elements: the pass packs every object that
// is not a stream into compressed object streams (PDF 1.5), and writes a cross-reference stream for them,
// which more than halves what tagging adds to a PDF's size.

var compressors = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

var (
	streamKeyword = []byte("stream\n")
	endObj        = []byte("endobj\n")
	lengthKey     = []byte("/Length ")
	filterKey     = []byte("/Filter")
	typePage      = []byte("/Type /Page\n")
	typeCatalog   = []byte("/Type /Catalog\n")
	infoKey       = []byte("/Info <<")
)

// finish returns src, gopdf's output, tagged with t (when t is not nil), with every stream that has no
// filter flate-compressed.
func finish(src []byte, t *tags) ([]byte, error) {
	var tg *tagged
	if t != nil {
		tg = newTagged(t)
	}
	return recompress(src, tg)
}

func recompress(src []byte, t *tagged) ([]byte, error) {
	size, err := trailerSize(src)
	if err != nil {
		return nil, err
	}
	start := bytes.Index(src, []byte("\n1 0 obj\n"))
	if start < 0 {
		return nil, fmt.Errorf("no first object")
	}
	start++
	w := newObjWriter(len(src)/3, t != nil)
	defer w.release()
	w.out.Write(src[:start])
	var marked bytes.Buffer
	i := start
	for n := 1; ; n++ {
		head := strconv.Itoa(n) + " 0 obj\n"
		if !bytes.HasPrefix(src[i:], []byte(head)) {
			break
		}
		body := i + len(head)
		end := bytes.Index(src[body:], endObj)
		if end < 0 {
			return nil, fmt.Errorf("object %d has no end", n)
		}
		end += body + len(endObj)
		s := bytes.Index(src[body:end], streamKeyword)
		if s < 0 { // not a stream
			dict := src[body : end-len(endObj)]
			if t != nil {
				var more string
				switch {
				case n == 1 && bytes.Contains(dict, typeCatalog):
					more = t.catalog(size)
				case bytes.Contains(dict, typePage):
					if err := t.page(n, dict); err != nil {
						return nil, err
					}
					more = t.pageEntries(len(t.pageObjs) - 1)
				}
				if more != "" {
					k := bytes.LastIndex(dict, []byte(">>"))
					if k < 0 {
						return nil, fmt.Errorf("object %d is no dictionary", n)
					}
					dict = append(append(append([]byte{}, dict[:k]...), more...), dict[k:]...)
				}
			}
			w.object(n, dict)
			i = skipBlank(src, end, w.out)
			continue
		}
		dict := src[body : body+s]
		data := body + s + len(streamKeyword)
		l := bytes.Index(dict, lengthKey)
		if l < 0 {
			return nil, fmt.Errorf("object %d: stream without a length", n)
		}
		digits := l + len(lengthKey)
		k := digits
		for k < len(dict) && dict[k] >= '0' && dict[k] <= '9' {
			k++
		}
		length, err := strconv.Atoi(string(dict[digits:k]))
		if err != nil || data+length > len(src) {
			return nil, fmt.Errorf("object %d: bad stream length", n)
		}
		// The stream's own end: its data, then "endstream" and "endobj" (found after the data, since
		// the data may hold anything).
		end = bytes.Index(src[data+length:], endObj)
		if end < 0 {
			return nil, fmt.Errorf("object %d has no end", n)
		}
		end += data + length + len(endObj)
		w.offset(n)
		if bytes.Contains(dict, filterKey) {
			w.out.Write(src[i:end])
			i = skipBlank(src, end, w.out)
			continue
		}
		stream := src[data : data+length]
		if p, ok := t.pageOf(n); ok {
			marked.Reset()
			if err := t.content(p, stream, &marked); err != nil {
				return nil, err
			}
			stream = marked.Bytes()
		}
		packed, err := w.compress(stream)
		if err != nil {
			return nil, err
		}
		w.out.WriteString(head)
		w.out.Write(dict[:l])
		w.out.WriteString("/Filter /FlateDecode\n/Length ")
		w.out.WriteString(strconv.Itoa(len(packed)))
		w.out.Write(dict[k:])
		w.out.Write(streamKeyword)
		w.out.Write(packed)
		rest := src[data+length : end]
		if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) {
			w.out.WriteByte('\n')
		}
		w.out.Write(rest)
		i = skipBlank(src, end, w.out)
	}
	// The cross-reference table must list exactly the objects read.
	if !bytes.HasPrefix(src[i:], []byte("xref\n0 "+strconv.Itoa(len(w.xref))+"\n")) {
		return nil, fmt.Errorf("objects are not followed by their cross-reference table")
	}
	trailer := bytes.Index(src[i:], []byte("trailer\n"))
	startxref := bytes.LastIndex(src, []byte("startxref\n"))
	if trailer < 0 || startxref < i+trailer || len(w.xref) != size {
		return nil, fmt.Errorf("no trailer")
	}
	trailerDict := src[i+trailer+len("trailer\n") : startxref]
	if t == nil {
		w.xrefTable(trailerDict)
		return w.out.Bytes(), nil
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	t.objects(size, w)
	// The document information dictionary, which gopdf writes into the trailer, becomes an object of its
	// own, as a cross-reference stream's dictionary can only refer to it.
	info := 0
	if k := bytes.Index(trailerDict, infoKey); k >= 0 {
		e := bytes.Index(trailerDict[k:], []byte(">>"))
		if e < 0 {
			return nil, fmt.Errorf("trailer: unterminated /Info")
		}
		info = len(w.xref)
		w.object(info, trailerDict[k+len("/Info "):k+e+2])
	}
	if err := w.xrefStream(info); err != nil {
		return nil, err
	}
	return w.out.Bytes(), nil
}

// trailerSize reads the /Size of the trailer: the number of objects, plus one.
func trailerSize(src []byte) (int, error) {
	k := bytes.LastIndex(src, []byte("trailer\n"))
	if k < 0 {
		return 0, fmt.Errorf("no trailer")
	}
	f := bytes.Fields(src[k:])
	for j := 0; j+1 < len(f); j++ {
		if string(f[j]) == "/Size" {
			return strconv.Atoi(string(f[j+1]))
		}
	}
	return 0, fmt.Errorf("trailer without /Size")
}

// skipBlank copies the blank lines after an object and returns where the next thing starts.
func skipBlank(src []byte, i int, out *bytes.Buffer) int {
	j := i
	for j < len(src) && (src[j] == '\n' || src[j] == '\r') {
		j++
	}
	out.Write(src[i:j])
	return j
}

// xrefEntry is where an object is: at an offset of the file, or the index-th object of an object stream.
type xrefEntry struct {
	stream int // the object stream, 0 when the object is at offset
	at     int // the offset, or the index in the object stream
}

// objWriter writes the objects of a PDF in order, each at its offset or, when packing, each that is not a
// stream into an object stream.
type objWriter struct {
	out  *bytes.Buffer
	xref []xrefEntry // by object number; object 0 is the head of the free list
	pack bool

	zw      *zlib.Writer
	packed  bytes.Buffer
	members []int        // the objects of the object stream being filled
	starts  []int        // and where each starts in its data
	data    bytes.Buffer // the object stream's objects
	streams [][]byte     // the object streams filled, to write at the end
	firsts  []int        // where the first object of each starts: the length of its head
	ns      []int        // how many objects each holds
}

// objectsPerStream is how many objects an object stream holds at most.
const objectsPerStream = 500

func newObjWriter(capacity int, pack bool) *objWriter {
	return &objWriter{out: bytes.NewBuffer(make([]byte, 0, capacity)), xref: []xrefEntry{{}}, pack: pack,
		zw: compressors.Get().(*zlib.Writer)}
}

func (w *objWriter) release() { compressors.Put(w.zw) }

// set records where object n is.
func (w *objWriter) set(n int, e xrefEntry) {
	for len(w.xref) <= n {
		w.xref = append(w.xref, xrefEntry{})
	}
	w.xref[n] = e
}

// offset records that object n starts here.
func (w *objWriter) offset(n int) { w.set(n, xrefEntry{at: w.out.Len()}) }

// object writes object n, which is not a stream: its value, dict.
func (w *objWriter) object(n int, dict []byte) {
	if !w.pack {
		w.offset(n)
		w.out.WriteString(strconv.Itoa(n))
		w.out.WriteString(" 0 obj\n")
		w.out.Write(dict)
		w.out.Write(endObj)
		return
	}
	w.set(n, xrefEntry{stream: -1, at: len(w.members)}) // the stream's number is known when it is written
	w.members = append(w.members, n)
	w.starts = append(w.starts, w.data.Len())
	w.data.Write(dict)
	w.data.WriteByte('\n')
	if len(w.members) == objectsPerStream {
		w.flushObjects()
	}
}

// stream writes object n, a stream with the dictionary entries dict and the data data, uncompressed.
func (w *objWriter) stream(n int, dict string, data []byte) {
	w.offset(n)
	fmt.Fprintf(w.out, "%d 0 obj\n<<%s /Length %d>>\nstream\n", n, dict, len(data))
	w.out.Write(data)
	w.out.WriteString("\nendstream\nendobj\n")
}

// flushObjects ends the object stream being filled.
func (w *objWriter) flushObjects() {
	if len(w.members) == 0 {
		return
	}
	var head bytes.Buffer
	for k, n := range w.members {
		fmt.Fprintf(&head, "%d %d ", n, w.starts[k])
	}
	head.WriteByte('\n')
	s := make([]byte, 0, head.Len()+w.data.Len())
	s = append(append(s, head.Bytes()...), w.data.Bytes()...)
	w.streams = append(w.streams, s)
	w.firsts = append(w.firsts, head.Len())
	w.ns = append(w.ns, len(w.members))
	// The members' entries point at the stream by its index until it has a number.
	for _, n := range w.members {
		w.xref[n].stream = -len(w.streams)
	}
	w.members, w.starts = w.members[:0], w.starts[:0]
	w.data.Reset()
}

func (w *objWriter) compress(data []byte) ([]byte, error) {
	w.packed.Reset()
	w.zw.Reset(&w.packed)
	if _, err := w.zw.Write(data); err != nil {
		return nil, err
	}
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	return w.packed.Bytes(), nil
}

// xrefTable writes a classic cross-reference table and the trailer, its dictionary trailerDict (ending
// ">>\n").
func (w *objWriter) xrefTable(trailerDict []byte) {
	at := w.out.Len()
	w.out.WriteString("xref\n0 " + strconv.Itoa(len(w.xref)) + "\n")
	w.out.WriteString("0000000000 65535 f \n")
	for _, e := range w.xref[1:] {
		fmt.Fprintf(w.out, "%010d 00000 n \n", e.at)
	}
	w.out.WriteString("trailer\n")
	w.out.Write(trailerDict)
	fmt.Fprintf(w.out, "startxref\n%d\n%%%%EOF\n", at)
}

// xrefStream writes the object streams, then a cross-reference stream listing every object, with the
// catalog (object 1) as its root and info (when not 0) as the document information dictionary.
func (w *objWriter) xrefStream(info int) error {
	w.flushObjects()
	first := len(w.xref) // the object streams' numbers
	for k, s := range w.streams {
		packed, err := w.compress(s)
		if err != nil {
			return err
		}
		n := first + k
		w.offset(n)
		fmt.Fprintf(w.out, "%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n",
			n, w.ns[k], w.firsts[k], len(packed))
		w.out.Write(packed)
		w.out.WriteString("\nendstream\nendobj\n")
	}
	for n := range w.xref {
		if w.xref[n].stream < 0 {
			w.xref[n].stream = first - w.xref[n].stream - 1
		}
	}
	self := len(w.xref)
	w.offset(self)
	// Each entry: a type (0 free, 1 at an offset, 2 in an object stream), 4 bytes of offset or stream
	// number, 2 bytes of generation or index.
	rows := make([]byte, 0, 7*len(w.xref))
	for n, e := range w.xref {
		switch {
		case n == 0:
			rows = append(rows, 0, 0, 0, 0, 0, 0xff, 0xff)
		case e.stream > 0:
			rows = append(rows, 2, byte(e.stream>>24), byte(e.stream>>16), byte(e.stream>>8), byte(e.stream), byte(e.at>>8), byte(e.at))
		default:
			rows = append(rows, 1, byte(e.at>>24), byte(e.at>>16), byte(e.at>>8), byte(e.at), 0, 0)
		}
	}
	packed, err := w.compress(rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w.out, "%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Root 1 0 R", self, len(w.xref))
	if info != 0 {
		fmt.Fprintf(w.out, " /Info %d 0 R", info)
	}
	fmt.Fprintf(w.out, " /Filter /FlateDecode /Length %d>>\nstream\n", len(packed))
	w.out.Write(packed)
	fmt.Fprintf(w.out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", w.xref[self].at)
	return nil
}
