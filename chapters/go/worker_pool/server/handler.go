package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

const maxPayloads = 100

type service struct {
	d       *Dispatcher
	maxBody int64
}

type request struct {
	Version *string          `json:"version"`
	Token   *string          `json:"token"`
	Data    []map[string]any `json:"data"`
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func fail(w http.ResponseWriter, status int, format string,
	args ...any) {
	reply(w, status, map[string]any{
		"error": fmt.Sprintf(format, args...), "status": status})
}

func jsonType(value string) bool {
	kind, params, err := mime.ParseMediaType(value)
	charset := strings.ToLower(params["charset"])
	return err == nil && kind == "application/json" &&
		(charset == "" || charset == "utf-8" || charset == "utf8")
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST") // the note's 405 has none
		fail(w, 405, "method %.20s is not allowed, use POST", r.Method)
		return
	}
	if r.URL.Path != "/payloads" {
		fail(w, 404, "no such path, use /payloads")
		return
	}
	if !jsonType(r.Header.Get("Content-Type")) {
		fail(w, 415, "content type must be application/json (UTF-8)")
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(w, 413, "body is over the limit of %d bytes", s.maxBody)
		return
	} else if err != nil {
		fail(w, 400, "the body could not be read")
		return
	}
	if s.d.Room() < mostPayloads(raw, s.d.capacity) { // shed early
		w.Header().Set("Retry-After", "1")
		fail(w, 503, "the job queue is full, retry later")
		return
	}
	jobs, status, msg := parse(raw)
	if status == 0 && !s.d.Submit(jobs) {
		w.Header().Set("Retry-After", "1")
		status, msg = 503, "the job queue is full, retry later"
	}
	if status != 0 {
		fail(w, status, "%s", msg)
		return
	}
	reply(w, 202, map[string]int{"accepted": len(jobs)})
}

// mostPayloads bounds the payloads a body can hold without
// parsing it, as the trio service does: every payload is an
// object and so is the document, so at most one less than the
// count of "{"; never more than a request or the queue takes.
func mostPayloads(raw []byte, capacity int) int {
	n := bytes.Count(raw, []byte("{")) - 1
	return max(1, min(n, maxPayloads, capacity))
}

func parse(raw []byte) ([]Job, int, string) {
	if !utf8.Valid(raw) {
		return nil, 400, "body is not UTF-8"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var req request
	if err := dec.Decode(&req); err != nil {
		return nil, 400, "invalid JSON: " + err.Error()
	}
	if _, err := dec.Token(); err != io.EOF { // the note's misses this
		return nil, 400, "invalid JSON: data after the first value"
	}
	if len(req.Data) == 0 {
		return nil, 400, "'data' must be a non-empty list"
	}
	if len(req.Data) > maxPayloads {
		return nil, 413, fmt.Sprintf("too many payloads: %d > %d",
			len(req.Data), maxPayloads)
	}
	jobs := make([]Job, 0, len(req.Data))
	for i, payload := range req.Data {
		if payload == nil {
			return nil, 400, fmt.Sprintf("data[%d] must be an object", i)
		}
		jobs = append(jobs, Job{canonical(payload)})
	}
	return jobs, 0, ""
}

// canonical gives the bytes the trio service stores for the same
// payload (strings and integers): sorted keys, no spaces, ASCII.
func canonical(payload map[string]any) []byte {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.Encode(payload)
	text := bytes.TrimSuffix(out.Bytes(), []byte("\n"))
	var ascii bytes.Buffer
	for _, r := range string(text) {
		switch {
		case r < 0x80:
			ascii.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&ascii, `\u%04x\u%04x`,
				0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&ascii, `\u%04x`, r)
		}
	}
	return ascii.Bytes()
}
