//go:build erratum

// The notes' step 7 in miniature: package tips with a
// func main, and an int where x/sync's semaphore wants
// an int64. Only the int64 part is an error.
package tips

import "runtime"

type weighted struct{ size int64 }

// newWeighted has semaphore.NewWeighted's signature.
func newWeighted(n int64) *weighted {
	return &weighted{size: n}
}

func main() {
	limit := runtime.NumCPU()
	sem := newWeighted(limit)
	_ = sem
}
