package mockserver

import (
	"net/url"
	"sync"
	"time"
)

// DefaultJournalEntries bounds the request journal when Config leaves it 0.
const DefaultJournalEntries = 1000

// Entry is one answered request in the journal.
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
}

// journal is a bounded ring of the latest entries.
type journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
}

func newJournal(size int) *journal { return &journal{entries: make([]Entry, size)} }

func (j *journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	if j.next == 0 {
		j.full = true
	}
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}

// filter says which entries a listing keeps; zero fields keep all.
type filter struct {
	crawlID int64
	status  int
	limit   int
}

// list returns the entries that pass f, newest first.
func (j *journal) list(f filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := j.next
	if j.full {
		n = len(j.entries)
	}
	out := []Entry{}
	for i := 0; i < n && (f.limit <= 0 || len(out) < f.limit); i++ {
		e := j.entries[(j.next-1-i+len(j.entries))%len(j.entries)]
		if (f.crawlID != 0 && e.CrawlID != f.crawlID) || (f.status != 0 && e.Status != f.status) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// redactedURL is the request URL with the key query parameter's value hidden.
func redactedURL(u *url.URL) string {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil || !q.Has("key") {
		if err != nil {
			return u.Path + "?(undecodable query)"
		}
		return u.RequestURI()
	}
	for i := range q["key"] {
		q["key"][i] = "REDACTED"
	}
	return u.Path + "?" + q.Encode()
}
