package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/auth"
	"github.com/crawlkit/crawlkit/internal/spec"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// The sources of the embedded contract's API keys.
var (
	sourceHeader = auth.HeaderSource("X-API-KEY")
	sourceQuery  = auth.QuerySource("key")
)

// embedded are the embedded contract's security schemes.
func embedded(t testing.TB) auth.Schemes {
	t.Helper()
	doc, err := spec.Load(context.Background())
	require.NoError(t, err)
	c, err := spec.NewContract(doc)
	require.NoError(t, err)
	return auth.Schemes(c.Credentials)
}

func token(t *testing.T, secret string, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
	require.NoError(t, err)
	return s
}

func TestCheck(t *testing.T) {
	valid := token(t, "s3cret", jwt.MapClaims{"sub": "u1", "exp": now.Add(time.Hour).Unix()})
	noExp := token(t, "other", jwt.MapClaims{"sub": "u1"})
	expired := token(t, "s3cret", jwt.MapClaims{"sub": "u1", "exp": now.Add(-time.Minute).Unix()})
	tests := []struct {
		name    string
		cfg     auth.Config
		query   string
		header  map[string]string
		source  string
		wantErr error
		reason  string
	}{
		{name: "no credentials", wantErr: auth.ErrMissing},
		{name: "empty key", query: "key=", source: sourceQuery, wantErr: auth.ErrInvalid, reason: "the key parameter is empty"},
		{name: "empty key beside a good header", query: "key=", header: map[string]string{"X-API-KEY": "good"}, source: sourceQuery, wantErr: auth.ErrInvalid, reason: "the key parameter is empty"},
		{name: "empty header is none", header: map[string]string{"X-API-KEY": ""}, wantErr: auth.ErrMissing},
		{name: "empty bearer", header: map[string]string{"Authorization": "Bearer "}, source: auth.SourceBearer, wantErr: auth.ErrInvalid},
		{name: "any key in the query", query: "key=demo", source: sourceQuery},
		{name: "any key in the header", header: map[string]string{"X-API-KEY": "sk_live_1"}, source: sourceHeader},
		{name: "invalid prefix in the query", query: "key=invalid", source: sourceQuery, wantErr: auth.ErrInvalid},
		{name: "invalid prefix in the header", header: map[string]string{"X-API-KEY": "invalid-key"}, source: sourceHeader, wantErr: auth.ErrInvalid},
		{name: "control characters", query: "key=a%01b", source: sourceQuery, wantErr: auth.ErrInvalid, reason: "it contains control characters"},
		{name: "listed key", cfg: auth.Config{Keys: []string{"k1", "k2"}}, query: "key=k2", source: sourceQuery},
		{name: "unlisted key", cfg: auth.Config{Keys: []string{"k1"}}, query: "key=demo", source: sourceQuery, wantErr: auth.ErrInvalid, reason: ""},
		{name: "header wins over query", header: map[string]string{"X-API-KEY": "good"}, query: "key=invalid", source: sourceHeader},
		{name: "header wins even when bad", header: map[string]string{"X-API-KEY": "invalid"}, query: "key=good", source: sourceHeader, wantErr: auth.ErrInvalid},
		{name: "key wins over bearer", query: "key=good", header: map[string]string{"Authorization": "Bearer junk"}, source: sourceQuery},
		{name: "bearer JWT", header: map[string]string{"Authorization": "Bearer " + valid}, source: auth.SourceBearer},
		{name: "bearer JWT without exp", header: map[string]string{"Authorization": "bearer " + noExp}, source: auth.SourceBearer},
		{name: "bearer JWT expired", header: map[string]string{"Authorization": "Bearer " + expired}, source: auth.SourceBearer, wantErr: auth.ErrInvalid, reason: "bearer token: expired"},
		{name: "bearer not a JWT", header: map[string]string{"Authorization": "Bearer abc"}, source: auth.SourceBearer, wantErr: auth.ErrInvalid},
		{name: "bearer without signature", header: map[string]string{"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0."}, source: auth.SourceBearer, wantErr: auth.ErrInvalid},
		{name: "bearer with bad JSON", header: map[string]string{"Authorization": "Bearer bm90anNvbg.bm90anNvbg.c2ln"}, source: auth.SourceBearer, wantErr: auth.ErrInvalid},
		{name: "basic auth", header: map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}, source: auth.SourceBearer, wantErr: auth.ErrInvalid, reason: `Authorization must be "Bearer <JWT>"`},
		{name: "signed with the secret", cfg: auth.Config{JWTSecret: []byte("s3cret")}, header: map[string]string{"Authorization": "Bearer " + valid}, source: auth.SourceBearer},
		{name: "signed with another secret", cfg: auth.Config{JWTSecret: []byte("s3cret")}, header: map[string]string{"Authorization": "Bearer " + noExp}, source: auth.SourceBearer, wantErr: auth.ErrInvalid, reason: "bearer token: bad signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Now = func() time.Time { return now }
			r := httptest.NewRequest(http.MethodGet, "/crawl/info?id=1&"+tt.query, nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			tt.cfg.Schemes = embedded(t)
			source, err := auth.New(tt.cfg).Check(r)
			assert.Equal(t, tt.source, source)
			if tt.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
			var refused *auth.Error
			require.ErrorAs(t, err, &refused)
			assert.Equal(t, tt.wantErr, refused.Kind)
			if tt.reason != "" {
				assert.Equal(t, tt.reason, refused.Reason)
			}
			assert.NotContains(t, err.Error(), "s3cret")
		})
	}
}

func TestSchemesComeFromTheContract(t *testing.T) {
	schemes := embedded(t)
	assert.Equal(t, auth.Schemes{Headers: []string{"X-API-KEY"}, Query: []string{"key"}, Bearer: true}, schemes)
	renamed := auth.New(auth.Config{Schemes: auth.Schemes{Headers: []string{"X-Api-Token"}, Query: []string{"api_key"}}})
	tests := []struct {
		name, query string
		header      map[string]string
		source      string
		wantErr     error
	}{
		{name: "the renamed header", header: map[string]string{"X-Api-Token": "k"}, source: auth.HeaderSource("X-Api-Token")},
		{name: "the renamed parameter", query: "api_key=k", source: auth.QuerySource("api_key")},
		{name: "the old header is no credential", header: map[string]string{"X-API-KEY": "k"}, wantErr: auth.ErrMissing},
		{name: "no bearer scheme, no bearer", header: map[string]string{"Authorization": "Bearer a.b.c"}, wantErr: auth.ErrMissing},
		{name: "an empty renamed parameter", query: "api_key=", source: auth.QuerySource("api_key"), wantErr: auth.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/crawl/info?id=1&"+tt.query, nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			source, err := renamed.Check(r)
			assert.Equal(t, tt.source, source)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
	open := auth.New(auth.Config{})
	_, err := open.Check(httptest.NewRequest(http.MethodGet, "/crawl/info?id=1", nil))
	assert.NoError(t, err, "a contract without security asks for no credentials")
}
