package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// StreamsRun is one load run on crawlkit with some journal streams open:
// the server process's CPU time (user and system, from /proc/PID/stat)
// over the run, per request answered.
type StreamsRun struct {
	Round        int     `json:"round"`
	Streams      int     `json:"streams"`
	Requests     int     `json:"requests"`
	RequestsPerS float64 `json:"requests_per_s"`
	CPUMicros    float64 `json:"server_cpu_us_per_request"`
	// Delivered is the share of the run's requests the slowest stream
	// carried: 1 when every stream kept up (a stream dropped costs nothing,
	// and would flatter the figure).
	Delivered float64 `json:"delivered,omitempty"`
}

// streamCounts are the journal streams compared.
var streamCounts = []int{0, 5}

// measureStreams loads one crawlkit with the seed crawl, with 0 and 5
// journal streams open (each read as a browser reads it), interleaved
// round after round (0, 5, then 5, 0, ...), so that what else the machine
// does weighs on both alike. A Go benchmark of the handler cannot see this
// cost: the stream writers run on other cores.
func measureStreams(ctx context.Context, crawlkit string, rounds int, d time.Duration, conns int) ([]StreamsRun, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, crawlkit, "serve", "--addr", "127.0.0.1:"+strconv.Itoa(port), "--log-format", "json")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitUp(ctx, base+"/crawl/info?id=1&key=demo", 10*time.Second); err != nil {
		return nil, err
	}
	url := base + "/crawl/info?id=12345&key=demo"
	if _, _, err := fetch(ctx, url, nil); err != nil { // cached from here on
		return nil, err
	}
	var out []StreamsRun
	for round := 1; round <= rounds; round++ {
		order := streamCounts
		if round%2 == 0 {
			order = []int{streamCounts[1], streamCounts[0]}
		}
		for _, n := range order {
			run, err := streamsRun(ctx, cmd.Process.Pid, base, url, n, d, conns)
			if err != nil {
				return nil, err
			}
			run.Round = round
			out = append(out, run)
		}
	}
	return out, nil
}

// streamsRun opens n streams, loads url with wrk for d, and reads the
// server's CPU time before and after.
func streamsRun(ctx context.Context, pid int, base, url string, n int, d time.Duration, conns int) (StreamsRun, error) {
	streamCtx, stop := context.WithCancel(ctx)
	var readers sync.WaitGroup
	defer func() {
		stop() // the streams end, then their readers
		readers.Wait()
	}()
	counts := make([]atomic.Int64, n)
	for i := range n {
		req, err := http.NewRequestWithContext(streamCtx, http.MethodGet, base+"/__crawlkit/requests/stream", nil)
		if err != nil {
			return StreamsRun{}, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return StreamsRun{}, err
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return StreamsRun{}, fmt.Errorf("journal stream: status %d", resp.StatusCode)
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			defer resp.Body.Close()
			lines := bufio.NewScanner(resp.Body)
			lines.Buffer(make([]byte, 64<<10), 1<<20)
			for lines.Scan() {
				if bytes.HasPrefix(lines.Bytes(), []byte("data: ")) {
					counts[i].Add(1)
				}
			}
		}()
	}
	before, err := cpuTicks(pid)
	if err != nil {
		return StreamsRun{}, err
	}
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", url}
	wrkOut, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return StreamsRun{}, fmt.Errorf("wrk: %w\n%s", err, wrkOut)
	}
	after, err := cpuTicks(pid)
	if err != nil {
		return StreamsRun{}, err
	}
	if m := non2xxRE.FindSubmatch(wrkOut); m != nil {
		return StreamsRun{}, fmt.Errorf("wrk: %s answers not 2xx\n%s", m[1], wrkOut)
	}
	run := StreamsRun{Streams: n}
	m := totalRE.FindSubmatch(wrkOut)
	r := rpsRE.FindSubmatch(wrkOut)
	if m == nil || r == nil {
		return StreamsRun{}, fmt.Errorf("wrk printed no count:\n%s", wrkOut)
	}
	run.Requests, _ = strconv.Atoi(string(m[1]))
	run.RequestsPerS, _ = strconv.ParseFloat(string(r[1]), 64)
	if run.Requests > 0 {
		run.CPUMicros = float64(time.Duration(after-before)*time.Second/clockTicks) / float64(time.Microsecond) / float64(run.Requests)
	}
	if n > 0 {
		time.Sleep(500 * time.Millisecond) // the last batches reach the readers
		slowest := counts[0].Load()
		for i := range counts {
			slowest = min(slowest, counts[i].Load())
		}
		run.Delivered = float64(slowest) / float64(run.Requests)
	}
	return run, nil
}

// streamsHead says what the -streams section measured, and where.
func streamsHead(rep *Report) string {
	return fmt.Sprintf("Measured %s on %s; wrk, 1 thread, %d connections, %s a run; 0 and 5 journal streams interleaved on one server.\n\n",
		rep.Date.Format("2006-01-02"), rep.Machine, rep.Connections, rep.Duration)
}

// streamsTable writes the runs, then each count's median and its ratio to
// no stream.
func streamsTable(runs []StreamsRun) string {
	var b strings.Builder
	b.WriteString("| round | journal streams | requests/s | server CPU µs/request | delivered to the slowest stream |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: |\n")
	by := map[int][]float64{}
	for _, r := range runs {
		delivered := "-"
		if r.Streams > 0 {
			delivered = fmt.Sprintf("%.0f%%", 100*r.Delivered)
		}
		fmt.Fprintf(&b, "| %d | %d | %.0f | %.1f | %s |\n", r.Round, r.Streams, r.RequestsPerS, r.CPUMicros, delivered)
		by[r.Streams] = append(by[r.Streams], r.CPUMicros)
	}
	none := median(by[streamCounts[0]])
	for _, n := range streamCounts {
		m := median(by[n])
		fmt.Fprintf(&b, "\nMedian with %d streams: %.1f µs of server CPU a request", n, m)
		if n != streamCounts[0] && none > 0 {
			fmt.Fprintf(&b, " (%.2fx none)", m/none)
		}
		b.WriteString(".")
	}
	b.WriteString("\n")
	return b.String()
}
