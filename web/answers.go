package web

import (
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"formportal/engine"
)

// A draft's answers are read on every form page and written on every save, and a chronology's are a
// megabyte at 2,000 rows. They go through encoding/json's successor, github.com/go-json-experiment/json
// (the code Go ships as encoding/json/v2), which reads them three times as fast and writes them twice as
// fast as encoding/json. It reads what encoding/json wrote: invalid UTF-8 and repeated names are taken as
// encoding/json takes them.
var answersIn = jsonv2.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

func decodeAnswers(raw []byte, a *engine.Answers) error { return jsonv2.Unmarshal(raw, a, answersIn) }

func encodeAnswers(a engine.Answers) ([]byte, error) { return jsonv2.Marshal(a) }
