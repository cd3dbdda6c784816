// Command explicit panics on purpose, three calls deep, and nobody
// recovers: the program prints the value and the goroutine's stack, then
// exits with status 2.
package main

import "fmt"

func parsePort(s string) int {
	var port int
	if _, err := fmt.Sscanf(s, "%d", &port); err != nil {
		panic(fmt.Sprintf("bad port %q", s))
	}
	return port
}

func loadConfig(raw map[string]string) int {
	return parsePort(raw["port"])
}

func main() {
	fmt.Println("port", loadConfig(map[string]string{"port": "8080"}))
	fmt.Println("port", loadConfig(map[string]string{"port": "http"}))
}
