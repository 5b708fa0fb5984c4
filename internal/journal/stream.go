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
// batches one subscriber may fall behind before it is dropped, and how
// often an idle stream says it is alive.
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
	// queued counts the bytes sent to ch and not yet written out.
	queued atomic.Int64
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
// server-sent events, one `data:` line of JSON an entry, URLs redacted,
// and every subscriber receives the same bytes, encoded once. It is closed
// when the subscriber falls more than 4 MiB behind (it is dropped: the
// journal never waits) or the subscription is closed.
func (s *Subscription) Batches() <-chan []byte { return s.ch }

// Written tells that n bytes of batches were written out: the subscriber
// is that much less behind.
func (s *Subscription) Written(n int) { s.queued.Add(-int64(n)) }

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
// One that is too far behind is dropped. One batch is due at a time, so
// batches go out in order.
func (j *Journal) flush() {
	j.mu.Lock()
	batch := j.pending
	j.pending = j.spare[:0]
	j.mu.Unlock()
	data := encodeEvents(batch)
	clear(batch) // let the entries' strings go
	j.mu.Lock()
	defer j.mu.Unlock()
	j.spare = batch // the next batch's array
	if len(data) > 0 {
		for sub := range j.subs {
			if sub.queued.Load()+int64(len(data)) > subscriberLag {
				j.drop(sub)
				continue
			}
			select {
			case sub.ch <- data:
				sub.queued.Add(int64(len(data)))
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
// JSON each, their URLs redacted.
func encodeEvents(entries []kept) []byte {
	if len(entries) == 0 {
		return nil
	}
	var b bytes.Buffer
	b.Grow(len(entries) * 320)
	enc := json.NewEncoder(&b) // as json.Marshal, plus a newline
	var e Entry                // one for the batch: encoding it does not allocate it anew
	for _, k := range entries {
		e = k.Entry
		if k.url != nil {
			e.URL = RedactedURL(k.url)
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
// server-sent events: one `data:` line of JSON an entry, written a batch at
// a time (see flushEvery). It ends when the client goes, when stop closes
// (a server shutting down), or when the client falls behind, with an
// `event: dropped`.
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
				if _, err := w.Write(batch); err != nil || rc.Flush() != nil {
					return
				}
				sub.Written(len(batch))
			}
		}
	})
}
