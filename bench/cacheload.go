package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CacheLoad is the seed crawl's rate and cost on one mock: with its body
// cache empty, or holding two 10,000-screenshot crawls, under the memory
// limit serve derives from its caches' budgets or one given by GOMEMLIMIT.
type CacheLoad struct {
	Case         string  `json:"case"`
	GOMEMLIMIT   string  `json:"gomemlimit,omitempty"`
	RequestsPerS float64 `json:"requests_per_s"`
	// CPUMicros is the server process's CPU time (user and system) over
	// the load, per request.
	CPUMicros float64 `json:"cpu_us_per_request"`
	Requests  int     `json:"requests"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// clockTicks is the unit of utime and stime in /proc/PID/stat (USER_HZ,
// 100 on Linux).
const clockTicks = 100

// cacheLoadRounds is how many times each row is measured, the rows taking
// turns, so that a neighbour's load on a shared machine weighs on all of
// them alike; each row reports its median round.
const cacheLoadRounds = 3

// measureCacheLoad loads the seed crawl on a mock with an empty cache, on
// one holding two 10,000-screenshot crawls, and on ones holding them under
// the former fixed limit of 36 MiB and under no limit, each its own
// process, in one run.
func measureCacheLoad(ctx context.Context, crawlkit string, d time.Duration, conns int) ([]CacheLoad, error) {
	rows := []struct {
		name, gomemlimit string
		fill             bool
	}{
		{"empty cache", "", false},
		{"two 10,000-screenshot crawls cached", "", true},
		{"two 10,000-screenshot crawls cached, the former limit", "36MiB", true},
		{"two 10,000-screenshot crawls cached, no limit", "off", true},
	}
	measured := make([][]CacheLoad, len(rows))
	for range cacheLoadRounds {
		for i, r := range rows {
			row, err := cacheLoad(ctx, crawlkit, r.gomemlimit, r.fill, d, conns)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.name, err)
			}
			row.Case, row.GOMEMLIMIT = r.name, r.gomemlimit
			measured[i] = append(measured[i], row)
		}
	}
	out := make([]CacheLoad, len(rows))
	for i, rounds := range measured {
		slices.SortFunc(rounds, func(a, b CacheLoad) int { return cmp.Compare(a.RequestsPerS, b.RequestsPerS) })
		out[i] = rounds[len(rounds)/2]
	}
	return out, nil
}

func cacheLoad(ctx context.Context, crawlkit, gomemlimit string, fill bool, d time.Duration, conns int) (CacheLoad, error) {
	port, err := freePort()
	if err != nil {
		return CacheLoad{}, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, crawlkit, "serve", "--addr", addr, "--log-format", "json")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.Env = os.Environ()
	if gomemlimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+gomemlimit)
	}
	if err := cmd.Start(); err != nil {
		return CacheLoad{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := waitUp(ctx, base+"/crawl/info?id=1&key=demo", 10*time.Second); err != nil {
		return CacheLoad{}, err
	}
	if fill {
		for _, seed := range []string{"1", "2"} {
			if err := cacheLarge(ctx, base+"/crawl/info?id=10000&key=demo&__seed="+seed); err != nil {
				return CacheLoad{}, err
			}
		}
	}
	cpuBefore, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return CacheLoad{}, err
	}
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", base + "/crawl/info?id=12345&key=demo"}
	text, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return CacheLoad{}, fmt.Errorf("wrk: %w\n%s", err, text)
	}
	cpuAfter, err := cpuTicks(cmd.Process.Pid)
	if err != nil {
		return CacheLoad{}, err
	}
	if m := non2xxRE.FindSubmatch(text); m != nil {
		return CacheLoad{}, fmt.Errorf("wrk: %s answers not 2xx\n%s", m[1], text)
	}
	var row CacheLoad
	if m := rpsRE.FindSubmatch(text); m != nil {
		row.RequestsPerS, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := totalRE.FindSubmatch(text); m != nil {
		row.Requests, _ = strconv.Atoi(string(m[1]))
	}
	if row.Requests == 0 {
		return CacheLoad{}, fmt.Errorf("wrk counted no requests:\n%s", text)
	}
	row.CPUMicros = float64(cpuAfter-cpuBefore) * 1e6 / clockTicks / float64(row.Requests)
	row.PeakRSSMB = peakRSS(cmd.Process.Pid)
	return row, nil
}

// cacheLarge asks for a large crawl until the mock serves it from its
// cache: whole, with a Content-Length, where a streamed one has none.
func cacheLarge(ctx context.Context, url string) error {
	for range 3 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: status %d", url, resp.StatusCode)
		}
		if resp.ContentLength > 1<<20 {
			return nil
		}
	}
	return fmt.Errorf("%s: not cached after 3 asks", url)
}

// cpuTicks reads a process's user and system CPU time, in clock ticks.
func cpuTicks(pid int) (int64, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime and stime unreadable", pid)
	}
	return utime + stime, nil
}

// cacheLoadTable writes the rows as a Markdown table, each rate beside the
// empty cache's.
func cacheLoadTable(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s; wrk, 1 thread, %d connections, %s a round, the median of %d rounds taken in turns; the seed crawl (id 12345).\n\n", rep.Date.Format("2006-01-02"), rep.Machine, rep.Connections, rep.Duration, cacheLoadRounds)
	b.WriteString("| mock | GOMEMLIMIT | requests/s | vs empty cache | CPU µs/request | peak RSS MB |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: |\n")
	var ref float64
	for i, r := range rep.CacheLoad {
		if i == 0 {
			ref = r.RequestsPerS
		}
		limit := r.GOMEMLIMIT
		if limit == "" {
			limit = "serve's, from the caches' budgets"
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f%% | %.1f | %.1f |\n", r.Case, limit, r.RequestsPerS, 100*r.RequestsPerS/ref, r.CPUMicros, r.PeakRSSMB)
	}
	return b.String()
}
