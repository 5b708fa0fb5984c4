package mockserver

import (
	"time"

	"github.com/crawlkit/crawlkit/internal/journal"
)

// MaxJournalBody, 16 KiB, is how much of each answer's body the journal
// keeps; a longer body is cut (Response.BodyTruncated).
const MaxJournalBody = journal.MaxBody

// Request is one request the mock answered, as the journal keeps it.
type Request struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	// URL is the request's path and query, the key redacted.
	URL     string `json:"url"`
	CrawlID int64  `json:"crawl_id,omitempty"`
	// Status is the answer's status; 0 when none was sent (a fault that
	// drops the connection).
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	RequestID  string  `json:"request_id"`
	// AnsweredBy names what decided the answer, as AnsweredByHeader.
	AnsweredBy string `json:"answered_by,omitempty"`
	Fault      string `json:"fault,omitempty"`
	// OffContract marks an answer off the contract on purpose.
	OffContract bool     `json:"off_contract,omitempty"`
	Violations  []string `json:"violations,omitempty"`
	// Response is what was answered; nil when nothing was.
	Response *Response `json:"response,omitempty"`
}

// Response is what the journal keeps of an answer: its headers and the
// first MaxJournalBody bytes of its body.
type Response struct {
	// Headers are the answer's headers, the values of a name joined with ", ".
	Headers map[string]string `json:"headers"`
	// Body is the kept body as text, or in base64 when BodyEncoding says so
	// (a body that is not UTF-8).
	Body         string `json:"body"`
	BodyEncoding string `json:"body_encoding,omitempty"`
	// BodyBytes is the size of the whole body; BodyTruncated marks a body
	// cut at MaxJournalBody.
	BodyBytes     int64 `json:"body_bytes"`
	BodyTruncated bool  `json:"body_truncated"`
	// BodyJSON says whether the body is JSON (a cut body: whether its kept
	// part reads as the start of JSON). The malformed fault's is not.
	BodyJSON bool `json:"body_json"`
}

// RequestFilter says which requests Requests lists; zero fields keep all.
type RequestFilter struct {
	// CrawlID keeps the requests for that crawl id.
	CrawlID int64
	// Status keeps the answers of that status.
	Status int
	// Rule keeps the answers of the scenario rule of that name.
	Rule string
	// RequestID keeps the request of that id (X-Request-Id): the entry, with
	// its body, of a request the live stream announced.
	RequestID string
	// Limit bounds how many are listed, newest first.
	Limit int
}

// Requests lists the requests the mock answered that pass f, newest first,
// each with what was answered. The journal keeps the latest
// Config.JournalEntries; admin API calls are not journaled.
func (s *Server) Requests(f RequestFilter) []Request {
	entries := s.journal.List(journal.Filter{CrawlID: f.CrawlID, Status: f.Status, Rule: f.Rule, RequestID: f.RequestID, Limit: f.Limit})
	out := make([]Request, len(entries))
	for i, e := range entries {
		out[i] = Request{
			Time: e.Time, Method: e.Method, URL: e.URL, CrawlID: e.CrawlID, Status: e.Status,
			DurationMS: e.DurationMS, RequestID: e.RequestID, AnsweredBy: e.AnsweredBy, Fault: e.Fault,
			OffContract: e.OffContract, Violations: e.Violations,
		}
		if e.Response != nil {
			v := e.Response.View()
			out[i].Response = &Response{
				Headers: v.Headers, Body: v.Body, BodyEncoding: v.BodyEncoding,
				BodyBytes: v.BodyBytes, BodyTruncated: v.BodyTruncated, BodyJSON: v.BodyJSON,
			}
		}
	}
	return out
}

// Reset clears the journal and starts every progression over, as POST
// /__crawlkit/reset does. Scenarios added at run time stay: RemoveScenarios
// removes them.
func (s *Server) Reset() {
	s.journal.Clear()
	s.progressions.reset()
}
