package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/crawlkit/crawlkit/internal/envelope"
)

// Bounds of the live stream: how many subscribers at once, how long
// entries gather before they are sent as one batch, how many bytes of
// batches may wait for a subscriber beyond the one it is writing before it
// is dropped, and how often an idle stream says it is alive.
const (
	MaxSubscribers = 16
	flushEvery     = 50 * time.Millisecond
	subscriberLag  = 4 << 20
	keepAlive      = 15 * time.Second
)

// ErrTooManySubscribers is returned by Subscribe past MaxSubscribers.
var ErrTooManySubscribers = errors.New("too many journal subscribers")

// Subscription is one subscriber's feed of batches of entries.
type Subscription struct {
	j  *Journal
	ch chan []byte
	// waiting counts the bytes sent to ch and not yet taken to be written.
	waiting atomic.Int64
}

// Subscribe returns a subscription to the entries added from now on. At
// most MaxSubscribers at once.
func (j *Journal) Subscribe() (*Subscription, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.subs) >= MaxSubscribers {
		return nil, ErrTooManySubscribers
	}
	if j.subs == nil {
		j.subs = map[*Subscription]struct{}{}
	}
	sub := &Subscription{j: j, ch: make(chan []byte, 256)}
	j.subs[sub] = struct{}{}
	return sub, nil
}

// Batches receives the entries in batches: each is one or more
// server-sent events, one `data:` line an entry, its Summary in JSON (URL
// redacted, no body), and every subscriber receives the same bytes,
// encoded once. It is closed when the subscription is closed, or when the
// subscriber falls behind (it is dropped: the journal never waits): see
// Taken.
func (s *Subscription) Batches() <-chan []byte { return s.ch }

// Taken tells that a batch of n bytes was received to be written out. A
// subscriber is behind by the batches waiting for it beyond the one it is
// writing: a batch that finds none waiting is always handed over, however
// large (a burst of requests makes one; a subscriber that keeps up is never
// dropped for it); one that finds some is handed over only if they and it
// make at most subscriberLag (4 MiB), or the subscriber is dropped.
func (s *Subscription) Taken(n int) { s.waiting.Add(-int64(n)) }

// Close ends the subscription.
func (s *Subscription) Close() {
	s.j.mu.Lock()
	defer s.j.mu.Unlock()
	if _, ok := s.j.subs[s]; ok {
		s.j.drop(s)
	}
}

// queue adds k to the next batch, and schedules the batch if none is due.
// The caller holds j.mu.
func (j *Journal) queue(k kept) {
	j.pending = append(j.pending, k)
	if !j.flushing {
		j.flushing = true
		time.AfterFunc(j.flushEvery, j.flush)
	}
}

// flush encodes the entries gathered since the last batch, once, outside
// the lock requests take, and hands the same bytes to every subscriber.
// One that is too far behind (see Taken) is dropped. One batch is due at a
// time, so batches go out in order.
func (j *Journal) flush() {
	j.mu.Lock()
	batch := j.pending
	j.pending = j.spare[:0]
	j.mu.Unlock()
	data := encodeEvents(batch, j.redact)
	clear(batch) // let the entries' strings go
	j.mu.Lock()
	defer j.mu.Unlock()
	j.spare = batch // the next batch's array
	if len(data) > 0 {
		for sub := range j.subs {
			if waiting := sub.waiting.Load(); waiting > 0 && waiting+int64(len(data)) > subscriberLag {
				j.drop(sub)
				continue
			}
			select {
			case sub.ch <- data:
				sub.waiting.Add(int64(len(data)))
			default:
				j.drop(sub)
			}
		}
	}
	if len(j.pending) > 0 && len(j.subs) > 0 {
		time.AfterFunc(j.flushEvery, j.flush)
		return
	}
	j.flushing = false
}

// drop ends a subscription the journal gave up on. The caller holds j.mu.
func (j *Journal) drop(sub *Subscription) {
	delete(j.subs, sub)
	close(sub.ch)
}

// encodeEvents writes entries as server-sent events, one `data:` line of
// JSON each, the entry's Summary: its URL redacted, its answer's body left
// out.
func encodeEvents(entries []kept, redact []string) []byte {
	if len(entries) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.Grow(len(entries) * 512)
	enc := json.NewEncoder(&b) // as json.Marshal, plus a newline
	enc.SetEscapeHTML(false)   // as the list writes it: a URL's & stays &
	// One of each for the batch: encoding them does not allocate them anew.
	var e Summary
	var resp ResponseSummary
	for _, k := range entries {
		e = Summary{Entry: k.Entry} // e.Response stands for e.Entry.Response
		if k.Response != nil {
			resp = summaryOf(k.Response)
			e.Response = &resp
		}
		if k.url != nil {
			e.URL = RedactedURL(k.url, redact...)
		}
		mark := b.Len()
		b.WriteString("data: ")
		if err := enc.Encode(&e); err != nil {
			b.Truncate(mark) // an entry holds strings and numbers only
			continue
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// StreamHandler answers GET with the entries as they are added, as
// server-sent events: one `data:` line an entry, its Summary in JSON,
// written a batch at a time (see flushEvery). It ends when the client goes,
// when stop closes (a server shutting down), or when the client falls
// behind, with an `event: dropped`.
func (j *Journal) StreamHandler(stop <-chan struct{}) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := j.Subscribe()
		if err != nil {
			env := envelope.NewError("TOO_MANY_STREAMS", fmt.Sprintf("At most %d journal streams at once", MaxSubscribers), w.Header().Get(envelope.RequestIDHeader))
			envelope.WriteJSON(w, http.StatusServiceUnavailable, env.Body())
			return
		}
		defer sub.Close()
		rc := http.NewResponseController(w)
		_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		_, _ = fmt.Fprint(w, ": crawlkit journal\n\n")
		_ = rc.Flush()
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
			case batch, ok := <-sub.Batches():
				if !ok {
					_, _ = fmt.Fprint(w, "event: dropped\ndata: {\"reason\":\"the stream fell behind\"}\n\n")
					_ = rc.Flush()
					return
				}
				sub.Taken(len(batch))
				if _, err := w.Write(batch); err != nil || rc.Flush() != nil {
					return
				}
			}
		}
	})
}
