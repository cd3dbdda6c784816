// Functional options: NewServer sets defaults, then
// each option overwrites what it is about.
package main

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

func NewServer(addr string,
	opts ...func(*http.Server)) *http.Server {
	s := &http.Server{Addr: addr,
		ReadTimeout: 3 * time.Second}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

func main() {
	readTimeout := func(s *http.Server) {
		s.ReadTimeout = 5 * time.Second
	}
	handler := func(s *http.Server) {
		mux := http.NewServeMux()
		mux.HandleFunc("/health", health)
		s.Handler = mux // the mux with /health on it
	}
	s := NewServer("127.0.0.1:0", readTimeout, handler)
	fmt.Println("ReadTimeout:", s.ReadTimeout)
	serveAndGet(s, "/health")
}

func health(w http.ResponseWriter, _ *http.Request) {
	w.WriteHeader(http.StatusOK)
}

// serveAndGet serves s on a free port of 127.0.0.1,
// asks it for path, and stops it.
func serveAndGet(s *http.Server, path string) {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		panic(err)
	}
	go s.Serve(ln) // returns once s is closed
	defer s.Close()
	resp, err := http.Get("http://" +
		ln.Addr().String() + path)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("GET", path+":", resp.Status)
}
