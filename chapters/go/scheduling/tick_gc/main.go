// Since Go 1.23 a ticker nobody refers to can be garbage collected even if
// it was never stopped; asynctimerchan=1 brings back the old timers.
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < 100_000; i++ {
		_ = time.Tick(time.Hour) // dropped at once, never stopped
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	fmt.Println("100,000 dropped tickers still on the heap:", kept > 5<<20)
}
