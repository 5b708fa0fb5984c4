// Command bench measures crawlkit beside Prism and a bare net/http handler
// serving the same bytes, on this machine, with the same load generator
// (wrk), and prints a table: requests/s, p50 and p99 latency, peak resident
// memory, start-up time, first answer, and each one's ratio to crawlkit.
// Results also go to a JSON file. Run it from the repository's root:
//
//	go run ./bench
//
// It installs what it needs when missing: wrk (Debian's package) and Prism
// (npm, pinned in bench/package.json).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// benchCase is one request measured on every server that can answer it.
type benchCase struct {
	Name   string
	Query  string
	Header map[string]string
	// PrismHeader is what asks Prism for the same answer; nil when Prism
	// cannot give it at all.
	PrismHeader map[string]string
	Prism       bool
}

var cases = []benchCase{
	{Name: "seed crawl (id 12345)", Query: "id=12345&key=demo", Prism: true},
	{Name: "generated crawl, 20 screenshots", Query: "id=1003&key=demo", PrismHeader: map[string]string{"Prefer": "dynamic=true"}, Prism: true},
	{Name: "10,000-screenshot crawl", Query: "id=10000&key=demo"},
	{Name: "400 bad key", Query: "id=1&key=invalid", PrismHeader: map[string]string{"Prefer": "code=400"}, Prism: true},
	{Name: "forced 404", Query: "id=1&key=demo", Header: map[string]string{"Prefer": "code=404"}, PrismHeader: map[string]string{"Prefer": "code=404"}, Prism: true},
}

// Result is one server's figures for one case.
type Result struct {
	Case         string  `json:"case"`
	Server       string  `json:"server"`
	RequestsPerS float64 `json:"requests_per_s"`
	P50MS        float64 `json:"p50_ms"`
	P99MS        float64 `json:"p99_ms"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	StartupMS    float64 `json:"startup_ms"`
	FirstMS      float64 `json:"first_answer_ms"`
	Status       int     `json:"status"`
	Errors       int     `json:"non_2xx_or_3xx"`
	EndRSSMB     float64 `json:"end_rss_mb,omitempty"`
	Requests     int     `json:"requests,omitempty"`
}

// Report is everything one run measured.
type Report struct {
	Date        time.Time `json:"date"`
	Machine     string    `json:"machine"`
	Duration    string    `json:"duration"`
	Connections int       `json:"connections"`
	Results     []Result  `json:"results"`
	ContractMS  float64   `json:"contract_suite_ms"`
	// Growth holds crawlkit's figures as crawls and connections grow.
	Growth []Growth `json:"growth,omitempty"`
	// Fresh holds crawlkit's figures for crawls never seen before, beside
	// the same loads on a cached crawl.
	Fresh []Fresh `json:"fresh,omitempty"`
	// CacheLoad holds the seed crawl's figures with the cache empty and
	// full.
	CacheLoad []CacheLoad `json:"cache_load,omitempty"`
	// Streams holds crawlkit's CPU per request with journal streams open.
	Streams []StreamsRun `json:"streams,omitempty"`
	// OwnSpec holds fresh crawls' rate with the embedded contract and an
	// evolved one.
	OwnSpec []OwnSpec `json:"own_spec,omitempty"`
}

// Growth is crawlkit's cost at one size of crawl and one number of connections.
type Growth struct {
	Screenshots int     `json:"screenshots"`
	Connections int     `json:"connections"`
	BodyKB      float64 `json:"body_kb"`
	FirstMS     float64 `json:"first_answer_ms"`
	Result
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 10*time.Second, "load per case and server")
	conns := fs.Int("connections", 16, "concurrent connections")
	out := fs.String("out", "bench/results/latest.json", "JSON results")
	skipPrism := fs.Bool("no-prism", false, "measure crawlkit and the baseline only")
	growth := fs.Bool("growth", false, "measure only how crawlkit's cost grows with crawl size and connections")
	random := fs.Duration("random-ids", 0, "measure only crawlkit's memory under this long a load of never-repeated ids")
	fresh := fs.Bool("fresh", false, "measure only crawls never seen before beside cached ones")
	cacheFull := fs.Bool("cache-full", false, "measure only the seed crawl with two 10,000-screenshot crawls cached beside an empty cache")
	ownSpec := fs.Bool("own-spec", false, "measure only crawls never seen before with the embedded contract and with testdata/specs/evolved.yaml (--spec)")
	streams := fs.Bool("streams", false, "measure only the server's CPU per request with 0 and 5 journal streams open")
	rounds := fs.Int("rounds", 3, "rounds of the journal streams comparison, each with 0 and 5 streams")
	prebuilt := fs.String("crawlkit", "", "measure this crawlkit binary instead of a build of ./cmd/crawlkit (to compare two builds)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds %d: 1 or more", *rounds)
	}
	if err := ensureTools(ctx, !*skipPrism && !*fresh && !*growth && !*cacheFull && !*streams && !*ownSpec && *random == 0, stderr); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "crawlkit-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	crawlkit := filepath.Join(tmp, "crawlkit")
	baseline := filepath.Join(tmp, "baseline")
	for bin, pkg := range map[string]string{crawlkit: "./cmd/crawlkit", baseline: "./bench/baseline"} {
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", pkg, err, out)
		}
	}
	if *prebuilt != "" {
		crawlkit = *prebuilt
	}
	rep := &Report{Date: time.Now().UTC(), Machine: machine(), Duration: duration.String(), Connections: *conns}
	if *random > 0 {
		res, err := randomIDs(ctx, crawlkit, *random, *conns)
		if err != nil {
			return err
		}
		rep.Results = append(rep.Results, res)
		return writeReport(rep, *out, fmt.Sprintf("Never-repeated ids for %s at %d connections: %d requests, %.0f a second, %d answers not 2xx, peak RSS %.1f MB, RSS at the end %.1f MB.\n",
			random, *conns, res.Requests, res.RequestsPerS, res.Errors, res.PeakRSSMB, res.EndRSSMB), stdout)
	}
	if *cacheFull {
		if rep.CacheLoad, err = measureCacheLoad(ctx, crawlkit, *duration, *conns); err != nil {
			return err
		}
		return writeReport(rep, *out, cacheLoadTable(rep), stdout)
	}
	if *fresh {
		if rep.Fresh, err = measureFresh(ctx, crawlkit, *duration, *conns); err != nil {
			return err
		}
		return writeReport(rep, *out, freshTable(rep.Fresh), stdout)
	}
	if *ownSpec {
		if rep.OwnSpec, err = measureOwnSpec(ctx, crawlkit, *rounds, *duration, *conns); err != nil {
			return err
		}
		return writeReport(rep, *out, ownSpecTable(rep.OwnSpec), stdout)
	}
	if *streams {
		if rep.Streams, err = measureStreams(ctx, crawlkit, *rounds, *duration, *conns); err != nil {
			return err
		}
		return writeReport(rep, *out, streamsHead(rep)+streamsTable(rep.Streams), stdout)
	}
	if *growth {
		if rep.Growth, err = measureGrowth(ctx, crawlkit, tmp, *duration); err != nil {
			return err
		}
		return writeReport(rep, *out, growthTable(rep), stdout)
	}
	for _, c := range cases {
		// crawlkit first: its answer is the bytes the baseline serves.
		ck, body, status, err := measure(ctx, c, c.Header, []string{crawlkit, "serve", "--log-format", "json"}, "crawlkit", *duration, *conns)
		if err != nil {
			return fmt.Errorf("%s, crawlkit: %w", c.Name, err)
		}
		rep.Results = append(rep.Results, ck)
		fmt.Fprintf(stderr, "%s: crawlkit %.0f req/s\n", c.Name, ck.RequestsPerS)
		bodyFile := filepath.Join(tmp, "body.json")
		if err := os.WriteFile(bodyFile, body, 0o600); err != nil {
			return err
		}
		bl, _, _, err := measure(ctx, c, nil, []string{baseline, "-body", bodyFile, "-status", strconv.Itoa(status)}, "net/http baseline", *duration, *conns)
		if err != nil {
			return fmt.Errorf("%s, baseline: %w", c.Name, err)
		}
		rep.Results = append(rep.Results, bl)
		fmt.Fprintf(stderr, "%s: baseline %.0f req/s\n", c.Name, bl.RequestsPerS)
		if c.Prism && !*skipPrism {
			pr, _, _, err := measure(ctx, c, c.PrismHeader, []string{"bench/node_modules/.bin/prism", "mock", "openapi.yaml"}, "Prism 5.16", *duration, *conns)
			if err != nil {
				return fmt.Errorf("%s, prism: %w", c.Name, err)
			}
			rep.Results = append(rep.Results, pr)
			fmt.Fprintf(stderr, "%s: prism %.0f req/s\n", c.Name, pr.RequestsPerS)
		}
	}
	if rep.Fresh, err = measureFresh(ctx, crawlkit, *duration, *conns); err != nil {
		return err
	}
	if rep.CacheLoad, err = measureCacheLoad(ctx, crawlkit, *duration, *conns); err != nil {
		return err
	}
	if rep.Streams, err = measureStreams(ctx, crawlkit, *rounds, *duration, *conns); err != nil {
		return err
	}
	if rep.OwnSpec, err = measureOwnSpec(ctx, crawlkit, *rounds, *duration, *conns); err != nil {
		return err
	}
	if rep.ContractMS, err = contractSuite(ctx, crawlkit); err != nil {
		return err
	}
	return writeReport(rep, *out, table(rep), stdout)
}

func writeReport(rep *Report, path, text string, stdout io.Writer) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text)
	return err
}

// randomIDs loads crawlkit with ids never asked before (bench/random-ids.lua),
// each crawl generated and validated anew, and reads its memory at the end.
func randomIDs(ctx context.Context, crawlkit string, d time.Duration, conns int) (Result, error) {
	port, err := freePort()
	if err != nil {
		return Result{}, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.CommandContext(ctx, crawlkit, "serve", "--addr", addr, "--log-format", "json")
	if err := cmd.Start(); err != nil {
		return Result{}, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitUp(ctx, "http://"+addr+"/crawl/info?id=1&key=demo", 10*time.Second); err != nil {
		return Result{}, err
	}
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency", "-s", "bench/random-ids.lua", "http://" + addr}
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	var res Result
	if m := rpsRE.FindSubmatch(out); m != nil {
		res.RequestsPerS, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		res.Errors, _ = strconv.Atoi(string(m[1]))
	}
	if m := totalRE.FindSubmatch(out); m != nil {
		res.Requests, _ = strconv.Atoi(string(m[1]))
	}
	res.Case, res.Server = "never-repeated ids, "+d.String(), "crawlkit"
	res.PeakRSSMB = peakRSS(cmd.Process.Pid)
	res.EndRSSMB = currentRSS(cmd.Process.Pid)
	return res, nil
}

// measureGrowth loads crawlkit with crawls of 10 to 10,000 screenshots at
// 16 connections, then the seed crawl at 1 to 256 connections; each on a
// fresh server, so that its peak memory is that load's.
func measureGrowth(ctx context.Context, crawlkit, tmp string, d time.Duration) ([]Growth, error) {
	scenarios := filepath.Join(tmp, "growth.yaml")
	var rules strings.Builder
	rules.WriteString("scenarios:\n")
	sizes := []int{10, 100, 1000, 10000}
	for _, n := range sizes {
		fmt.Fprintf(&rules, "  - name: size-%d\n    match: {id: %d}\n    respond: {crawl: {status: finished, screenshots: %d}}\n", n, 900000+n, n)
	}
	if err := os.WriteFile(scenarios, []byte(rules.String()), 0o600); err != nil {
		return nil, err
	}
	var out []Growth
	run := func(n, conns int, query string) error {
		c := benchCase{Name: "growth", Query: query}
		res, body, _, err := measure(ctx, c, nil, []string{crawlkit, "serve", "--log-format", "json", "--scenarios", scenarios}, "crawlkit", d, conns)
		if err != nil {
			return err
		}
		out = append(out, Growth{Screenshots: n, Connections: conns, BodyKB: float64(len(body)) / 1024, FirstMS: res.FirstMS, Result: res})
		return nil
	}
	for _, n := range sizes {
		if err := run(n, 16, fmt.Sprintf("id=%d&key=demo", 900000+n)); err != nil {
			return nil, err
		}
	}
	for _, conns := range []int{1, 16, 64, 256} {
		if err := run(1, conns, "id=12345&key=demo"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func growthTable(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s; wrk, 1 thread, %s a row.\n\n", rep.Date.Format("2006-01-02"), rep.Machine, rep.Duration)
	b.WriteString("| screenshots | connections | body KB | first answer ms | requests/s | p50 ms | p99 ms | peak RSS MB |\n")
	b.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, g := range rep.Growth {
		fmt.Fprintf(&b, "| %d | %d | %.0f | %.1f | %.0f | %.2f | %.2f | %.1f |\n",
			g.Screenshots, g.Connections, g.BodyKB, g.FirstMS, g.RequestsPerS, g.P50MS, g.P99MS, g.PeakRSSMB)
	}
	return b.String()
}

// measure starts a server, times its start-up and first answer, loads it
// with wrk, reads its peak memory, and stops it.
func measure(ctx context.Context, c benchCase, header map[string]string, command []string, name string, d time.Duration, conns int) (Result, []byte, int, error) {
	port, err := freePort()
	if err != nil {
		return Result{}, nil, 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{}, command[1:]...)
	if name == "Prism 5.16" {
		args = append(args, "-h", "127.0.0.1", "-p", strconv.Itoa(port))
	} else {
		args = append(args, addrFlag(command[0]), addr)
	}
	cmd := exec.CommandContext(ctx, command[0], args...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Result{}, nil, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := "http://" + addr + "/crawl/info?" + c.Query
	if err := waitUp(ctx, "http://"+addr+"/crawl/info?id=1&key=demo", 30*time.Second); err != nil {
		return Result{}, nil, 0, fmt.Errorf("%s did not start: %w", name, err)
	}
	startup := time.Since(start)
	firstMS, _, _, err := timeAnswer(ctx, url, header)
	if err != nil {
		return Result{}, nil, 0, err
	}
	status, body, err := fetch(ctx, url, header)
	if err != nil {
		return Result{}, nil, 0, err
	}
	res, err := wrk(ctx, url, header, d, conns)
	if err != nil {
		return Result{}, nil, 0, err
	}
	res.Case, res.Server, res.Status = c.Name, name, status
	res.StartupMS, res.FirstMS = ms(startup), firstMS
	res.PeakRSSMB = peakRSS(cmd.Process.Pid)
	return res, body, status, nil
}

func addrFlag(bin string) string {
	if filepath.Base(bin) == "baseline" {
		return "-addr"
	}
	return "--addr"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitUp(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		status, _, err := fetch(ctx, url, nil)
		if err == nil && status > 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %s: %w", limit, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// timeAnswer times one answer from the request to its last byte, read and
// dropped as it comes (holding it would time the client's memory too), in
// ms; kb is its size.
func timeAnswer(ctx context.Context, url string, header map[string]string) (ms, kb float64, status int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	took := time.Since(start)
	if err != nil {
		return 0, 0, 0, err
	}
	return float64(took.Microseconds()) / 1000, float64(n) / 1024, resp.StatusCode, nil
}

func fetch(ctx context.Context, url string, header map[string]string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

var (
	rpsRE     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	latencyRE = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	non2xxRE  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	totalRE   = regexp.MustCompile(`(\d+) requests in`)
)

// wrk runs the load generator on one thread, as the figures in the issue were taken.
func wrk(ctx context.Context, url string, header map[string]string, d time.Duration, conns int) (Result, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency"}
	for k, v := range header {
		args = append(args, "-H", k+": "+v)
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("wrk: %w\n%s", err, out)
	}
	var r Result
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return Result{}, fmt.Errorf("wrk printed no rate:\n%s", out)
	}
	r.RequestsPerS, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, l := range latencyRE.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(l[2]), 64)
		switch string(l[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if string(l[1]) == "50" {
			r.P50MS = v
		} else {
			r.P99MS = v
		}
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		r.Errors, _ = strconv.Atoi(string(m[1]))
	}
	return r, nil
}

// peakRSS reads a process's peak resident memory, in MB.
func peakRSS(pid int) float64 { return procStatusMB(pid, "VmHWM:") }

// currentRSS reads a process's resident memory now, in MB.
func currentRSS(pid int) float64 { return procStatusMB(pid, "VmRSS:") }

// procStatusMB reads a kB field of /proc/PID/status, in MB.
func procStatusMB(pid int, field string) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// contractSuite times crawlkit contract against a local crawlkit serve.
func contractSuite(ctx context.Context, crawlkit string) (float64, error) {
	port, err := freePort()
	if err != nil {
		return 0, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	srv := exec.CommandContext(ctx, crawlkit, "serve", "--addr", addr)
	if err := srv.Start(); err != nil {
		return 0, err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	if err := waitUp(ctx, "http://"+addr+"/crawl/info?id=1&key=demo", 10*time.Second); err != nil {
		return 0, err
	}
	start := time.Now()
	cmd := exec.CommandContext(ctx, crawlkit, "contract", "--base-url", "http://"+addr)
	cmd.Env = append(os.Environ(), "CRAWLKIT_API_KEY=demo_key")
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("contract suite: %w\n%s", err, out)
	}
	return ms(time.Since(start)), nil
}

func machine() string {
	model := "unknown CPU"
	if info, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s, %s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// table writes the results as a Markdown table, each figure with its ratio
// to crawlkit's for the same case.
func table(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s; wrk, 1 thread, %d connections, %s a case.\n\n", rep.Date.Format("2006-01-02"), rep.Machine, rep.Connections, rep.Duration)
	b.WriteString("| case | server | requests/s | vs crawlkit | p50 ms | p99 ms | peak RSS MB | start-up ms | first answer ms |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	ref := map[string]float64{}
	for _, r := range rep.Results {
		if r.Server == "crawlkit" {
			ref[r.Case] = r.RequestsPerS
		}
	}
	for _, r := range rep.Results {
		ratio := "1"
		if r.Server != "crawlkit" && r.RequestsPerS > 0 {
			ratio = fmt.Sprintf("%.2fx", r.RequestsPerS/ref[r.Case])
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f | %s | %.2f | %.2f | %.1f | %.0f | %.1f |\n",
			r.Case, r.Server, r.RequestsPerS, ratio, r.P50MS, r.P99MS, r.PeakRSSMB, r.StartupMS, r.FirstMS)
	}
	if len(rep.Fresh) > 0 {
		b.WriteString("\nCrawls never seen before, beside the same load on a cached crawl (crawlkit only):\n\n")
		b.WriteString(freshTable(rep.Fresh))
	}
	if len(rep.CacheLoad) > 0 {
		b.WriteString("\nThe seed crawl with the cache empty and full (crawlkit only):\n\n")
		b.WriteString(cacheLoadTable(rep))
	}
	if len(rep.OwnSpec) > 0 {
		b.WriteString("\nCrawls never seen before (random ids) with the embedded contract and an evolved one given with --spec (crawlkit only):\n\n")
		b.WriteString(ownSpecTable(rep.OwnSpec))
	}
	if len(rep.Streams) > 0 {
		b.WriteString("\nThe seed crawl with live journal streams open (crawlkit only; the server process's CPU time over each run):\n\n")
		b.WriteString(streamsTable(rep.Streams))
	}
	fmt.Fprintf(&b, "\nThe contract suite against a local mock: %.0f ms.\n", rep.ContractMS)
	return b.String()
}

// ensureTools installs wrk and Prism when they are missing.
func ensureTools(ctx context.Context, prism bool, log io.Writer) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		fmt.Fprintln(log, "installing wrk (Debian package)")
		for _, args := range [][]string{{"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", "wrk"}} {
			cmd := exec.CommandContext(ctx, args[0], args[1:]...)
			cmd.Stdout, cmd.Stderr = log, log
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("install wrk: %w", err)
			}
		}
	}
	if !prism {
		return nil
	}
	if _, err := os.Stat("bench/node_modules/.bin/prism"); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(log, "installing Prism (npm, bench/package.json)")
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = "bench"
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("install Prism: %w", err)
		}
	}
	return nil
}
