package storetest

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"formportal/store"
)

func testWriteProbe(t *testing.T, st store.Store) {
	ctx := context.Background()
	for range 3 {
		if err := st.WriteProbe(ctx); err != nil {
			t.Fatalf("write probe on a store with room: %v", err)
		}
	}
}

// testSecrets: a secret is made once and every caller, in any process, gets the same one.
func testSecrets(t *testing.T, st store.Store) {
	ctx := context.Background()
	got := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			k, err := st.Secret(ctx, "csrf")
			if err != nil {
				t.Error(err)
			}
			got[i] = k
		})
	}
	wg.Wait()
	for _, k := range got {
		if len(k) != 32 || !bytes.Equal(k, got[0]) {
			t.Fatalf("secrets %x and %x: want the same 32 bytes for every caller", k, got[0])
		}
	}
	other, err := st.Secret(ctx, "other")
	if err != nil || bytes.Equal(other, got[0]) {
		t.Fatalf("another name's secret %x, %v: want a different key", other, err)
	}
	again, err := st.Secret(ctx, "csrf")
	if err != nil || !bytes.Equal(again, got[0]) {
		t.Fatalf("the secret changed: %x, %v", again, err)
	}
}
