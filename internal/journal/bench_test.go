package journal

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkAddWithStreams is the journal's cost a request, with 0 and 5
// subscribers: adding the entry, and its share of encoding the batch (a
// flush every 500 entries, about 50 ms at 10,000 requests a second). The
// entry kept its answer, as the seed crawl's: five headers, a 4 KB body.
func BenchmarkAddWithStreams(b *testing.B) {
	u, err := url.Parse("/crawl/info?id=12345&key=demo")
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"success":true,"data":{"id":12345,"status":"finished","screenshots":[` + strings.Repeat(`{"url":"https://example.com/page","status":"finished"},`, 70) + `{}]}}`)
	e := Entry{Time: time.Now(), Method: "GET", CrawlID: 12345, Status: 200, DurationMS: 0.42, RequestID: "req_0123456789abcdef", AnsweredBy: "fixture",
		Response: &Response{Headers: map[string]string{
			"Content-Length": strconv.Itoa(len(body)), "Content-Type": "application/json; charset=utf-8", "Date": "Wed, 02 Dec 2026 07:12:41 GMT",
			"X-Crawlkit-Answered-By": "fixture", "X-Request-Id": "req_0123456789abcdef",
		}, Body: body, Size: int64(len(body))}}
	for _, subscribers := range []int{0, 5} {
		b.Run(map[int]string{0: "streams-0", 5: "streams-5"}[subscribers], func(b *testing.B) {
			j := New(DefaultEntries)
			j.flushEvery = time.Hour // flushed below, as the timer would
			for range subscribers {
				sub, err := j.Subscribe()
				if err != nil {
					b.Fatal(err)
				}
				go func() {
					for batch := range sub.Batches() {
						sub.Taken(len(batch))
					}
				}()
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				j.Add(e, u)
				if i%500 == 499 {
					j.flush()
				}
			}
		})
	}
}
