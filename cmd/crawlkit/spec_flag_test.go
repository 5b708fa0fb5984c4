package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadSpecIsOneLineAndExit2(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	info := "info: {title: t, version: '1'}\n"
	tests := []struct{ name, file, says string }{
		{"missing", filepath.Join(dir, "nope.yaml"), "cannot read it: no such file or directory"},
		{"a folder", dir, "cannot read it"},
		{"empty", write("empty.yaml", ""), "the file is empty"},
		{"not YAML", write("syntax.yaml", "openapi: 3.0.3\ninfo:\n  title: t\n   version: 1\n"), ":4: not YAML or JSON"},
		{"Swagger 2.0", write("swagger.json", `{"swagger": "2.0"}`), ":1: Swagger 2.0 is not supported"},
		{"OpenAPI 4", write("four.yaml", "openapi: 4.0.0\n"+info+"paths: {}\n"), ":1: openapi 4.0.0 is not supported"},
		{"no /crawl/info", write("nopath.yaml", "openapi: 3.0.3\n"+info+"paths:\n  /foo: {}\n"), ":3: no path /crawl/info"},
		{"no JSON 200", write("nojson.yaml", "openapi: 3.0.3\n"+info+"paths:\n  /crawl/info:\n    get:\n      responses:\n        '200': {description: ok, content: {text/plain: {schema: {type: string}}}}\n"), "its 200 response has no application/json schema"},
		{"invalid", write("invalid.yaml", "openapi: 3.0.3\n"+info+"paths:\n  /crawl/info:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: objekt}}}}\n"), "invalid.yaml: "},
	}
	commands := [][]string{{"serve"}, {"contract", "--base-url", "http://127.0.0.1:1"}, {"gen", "--id", "1"}, {"fixtures", "check", "../../fixtures"}, {"proxy", "--upstream", "http://127.0.0.1:1"}, {"spec"}, {"pact", "check", "x.json"}}
	for _, tt := range tests {
		for _, cmd := range commands {
			t.Run(tt.name+"/"+cmd[0], func(t *testing.T) {
				stdout, stderr, code := runCLI(t, append(cmd, "--spec", tt.file)...)
				assert.Equal(t, exitUsage, code, stderr)
				assert.Empty(t, stdout)
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
				assert.Contains(t, stderr, "crawlkit: "+tt.file)
				assert.Contains(t, stderr, tt.says)
			})
		}
	}
}

func TestSpecFromTheEnvironment(t *testing.T) {
	t.Setenv("CRAWLKIT_SPEC", "../../testdata/specs/evolved.yaml")
	stdout, stderr, code := runCLI(t, "spec")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "- paused")
	stdout, stderr, code = runCLI(t, "gen", "--id", "3", "--status", "paused")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"project_id"`)
	assert.Contains(t, stdout, `"status": "paused"`)
}
