// Command hostile measures the contract kit's peak memory against servers
// that answer with what no API should: an endless body (chunked, or until
// the connection closes), a Content-Length of 1 GiB, megabytes of headers.
// For each it runs crawlkit contract (the defaults: 4 cases at a time,
// --max-body 32MiB) in a process of its own and reads its peak resident
// memory from the kernel (the process's maximum RSS, as /proc's VmHWM).
// Run it from the repository's root:
//
//	go run ./bench/hostile
//	go run ./bench/hostile -crawlkit /path/to/another/crawlkit
package main

import (
	"bufio"
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

// serve starts s on loopback and returns its base URL and a stop function.
func serve(s server) (string, func(), error) {
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
// MB and how long it ran.
func measure(ctx context.Context, crawlkit, base string) (float64, time.Duration, error) {
	cmd := exec.CommandContext(ctx, crawlkit, "contract", "--base-url", base, "--crawl-id", "1", "--missing-crawl-id", "2",
		"--running-crawl-id", "3", "--timeout", "30s")
	cmd.Env = append(os.Environ(), "CRAWLKIT_API_KEY=sk_bench_hostile")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return 0, 0, err
	}
	usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, errors.New("no resource usage on this system")
	}
	// Linux reports the maximum RSS in KiB.
	return float64(usage.Maxrss) * 1024 / 1e6, elapsed, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hostile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	crawlkit := fs.String("crawlkit", "", "the crawlkit binary to measure (default: built from ./cmd/crawlkit)")
	if err := fs.Parse(args); err != nil {
		return err
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
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "server\tpeak RSS\tbound\trun\n")
	for _, s := range servers() {
		base, stop, err := serve(s)
		if err != nil {
			return err
		}
		peak, took, err := measure(ctx, *crawlkit, base)
		stop()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		fmt.Fprintf(tw, "%s\t%.0f MB\t%.0f MB\t%.1f s\n", s.name, peak, bound, took.Seconds())
	}
	return tw.Flush()
}
