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
			var e Entry
			require.NoError(t, json.Unmarshal([]byte(data), &e))
			assert.Equal(t, int64(i+1), e.CrawlID, "in order")
			assert.Equal(t, "/crawl/info?id="+strconv.Itoa(i+1)+"&key=REDACTED", e.URL)
		}
	}
	assert.False(t, j.flushing, "nothing left due")
}

// TestSlowSubscriberIsDroppedFastOneKept: a subscriber that writes nothing
// out is dropped past 4 MiB behind; one that keeps up is not.
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
		fast.Written(len(batch))
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
	var e Entry
	require.NoError(t, json.Unmarshal([]byte(data), &e))
	assert.Equal(t, 200, e.Status, "the fast one still receives")
}
