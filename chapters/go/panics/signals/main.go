// Command signals prints the signal masks the kernel keeps for this
// process: caught (SigCgt), ignored (SigIgn) and blocked (SigBlk).
// The Go runtime installed its handlers before main started.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		for _, key := range []string{"SigBlk:", "SigIgn:", "SigCgt:"} {
			if strings.HasPrefix(lines.Text(), key) {
				fmt.Println(lines.Text())
			}
		}
	}
}
