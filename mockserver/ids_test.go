package mockserver_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/mockserver"
)

// TestIDSpellings: an id is decimal digits, optionally after a sign sent
// as %2B, leading zeros allowed, from 1 to 2^53-1, as the spec's CrawlId
// says; an accepted spelling answers the crawl of the number, byte for
// byte, and any other is a 400 VALIDATION_ERROR naming id.
func TestIDSpellings(t *testing.T) {
	srv := start(t, mockserver.Config{Seed: 3})
	five := get(t, srv.url+"/crawl/info?id=5&key=k", nil)
	require.Equal(t, 200, five.status)
	for _, spelled := range []string{"%2B5", "005", "%2B005", "0000000000000000000000005"} {
		t.Run("accepted "+spelled, func(t *testing.T) {
			a := get(t, srv.url+"/crawl/info?id="+spelled+"&key=k", nil)
			require.Equal(t, 200, a.status, string(a.body))
			assert.Equal(t, five.body, a.body, "the crawl of 5")
		})
	}
	for _, spelled := range []string{"5.0", "1e3", "%205", "5%20", "+5", "0x5", "1_000", "%2B%2B5", "%2D%2B5", "-5", "0", "9007199254740992", "9223372036854775807", "99999999999999999999"} {
		t.Run("refused "+spelled, func(t *testing.T) {
			a := get(t, srv.url+"/crawl/info?id="+spelled+"&key=k", nil)
			require.Equal(t, 400, a.status, string(a.body))
			e := errorOf(t, a)
			assert.Equal(t, envelope.CodeValidation, e.Code)
			assert.NotEmpty(t, e.Fields["id"], string(a.body))
		})
	}
	t.Run("the largest id, exact", func(t *testing.T) {
		a := get(t, srv.url+"/crawl/info?id=9007199254740991&key=k", nil)
		require.Equal(t, 200, a.status, string(a.body))
		var env struct{ Data struct{ ID json.Number } }
		dec := json.NewDecoder(bytes.NewReader(a.body))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&env))
		assert.Equal(t, json.Number("9007199254740991"), env.Data.ID)
		beyond := errorOf(t, get(t, srv.url+"/crawl/info?id=9007199254740992&key=k", nil))
		assert.Equal(t, []string{"must be at most 9007199254740991"}, beyond.Fields["id"])
	})
}

// TestEmptyCredentials: an empty credential of every kind is a 400
// INVALID_API_KEY, an empty key parameter even beside a good header (the
// spec gives key a minLength of 1).
func TestEmptyCredentials(t *testing.T) {
	srv := start(t, mockserver.Config{})
	tests := []struct {
		name, query string
		header      map[string]string
	}{
		{"empty key", "key=", nil},
		{"empty key beside a good header", "key=", map[string]string{"X-API-KEY": "k"}},
		{"empty key beside a bearer", "key=", map[string]string{"Authorization": "Bearer a.b.c"}},
		{"empty header", "", map[string]string{"X-API-KEY": ""}},
		{"empty bearer", "", map[string]string{"Authorization": "Bearer "}},
		{"bearer without a token", "", map[string]string{"Authorization": "Bearer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := get(t, srv.url+"/crawl/info?id=1&"+tt.query, tt.header)
			require.Equal(t, 400, a.status, string(a.body))
			assert.Equal(t, envelope.CodeInvalidAPIKey, errorOf(t, a).Code)
		})
	}
}
