package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testPact(name string) string {
	return filepath.Join("..", "..", "internal", "pact", "testdata", "pacts", name)
}

func TestPactCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	notJSON := write("broken.json", `{"interactions": [`)
	v1 := write("v1.json", `{"interactions":[],"metadata":{"pactSpecification":{"version":"1.1.0"}}}`)
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{name: "compatible", args: []string{testPact("v2-compatible.json"), testPact("v3-compatible.json"), testPact("v4-compatible.json")}, code: 0,
			stdout: []string{"v2-compatible.json: web-app -> screenshotcenter, Pact 2.0.0, 2 interactions: compatible, 0 errors, 0 warnings", "Pact 4.0, 1 interaction: compatible"}},
		{name: "a warning keeps it compatible", args: []string{testPact("unknown-query.json")}, code: 0,
			stdout: []string{`warning "a crawl asked with an unknown parameter" $.request.query.verbose`}},
		{name: "incompatible", args: []string{testPact("v3-compatible.json"), testPact("body-type-mismatch.json")}, code: 1,
			stdout: []string{`error   "a crawl whose id is a string" $.response.body.data.id: "12345" is a string; the contract's value is an integer [response.body.incompatible]`},
			stderr: "crawlkit: 1 of 2 pacts incompatible with the contract\n"},
		{name: "not JSON", args: []string{testPact("v3-compatible.json"), notJSON}, code: 2, stderr: "broken.json: invalid pact: not a JSON object"},
		{name: "unsupported version", args: []string{v1}, code: 2, stderr: `v1.json: invalid pact: Pact specification "1.1.0" is not supported: crawlkit reads versions 2, 3 and 4`},
		{name: "missing file", args: []string{filepath.Join(dir, "none.json")}, code: 2, stderr: "no such file or directory"},
		{name: "no file", args: nil, code: 2, stderr: `"crawlkit pact check" needs at least one Pact file`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"pact", "check"}, tc.args...)...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, errOut)
			for _, s := range tc.stdout {
				assert.Contains(t, out, s)
			}
			assert.Contains(t, errOut, tc.stderr)
			if tc.code == 2 {
				assert.Empty(t, out, "bad input judges nothing")
				assert.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			}
		})
	}
}

func TestPactCheckJSON(t *testing.T) {
	out, _, code := runCLI(t, "pact", "check", "--json", testPact("v3-compatible.json"), testPact("enum-mismatch.json"))
	require.Equal(t, 1, code)
	var got struct {
		Compatible bool `json:"compatible"`
		Pacts      []struct {
			File, Consumer, Provider, Specification string
			Interactions                            int
			Compatible                              bool
			Findings                                []struct{ Interaction, Path, Severity, Code, Message string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.False(t, got.Compatible)
	require.Len(t, got.Pacts, 2)
	assert.True(t, got.Pacts[0].Compatible)
	assert.Equal(t, 2, got.Pacts[0].Interactions)
	assert.Equal(t, "3.0.0", got.Pacts[0].Specification)
	assert.Empty(t, got.Pacts[0].Findings)
	assert.False(t, got.Pacts[1].Compatible)
	require.Len(t, got.Pacts[1].Findings, 1)
	f := got.Pacts[1].Findings[0]
	assert.Equal(t, "a screenshot in an unknown status", f.Interaction)
	assert.Equal(t, "$.response.body.data.screenshots[0].status", f.Path)
	assert.Equal(t, "error", f.Severity)
	assert.Equal(t, "response.body.incompatible", f.Code)
	assert.Contains(t, f.Message, `"done"`)

	out, _, code = runCLI(t, "pact", "check", "--json", testPact("v4-compatible.json"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"compatible": true`)
	assert.Contains(t, out, `"findings": []`)
}

// TestServePactOutThenCheck records a session with crawlkit serve
// --pact-out, stops it as SIGTERM does (its context ends), and checks the
// pact it wrote with crawlkit pact check.
func TestServePactOutThenCheck(t *testing.T) {
	file := filepath.Join(t.TempDir(), "session.json")
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--pact-out", file, "--pact-consumer", "web-app", "--pact-provider", "screenshotcenter"}, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	for _, q := range []string{"id=12345&key=" + cliSecret, "id=abc&key=k", "id=404&key=k"} {
		code, _ := fetch(t, base+"/crawl/info?"+q)
		require.NotZero(t, code)
	}
	cancel()
	require.NoError(t, <-done)

	data := read(t, file)
	assert.NotContains(t, data, cliSecret)
	assert.Contains(t, data, `"name": "web-app"`)
	out, errOut, code := runCLI(t, "pact", "check", file)
	assert.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "Pact 3.0.0, 3 interactions: compatible, 0 errors, 0 warnings")

	_, errOut, code = runCLI(t, "serve", "--pact-out", filepath.Join(t.TempDir(), "none", "p.json"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--pact-out")
}
