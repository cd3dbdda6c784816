// Options as values: each knows how to apply itself
// and how to describe itself (fmt.Stringer).
package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"
)

type options struct {
	cache       bool
	logger      *slog.Logger
	readTimeout time.Duration
}

type Option interface {
	apply(*options)
	fmt.Stringer
}

type cacheOption bool

func (c cacheOption) apply(o *options) {
	o.cache = bool(c)
}
func (c cacheOption) String() string {
	return fmt.Sprintf("cache %v", bool(c))
}

type loggerOption struct{ log *slog.Logger }

func (l loggerOption) apply(o *options) {
	o.logger = l.log
}
func (l loggerOption) String() string {
	return "custom logger"
}

type timeoutOption time.Duration

func (t timeoutOption) apply(o *options) {
	o.readTimeout = time.Duration(t)
}
func (t timeoutOption) String() string {
	return fmt.Sprint("read timeout ", time.Duration(t))
}

func WithCache(c bool) Option { return cacheOption(c) }
func WithLogger(l *slog.Logger) Option {
	return loggerOption{l}
}
func WithReadTimeout(d time.Duration) Option {
	return timeoutOption(d)
}

// Open applies the defaults, then each option.
func Open(addr string, opts ...Option) options {
	o := options{
		logger:      slog.New(slog.DiscardHandler),
		readTimeout: 3 * time.Second,
	}
	for _, opt := range opts {
		fmt.Println("applying:", opt)
		opt.apply(&o)
	}
	return o
}

func main() {
	stdout := slog.New(slog.NewTextHandler(os.Stdout,
		&slog.HandlerOptions{ReplaceAttr: noTime}))
	o := Open("db:5432", WithCache(true),
		WithLogger(stdout),
		WithReadTimeout(time.Second))
	o.logger.Info("opened", "cache", o.cache,
		"timeout", o.readTimeout)
}

// noTime drops slog's time: the output repeats.
func noTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
