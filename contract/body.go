package contract

import (
	"fmt"
	"io"
	"net/http"
)

// bodyTooLargeError is an answer whose body is larger than the limit:
// declared by its Content-Length (and then not read at all), or found
// larger while reading (declared is then 0).
type bodyTooLargeError struct {
	declared int64
}

func (e *bodyTooLargeError) Error() string {
	if e.declared > 0 {
		return fmt.Sprintf("a body of %d bytes, larger than the limit", e.declared)
	}
	return "a body larger than the limit"
}

// First sizes of a body buffer: it starts small, grows fourfold, and past
// bodyBufferJump goes straight to the limit, so that growing leaves little
// behind for the garbage collector.
const (
	bodyBufferFirst = 64 << 10
	bodyBufferJump  = 1 << 20
)

// bodyBuffer is where one case slot of a run reads answers' bodies, reused
// from answer to answer: a run holds at most Concurrency bodies of at most
// MaxBody+1 bytes, however long the bodies the server sends, and reading
// one allocates nothing once the buffer is large enough. The bytes read
// are valid until the next read.
type bodyBuffer struct {
	b []byte
	// frames is the scratch stack of decodedSize for the bodies read.
	frames scanStack
}

// read reads resp's body, up to max bytes. A larger body is a
// *bodyTooLargeError: not read at all when its Content-Length says so,
// read no further than max+1 bytes otherwise.
func (buf *bodyBuffer) read(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, &bodyTooLargeError{declared: resp.ContentLength}
	}
	limit := max + 1
	if resp.ContentLength >= 0 {
		// The declared length, and one byte to see the end.
		buf.reserve(resp.ContentLength+1, limit, true)
	}
	b := buf.b[:0]
	for {
		if len(b) == cap(b) {
			buf.b = b
			buf.reserve(int64(len(b))+1, limit, false)
			b = buf.b
		}
		n, err := resp.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			buf.b = b[:0]
			return nil, &bodyTooLargeError{}
		}
		if err == io.EOF {
			buf.b = b[:0]
			return b, nil
		}
		if err != nil {
			buf.b = b[:0]
			return nil, fmt.Errorf("reading the body: %w", err)
		}
	}
}

// reserve makes the buffer's capacity at least need bytes, never more than
// limit, keeping what it holds: exactly need when exact (the body's length
// is known), else the next of the buffer's sizes.
func (buf *bodyBuffer) reserve(need, limit int64, exact bool) {
	if int64(cap(buf.b)) >= need {
		return
	}
	size := int64(bodyBufferFirst)
	for size < need && size < bodyBufferJump {
		size *= 4
	}
	if size < need {
		size = limit
	}
	if exact {
		size = need
	}
	size = min(max(size, need), limit)
	grown := make([]byte, len(buf.b), size)
	copy(grown, buf.b)
	buf.b = grown
}
