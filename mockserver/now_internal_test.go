package mockserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSameDaySameBytes: servers started at different instants of one UTC
// day, with no Now given, answer id 1 byte for byte alike; the next day,
// or a pinned Now, answers other times.
func TestSameDaySameBytes(t *testing.T) {
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	bodyAt := func(t *testing.T, cfg Config, clock time.Time) []byte {
		t.Helper()
		s, err := newAt(context.Background(), cfg, func() time.Time { return clock })
		require.NoError(t, err)
		ts := httptest.NewServer(s)
		defer ts.Close()
		resp, err := http.Get(ts.URL + "/crawl/info?id=1&key=k")
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return body
	}
	first := bodyAt(t, Config{Seed: 1}, day.Add(5*time.Second))
	tests := []struct {
		name  string
		cfg   Config
		clock time.Time
		same  bool
	}{
		{"later the same day", Config{Seed: 1}, day.Add(17*time.Hour + 42*time.Minute + 13*time.Second), true},
		{"the last second of the day", Config{Seed: 1}, day.Add(24*time.Hour - time.Nanosecond), true},
		{"the same day in another zone", Config{Seed: 1}, day.Add(3 * time.Hour).In(time.FixedZone("UTC-5", -5*3600)), true},
		{"Now pinned to the day's start", Config{Seed: 1, Now: day}, day.Add(9 * time.Hour), true},
		{"the next day", Config{Seed: 1}, day.Add(24*time.Hour + time.Second), false},
		{"Now pinned elsewhere", Config{Seed: 1, Now: day.Add(time.Hour)}, day.Add(5 * time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bodyAt(t, tt.cfg, tt.clock)
			if tt.same {
				assert.Equal(t, string(first), string(got))
			} else {
				assert.NotEqual(t, string(first), string(got))
			}
		})
	}
}
