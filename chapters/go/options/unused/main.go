//go:build erratum

// The notes' main builds a server into s and never
// uses it: Go refuses to compile an unused variable.
package main

import "net/http"

func NewServer(addr string) *http.Server {
	return &http.Server{Addr: addr}
}

func main() {
	s := NewServer(":8080")
}
