package exchange

import "net/http"

// StatusRecorder remembers the status and size of a response as it is
// written, for a log line or a journal entry.
type StatusRecorder struct {
	http.ResponseWriter
	Status int
	Bytes  int
}

// WriteHeader records the first status written.
func (w *StatusRecorder) WriteHeader(status int) {
	if w.Status == 0 {
		w.Status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write counts the bytes written; a write before any status is a 200.
func (w *StatusRecorder) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.Bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *StatusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
