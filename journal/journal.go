// Package journal keeps the latest requests a crawlkit server answered, in a
// bounded ring, and serves them to test scripts.
package journal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crawlkit/crawlkit/envelope"
)

// DefaultEntries bounds a journal when New is given 0.
const DefaultEntries = 1000

// Entry is one answered request.
type Entry struct {
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	URL        string    `json:"url"`
	CrawlID    int64     `json:"crawl_id,omitempty"`
	Status     int       `json:"status"`
	DurationMS float64   `json:"duration_ms"`
	RequestID  string    `json:"request_id"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	Fault      string    `json:"fault,omitempty"`
	Violations []string  `json:"violations,omitempty"`
}

// Journal is a bounded ring of the latest entries, safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
}

// New returns a journal of size entries at most.
func New(size int) *Journal {
	if size <= 0 {
		size = DefaultEntries
	}
	return &Journal{entries: make([]Entry, size)}
}

// Cap is the most entries the journal keeps.
func (j *Journal) Cap() int { return len(j.entries) }

// Add records e, dropping the oldest entry when full.
func (j *Journal) Add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	if j.next == 0 {
		j.full = true
	}
}

// Clear drops every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}

// Filter says which entries List keeps; zero fields keep all.
type Filter struct {
	CrawlID int64
	Status  int
	Limit   int
}

// List returns the entries that pass f, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := j.next
	if j.full {
		n = len(j.entries)
	}
	out := []Entry{}
	for i := 0; i < n && (f.Limit <= 0 || len(out) < f.Limit); i++ {
		e := j.entries[(j.next-1-i+len(j.entries))%len(j.entries)]
		if (f.CrawlID != 0 && e.CrawlID != f.CrawlID) || (f.Status != 0 && e.Status != f.Status) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// RedactedURL is a request URL with the key query parameter's value hidden.
func RedactedURL(u *url.URL) string {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return u.Path + "?(undecodable query)"
	}
	if !q.Has("key") {
		return u.RequestURI()
	}
	for i := range q["key"] {
		q["key"][i] = "REDACTED"
	}
	return u.Path + "?" + q.Encode()
}

// ListHandler answers GET with the entries, filtered by the id, status and
// limit query parameters (100 by default), newest first.
func (j *Journal) ListHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var f Filter
		fields := map[string][]string{}
		parse := func(name string, low int64, set func(int64)) {
			if v := q.Get(name); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < low {
					fields[name] = []string{"must be a whole number of at least " + strconv.FormatInt(low, 10)}
					return
				}
				set(n)
			}
		}
		parse("id", 1, func(n int64) { f.CrawlID = n })
		parse("status", 100, func(n int64) { f.Status = int(n) })
		parse("limit", 1, func(n int64) { f.Limit = int(min(n, int64(j.Cap()))) })
		if len(fields) > 0 {
			names := make([]string, 0, len(fields))
			for n := range fields {
				names = append(names, n)
			}
			env := envelope.NewError(envelope.CodeValidation, "Invalid parameters: "+strings.Join(names, ", "), w.Header().Get(envelope.RequestIDHeader))
			env.Fields = fields
			envelope.WriteJSON(w, http.StatusBadRequest, env.Body())
			return
		}
		if f.Limit == 0 {
			f.Limit = 100
		}
		WriteJSON(w, http.StatusOK, map[string]any{"requests": j.List(f)})
	})
}

// ClearHandler answers DELETE by clearing the journal.
func (j *Journal) ClearHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		j.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
}

// WriteJSON writes v as indented JSON, as the admin APIs answer.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	envelope.WriteJSON(w, status, b.Bytes())
}
