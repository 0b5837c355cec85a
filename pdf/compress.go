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
// alone. So gopdf writes the PDF uncompressed and flate re-compresses its uncompressed streams with one
// pooled compressor, rewriting the cross-reference table. gopdf's output is simple (objects 1 to N in
// order, then one classic xref table); anything else is left uncompressed, which is still a correct PDF.

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

// compressStreams returns src with every stream that has no filter flate-compressed, or src itself
// when its layout is not the one gopdf writes.
func compressStreams(src []byte) []byte {
	out, err := recompress(src)
	if err != nil {
		return src
	}
	return out
}

func recompress(src []byte) ([]byte, error) {
	start := bytes.Index(src, []byte("\n1 0 obj\n"))
	if start < 0 {
		return nil, fmt.Errorf("no first object")
	}
	start++
	out := bytes.NewBuffer(make([]byte, 0, len(src)/3))
	out.Write(src[:start])
	zw := compressors.Get().(*zlib.Writer)
	defer compressors.Put(zw)
	var packed bytes.Buffer
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
		if s < 0 {
			out.Write(src[i:end]) // not a stream
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
		packed.Reset()
		zw.Reset(&packed)
		if _, err := zw.Write(src[data : data+length]); err != nil {
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
	if trailer < 0 || startxref < i+trailer {
		return nil, fmt.Errorf("no trailer")
	}
	at := out.Len()
	out.Write(xref)
	out.WriteString("0000000000 65535 f \n")
	for _, off := range offsets {
		fmt.Fprintf(out, "%010d 00000 n \n", off)
	}
	out.Write(src[i+trailer : startxref])
	fmt.Fprintf(out, "startxref\n%d\n%%%%EOF\n", at)
	return out.Bytes(), nil
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
