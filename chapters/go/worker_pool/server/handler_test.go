package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// The early shed refuses only a request that cannot fit: with one
// upload in flight in a pool of two, one payload is admitted and
// two are not.
func TestEarlyShedAdmitsARequestThatFits(t *testing.T) {
	d := NewDispatcher(&Store{dir: t.TempDir()}, 1, 1) // capacity 2
	defer d.Close()
	s := &service{d, 4096}
	d.inflight.Add(1) // one upload in progress: room 1
	defer d.inflight.Add(-1)
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"data":[{"n":1},{"n":2}]}`, 503},
		{`{"data":[{"n":1}]}`, 202},
	} {
		body, want := c.body, c.want
		r := httptest.NewRequest("POST", "/payloads", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("room %d, %s: %d %s, want %d", d.Room(), body, w.Code, w.Body, want)
		}
	}
}
