package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDurationWithoutUnitSaysTheSameEverywhere: --latency 300 and delay: 300
// in a scenarios file are refused with one message.
func TestDurationWithoutUnitSaysTheSameEverywhere(t *testing.T) {
	const said = "300: a duration needs a unit, as 300ms or 2s"
	file := filepath.Join(t.TempDir(), "scenarios.yaml")
	require.NoError(t, os.WriteFile(file, []byte("scenarios:\n  - name: slow\n    match: {id: 1}\n    respond:\n      delay: 300\n"), 0o600))
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"--latency", []string{"serve", "--latency", "300"}, "crawlkit: --latency: " + said + "\n", 2},
		{"a scenario's delay", []string{"serve", "--addr", "127.0.0.1:0", "--scenarios", file}, "crawlkit: " + file + ":5: scenario \"slow\": delay: " + said + "\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			assert.Empty(t, out)
			assert.Equal(t, tt.want, errOut)
			assert.Equal(t, tt.code, code)
		})
	}
}
