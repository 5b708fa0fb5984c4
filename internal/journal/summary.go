package journal

// Summary is an entry as the live stream carries it: everything but the
// answer's body. A body, up to MaxBody bytes escaped inside JSON, is most of
// an entry (the seed crawl's is a tenth of its size without it): left out,
// streams keep up with a server at full rate and cost it little. Whoever
// wants a body lists the entry by its request id (Filter.RequestID,
// GET /__crawlkit/requests?request_id=).
type Summary struct {
	Entry
	// Response is the answer's headers and size, nil when no answer was
	// sent. It stands for Entry.Response, which is not written.
	Response *ResponseSummary `json:"response,omitempty"`
}

// ResponseSummary is a Response without its body.
type ResponseSummary struct {
	Headers map[string]string `json:"headers"`
	// BodyBytes is the size of the whole body.
	BodyBytes int64 `json:"body_bytes"`
	// BodyTruncated marks a body the journal kept cut at MaxBody bytes.
	BodyTruncated bool `json:"body_truncated"`
}

// summaryOf is what the stream says of resp: its headers and size.
func summaryOf(resp *Response) ResponseSummary {
	s := ResponseSummary{Headers: resp.Headers, BodyBytes: resp.Size, BodyTruncated: resp.Truncated()}
	if s.Headers == nil {
		s.Headers = map[string]string{}
	}
	return s
}
