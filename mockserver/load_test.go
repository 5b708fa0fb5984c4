package mockserver_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/mockserver"
)

// loadRequest is one kind of request the load test sends, and the status it
// must get.
type loadRequest struct {
	query  func(r *rand.Rand) string
	prefer string
	want   int
}

var loadMix = []loadRequest{
	{query: func(r *rand.Rand) string { return fmt.Sprintf("id=%d&key=k", 100_000+r.Int64N(1e12)) }, want: 200},
	{query: func(r *rand.Rand) string { return fmt.Sprintf("id=%d&key=k", 100_000+r.Int64N(1e12)) }, want: 200},
	{query: func(r *rand.Rand) string { return fmt.Sprintf("id=%d&key=k", 1+r.Int64N(50)) }, want: 200},
	{query: func(*rand.Rand) string { return "id=12345&key=k" }, want: 200},
	{query: func(r *rand.Rand) string { return fmt.Sprintf("id=%d&key=k", 7001+r.Int64N(3)) }, want: 200},
	{query: func(*rand.Rand) string { return "id=404&key=k" }, want: 404},
	{query: func(*rand.Rand) string { return "id=1&key=k&__code=500" }, want: 500},
	{query: func(*rand.Rand) string { return "id=1&key=k" }, prefer: "example=validation_error", want: 400},
	{query: func(*rand.Rand) string { return "id=1&key=invalid" }, want: 400},
	{query: func(*rand.Rand) string { return "id=abc&key=k" }, want: 400},
	{query: func(r *rand.Rand) string { return fmt.Sprintf("id=%d&key=k&__seed=%d", 1+r.Int64N(1e6), r.Uint64()) }, want: 200},
	{query: func(*rand.Rand) string { return "id=2&key=k&__delay=3ms" }, want: 200},
}

// TestLoad drives the mock with concurrent clients over random ids,
// overrides and progressions, and checks that no answer is other than
// scripted, that no goroutine is left behind, and that memory stops
// growing. It runs for 2 s; CRAWLKIT_SOAK=10m runs it as the long soak.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds; the full suite runs it")
	}
	duration := 2 * time.Second
	if soak := os.Getenv("CRAWLKIT_SOAK"); soak != "" {
		d, err := time.ParseDuration(soak)
		require.NoError(t, err, "CRAWLKIT_SOAK")
		duration = d
	}
	before := runtime.NumGoroutine()
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	var requests, failures atomic.Int64
	var firstFailure atomic.Value
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 42))
			for time.Now().Before(deadline) {
				kind := loadMix[r.IntN(len(loadMix))]
				req, err := http.NewRequest(http.MethodGet, srv.url+"/crawl/info?"+kind.query(r), nil)
				if err != nil {
					panic(err)
				}
				if kind.prefer != "" {
					req.Header.Set("Prefer", kind.prefer)
				}
				requests.Add(1)
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != kind.want {
					failures.Add(1)
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("%s: %v %v", req.URL.RawQuery, err, resp))
				}
			}
		}()
	}
	heap := sampleHeap(deadline)
	wg.Wait()
	transport.CloseIdleConnections()
	require.NoError(t, srv.stop())

	t.Logf("%d requests in %s (%.0f/s), %d failures, heap after GC: %s; peak RSS of the test process (server and clients): %s",
		requests.Load(), duration, float64(requests.Load())/duration.Seconds(), failures.Load(), heap, peakRSS())
	assert.Zero(t, failures.Load(), "first: %v", firstFailure.Load())
	assert.Positive(t, requests.Load())
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= before+2 }, 5*time.Second, 20*time.Millisecond,
		"goroutines: %d before, %d after", before, runtime.NumGoroutine())
	if len(heap) >= 6 {
		third := len(heap) / 3
		assert.LessOrEqual(t, peak(heap[2*third:]), peak(heap[third:2*third])*5/4+16<<20, "memory stops growing: %s", heap)
	}
}

// heapSamples are heap sizes in use after a GC, a second apart.
type heapSamples []uint64

// String sums the samples up by thirds of the run: the peak of each.
func (h heapSamples) String() string {
	if len(h) < 3 {
		parts := make([]string, len(h))
		for i, b := range h {
			parts[i] = fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
		}
		return strings.Join(parts, ", ")
	}
	third := len(h) / 3
	return fmt.Sprintf("peak %.1f / %.1f / %.1f MiB in the first, middle and last thirds (%d samples)",
		float64(peak(h[:third]))/(1<<20), float64(peak(h[third:2*third]))/(1<<20), float64(peak(h[2*third:]))/(1<<20), len(h))
}

func peak(h heapSamples) uint64 {
	var m uint64
	for _, b := range h {
		m = max(m, b)
	}
	return m
}

func sampleHeap(until time.Time) heapSamples {
	var out heapSamples
	for time.Now().Before(until) {
		time.Sleep(min(time.Second, time.Until(until)))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		out = append(out, ms.HeapInuse)
	}
	return out
}

// TestSlowClientsAreCutOff opens a slowloris connection and one that never
// reads its answer; the server's timeouts cut both off, and others are
// served meanwhile.
func TestSlowClientsAreCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("takes seconds; the full suite runs it")
	}
	srv := withCatalog(t, mockserver.Config{ReadHeaderTimeout: 300 * time.Millisecond, WriteTimeout: 500 * time.Millisecond})
	addr := strings.TrimPrefix(srv.url, "http://")

	slowloris, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer slowloris.Close()
	_, err = io.WriteString(slowloris, "GET /crawl/info?id=1&key=k HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)

	// Make the 16 MB crawl first, so that the client who never reads meets
	// the write timeout, not the time it takes to make it (long under -race).
	// The write timeout may cut this answer short too: only the cache matters.
	if resp, err := http.Get(srv.url + "/crawl/info?id=10000&key=k"); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	tcpAddr, err := net.ResolveTCPAddr("tcp", addr)
	require.NoError(t, err)
	neverReads, err := net.DialTCP("tcp", nil, tcpAddr)
	require.NoError(t, err)
	defer neverReads.Close()
	require.NoError(t, neverReads.SetReadBuffer(4096))
	_, err = io.WriteString(neverReads, "GET /crawl/info?id=10000&key=k HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)

	for range 20 {
		assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status, "others are served")
	}

	// The slowloris connection is closed once its head is late.
	_ = slowloris.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(slowloris)
	var netErr net.Error
	assert.False(t, err != nil && errors.As(err, &netErr) && netErr.Timeout(), "closed by the server, not left open: %v", err)

	// The answer nobody reads is abandoned at the write timeout: its
	// handler returns, and the journal has it beside the warm-up's.
	assert.Eventually(t, func() bool {
		return strings.Count(string(get(t, srv.url+"/__crawlkit/requests?id=10000", nil).body), `"crawl_id": 10000`) == 2
	}, 20*time.Second, 50*time.Millisecond)
	assert.Equal(t, 200, get(t, srv.url+"/crawl/info?id=42&key=k", nil).status, "still serving")
}

// peakRSS reads the process's peak resident memory where Linux tells it.
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
