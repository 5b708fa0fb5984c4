package journal

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEntriesAreEncodedOnceAndSentInBatches: the entries added between two
// flushes reach every subscriber as one batch, the same bytes for all, in
// order, URLs redacted; nothing is encoded or sent while they gather.
func TestEntriesAreEncodedOnceAndSentInBatches(t *testing.T) {
	j := New(10)
	j.flushEvery = time.Hour // flushed by hand below
	var subs []*Subscription
	for range 5 {
		sub, err := j.Subscribe()
		require.NoError(t, err)
		subs = append(subs, sub)
	}
	for round, n := range []int{100, 3} {
		for i := range n {
			u, err := url.Parse("/crawl/info?id=" + strconv.Itoa(i+1) + "&key=s3cret")
			require.NoError(t, err)
			j.Add(Entry{CrawlID: int64(i + 1), Status: 200, RequestID: "req_" + strconv.Itoa(i)}, u)
		}
		for _, sub := range subs {
			select {
			case <-sub.Batches():
				t.Fatal("a batch before its flush")
			default:
			}
		}
		j.flush()
		var first []byte
		for i, sub := range subs {
			batch := <-sub.Batches()
			select {
			case <-sub.Batches():
				t.Fatalf("round %d: more than one batch", round)
			default:
			}
			if i == 0 {
				first = batch
				continue
			}
			assert.Same(t, &first[0], &batch[0], "round %d: every subscriber gets the same bytes, encoded once", round)
		}
		events := strings.Split(strings.TrimSuffix(string(first), "\n\n"), "\n\n")
		require.Len(t, events, n, "round %d: one event an entry", round)
		for i, ev := range events {
			data, ok := strings.CutPrefix(ev, "data: ")
			require.True(t, ok, ev)
			var e Summary
			require.NoError(t, json.Unmarshal([]byte(data), &e))
			assert.Equal(t, int64(i+1), e.CrawlID, "in order")
			assert.Equal(t, "/crawl/info?id="+strconv.Itoa(i+1)+"&key=REDACTED", e.URL)
		}
	}
	assert.False(t, j.flushing, "nothing left due")
}

// TestSlowSubscriberIsDroppedFastOneKept: a subscriber that takes each
// batch to write is kept, whatever the batches' size: a burst that gathers
// more than subscriberLag in one batch drops no one that keeps up. One that
// takes nothing is dropped once more than subscriberLag waits beyond its
// first batch.
func TestSlowSubscriberIsDroppedFastOneKept(t *testing.T) {
	tests := []struct {
		name string
		// perBatch entries of 64 KiB each a batch, for batches batches.
		perBatch, batches int
		// What the slow subscriber receives before it is dropped.
		slowMin, slowMax int
	}{
		{name: "batches of 64 KiB", perBatch: 1, batches: 100, slowMin: subscriberLag - 70<<10, slowMax: subscriberLag},
		{name: "batches above the lag", perBatch: 80, batches: 3, slowMin: subscriberLag, slowMax: 2 * subscriberLag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(10)
			j.flushEvery = time.Hour
			slow, err := j.Subscribe()
			require.NoError(t, err)
			fast, err := j.Subscribe()
			require.NoError(t, err)
			big := []string{strings.Repeat("v", 64<<10)}
			for i := range tt.batches {
				for range tt.perBatch {
					j.Add(Entry{Status: 500, Violations: big}, nil)
				}
				j.flush()
				batch, open := <-fast.Batches()
				require.True(t, open, "batch %d: the fast one is kept", i)
				fast.Taken(len(batch))
			}
			received := 0
			for batch := range slow.Batches() {
				received += len(batch)
			}
			assert.LessOrEqual(t, received, tt.slowMax, "dropped")
			assert.Greater(t, received, tt.slowMin, "dropped only once behind")
			j.Add(Entry{Status: 200}, nil)
			j.flush()
			data, ok := strings.CutPrefix(string(<-fast.Batches()), "data: ")
			require.True(t, ok)
			var e Summary
			require.NoError(t, json.Unmarshal([]byte(data), &e))
			assert.Equal(t, 200, e.Status, "the fast one still receives")
		})
	}
}

// TestStreamCarriesSummaries: an entry goes out without its answer's body
// (its headers, size and whether the journal cut it); listed by its request
// id, the entry has the body.
func TestStreamCarriesSummaries(t *testing.T) {
	j := New(10)
	j.flushEvery = time.Hour
	sub, err := j.Subscribe()
	require.NoError(t, err)
	body := `{"success":true,"data":{"id":12345}}`
	j.Add(Entry{Status: 200, RequestID: "req_1", Response: &Response{
		Headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, Body: []byte(body), Size: int64(len(body)),
	}}, nil)
	j.Add(Entry{Status: 200, RequestID: "req_2", Response: &Response{Body: []byte(strings.Repeat("x", MaxBody)), Size: 1 << 20}}, nil)
	j.Add(Entry{Status: 0, RequestID: "req_3", Fault: "reset"}, nil)
	j.flush()
	batch := <-sub.Batches()
	assert.NotContains(t, string(batch), "success", "no body")
	events := strings.Split(strings.TrimSuffix(string(batch), "\n\n"), "\n\n")
	require.Len(t, events, 3)
	var raw []map[string]any
	for _, ev := range events {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(ev, "data: ")), &m))
		raw = append(raw, m)
	}
	assert.Equal(t, map[string]any{"headers": map[string]any{"Content-Type": "application/json; charset=utf-8"}, "body_bytes": float64(len(body)), "body_truncated": false},
		raw[0]["response"], "headers and size, no body")
	assert.Equal(t, map[string]any{"headers": map[string]any{}, "body_bytes": float64(1 << 20), "body_truncated": true}, raw[1]["response"])
	assert.NotContains(t, raw[2], "response", "no answer sent")
	assert.Equal(t, "req_1", raw[0]["request_id"])

	listed := j.List(Filter{RequestID: "req_1"})
	require.Len(t, listed, 1)
	assert.Equal(t, body, string(listed[0].Response.Body), "the body, by request id")
	assert.Empty(t, j.List(Filter{RequestID: "req_9"}))
}
