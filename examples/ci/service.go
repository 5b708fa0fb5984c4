// Package ci shows how a Go implementation of GET /crawl/info checks itself
// against crawlkit's contract in its own go test (see service_test.go), and
// holds a GitHub Actions workflow that does the same for any implementation.
// It uses only crawlkit's public packages, so it can be copied as it is.
package ci

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Service is a small implementation of GET /crawl/info over crawls held in
// memory, standing in for a real one.
type Service struct {
	Keys map[string]bool
	// Crawls holds each crawl as the API sends it, the `data` of a success.
	Crawls map[int64]json.RawMessage
}

// errorBody is the API's error envelope.
type errorBody struct {
	Success bool                `json:"success"`
	Error   string              `json:"error"`
	Code    string              `json:"code"`
	Details map[string]string   `json:"details"`
	Fields  map[string][]string `json:"fields,omitempty"`
}

// ServeHTTP answers GET /crawl/info the way the contract says.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var b [8]byte
	_, _ = rand.Read(b[:])
	reqID := "req_" + hex.EncodeToString(b[:])
	w.Header().Set("X-Request-Id", reqID)
	fail := func(status int, code, msg string, fields map[string][]string) {
		writeJSON(w, status, errorBody{Error: msg, Code: code, Details: map[string]string{"request_id": reqID}, Fields: fields})
	}
	if r.URL.Path != "/crawl/info" {
		fail(http.StatusNotFound, "NOT_FOUND", "No such endpoint", nil)
		return
	}
	if r.Method != http.MethodGet {
		fail(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Use GET", nil)
		return
	}
	query := r.URL.Query()
	key := r.Header.Get("X-API-KEY")
	if key == "" {
		key = query.Get("key")
	}
	if !s.Keys[key] {
		fail(http.StatusBadRequest, "INVALID_API_KEY", "Invalid API key", nil)
		return
	}
	ids := query["id"]
	id, err := int64(0), error(nil)
	if len(ids) == 1 && ids[0] != "" && strings.Trim(ids[0], "0123456789") == "" {
		id, err = strconv.ParseInt(ids[0], 10, 64)
	}
	if len(ids) != 1 || err != nil || id < 1 {
		fail(http.StatusBadRequest, "VALIDATION_ERROR", "Invalid parameter: id",
			map[string][]string{"id": {"must be one integer of at least 1"}})
		return
	}
	c, ok := s.Crawls[id]
	if !ok {
		fail(http.StatusNotFound, "NOT_FOUND", "Crawl not found", nil)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Success bool            `json:"success"`
		Data    json.RawMessage `json:"data"`
	}{true, c})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
