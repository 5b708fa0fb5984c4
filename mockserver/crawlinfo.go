package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/auth"
	"github.com/crawlkit/crawlkit/envelope"
	"github.com/crawlkit/crawlkit/spec"
)

// crawlInfo answers GET /crawl/info: credentials first, then parameters,
// then the crawl.
func (s *Server) crawlInfo(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := s.validator.Route(r); err != nil {
		if spec.StatusFor(err) == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", http.MethodGet)
			s.sendError(w, r, http.StatusMethodNotAllowed, envelope.CodeMethodNotAllowed,
				fmt.Sprintf("Method %s is not allowed on %s; use GET", r.Method, r.URL.Path), nil)
			return
		}
		s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound,
			fmt.Sprintf("No endpoint at %s; this API serves GET %s and GET /api/v1%s", r.URL.Path, spec.Path, spec.Path), nil)
		return
	}
	if _, err := s.auth.Check(r); err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeInvalidAPIKey, authMessage(err), nil)
		return
	}
	if fields := s.validator.Request(ctx, r); fields != nil {
		names := fields.Names()
		label := "Invalid parameter: "
		if len(names) > 1 {
			label = "Invalid parameters: "
		}
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, label+strings.Join(names, ", "), fields)
		return
	}
	// The validator accepted id as a decimal int64 of at least 1.
	id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	p, err := s.crawlResponse(ctx, id)
	if err != nil {
		s.log.ErrorContext(ctx, "make crawl", "id", id, "err", err)
		s.sendError(w, r, http.StatusInternalServerError, envelope.CodeInternal, "Internal server error", nil)
		return
	}
	s.send(w, r, http.StatusOK, p.body, p.violations)
}

// authMessage is the error message for a credential problem; it never quotes
// the credential.
func authMessage(err error) string {
	switch {
	case errors.Is(err, auth.ErrMissing):
		return "Missing API key: send the X-API-KEY header, the key query parameter or a bearer token"
	case err.Error() == auth.ErrInvalid.Error():
		return "Invalid API key"
	default:
		return "Invalid API key: " + strings.TrimPrefix(err.Error(), auth.ErrInvalid.Error()+": ")
	}
}
