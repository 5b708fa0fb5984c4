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

// TestSlowSubscriberIsDroppedFastOneKept: a subscriber that takes nothing
// to write is dropped past 4 MiB behind; one that keeps up is not.
func TestSlowSubscriberIsDroppedFastOneKept(t *testing.T) {
	j := New(10)
	j.flushEvery = time.Hour
	slow, err := j.Subscribe()
	require.NoError(t, err)
	fast, err := j.Subscribe()
	require.NoError(t, err)
	big := []string{strings.Repeat("v", 64<<10)}
	for range 100 { // 100 flushes of 64 KiB each
		j.Add(Entry{Status: 500, Violations: big}, nil)
		j.flush()
		batch := <-fast.Batches()
		fast.Taken(len(batch))
	}
	received := 0
	for batch := range slow.Batches() {
		received += len(batch)
	}
	assert.LessOrEqual(t, received, subscriberLag)
	assert.Greater(t, received, subscriberLag-(70<<10), "dropped only once behind")
	j.Add(Entry{Status: 200}, nil)
	j.flush()
	data, ok := strings.CutPrefix(string(<-fast.Batches()), "data: ")
	require.True(t, ok)
	var e Summary
	require.NoError(t, json.Unmarshal([]byte(data), &e))
	assert.Equal(t, 200, e.Status, "the fast one still receives")
}

// TestOneBigBatchNeverDropsASubscriberThatKeepsUp: a burst gathers more
// than subscriberLag in one batch; a subscriber that has taken every batch
// before receives it, and the next ones, whatever their size. One that
// takes nothing is dropped at the next batch.
func TestOneBigBatchNeverDropsASubscriberThatKeepsUp(t *testing.T) {
	j := New(10)
	j.flushEvery = time.Hour
	keeps, err := j.Subscribe()
	require.NoError(t, err)
	idle, err := j.Subscribe()
	require.NoError(t, err)
	big := []string{strings.Repeat("v", 64<<10)}
	for round := range 3 {
		for range 80 { // 5 MiB in one batch
			j.Add(Entry{Status: 500, Violations: big}, nil)
		}
		j.flush()
		batch, open := <-keeps.Batches()
		require.True(t, open, "round %d: a subscriber that keeps up is kept", round)
		require.Greater(t, len(batch), subscriberLag, "one batch above the lag")
		keeps.Taken(len(batch))
	}
	received := 0
	for batch := range idle.Batches() {
		received += len(batch)
	}
	assert.Greater(t, received, subscriberLag, "the first batch, whatever its size")
	assert.Less(t, received, 2*subscriberLag, "then dropped: the second would wait behind it")
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
