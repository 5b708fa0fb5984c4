package mockserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// An invalid fixture cannot get past fixtureset.Load; this builds a server
// around one by hand to prove the response check still catches it.
func serverWithBrokenFixture(t *testing.T, strict bool) *Server {
	t.Helper()
	v, err := validate.Load(context.Background())
	require.NoError(t, err)
	broken := []byte(`{"success":true,"data":{"id":"7","status":"done"}}`)
	s, err := newServer(Config{Strict: strict}, v)
	require.NoError(t, err)
	s.rules.Store(&ruleset.Set{Fixtures: fixtureset.New(&fixtureset.Fixture{File: "broken.json", ID: 7, Body: broken})})
	return s
}

func TestResponseValidationCatchesAnInvalidFixture(t *testing.T) {
	s := serverWithBrokenFixture(t, false)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/crawl/info?id=7&key=k", nil))
	assert.Equal(t, http.StatusOK, rec.Code, "reported, not hidden, without --strict")
	got := rec.Header().Get(ViolationsHeader)
	assert.Contains(t, got, "/data/id")
	assert.Contains(t, got, "/data/status")
	assert.Contains(t, got, "/data/domain")
}

func TestStrictTurnsAViolationInto500(t *testing.T) {
	s := serverWithBrokenFixture(t, true)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/crawl/info?id=7&key=k", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	var e envelope.Error
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
	assert.Equal(t, envelope.CodeInternal, e.Code)
	assert.Contains(t, e.Message, "/data/id")
	assert.NotEmpty(t, rec.Header().Get(ViolationsHeader))
	assert.Empty(t, s.validator.JSONResponse(context.Background(), rec.Code, rec.Body.Bytes()), "the 500 itself keeps the contract")
}
