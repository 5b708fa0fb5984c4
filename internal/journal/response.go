package journal

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of what an entry keeps of its answer: the first MaxBody bytes of
// the body, and MaxHeaderBytes of header names and values. A journal of n
// entries holds at most n × (MaxBody + MaxHeaderBytes) of answers.
const (
	MaxBody        = 16 << 10
	MaxHeaderBytes = 8 << 10
)

// Response is what the journal keeps of one answer: its headers and the
// first MaxBody bytes of its body. Its status is the entry's.
type Response struct {
	// Headers are the answer's headers, values of one name joined with
	// ", ", as many as fit in MaxHeaderBytes in name order.
	Headers map[string]string
	// Body is the start of the body as sent, at most MaxBody bytes.
	Body []byte
	// Size is the whole body's size in bytes.
	Size int64
}

// Truncated reports whether Body is only the start of the body.
func (r *Response) Truncated() bool { return r.Size > int64(len(r.Body)) }

// ResponseView is a Response as the admin API lists it.
type ResponseView struct {
	Headers map[string]string `json:"headers"`
	// Body is the kept body as text, or in base64 when it is not UTF-8.
	Body string `json:"body"`
	// BodyEncoding is "base64" when Body is in base64, empty for text.
	BodyEncoding string `json:"body_encoding,omitempty"`
	// BodyBytes is the size of the whole body.
	BodyBytes int64 `json:"body_bytes"`
	// BodyTruncated marks a body cut at MaxBody bytes.
	BodyTruncated bool `json:"body_truncated"`
	// BodyJSON says whether the body is JSON: for a cut body, whether the
	// kept part reads as the start of a JSON value.
	BodyJSON bool `json:"body_json"`
}

// View describes the kept answer: its body as text or base64, whether it
// was cut, whether it is JSON. Listing, not answering, pays for it.
func (r *Response) View() ResponseView {
	v := ResponseView{Headers: r.Headers, BodyBytes: r.Size, BodyTruncated: r.Truncated()}
	if v.Headers == nil {
		v.Headers = map[string]string{}
	}
	kept := r.Body
	if v.BodyTruncated {
		kept = wholeRunes(kept)
	}
	if utf8.Valid(kept) {
		v.Body = string(kept)
	} else {
		kept = r.Body
		v.Body, v.BodyEncoding = base64.StdEncoding.EncodeToString(kept), "base64"
	}
	v.BodyJSON = readsAsJSON(kept, v.BodyTruncated)
	return v
}

// MarshalJSON writes the response as its view.
func (r *Response) MarshalJSON() ([]byte, error) { return json.Marshal(r.View()) }

// UnmarshalJSON reads a response as MarshalJSON writes it.
func (r *Response) UnmarshalJSON(data []byte) error {
	var v ResponseView
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	body := []byte(v.Body)
	if v.BodyEncoding == "base64" {
		decoded, err := base64.StdEncoding.DecodeString(v.Body)
		if err != nil {
			return fmt.Errorf("response body: %w", err)
		}
		body = decoded
	}
	*r = Response{Headers: v.Headers, Body: body, Size: v.BodyBytes}
	return nil
}

// wholeRunes drops a UTF-8 sequence cut at the end of b.
func wholeRunes(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax-1 && i <= len(b); i++ {
		if c := b[len(b)-i]; utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// readsAsJSON reports whether b is a JSON value, or, cut, the start of one.
func readsAsJSON(b []byte, cut bool) bool {
	if len(b) == 0 {
		return false
	}
	if !cut {
		return json.Valid(b)
	}
	var raw json.RawMessage
	err := json.Unmarshal(b, &raw)
	var syntax *json.SyntaxError
	return err == nil || errors.As(err, &syntax) && syntax.Offset >= int64(len(b))
}

// ResponseHeaders copies h for a Response: names in order, values of a name
// joined, until MaxHeaderBytes are taken.
func ResponseHeaders(h http.Header) map[string]string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make(map[string]string, len(names))
	budget := MaxHeaderBytes
	for _, name := range names {
		value := strings.Join(h[name], ", ")
		if budget -= len(name) + len(value); budget < 0 {
			break
		}
		out[name] = value
	}
	return out
}
