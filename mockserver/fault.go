package mockserver

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// badGatewayPage is what a proxy in front of the API sends when the API is down.
const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// wait sleeps for a delay drawn from d. It returns false when the client
// gave up first; a shutdown cuts the wait short and answers at once.
func (s *Server) wait(ctx context.Context, d scenario.Delay) bool {
	dur := d.Draw()
	if dur <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.stopping:
		return true
	case <-ctx.Done():
		return false
	}
}

// playFault answers with a deliberately broken response. Faults are outside
// the contract on purpose, so they are not validated; X-Crawlkit-Fault says
// which one it is where a response is sent at all.
func (s *Server) playFault(w http.ResponseWriter, r *http.Request, p *negotiate.Plan, id int64) {
	ctx := r.Context()
	switch p.Fault {
	case scenario.FaultReset:
		s.closeConn(w, true)
	case scenario.FaultEmpty:
		s.closeConn(w, false)
	case scenario.FaultHang:
		bound := time.NewTimer(s.cfg.MaxHang)
		defer bound.Stop()
		select {
		case <-ctx.Done():
		case <-s.stopping:
		case <-bound.C:
		}
		s.closeConn(w, false)
	case scenario.FaultMalformed:
		body := []byte(`{"success":true,"data":{`)
		if whole, err := s.generatedBody(ctx, p, id); err == nil {
			body = whole[:len(whole)/2]
		}
		w.Header().Set(FaultHeader, p.Fault)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	case scenario.FaultBadGateway:
		w.Header().Set(FaultHeader, p.Fault)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(badGatewayPage)))
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(badGatewayPage))
	}
}

// closeConn drops the connection without a response; with reset, as a TCP
// reset rather than an orderly close.
func (s *Server) closeConn(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not an HTTP/1 connection (a test recorder): answer nothing at all.
		s.log.Warn("cannot drop the connection for a fault", "err", err)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
