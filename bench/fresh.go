package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fresh compares, for one kind of load, crawls crawlkit has never made
// before with the same load on a crawl it has cached. Each side runs on a
// server of its own, so that each peak memory is that load's.
type Fresh struct {
	Case string `json:"case"`
	// Unit is what Fresh and Cached measure: "requests/s", "ms" or "s".
	Unit         string  `json:"unit"`
	Fresh        float64 `json:"fresh"`
	Cached       float64 `json:"cached"`
	FreshRSSMB   float64 `json:"fresh_peak_rss_mb"`
	CachedRSSMB  float64 `json:"cached_peak_rss_mb"`
	FreshBodyKB  float64 `json:"fresh_body_kb,omitempty"`
	CachedBodyKB float64 `json:"cached_body_kb,omitempty"`
}

// concurrentLarge are how many large crawls are asked for at once: the
// issue's 24, and four times as many, to show that memory does not grow
// with them.
var concurrentLarge = []int{24, 96}

// measureFresh loads crawlkit with crawls never seen before beside the
// same load on a cached crawl: many small crawls (random ids, wrk), one
// 10,000-screenshot crawl (its first answer), and 24 distinct ones at once.
func measureFresh(ctx context.Context, crawlkit string, d time.Duration, conns int) ([]Fresh, error) {
	var out []Fresh

	// Small crawls: never-repeated ids, beside one generated crawl asked
	// for again and again.
	row := Fresh{Case: "crawls never seen before (random ids), beside a cached 20-screenshot crawl", Unit: "requests/s"}
	err := withServer(ctx, crawlkit, func(base string) error {
		r, err := wrkRate(ctx, []string{"-s", "bench/random-ids.lua", base}, d, conns)
		row.Fresh, row.FreshBodyKB = r.rate, r.bodyKB
		return err
	}, &row.FreshRSSMB)
	if err != nil {
		return nil, err
	}
	err = withServer(ctx, crawlkit, func(base string) error {
		r, err := wrkRate(ctx, []string{base + "/crawl/info?id=1003&key=demo"}, d, conns)
		row.Cached, row.CachedBodyKB = r.rate, r.bodyKB
		return err
	}, &row.CachedRSSMB)
	if err != nil {
		return nil, err
	}
	out = append(out, row)

	// One 10,000-screenshot crawl: each seed makes a crawl never made
	// before; the median of five first answers, beside five answers of one
	// crawl asked for twice before.
	large := func(seed int) string { return "/crawl/info?id=10000&key=demo&__seed=" + strconv.Itoa(seed) }
	row = Fresh{Case: "a 10,000-screenshot crawl, first answer", Unit: "ms"}
	err = withServer(ctx, crawlkit, func(base string) error {
		var err error
		row.Fresh, row.FreshBodyKB, err = medianAnswer(ctx, 0, func(i int) string { return base + large(1+i) })
		return err
	}, &row.FreshRSSMB)
	if err != nil {
		return nil, err
	}
	err = withServer(ctx, crawlkit, func(base string) error {
		var err error // the first two answers make and keep it
		row.Cached, row.CachedBodyKB, err = medianAnswer(ctx, 2, func(int) string { return base + large(1) })
		return err
	}, &row.CachedRSSMB)
	if err != nil {
		return nil, err
	}
	out = append(out, row)

	// Large crawls at once: distinct ones, beside as many asks for one
	// cached crawl.
	for _, n := range concurrentLarge {
		row = Fresh{Case: fmt.Sprintf("%d 10,000-screenshot crawls at once, all answered", n), Unit: "s"}
		err = withServer(ctx, crawlkit, func(base string) error {
			var err error
			row.Fresh, row.FreshBodyKB, err = allAtOnce(ctx, n, func(i int) string { return base + large(100+i) })
			return err
		}, &row.FreshRSSMB)
		if err != nil {
			return nil, err
		}
		err = withServer(ctx, crawlkit, func(base string) error {
			for range 2 {
				if _, _, err := timeGet(ctx, base+large(1)); err != nil {
					return err
				}
			}
			var err error
			row.Cached, row.CachedBodyKB, err = allAtOnce(ctx, n, func(int) string { return base + large(1) })
			return err
		}, &row.CachedRSSMB)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// withServer starts crawlkit serve, runs load against its base URL, and
// reads its peak resident memory into peakMB.
func withServer(ctx context.Context, crawlkit string, load func(base string) error, peakMB *float64) error {
	return withServerArgs(ctx, crawlkit, nil, func(base string, _ int) error { return load(base) }, peakMB)
}

// withServerArgs is withServer with more serve flags; load also gets the
// server's process id.
func withServerArgs(ctx context.Context, crawlkit string, extra []string, load func(base string, pid int) error, peakMB *float64) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, crawlkit, append([]string{"serve", "--addr", addr, "--log-format", "json"}, extra...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := waitUp(ctx, base+"/crawl/info?id=1&key=demo", 10*time.Second); err != nil {
		return err
	}
	if err := load(base, cmd.Process.Pid); err != nil {
		return err
	}
	*peakMB = peakRSS(cmd.Process.Pid)
	return nil
}

type wrkResult struct{ rate, bodyKB float64 }

var transferRE = regexp.MustCompile(`Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)`)

// wrkRate runs wrk with args (a script, the URL) and reads the rate and
// the mean body size it transferred. Any answer but a 2xx is an error.
func wrkRate(ctx context.Context, args []string, d time.Duration, conns int) (wrkResult, error) {
	all := append([]string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s"}, args...)
	out, err := exec.CommandContext(ctx, "wrk", all...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		return wrkResult{}, fmt.Errorf("wrk: %s answers not 2xx\n%s", m[1], out)
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return wrkResult{}, fmt.Errorf("wrk printed no rate:\n%s", out)
	}
	var r wrkResult
	r.rate, _ = strconv.ParseFloat(string(m[1]), 64)
	if t := transferRE.FindSubmatch(out); t != nil && r.rate > 0 {
		v, _ := strconv.ParseFloat(string(t[1]), 64)
		scale := map[string]float64{"B": 1.0 / 1024, "KB": 1, "MB": 1024, "GB": 1024 * 1024}[string(t[2])]
		r.bodyKB = v * scale / r.rate
	}
	return r, nil
}

// timeGet times one answer of url, which must be a 200, in ms; kb is its
// size.
func timeGet(ctx context.Context, url string) (ms, kb float64, err error) {
	ms, kb, status, err := timeAnswer(ctx, url, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("%s: status %d", url, status)
	}
	return ms, kb, err
}

// medianAnswer asks for skip then five URLs one after the other, and
// returns the median time of the five answers in ms, and their size in KB.
func medianAnswer(ctx context.Context, skip int, url func(i int) string) (ms, kb float64, err error) {
	var times []float64
	for i := range skip + 5 {
		took, size, err := timeGet(ctx, url(i))
		if err != nil {
			return 0, 0, err
		}
		if i >= skip {
			times, kb = append(times, took), size
		}
	}
	return median(times), kb, nil
}

// allAtOnce asks for n URLs at once and returns the seconds until the last
// answer was read whole, and their mean size in KB.
func allAtOnce(ctx context.Context, n int, url func(i int) string) (secs, kb float64, err error) {
	start := time.Now()
	errs := make([]error, n)
	sizes := make([]float64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, sizes[i], errs[i] = timeGet(ctx, url(i)) })
	}
	wg.Wait()
	secs = time.Since(start).Seconds()
	for i, err := range errs {
		if err != nil {
			return 0, 0, err
		}
		kb += sizes[i] / float64(n)
	}
	return secs, kb, nil
}

func median(values []float64) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	return s[len(s)/2]
}

// freshTable writes the fresh-against-cached rows as a Markdown table.
func freshTable(rows []Fresh) string {
	var b strings.Builder
	b.WriteString("| load | never seen before | cached | fresh / cached | peak RSS MB, fresh / cached | body KB, fresh / cached |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		ratio := r.Fresh / r.Cached
		format := "%.0f %s"
		if r.Unit != "requests/s" {
			format = "%.1f %s"
		}
		fmt.Fprintf(&b, "| %s | "+format+" | "+format+" | %.1f%% | %.1f / %.1f | %.0f / %.0f |\n",
			r.Case, r.Fresh, r.Unit, r.Cached, r.Unit, 100*ratio, r.FreshRSSMB, r.CachedRSSMB, r.FreshBodyKB, r.CachedBodyKB)
	}
	return b.String()
}
