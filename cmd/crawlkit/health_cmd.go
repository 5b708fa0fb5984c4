package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/crawlkit/crawlkit/mockserver"
)

// healthPath is the mock's readiness route, open to all (mockserver's admin API).
const healthPath = "/__crawlkit/health"

type healthOptions struct {
	url     string
	timeout time.Duration
}

func newHealthCmd() *cobra.Command {
	var o healthOptions
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Exit 0 when a crawlkit mock answers its health route, 1 otherwise",
		Long: `Ask a running crawlkit mock whether it serves: GET /__crawlkit/health must answer
200 with {"status": "ok"} within --timeout. Prints one line; exits 0 when it does,
1 otherwise. For container health checks and CI steps.

The URL is --url, else CRAWLKIT_URL (the GitHub Action sets it), else the address
CRAWLKIT_ADDR gives (0.0.0.0 asked on 127.0.0.1), else http://127.0.0.1:4010.`,
		Example: `  crawlkit health
  crawlkit health --url http://127.0.0.1:4010 --timeout 5s`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			return runHealth(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "the mock's URL (default: CRAWLKIT_ADDR's address, else http://"+mockserver.DefaultAddr+")")
	f.DurationVar(&o.timeout, "timeout", 2*time.Second, "how long to wait for the answer")
	return cmd
}

func runHealth(ctx context.Context, o healthOptions, stdout io.Writer) error {
	if o.timeout <= 0 {
		return usageError{fmt.Errorf("--timeout must be positive, got %s", o.timeout)}
	}
	base := o.url
	if base == "" {
		base = "http://" + loopbackAddr(os.Getenv(envName("addr")))
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError{fmt.Errorf("--url %q is not an http(s) URL such as http://127.0.0.1:4010", base)}
	}
	target := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: healthPath}).String()
	if err := checkHealth(ctx, target, o.timeout); err != nil {
		return fmt.Errorf("%s: not healthy: %w", target, err)
	}
	_, err = fmt.Fprintf(stdout, "%s: ok\n", target)
	return err
}

// errUnhealthy marks an answer that is not the mock's health.
var errUnhealthy = errors.New("unhealthy answer")

// checkHealth asks target once and accepts only a 200 whose JSON says
// "status": "ok", so that another server's 200 on that port does not pass.
func checkHealth(ctx context.Context, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("no answer within %s", timeout)
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: status %d", errUnhealthy, resp.StatusCode)
	}
	var body struct {
		Status string `json:"status"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil || body.Status != "ok" {
		return fmt.Errorf("%w: 200 without {\"status\": \"ok\"}", errUnhealthy)
	}
	return nil
}

// loopbackAddr turns a listening address (CRAWLKIT_ADDR) into one to dial:
// an unspecified host (0.0.0.0, ::, "") becomes 127.0.0.1; no address at
// all is the mock's default.
func loopbackAddr(addr string) string {
	if addr == "" {
		return mockserver.DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
