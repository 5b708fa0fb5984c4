// Package journal keeps the latest requests a crawlkit server answered, in a
// bounded ring, and serves them to test scripts.
package journal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
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
	// OffContract marks an answer off the contract on purpose.
	OffContract bool     `json:"off_contract,omitempty"`
	Violations  []string `json:"violations,omitempty"`
	// Response is what was answered: headers and the start of the body.
	// Nil when no answer was sent (a fault that drops the connection).
	Response *Response `json:"response,omitempty"`
}

// Journal is a bounded ring of the latest entries, safe for concurrent use.
// Subscribers receive the entries as they are added, in batches.
type Journal struct {
	mu      sync.Mutex
	entries []kept
	next    int
	full    bool
	subs    map[*Subscription]struct{}
	// pending are the entries added since the last batch sent to the
	// subscribers; flushing is set while a batch is due.
	pending  []kept
	flushing bool
	// spare is the array of the batch before, reused for the next.
	spare []kept
	// flushEvery is how long entries gather before a batch is sent.
	flushEvery time.Duration
	// redact names the query parameters, beside key, whose values are
	// hidden.
	redact []string
}

// kept is an entry with its request URL, written out, key redacted, only
// when the entry is listed: answering stays cheap.
type kept struct {
	Entry
	url *url.URL
}

// New returns a journal of size entries at most. The values of the query
// parameters named in redact (those the spec in use takes an API key in),
// and of key, are hidden wherever an entry's URL is shown.
func New(size int, redact ...string) *Journal {
	if size <= 0 {
		size = DefaultEntries
	}
	return &Journal{entries: make([]kept, size), flushEvery: flushEvery, redact: redact}
}

// Cap is the most entries the journal keeps.
func (j *Journal) Cap() int { return len(j.entries) }

// Add records e for a request to u, dropping the oldest entry when full.
// Listed, the entry's URL is u with the key redacted. With subscribers, the
// entry joins the next batch (see stream.go); Add never encodes it and
// never waits for a subscriber.
func (j *Journal) Add(e Entry, u *url.URL) {
	j.mu.Lock()
	defer j.mu.Unlock()
	k := kept{Entry: e, url: u}
	j.entries[j.next] = k
	j.next = (j.next + 1) % len(j.entries)
	if j.next == 0 {
		j.full = true
	}
	if len(j.subs) > 0 {
		j.queue(k)
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
	// Rule keeps the answers of the scenario rule of that name.
	Rule string
	// RequestID keeps the entry of the request of that id: how a client of
	// the live stream, which carries no bodies, fetches an answer's body.
	RequestID string
	Limit     int
}

// ScenarioPrefix starts AnsweredBy for an answer a scenario rule decided:
// "scenario " and the rule's name.
const ScenarioPrefix = "scenario "

func (f *Filter) keeps(e *Entry) bool {
	return (f.CrawlID == 0 || e.CrawlID == f.CrawlID) && (f.Status == 0 || e.Status == f.Status) &&
		(f.Rule == "" || e.AnsweredBy == ScenarioPrefix+f.Rule) && (f.RequestID == "" || e.RequestID == f.RequestID)
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
		k := j.entries[(j.next-1-i+len(j.entries))%len(j.entries)]
		if !f.keeps(&k.Entry) {
			continue
		}
		e := k.Entry
		if k.url != nil {
			e.URL = RedactedURL(k.url, j.redact...)
		}
		out = append(out, e)
	}
	return out
}

// RedactedURL is a request URL with the values of its key query parameter,
// and of those named in redact, hidden, written without decoding the rest
// of the query.
func RedactedURL(u *url.URL, redact ...string) string {
	if u.RawQuery == "" {
		return u.Path
	}
	var b strings.Builder
	b.Grow(len(u.Path) + 1 + len(u.RawQuery) + 8)
	b.WriteString(u.Path)
	sep := byte('?')
	for rest := u.RawQuery; ; {
		part, more, found := strings.Cut(rest, "&")
		name, _, hasValue := strings.Cut(part, "=")
		if strings.ContainsAny(name, "%+") {
			unescaped, err := url.QueryUnescape(name)
			if err != nil {
				return u.Path + "?(undecodable query)"
			}
			name = unescaped
		}
		b.WriteByte(sep)
		sep = '&'
		if hasValue && (name == "key" || slices.Contains(redact, name)) {
			b.WriteString(url.QueryEscape(name) + "=REDACTED")
		} else {
			b.WriteString(part)
		}
		if !found {
			return b.String()
		}
		rest = more
	}
}

// ListHandler answers GET with the entries, filtered by the id, status,
// rule, request_id and limit query parameters (100 by default), newest
// first.
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
		f.Rule = q.Get("rule")
		f.RequestID = q.Get("request_id")
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
