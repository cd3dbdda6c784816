// A fixed 168-hour period is not "Tuesdays at 14:00 in Berlin": the clocks
// move on 26 March 2000. And what time.Date does with a wall time that is
// skipped or repeated.
package main

import (
	"fmt"
	"time"
	_ "time/tzdata" // zone rules built in, used where the system has none
)

func main() {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	const layout = "Mon 01-02 15:04 MST"
	first := time.Date(2000, 3, 21, 14, 0, 0, 0, berlin)
	fmt.Println("fixed 168h        calendar rule")
	for week := 0; week < 3; week++ {
		fixed := first.Add(time.Duration(week) * 7 * 24 * time.Hour)
		calendar := time.Date(2000, 3, 21+7*week, 14, 0, 0, 0, berlin)
		fmt.Println(fixed.Format(layout), "  ", calendar.Format(layout))
	}
	gap := time.Date(2000, 3, 26, 2, 30, 0, 0, berlin)
	fold := time.Date(2000, 10, 29, 2, 30, 0, 0, berlin)
	utc := "15:04 MST"
	fmt.Println("02:30 on 26 March (skipped): ",
		gap.Format(layout), gap.UTC().Format(utc))
	fmt.Println("02:30 on 29 October (twice): ",
		fold.Format(layout), fold.UTC().Format(utc))
}
