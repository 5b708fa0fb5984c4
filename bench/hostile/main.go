// Command hostile measures the contract kit's peak memory against servers
// that answer with what no API should: an endless body (chunked, or until
// the connection closes), a Content-Length of 1 GiB, megabytes of headers.
// For each it runs crawlkit contract (the defaults: 4 cases at a time,
// --max-body 32MiB) in a process of its own and reads its peak resident
// memory from the kernel (the process's maximum RSS, as /proc's VmHWM).
// The servers of the second kind answer valid JSON under --max-body whose
// decoded form takes many times its bytes: 30 MB of zeros, of small
// objects, of keys, of nested arrays, one string.
// Run it from the repository's root (about a minute per server):
//
//	go run ./bench/hostile
//	go run ./bench/hostile -only 5,6
//	go run ./bench/hostile -crawlkit /path/to/another/crawlkit
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

// server is one way of answering every request.
type server struct {
	name string
	// handler answers on an HTTP server; raw, when set, answers on the bare
	// connection instead.
	handler http.Handler
	raw     func(conn net.Conn)
	// prepare, when set, makes what the server answers, before it starts;
	// release lets it go once measured.
	prepare, release func()
}

// chunk is what the endless servers write, again and again.
var chunk = []byte(`{"success":true,"data":{"id":1,"padding":"` + strings.Repeat("x", 64<<10))

func endless(w io.Writer, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func servers() []server {
	return []server{
		{name: "endless 200 body, chunked", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			endless(w, r.Context().Done())
		})},
		{name: "endless 200 body, until the connection closes", raw: func(conn net.Conn) {
			defer conn.Close()
			_, _ = bufio.NewReader(conn).ReadString('\n')
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
			endless(conn, nil)
		}},
		{name: "Content-Length: 1 GiB, sent", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", fmt.Sprint(1<<30))
			endless(w, r.Context().Done())
		})},
		{name: "8 MiB of headers, then an endless body", raw: func(conn net.Conn) {
			defer conn.Close()
			_, _ = bufio.NewReader(conn).ReadString('\n')
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
			line := "X-Padding: " + strings.Repeat("h", 8<<10) + "\r\n"
			for range 1024 {
				if _, err := io.WriteString(conn, line); err != nil {
					return
				}
			}
			_, _ = io.WriteString(conn, "\r\n")
			endless(conn, nil)
		}},
	}
}

// serverNames lists the servers, for -only.
func serverNames(all []server) string {
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = fmt.Sprintf("  %d: %s", i+1, s.name)
	}
	return strings.Join(names, "\n")
}

// validBodySize is the size of the valid-JSON hostile bodies: under the
// default --max-body (32 MiB), so the kit reads each whole.
const validBodySize = 30_000_000

// fill repeats item, separated by commas, between head and tail, to about
// validBodySize bytes in all.
func fill(head, item, tail string) []byte {
	n := (validBodySize - len(head) - len(tail)) / (len(item) + 1)
	b := make([]byte, 0, validBodySize)
	b = append(b, head...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, item...)
	}
	return append(b, tail...)
}

// manyKeys is an object of distinct keys, about validBodySize bytes.
func manyKeys() []byte {
	b := make([]byte, 0, validBodySize)
	b = append(b, `{"success":true,"data":{"id":1`...)
	for i := 0; len(b) < validBodySize-32; i++ {
		b = fmt.Appendf(b, `,"k%d":0`, i)
	}
	return append(b, "}}"...)
}

// validJSON answers every request 200 with body, a valid JSON document
// under --max-body, and its Content-Length.
func validJSON(name string, body func() []byte) server {
	var b []byte
	return server{name: name, prepare: func() { b = body() }, release: func() { b = nil }, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	})}
}

// validServers answer with valid JSON that takes many times its bytes
// once decoded.
func validServers() []server {
	const deep = 9_000 // encoding/json refuses more than 10000 levels
	return []server{
		validJSON("30 MB JSON array of zeros, as the 200 body", func() []byte { return fill("[", "0", "]") }),
		validJSON("30 MB of small objects in data.screenshots", func() []byte {
			return fill(`{"success":true,"data":{"id":1,"status":"finished","screenshots":[`, `{"id":1,"status":"finished"}`, "]}}")
		}),
		validJSON("30 MB object of distinct keys in data", manyKeys),
		validJSON("30 MB of arrays nested 9,000 deep in data.screenshots", func() []byte {
			return fill(`{"success":true,"data":{"id":1,"screenshots":[`, strings.Repeat("[", deep)+"0"+strings.Repeat("]", deep), "]}}")
		}),
		validJSON("30 MB string in data.domain", func() []byte {
			b := make([]byte, 0, validBodySize)
			b = append(b, `{"success":true,"data":{"id":1,"domain":"`...)
			for len(b) < validBodySize-8 {
				b = append(b, 'x')
			}
			return append(b, `"}}`...)
		}),
	}
}

// serve starts s on loopback and returns its base URL and a stop function.
func serve(s server) (string, func(), error) {
	if s.prepare != nil {
		s.prepare()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	base := "http://" + ln.Addr().String()
	if s.handler != nil {
		srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		return base, func() { _ = srv.Close() }, nil
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.raw(conn)
		}
	}()
	return base, func() { _ = ln.Close() }, nil
}

// measure runs crawlkit contract against base and returns its peak RSS in
// MB, how long it ran, and the first finding of its report that names
// --max-body (what the kit said about the body), if any.
func measure(ctx context.Context, crawlkit, base string) (float64, time.Duration, string, error) {
	cmd := exec.CommandContext(ctx, crawlkit, "contract", "--base-url", base, "--crawl-id", "1", "--missing-crawl-id", "2",
		"--running-crawl-id", "3", "--timeout", "30s")
	cmd.Env = append(os.Environ(), "CRAWLKIT_API_KEY=sk_bench_hostile")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return 0, 0, "", err
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, "", errors.New("no resource usage on this system")
	}
	said := ""
	for line := range strings.Lines(out.String()) {
		if strings.Contains(line, "--max-body") {
			said = strings.TrimSpace(line)
			break
		}
	}
	// Linux reports the maximum RSS in KiB.
	return float64(usage.Maxrss) * 1024 / 1e6, elapsed, said, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	all := append(servers(), validServers()...)
	fs := flag.NewFlagSet("hostile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	crawlkit := fs.String("crawlkit", "", "the crawlkit binary to measure (default: built from ./cmd/crawlkit)")
	only := fs.String("only", "", "the servers to run, by number, comma-separated (default: all):\n"+serverNames(all))
	if err := fs.Parse(args); err != nil {
		return err
	}
	selected := all
	if *only != "" {
		selected = nil
		for _, f := range strings.Split(*only, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 || n > len(all) {
				return fmt.Errorf("-only %q: numbers from 1 to %d", *only, len(all))
			}
			selected = append(selected, all[n-1])
		}
	}
	if *crawlkit == "" {
		tmp, err := os.MkdirTemp("", "crawlkit-hostile")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*crawlkit = filepath.Join(tmp, "crawlkit")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", *crawlkit, "./cmd/crawlkit").CombinedOutput(); err != nil {
			return fmt.Errorf("build: %w\n%s", err, out)
		}
	}
	// The bound the kit keeps to: its Concurrency bodies of --max-body,
	// and 40 MB for the rest.
	const bound = 4*32*(1<<20)/1e6 + 40
	fmt.Fprintf(stdout, "Peak resident memory of %s contract, defaults (4 cases at a time, --max-body 32MiB),\n", *crawlkit)
	fmt.Fprintf(stdout, "against servers answering every request the same hostile way; bound: 4 x 32 MiB + 40 MB = %.0f MB.\n\n", bound)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "server\tpeak RSS\twithin %.0f MB\trun\twhat the kit said of the body\n", bound)
	for i, s := range selected {
		fmt.Fprintf(stderr, "[%d/%d] %s...\n", i+1, len(selected), s.name)
		base, stop, err := serve(s)
		if err != nil {
			return err
		}
		// The child's maximum RSS counts this process's own at the start
		// (Linux carries it over at exec), so this one keeps its own small:
		// one body at a time, returned to the system before the next.
		debug.FreeOSMemory()
		peak, took, said, err := measure(ctx, *crawlkit, base)
		stop()
		if s.release != nil {
			s.release()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		within := "yes"
		if peak > bound {
			within = "NO"
		}
		if len(said) > 160 {
			said = said[:160] + "..."
		}
		fmt.Fprintf(tw, "%s\t%.0f MB\t%s\t%.1f s\t%s\n", s.name, peak, within, took.Seconds(), said)
	}
	return tw.Flush()
}
