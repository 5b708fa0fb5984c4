package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	"github.com/crawlkit/crawlkit/contract"
)

// listen opens the TCP address addr. A port another program holds is an
// error that says how to choose another: the next port, or port 0 for any
// free one, which the start-up line then names.
func listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err == nil {
		return ln, nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		host, port, _ := net.SplitHostPort(addr)
		next := "another port"
		if n, convErr := strconv.Atoi(port); convErr == nil && n > 0 && n < 65535 {
			next = "--addr " + net.JoinHostPort(host, strconv.Itoa(n+1))
		}
		return nil, fmt.Errorf("listen on %s: %w: another program (another crawlkit?) holds the port; choose %s, or --addr %s for any free one (CRAWLKIT_ADDR in the environment)",
			addr, err, next, net.JoinHostPort(host, "0"))
	}
	return nil, fmt.Errorf("listen on %s: %w", addr, err)
}

// consoleURL is the URL of the QA console of a mock listening on addr: a
// mock listening on every interface is reached on loopback, where the
// console answers without a token.
func consoleURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/__crawlkit/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/__crawlkit/"
}

// cliSetting names a contract setting as the command line takes it:
// credentials by their environment variables, which process lists do not
// show; the rest by flag.
func cliSetting(s contract.Setting) string {
	switch s {
	case contract.SettingAPIKey:
		return "CRAWLKIT_API_KEY"
	case contract.SettingBearer:
		return "CRAWLKIT_BEARER"
	}
	return s.Flag()
}

// skipHint is a contract.SkipError worded for the command line.
type skipHint struct{ err *contract.SkipError }

func (h skipHint) Error() string { return h.err.Reason(cliSetting, "--allow-skips") }
func (h skipHint) Unwrap() error { return h.err }
