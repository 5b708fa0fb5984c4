package mockserver_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/mockserver"
)

// raw sends bytes as they are, for what an HTTP client would refuse to send.
func raw(t *testing.T, base, request string) answer {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, request)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, body}
}

// TestHostileInput holds the mock to a clear error in the API's envelope for
// every kind of bad input, and to serving on after each. Two are refused by
// the HTTP layer before any handler, as malformed HTTP: a header over the
// size limit (431) and a header value with control characters (400), both
// in plain text.
func TestHostileInput(t *testing.T) {
	srv := withCatalog(t, mockserver.Config{Seed: 1})
	v := newValidator(t)
	// The requests are sent from the test's goroutine, on its t, through
	// these two; each case names what it sends.
	var current *testing.T
	get1 := func(rawQuery string, header map[string]string) answer {
		return get(current, srv.url+"/crawl/info?"+rawQuery, header)
	}
	rawGet := func(requestLine, header string) answer {
		return raw(current, srv.url, "GET "+requestLine+" HTTP/1.1\r\nHost: x\r\n"+header+"Connection: close\r\n\r\n")
	}
	tests := []struct {
		name   string
		send   func() answer
		status int
		code   string
		field  string
	}{
		{"empty id", func() answer { return get1("id=&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id 1.5", func() answer { return get1("id=1.5&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id 1e3", func() answer { return get1("id=1e3&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id 0x10", func() answer { return get1("id=0x10&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id ++1", func() answer { return get1("id=%2B%2B1&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id with a plus as space", func() answer { return get1("id=+1&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id with a leading space", func() answer { return get1("id=%201&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"id -0", func() answer { return get1("id=-0&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"20-digit id", func() answer { return get1("id=12345678901234567890&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"NUL in id", func() answer { return get1("id=%00&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"encoded non-UTF-8 id", func() answer { return get1("id=%FF%FE&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"raw non-UTF-8 bytes", func() answer { return rawGet("/crawl/info?id=\xff\xfe&key=k", "") }, 400, envelope.CodeValidation, "id"},
		{"repeated id", func() answer { return get1("id=1&id=1&key=k", nil) }, 400, envelope.CodeValidation, "id"},
		{"64 KiB query string", func() answer { return get1("id=1&key=k&pad="+strings.Repeat("a", 64<<10), nil) }, 200, "", ""},
		{"64 KiB id", func() answer { return get1("key=k&id="+strings.Repeat("9", 64<<10), nil) }, 400, envelope.CodeValidation, "id"},
		{"control character in the query key", func() answer { return get1("id=1&key=a%01b", nil) }, 400, envelope.CodeInvalidAPIKey, ""},
		{"control character in X-API-KEY", func() answer { return rawGet("/crawl/info?id=1", "X-API-KEY: a\x01b\r\n") }, 400, "", ""},
		{"credentials disagree, header good", func() answer { return get1("id=1&key=invalid", map[string]string{"X-API-KEY": "good"}) }, 200, "", ""},
		{"credentials disagree, header bad", func() answer { return get1("id=1&key=good", map[string]string{"X-API-KEY": "invalid"}) }, 400, envelope.CodeInvalidAPIKey, ""},
		{"Prefer garbage", func() answer { return get1("id=1&key=k", map[string]string{"Prefer": "==,,;;== !!! {}"}) }, 400, envelope.CodeValidation, "Prefer"},
		{"Prefer huge code", func() answer {
			return get1("id=1&key=k", map[string]string{"Prefer": "code=99999999999999999999999"})
		}, 400, envelope.CodeValidation, "Prefer"},
		{"Prefer huge seed", func() answer {
			return get1("id=1&key=k", map[string]string{"Prefer": "seed=99999999999999999999999"})
		}, 400, envelope.CodeValidation, "Prefer"},
		{"Prefer negative delay", func() answer { return get1("id=1&key=k", map[string]string{"Prefer": "delay=-100"}) }, 400, envelope.CodeValidation, "Prefer"},
		{"absurd delay", func() answer { return get1("id=1&key=k&__delay=1e9", nil) }, 400, envelope.CodeValidation, "__delay"},
		{"delay of a year", func() answer { return get1("id=1&key=k&__delay=8760h", nil) }, 400, envelope.CodeValidation, "__delay"},
		{"absurd seed", func() answer { return get1("id=1&key=k&__seed=-99", nil) }, 400, envelope.CodeValidation, "__seed"},
		{"1 MiB header", func() answer { return get1("id=1&key=k", map[string]string{"X-Huge": strings.Repeat("h", 1<<20)}) }, 431, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			current = t
			a := tt.send()
			require.Equal(t, tt.status, a.status, string(a.body))
			if tt.code != "" {
				e := errorOf(t, a)
				assert.Equal(t, tt.code, e.Code)
				assert.NotEmpty(t, e.Message)
				if tt.field != "" {
					assert.NotEmpty(t, e.Fields[tt.field], "fields name %s: %s", tt.field, a.body)
				}
			}
			if tt.code != "" || tt.status == 200 {
				assert.Empty(t, v.Response(context.Background(), nil, a.status, a.header, a.body))
			}
			assert.Equal(t, 200, get1("id=1&key=k", nil).status, "still serving")
		})
	}
}
