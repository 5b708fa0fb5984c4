package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/auth"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/exchange"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/negotiate"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// crawlInfo answers GET /crawl/info: credentials first, then parameters,
// then the request's overrides; then the negotiator picks the answer, and the
// responder waits, breaks or sends it. HEAD is answered as GET, without the
// body.
func (s *Server) crawlInfo(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		w = bodiless{w}
	}
	ctx := r.Context()
	x := exchange.From(ctx)
	query, queryErr := url.ParseQuery(r.URL.RawQuery)
	// For the journal, before any check: a request refused for its key is
	// still found by its crawl id.
	x.CrawlID, _ = strconv.ParseInt(query.Get("id"), 10, 64)
	if err := s.validator.Route(routeAs(r)); err != nil {
		if spec.StatusFor(err) == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", allowed)
			s.reject(w, r, http.StatusMethodNotAllowed, envelope.CodeMethodNotAllowed,
				fmt.Sprintf("Method %s is not allowed on %s; use GET or HEAD", r.Method, r.URL.Path), nil)
			return
		}
		s.reject(w, r, http.StatusNotFound, envelope.CodeNotFound,
			fmt.Sprintf("No endpoint at %s; this API serves %s", r.URL.Path, s.contract.Endpoints()), nil)
		return
	}
	if _, err := s.auth.CheckParts(r.Header, query); err != nil {
		s.reject(w, r, http.StatusBadRequest, envelope.CodeInvalidAPIKey, authMessage(err, s.contract.Credentials), nil)
		return
	}
	if fields := s.validator.Params(ctx, r, query, queryErr); fields != nil {
		s.reject(w, r, http.StatusBadRequest, envelope.CodeValidation, invalidMessage("parameter", fields), fields)
		return
	}
	// The validator accepted the query, and id as the contract's integer;
	// a contract of the user's may allow ids no crawl can have here.
	id := x.CrawlID
	if id < 1 || id > generate.MaxID {
		fields := validate.Fields{"id": {fmt.Sprintf("must be from 1 to %d: crawlkit's crawls have JSON-safe ids", int64(generate.MaxID))}}
		s.reject(w, r, http.StatusBadRequest, envelope.CodeValidation, invalidMessage("parameter", fields), fields)
		return
	}
	o, fields := negotiate.Parse(r.Header, query, s.contract)
	if fields != nil {
		s.reject(w, r, http.StatusBadRequest, envelope.CodeValidation, invalidMessage("override", fields), fields)
		return
	}
	key := s.auth.Key(r.Header, query)
	p := s.negotiator.Decide(s.rules.Load(), &scenario.Request{ID: id, Key: key, Header: r.Header, Query: query}, o)
	x.AnsweredBy = p.By
	w.Header().Set(AnsweredByHeader, p.By)
	for name, value := range p.Headers {
		w.Header().Set(name, value)
	}
	if !s.wait(ctx, p.Delay) {
		return // the client gave up
	}
	if p.Fault != "" {
		x.Fault = p.Fault
		s.playFault(w, r, &p, id)
		return
	}
	status, a, err := s.render(ctx, &p, id)
	if err != nil {
		if ctx.Err() != nil {
			return // the client gave up while its answer was made
		}
		s.log.ErrorContext(ctx, "render answer", "id", id, "err", err)
		s.sendError(w, r, http.StatusInternalServerError, envelope.CodeInternal, "Internal server error", nil)
		return
	}
	defer a.close()
	if p.OffContract {
		// Off the contract on purpose: marked, and sent as it is.
		x.OffContract = true
		w.Header().Set(OffContractHeader, "true")
		if _, _, retry := envelope.OffContract(status); retry > 0 && p.Body == nil && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", strconv.Itoa(retry))
		}
		envelope.WriteJSON(w, status, a.body)
		return
	}
	s.send(w, r, status, a)
}

// reject answers a request refused before negotiation, after the latency
// every answer has.
func (s *Server) reject(w http.ResponseWriter, r *http.Request, status int, code, message string, fields validate.Fields) {
	if !s.wait(r.Context(), s.negotiator.Latency) {
		return
	}
	s.sendError(w, r, status, code, message, fields)
}

func invalidMessage(what string, fields validate.Fields) string {
	names := fields.Names()
	label := "Invalid " + what + ": "
	if len(names) > 1 {
		label = "Invalid " + what + "s: "
	}
	return label + strings.Join(names, ", ")
}

// authMessage is the error message for a credential problem; it never quotes
// the credential.
func authMessage(err error, creds spec.Credentials) string {
	var refused *auth.Error
	switch {
	case errors.Is(err, auth.ErrMissing):
		var ways []string
		for _, h := range creds.Headers {
			ways = append(ways, "the "+h+" header")
		}
		for _, q := range creds.Query {
			ways = append(ways, "the "+q+" query parameter")
		}
		if creds.Bearer {
			ways = append(ways, "a bearer token")
		}
		if len(ways) > 1 {
			ways = append(ways[:len(ways)-2], ways[len(ways)-2]+" or "+ways[len(ways)-1])
		}
		return "Missing API key: send " + strings.Join(ways, ", ")
	case errors.As(err, &refused) && refused.Reason != "":
		return "Invalid API key: " + refused.Reason
	default:
		return "Invalid API key"
	}
}
