// The article's worker pool, corrected, as a real server: the
// benchmark peer of the trio service, driven by the same tests.
//
//	MAX_WORKERS=64 MAX_QUEUE=1000 go run ./worker_pool/server \
//	    -store /tmp/store
//
// It prints LISTENING <url>, stops on SIGINT or SIGTERM, stores
// every admitted payload, then prints STATS <json>.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func setting(name string, fallback int) (int, error) {
	raw, ok := os.LookupEnv(name)
	if !ok {
		return fallback, nil
	}
	value, err := strconv.Atoi(raw)
	if err != nil || value < 1 {
		return 0, fmt.Errorf("%s must be a positive integer, got %q",
			name, raw)
	}
	return value, nil
}

func main() {
	dir := flag.String("store", "", "directory of the store")
	port := flag.Int("port", 0, "port on 127.0.0.1 (0: any)")
	maxBody := flag.Int64("max-body", 1<<20, "largest body, bytes")
	flag.Parse()
	workers, err := setting("MAX_WORKERS", 64)
	if err == nil && *dir == "" {
		err = errors.New("-store is required")
	}
	queue, qerr := setting("MAX_QUEUE", 1000)
	if err = errors.Join(err, qerr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	os.MkdirAll(*dir, 0o755)
	d := NewDispatcher(&Store{dir: *dir}, workers, queue)
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	srv := &http.Server{
		Handler:           &service{d, *maxBody},
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       5 * time.Second,
	}
	fmt.Printf("LISTENING http://%s/payloads\n", ln.Addr())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go srv.Serve(ln)
	fmt.Println("STOPPING on", <-stop)
	ctx, cancel := context.WithTimeout(context.Background(),
		5*time.Second)
	defer cancel()
	srv.Shutdown(ctx) // may time out: Close is safe anyway
	d.Close()
	stats, _ := json.Marshal(map[string]int64{
		"accepted": d.accepted.Load(), "shed": d.shed.Load(),
		"stored": d.stored.Load(), "failed": d.failed.Load(),
		"unstored": d.inflight.Load(),
	})
	fmt.Printf("STATS %s\n", stats)
}
