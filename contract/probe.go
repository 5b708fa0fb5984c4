package contract

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// reachable sends one request to the endpoint, without credentials or id,
// through the run's client, as every case is sent (its proxy, its TLS
// settings, the caller's transport): a server nothing answers for stops the
// run before any case. Anything that takes the request counts as
// reachable, whatever it answers or even if it never does; so does a TLS
// handshake that fails on the server's certificate, which the cases then
// report. The answer's body is not read, and its connection is closed:
// nothing of the probe lingers on the server.
func (run *runner) reachable(ctx context.Context) error {
	reqCtx, cancel := context.WithTimeout(ctx, run.cfg.Timeout)
	defer cancel()
	var connected atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(reqCtx, trace), http.MethodGet, run.cfg.endpoint.String(), nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept-Encoding", "identity")
	req.Close = true
	resp, err := run.client.Do(req)
	if err == nil {
		return resp.Body.Close()
	}
	var (
		cert   *tls.CertificateVerificationError
		record tls.RecordHeaderError
	)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case connected.Load(), errors.As(err, &cert), errors.As(err, &record):
		return nil
	}
	return fmt.Errorf("%w: %s", ErrUnreachable, Printable(run.redact.Replace(err.Error())))
}
