package journal

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
)

// Bounds of the live stream: how many subscribers at once, how many entries
// one may fall behind before it is dropped, and how often an idle stream
// says it is alive.
const (
	MaxSubscribers = 16
	subscriberLag  = 4096
	keepAlive      = 15 * time.Second
)

// ErrTooManySubscribers is returned by Subscribe past MaxSubscribers.
var ErrTooManySubscribers = errors.New("too many journal subscribers")

type subscriber struct{ ch chan []byte }

// Subscribe returns a channel of the entries added from now on, each as
// JSON, URLs redacted, and a function that ends the subscription. The
// channel is closed when the subscriber falls too far behind (it is
// dropped) or ends.
func (j *Journal) Subscribe() (<-chan []byte, func(), error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.subs) >= MaxSubscribers {
		return nil, nil, ErrTooManySubscribers
	}
	if j.subs == nil {
		j.subs = map[*subscriber]struct{}{}
	}
	sub := &subscriber{ch: make(chan []byte, subscriberLag)}
	j.subs[sub] = struct{}{}
	cancel := func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		if _, ok := j.subs[sub]; ok {
			delete(j.subs, sub)
			close(sub.ch)
		}
	}
	return sub.ch, cancel, nil
}

// StreamHandler answers GET with the entries as they are added, as
// server-sent events: one `data:` line of JSON an entry. It ends when the
// client goes, when stop closes (a server shutting down), or when the
// client falls behind, with an `event: dropped`.
func (j *Journal) StreamHandler(stop <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entries, cancel, err := j.Subscribe()
		if err != nil {
			env := envelope.NewError("TOO_MANY_STREAMS", fmt.Sprintf("At most %d journal streams at once", MaxSubscribers), w.Header().Get(envelope.RequestIDHeader))
			envelope.WriteJSON(w, http.StatusServiceUnavailable, env.Body())
			return
		}
		defer cancel()
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprint(w, ": crawlkit journal\n\n")
		_ = rc.Flush()
		var buf bytes.Buffer
		tick := time.NewTicker(keepAlive)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-tick.C:
				if _, err := fmt.Fprint(w, ": alive\n\n"); err != nil || rc.Flush() != nil {
					return
				}
			case data, ok := <-entries:
				if !ok {
					_, _ = fmt.Fprint(w, "event: dropped\ndata: {\"reason\":\"the stream fell behind\"}\n\n")
					_ = rc.Flush()
					return
				}
				// Write what is waiting too, then flush once: a busy mock
				// costs a write per batch, not per request.
				buf.Reset()
				for more := true; more && buf.Len() < 256<<10; {
					buf.WriteString("data: ")
					buf.Write(data)
					buf.WriteString("\n\n")
					select {
					case data, more = <-entries:
					default:
						more = false
					}
				}
				if _, err := w.Write(buf.Bytes()); err != nil || rc.Flush() != nil {
					return
				}
			}
		}
	})
}
