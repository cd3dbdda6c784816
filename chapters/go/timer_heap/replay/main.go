// Replay sequences of AfterFunc, Stop, Reset and waits; print what Go did.
//
// One sequence per line, durations in milliseconds: "a0:15" is
// timers[0] = AfterFunc(15ms, ...), "s0" is timers[0].Stop(), "r0:25" is
// timers[0].Reset(25ms), "w10" sleeps 10ms. For each sequence it prints the
// Stop and Reset results in call order, then every firing as timer@time,
// sorted by time and then timer (Go promises no order for equal times).
// Sequences come from the file named by $TIMER_REPLAY, else the example.
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const example = "a0:15 a1:45 a2:25 w10 s0 r1:5 w20 r2:10 s2 w30 r0:5 w10"

type firing struct {
	timer int
	at    time.Duration
}

func replay(line string) (string, error) {
	var mu sync.Mutex
	var fired []firing
	timers := map[int]*time.Timer{}
	var results []string
	record := func(op string, ok bool) {
		results = append(results, fmt.Sprintf("%s=%v", op, ok))
	}
	start := time.Now()
	for _, op := range strings.Fields(line) {
		id, ms, _ := strings.Cut(op[1:], ":")
		n, err := strconv.Atoi(id)
		if err != nil {
			return "", fmt.Errorf("bad op %q: %v", op, err)
		}
		d := time.Duration(0)
		if ms != "" {
			v, err := strconv.Atoi(ms)
			if err != nil {
				return "", fmt.Errorf("bad op %q: %v", op, err)
			}
			d = time.Duration(v) * time.Millisecond
		}
		switch op[0] {
		case 'a':
			timers[n] = time.AfterFunc(d, func() {
				mu.Lock()
				fired = append(fired, firing{n, time.Since(start)})
				mu.Unlock()
			})
		case 's':
			record(op, timers[n].Stop())
		case 'r':
			record(op, timers[n].Reset(d))
		case 'w':
			time.Sleep(time.Duration(n) * time.Millisecond)
		default:
			return "", fmt.Errorf("bad op %q", op)
		}
	}
	for _, t := range timers {
		t.Stop() // nothing may fire after the sequence ends
	}
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(fired, func(i, j int) bool {
		a, b := fired[i], fired[j]
		return a.at < b.at || a.at == b.at && a.timer < b.timer
	})
	var fires []string
	for _, f := range fired {
		at := f.at.Milliseconds()
		fires = append(fires, fmt.Sprintf("%d@%d", f.timer, at))
	}
	return strings.Join(results, " ") + " | " + strings.Join(fires, " "), nil
}

func main() {
	lines := []string{example}
	if path := os.Getenv("TIMER_REPLAY"); path != "" {
		file, err := os.Open(path)
		if err != nil {
			fmt.Println(err)
			os.Exit(2)
		}
		defer file.Close()
		lines = nil
		scanner := bufio.NewScanner(file)
		scanner.Buffer(nil, 1<<20)
		for scanner.Scan() {
			lines = append(lines, scanner.Text())
		}
	} else {
		fmt.Println(example)
	}
	for _, line := range lines {
		out, err := replay(line)
		if err != nil {
			fmt.Println(err)
			os.Exit(2)
		}
		fmt.Println(out)
	}
}
