package browsertest

import (
	"net/http"
	"sync"
)

// transfer is one response the test server sent.
type transfer struct {
	path     string
	status   int
	encoding string // Content-Encoding: "br", "gzip" or "" for identity
	bytes    int64  // body bytes on the wire, after any encoding
}

// transferLog records every response of the test server. It is how the
// cold-load budget counts the files the engine's Web Worker fetches, which
// the page's own Performance API never sees.
type transferLog struct {
	mu      sync.Mutex
	entries []transfer
}

// take returns the responses since the last take and forgets them.
func (l *transferLog) take() []transfer {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.entries
	l.entries = nil
	return out
}

// wrap returns a handler that serves with next and records each response.
func (l *transferLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		l.entries = append(l.entries, transfer{path: r.URL.Path, status: cw.status, encoding: w.Header().Get("Content-Encoding"), bytes: cw.bytes})
	})
}

// countingWriter counts the body bytes written through it.
type countingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (c *countingWriter) WriteHeader(status int) {
	c.status = status
	c.ResponseWriter.WriteHeader(status)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.bytes += int64(n)
	return n, err
}
