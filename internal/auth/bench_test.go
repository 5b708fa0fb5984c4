package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/auth"
)

func BenchmarkCheck(b *testing.B) {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u", "exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("s"))
	require.NoError(b, err)
	for name, setup := range map[string]func(r *http.Request){
		"key-query":  func(*http.Request) {},
		"key-header": func(r *http.Request) { r.Header.Set("X-API-KEY", "sk_demo") },
		"bearer":     func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
	} {
		b.Run(name, func(b *testing.B) {
			target := "/crawl/info?id=1"
			if name == "key-query" {
				target += "&key=sk_demo"
			}
			r := httptest.NewRequest(http.MethodGet, target, nil)
			setup(r)
			c := auth.New(auth.Config{Schemes: embedded(b), JWTSecret: []byte("s")})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Check(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
