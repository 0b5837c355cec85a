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
// flate-compresses its uncompressed streams with one pooled compressor, rewriting the cross-reference
// table. gopdf's output is simple (objects 1 to N in order, the catalog first, a page before its content
// stream, then one classic xref table).

var compressors = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

var (
	streamKeyword = []byte("stream\n")
	endObj        = []byte("endobj\n")
	lengthKey     = []byte("/Length ")
	filterKey     = []byte("/Filter")
)

var (
	typePage    = []byte("/Type /Page\n")
	typeCatalog = []byte("/Type /Catalog\n")
)

// finish returns src tagged with t (when t is not nil), with every stream that has no filter
// flate-compressed.
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
	rootObj, metaObj := size, size+2 // the objects tagging adds: see tagged.objects
	start := bytes.Index(src, []byte("\n1 0 obj\n"))
	if start < 0 {
		return nil, fmt.Errorf("no first object")
	}
	start++
	out := bytes.NewBuffer(make([]byte, 0, len(src)/3))
	out.Write(src[:start])
	zw := compressors.Get().(*zlib.Writer)
	defer compressors.Put(zw)
	var packed, marked bytes.Buffer
	var offsets []int
	i := start
	for n := 1; ; n++ {
		head := strconv.Itoa(n) + " 0 obj\n"
		if !bytes.HasPrefix(src[i:], []byte(head)) {
			break
		}
		offsets = append(offsets, out.Len())
		body := i + len(head)
		end := bytes.Index(src[body:], endObj)
		if end < 0 {
			return nil, fmt.Errorf("object %d has no end", n)
		}
		end += body + len(endObj)
		s := bytes.Index(src[body:end], streamKeyword)
		if s < 0 { // not a stream
			obj := src[i:end]
			if t != nil {
				var more string
				switch {
				case n == 1 && bytes.Contains(obj, typeCatalog):
					more = t.catalog(rootObj, metaObj)
				case bytes.Contains(obj, typePage):
					if err := t.page(n, obj); err != nil {
						return nil, err
					}
					more = t.pageEntries(len(t.pageObjs) - 1)
				}
				if more != "" {
					dict := bytes.LastIndex(obj, []byte(">>"))
					if dict < 0 {
						return nil, fmt.Errorf("object %d is no dictionary", n)
					}
					out.Write(obj[:dict])
					out.WriteString(more)
					obj = obj[dict:]
				}
			}
			out.Write(obj)
			i = skipBlank(src, end, out)
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
		if bytes.Contains(dict, filterKey) {
			out.Write(src[i:end])
			i = skipBlank(src, end, out)
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
		packed.Reset()
		zw.Reset(&packed)
		if _, err := zw.Write(stream); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		out.WriteString(head)
		out.Write(dict[:l])
		out.WriteString("/Filter /FlateDecode\n/Length ")
		out.WriteString(strconv.Itoa(packed.Len()))
		out.Write(dict[k:])
		out.Write(streamKeyword)
		out.Write(packed.Bytes())
		rest := src[data+length : end]
		if !bytes.HasPrefix(rest, []byte("\n")) && !bytes.HasPrefix(rest, []byte("\r\n")) {
			out.WriteByte('\n')
		}
		out.Write(rest)
		i = skipBlank(src, end, out)
	}
	// The cross-reference table must list exactly the objects read.
	xref := []byte("xref\n0 " + strconv.Itoa(len(offsets)+1) + "\n")
	if !bytes.HasPrefix(src[i:], xref) {
		return nil, fmt.Errorf("objects are not followed by their cross-reference table")
	}
	trailer := bytes.Index(src[i:], []byte("trailer\n"))
	startxref := bytes.LastIndex(src, []byte("startxref\n"))
	if trailer < 0 || startxref < i+trailer || len(offsets)+1 != size {
		return nil, fmt.Errorf("no trailer")
	}
	trailerDict := src[i+trailer : startxref]
	if t != nil {
		if err := t.check(); err != nil {
			return nil, err
		}
		t.objects(size, out, func(int) { offsets = append(offsets, out.Len()) })
		trailerDict = bytes.Replace(trailerDict, []byte("/Size "+strconv.Itoa(size)+"\n"), []byte("/Size "+strconv.Itoa(len(offsets)+1)+"\n"), 1)
	}
	at := out.Len()
	out.WriteString("xref\n0 " + strconv.Itoa(len(offsets)+1) + "\n")
	out.WriteString("0000000000 65535 f \n")
	for _, off := range offsets {
		fmt.Fprintf(out, "%010d 00000 n \n", off)
	}
	out.Write(trailerDict)
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", at)
	return out.Bytes(), nil
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
