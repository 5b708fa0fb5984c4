// Package ci shows how a Go implementation of GET /crawl/info checks itself
// against crawlkit's contract in its own go test (see service_test.go), and
// holds a GitHub Actions workflow that does the same for any implementation.
package ci

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
)

// Service is a small implementation of GET /crawl/info over crawls held in
// memory, standing in for a real one.
type Service struct {
	Keys   map[string]bool
	Crawls map[int64]*crawl.Crawl
}

// ServeHTTP answers GET /crawl/info the way the contract says.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := envelope.NewRequestID()
	w.Header().Set(envelope.RequestIDHeader, reqID)
	fail := func(status int, code, msg string, fields map[string][]string) {
		e := envelope.NewError(code, msg, reqID)
		e.Fields = fields
		envelope.WriteJSON(w, status, e.Body())
	}
	if r.URL.Path != "/crawl/info" {
		fail(http.StatusNotFound, envelope.CodeNotFound, "No such endpoint", nil)
		return
	}
	if r.Method != http.MethodGet {
		fail(http.StatusMethodNotAllowed, envelope.CodeMethodNotAllowed, "Use GET", nil)
		return
	}
	query := r.URL.Query()
	key := r.Header.Get("X-API-KEY")
	if key == "" {
		key = query.Get("key")
	}
	if !s.Keys[key] {
		fail(http.StatusBadRequest, envelope.CodeInvalidAPIKey, "Invalid API key", nil)
		return
	}
	ids := query["id"]
	id, err := int64(0), error(nil)
	if len(ids) == 1 && ids[0] != "" && strings.Trim(ids[0], "0123456789") == "" {
		id, err = strconv.ParseInt(ids[0], 10, 64)
	}
	if len(ids) != 1 || err != nil || id < 1 {
		fail(http.StatusBadRequest, envelope.CodeValidation, "Invalid parameter: id",
			map[string][]string{"id": {"must be one integer of at least 1"}})
		return
	}
	c, ok := s.Crawls[id]
	if !ok {
		fail(http.StatusNotFound, envelope.CodeNotFound, "Crawl not found", nil)
		return
	}
	body, err := json.Marshal(envelope.NewSuccess(c))
	if err != nil {
		fail(http.StatusInternalServerError, envelope.CodeInternal, "Internal server error", nil)
		return
	}
	envelope.WriteJSON(w, http.StatusOK, body)
}
