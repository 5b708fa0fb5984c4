package journal

// Summary is an entry as the live stream carries it: everything but the
// answer's body. A body is up to MaxBody bytes, escaped inside JSON: sent to
// every stream it would cost the server more than the answer it describes.
// Whoever wants it lists the entry by its request id (Filter.RequestID,
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
