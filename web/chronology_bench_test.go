package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"formportal/chronology/chronologytest"
	"formportal/engine/enginetest"
	"formportal/forms"
	"formportal/store"
)

// BenchmarkMergedChronologyPage is a request's merged chronology page in the staff console: 20 agencies'
// submitted contributions of 500 rows each about a family of six children, read from the store, merged
// (10,000 rows in date order, same events flagged) on the first request and taken from the merge cache
// (chronology.Cache) on the others, and the first 100 drawn. Run it
// beside BenchmarkChronologyPage (one professional's 500-row page) for a reference in the same run:
//
//	go test ./web -run '^$' -bench 'MergedChronologyPage|ChronologyPage/rows=500/draft-cache=off$' -benchmem
func BenchmarkMergedChronologyPage(b *testing.B) {
	e := newEnv(b)
	lib, err := forms.Load()
	if err != nil {
		b.Fatal(err)
	}
	e.useForms(lib)
	form := lib.Get("multi-agency-chronology")
	caseData, _ := json.Marshal(enginetest.CaseData(form, 6))
	_, subs := chronologytest.Family(20, 500)
	ctx := context.Background()
	now := e.clock.Now()
	q := &store.Request{ID: store.NewID(), FormID: form.ID, FormVersion: form.Version, Sections: []string{"chronology"}, CreatedBy: "jo@council.example", CreatedAt: now}
	if err := e.store.CreateRequest(ctx, q); err != nil {
		b.Fatal(err)
	}
	for i, s := range subs {
		r := &store.Response{ID: store.NewID(), Kind: store.KindDelegation, FormID: form.ID, FormVersion: form.Version, Sections: []string{"chronology"},
			OwnerEmail: fmt.Sprintf("pro%d@agency.example", i), OwnerOrg: fmt.Sprintf("Agency %d", i), CaseData: caseData, Answers: s, Submission: s,
			Status: store.StatusSubmitted, CreatedAt: now, UpdatedAt: now, SubmittedAt: now}
		if err := e.store.CreateResponse(ctx, r, nil); err != nil {
			b.Fatal(err)
		}
		if err := e.store.AddToRequest(ctx, q.ID, r.ID); err != nil {
			b.Fatal(err)
		}
	}
	jo := e.staff("jo@council.example", false)
	url := e.srv.URL + "/staff/requests/" + q.ID + "/chronology"
	var size int64
	cpu := processCPU()
	for b.Loop() {
		resp, err := jo.c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		size, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(size), "html-bytes")
}
