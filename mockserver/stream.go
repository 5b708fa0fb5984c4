package mockserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
)

// streamFrom is the number of screenshots from which a crawl is streamed:
// made in a large-render slot, checked as a Go value, then encoded
// screenshot by screenshot into the response, never held as one body.
const streamFrom = 1000

// streamBuffer is what a streamed response holds before it writes: the
// only buffer of a large crawl, whatever its size.
const streamBuffer = 64 << 10

// renderSlots bounds the large crawls made at once, to the number of
// cores: each holds its crawl (about 1.3 KB a screenshot) while it is sent,
// so memory does not grow with the number of large requests in flight.
type renderSlots chan struct{}

func newRenderSlots(n int) renderSlots { return make(renderSlots, max(1, n)) }

// acquire waits for a slot, or for ctx to end. release frees the slot.
func (r renderSlots) acquire(ctx context.Context) (release func(), err error) {
	select {
	case r <- struct{}{}:
		return func() { <-r }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a large-render slot: %w", ctx.Err())
	}
}

// stream writes a's crawl as the success body, encoded as it goes. The
// verdict is known and sent: the crawl was checked before. If writing
// fails (the client left, the write timeout), encoding stops there; a
// crawl cut short is neither cached nor remembered as sent.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, a *answer) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return // a GET would stream its body chunked, with no Content-Length
	}
	out := bufio.NewWriterSize(w, streamBuffer)
	counted := &countingWriter{w: out}
	var dst io.Writer = counted
	var kept *bytes.Buffer
	if a.keep > 0 {
		kept = bytes.NewBuffer(make([]byte, 0, a.keep))
		dst = io.MultiWriter(counted, kept)
	}
	err := writeSuccess(dst, a.crawl)
	if err == nil {
		err = out.Flush()
	}
	switch {
	case errors.Is(err, errEncode):
		// The status is sent: cut the connection, so that the client sees
		// a broken answer, not a short one that looks whole.
		s.log.ErrorContext(r.Context(), "stream crawl", "id", a.crawl.ID, "err", err)
		panic(http.ErrAbortHandler)
	case err != nil:
		s.log.DebugContext(r.Context(), "stream crawl cut short", "id", a.crawl.ID, "err", err)
		return
	}
	if kept != nil {
		s.cache.add(a.key, &prepared{body: kept.Bytes(), violations: a.violations})
		return
	}
	s.cache.streamed(a.key, counted.n)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += n
	return n, err
}

// errEncode marks an error of encoding, not of writing.
var errEncode = errors.New("encode")

// errNotStreamable is returned for a crawl whose screenshots encode as
// null: the stream writes arrays only.
var errNotStreamable = fmt.Errorf("%w: crawl without a screenshots list", errEncode)

// writeSuccess writes c in the success envelope to w, byte for byte what
// json.Marshal(envelope.NewSuccess(c)) makes, one screenshot at a time.
func writeSuccess(w io.Writer, c *crawl.Crawl) error {
	if c.Screenshots == nil {
		return errNotStreamable
	}
	head := *c
	head.Screenshots = []crawl.Screenshot{}
	b, err := json.Marshal(envelope.NewSuccess(&head))
	if err != nil {
		return fmt.Errorf("%w crawl %d: %w", errEncode, c.ID, err)
	}
	// The screenshots come last: the head ends with their empty list.
	const tail = "]}}"
	if !bytes.HasSuffix(b, []byte("["+tail)) {
		return fmt.Errorf("%w crawl %d: screenshots are not the last member", errEncode, c.ID)
	}
	if _, err := w.Write(b[:len(b)-len(tail)]); err != nil {
		return err
	}
	var item bytes.Buffer
	enc := json.NewEncoder(&item) // as json.Marshal, plus a newline
	for i := range c.Screenshots {
		item.Reset()
		if i > 0 {
			item.WriteByte(',')
		}
		if err := enc.Encode(&c.Screenshots[i]); err != nil {
			return fmt.Errorf("%w crawl %d screenshot %d: %w", errEncode, c.ID, i, err)
		}
		if _, err := w.Write(item.Bytes()[:item.Len()-1]); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, tail)
	return err
}
