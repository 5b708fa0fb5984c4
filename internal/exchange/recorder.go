package exchange

import (
	"net/http"

	"github.com/crawlkit/crawlkit/internal/journal"
)

// StatusRecorder remembers the status and size of a response as it is
// written, for a log line or a journal entry; with Keep, also its headers
// and the first Keep bytes of its body, copied from the bytes written.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int
	// Keep is how many bytes of the body to keep; 0 keeps no answer.
	Keep int
	// Headers are the headers sent, when Keep is set.
	Headers map[string]string
	// Kept is the start of the body, when Keep is set.
	Kept []byte
}

// WriteHeader records the first status written.
func (w *StatusRecorder) WriteHeader(status int) {
	if w.Status == 0 {
		w.Status = status
		if w.Keep > 0 {
			w.Headers = journal.ResponseHeaders(w.ResponseWriter.Header())
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write counts the bytes written, and keeps the first Keep; a write before
// any status is a 200.
func (w *StatusRecorder) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if room := w.Keep - len(w.Kept); room > 0 && len(b) > 0 {
		if w.Kept == nil {
			w.Kept = make([]byte, 0, min(w.Keep, len(b)))
		}
		w.Kept = append(w.Kept, b[:min(room, len(b))]...)
	}
	n, err := w.ResponseWriter.Write(b)
	w.Bytes += n
	return n, err
}

// Response is what the recorder kept of the answer, for a journal entry;
// nil when no answer was written (the connection was dropped) or Keep is 0.
func (w *StatusRecorder) Response() *journal.Response {
	if w.Keep == 0 || w.Status == 0 {
		return nil
	}
	return &journal.Response{Headers: w.Headers, Body: w.Kept, Size: int64(w.Bytes)}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *StatusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
