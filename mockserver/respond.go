package mockserver

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// sendError answers with the error envelope, validated like every response.
func (s *Server) sendError(w http.ResponseWriter, r *http.Request, status int, code, message string, fields validate.Fields) {
	env := envelope.NewError(code, message, "")
	env.Fields = fields
	body, violations := s.errorBody(r.Context(), status, env)
	s.send(w, r, status, &answer{body: body, violations: violations})
}

// probeRequestID stands for the request id while an error body is
// validated; it has the shape of every id envelope.NewRequestID makes.
const probeRequestID = "req_0000000000000000"

// errorBody returns env as the body for the request in ctx, and its
// verdict. The verdict does not depend on the request id (always of
// NewRequestID's shape), so it is computed once per envelope and status, on
// the body with probeRequestID, and cached.
func (s *Server) errorBody(ctx context.Context, status int, env *envelope.Error) ([]byte, validate.Violations) {
	probe := *env
	probe.Details.RequestID = probeRequestID
	probeBody := probe.Body()
	// Statuses off the contract's operation (404 and 405 off its route, the
	// admin API's) still carry the contract's error envelope: check the body
	// as a 400's.
	checkAs := status
	if !s.validator.Documented(status) {
		checkAs = http.StatusBadRequest
	}
	key := strconv.Itoa(checkAs) + string(probeBody)
	violations, ok := s.verdicts.Get(key)
	if !ok {
		violations = s.validator.JSONResponse(ctx, checkAs, probeBody)
		s.verdicts.Add(key, violations)
	}
	body := bytes.Replace(probeBody, []byte(`"`+probeRequestID+`"`), []byte(strconv.Quote(exchange.From(ctx).RequestID)), 1)
	return body, violations
}

// send writes a response whose violations of the contract are known: they
// are logged and reported in a header, and with Strict the response becomes
// a 500 INTERNAL_ERROR naming them.
func (s *Server) send(w http.ResponseWriter, r *http.Request, status int, a *answer) {
	for name, value := range s.contract.Headers(status) {
		if w.Header().Get(name) == "" {
			w.Header().Set(name, value)
		}
	}
	if len(a.violations) > 0 {
		x := exchange.From(r.Context())
		x.Violations = a.violations.Strings()
		summary := exchange.HeaderValue(x.Violations)
		w.Header().Set(ViolationsHeader, summary)
		if s.cfg.Strict {
			env := envelope.NewError(envelope.CodeInternal, "Response breaks the contract: "+summary, x.RequestID)
			envelope.WriteJSON(w, http.StatusInternalServerError, env.Body())
			return
		}
	}
	if a.crawl != nil {
		s.stream(w, r, a)
		return
	}
	envelope.WriteJSON(w, status, a.body)
}
