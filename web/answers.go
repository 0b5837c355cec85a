package web

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"formportal/engine"
)

// A draft's answers are read on every form page and written on every save, and a chronology's are a
// megabyte at 2,000 rows. They go through encoding/json's successor, github.com/go-json-experiment/json
// (the code Go ships as encoding/json/v2), which reads them about three times and writes them about twice
// as fast as encoding/json. Like encoding/json it takes invalid UTF-8 (an answer posted with it), writing
// it as U+FFFD. Only encoding/json and this have ever written drafts, so no draft repeats a name (which
// this would refuse: allowing it costs a fifth more allocations).
var answersUTF8 = jsontext.AllowInvalidUTF8(true)

func decodeAnswers(raw []byte, a *engine.Answers) error { return jsonv2.Unmarshal(raw, a, answersUTF8) }

func encodeAnswers(a engine.Answers) ([]byte, error) { return jsonv2.Marshal(a, answersUTF8) }
