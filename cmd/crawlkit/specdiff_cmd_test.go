package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit"
)

const evolvedSpec = "../../testdata/specs/evolved.yaml"

// lineOf returns where line stands in the file at path, or in the embedded
// openapi.yaml for "embedded", as "path:N".
func lineOf(t *testing.T, path, line string) string {
	t.Helper()
	doc := crawlkit.OpenAPIYAML()
	if path != "embedded" {
		var err error
		doc, err = os.ReadFile(path)
		require.NoError(t, err)
	}
	for i, l := range strings.Split(string(doc), "\n") {
		if l == line {
			return fmt.Sprintf("%s:%d", path, i+1)
		}
	}
	require.Failf(t, "no such line", "%q in %s", line, path)
	return ""
}

func TestSpecDiff(t *testing.T) {
	const apiKeyParam = "        - $ref: '#/components/parameters/ApiKey'\n"
	const verboseParam = "        - {name: verbose, in: query, schema: {type: boolean}}"
	embedded := string(crawlkit.OpenAPIYAML())
	require.Contains(t, embedded, apiKeyParam)
	optional := filepath.Join(t.TempDir(), "optional.yaml")
	require.NoError(t, os.WriteFile(optional,
		[]byte(strings.Replace(embedded, apiKeyParam, apiKeyParam+verboseParam+"\n", 1)), 0o600))
	tests := []struct {
		name     string
		args     []string
		code     int
		lines    []string // lines stdout has, in this order
		contains []string // what stdout has elsewhere
		stderr   string   // the last line of stderr
	}{
		{
			name: "embedded to evolved removes a field", args: []string{"embedded", evolvedSpec}, code: 1,
			lines: []string{
				"breaking      GET /crawl/info  added the new `paused` enum value to the `data/status` response property for the response status `200`  [ERR response-property-enum-value-added, " + lineOf(t, evolvedSpec, "        - paused") + "]",
				"breaking      GET /crawl/info  removed the required property `data/screenshots/items/video_colors` from the response with the `200` status  [ERR response-required-property-removed, " + lineOf(t, "embedded", "        video_colors:") + "]",
				"9 change(s) from embedded to " + evolvedSpec + ": 2 breaking (ERR 2, WARN 0), 7 non-breaking (INFO 7)",
			},
			contains: []string{
				"non-breaking  GET /crawl/info  added the required property `data/project_id` to the response with the `200` status",
				"non-breaking  GET /crawl/info  added the non-success response with the status `429`",
				"non-breaking  info  a breaking change was detected but the major version did not increase, from `1.0.0` to `1.1.0`",
			},
			stderr: "crawlkit: 2 of 9 change(s) from embedded to " + evolvedSpec + " break clients of the API",
		},
		{
			name: "evolved to embedded removes two fields", args: []string{evolvedSpec, "embedded"}, code: 1,
			lines: []string{
				"breaking      GET /crawl/info  removed the required property `data/project_id` from the response with the `200` status  [ERR response-required-property-removed, " + lineOf(t, evolvedSpec, "        project_id:") + "]",
				"breaking      GET /crawl/info  removed the required property `data/screenshots/items/thumbnail_width` from the response with the `200` status  [ERR response-required-property-removed, " + lineOf(t, evolvedSpec, "        thumbnail_width:") + "]",
				"9 change(s) from " + evolvedSpec + " to embedded: 2 breaking (ERR 2, WARN 0), 7 non-breaking (INFO 7)",
			},
			contains: []string{
				"non-breaking  GET /crawl/info  removed the `paused` enum value from the `data/status` response property for the response status `200`",
				"non-breaking  GET /crawl/info  removed the optional property `data/webhook_url` from the response with the `200` status",
			},
			stderr: "crawlkit: 2 of 9 change(s) from " + evolvedSpec + " to embedded break clients of the API",
		},
		{
			name: "non-breaking changes only", args: []string{"embedded", optional}, code: 0,
			lines: []string{
				"non-breaking  GET /crawl/info  added the new optional `query` request parameter `verbose`  [INFO new-optional-request-parameter, " + lineOf(t, optional, verboseParam) + "]",
				"1 change(s) from embedded to " + optional + ": 0 breaking (ERR 0, WARN 0), 1 non-breaking (INFO 1)",
			},
		},
		{
			name: "identical", args: []string{"embedded", "../../openapi.yaml"}, code: 0,
			lines: []string{"no changes from embedded to ../../openapi.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"spec", "diff"}, tt.args...)...)
			require.Equal(t, tt.code, code, errOut)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			at := 0
			for _, want := range tt.lines {
				for at < len(lines) && lines[at] != want {
					at++
				}
				require.Less(t, at, len(lines), "stdout lacks, in order:\n%s\ngot:\n%s", want, out)
			}
			assert.Equal(t, tt.lines[len(tt.lines)-1], lines[len(lines)-1], "the summary comes last")
			for _, want := range tt.contains {
				assert.Contains(t, out, want+"  [")
			}
			errLines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if tt.stderr != "" {
				assert.Equal(t, tt.stderr, errLines[len(errLines)-1])
			}
			for _, l := range errLines[:len(errLines)-1] {
				assert.True(t, strings.HasPrefix(l, "note: "), "stderr has notes before the verdict: %q", l)
			}
		})
	}
}

func TestSpecDiffNotesWhatValidationFound(t *testing.T) {
	const finished = "\n          status: finished\n"
	embedded := string(crawlkit.OpenAPIYAML())
	require.Equal(t, 1, strings.Count(embedded, finished))
	path := filepath.Join(t.TempDir(), "example.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(embedded, finished, "\n          status: done\n", 1)), 0o600))

	out, errOut, code := runCLI(t, "spec", "diff", "embedded", path)
	require.Equal(t, 0, code, "an example is not what clients get")
	assert.Equal(t, "no changes that concern clients from embedded to "+path+
		": they differ only where no check looks (descriptions, examples, the version, extensions)\n", out)
	assert.Regexp(t, `^note: `+regexp.QuoteMeta(path)+`:\d+: invalid example: .* \[INFO example-violates-schema\]\n$`, errOut)
}

func TestSpecDiffJSON(t *testing.T) {
	out, errOut, code := runCLI(t, "spec", "diff", "--json", "embedded", evolvedSpec)
	require.Equal(t, 1, code, errOut)
	var res struct {
		Old, New string
		Changes  []struct {
			ID, Level, Text, Section, Operation, Path string
			OperationID                               string `json:"operation_id"`
			Breaking                                  bool
			Old, New                                  *struct {
				File, Pointer string
				Line, Column  int
			}
		}
		Counts struct {
			Total, Breaking, Err, Warn, Info int
			NonBreaking                      int `json:"non_breaking"`
		}
		Identical bool
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	assert.Equal(t, "embedded", res.Old)
	assert.Equal(t, evolvedSpec, res.New)
	assert.Len(t, res.Changes, 9)
	assert.Equal(t, 9, res.Counts.Total)
	assert.Equal(t, 2, res.Counts.Breaking)
	assert.Equal(t, 7, res.Counts.NonBreaking)
	assert.Equal(t, 2, res.Counts.Err)
	assert.Equal(t, 7, res.Counts.Info)
	assert.False(t, res.Identical)

	removed := res.Changes[1]
	assert.Equal(t, "response-required-property-removed", removed.ID)
	assert.Equal(t, "ERR", removed.Level)
	assert.True(t, removed.Breaking)
	assert.Equal(t, "GET", removed.Operation)
	assert.Equal(t, "/crawl/info", removed.Path)
	assert.Equal(t, "getCrawlInfo", removed.OperationID)
	require.NotNil(t, removed.Old)
	assert.Nil(t, removed.New)
	assert.Equal(t, "embedded", removed.Old.File)
	assert.Equal(t, lineOf(t, "embedded", "        video_colors:"), fmt.Sprintf("embedded:%d", removed.Old.Line))
	assert.Equal(t, "/components/schemas/Screenshot/properties/video_colors", removed.Old.Pointer)

	out, _, code = runCLI(t, "spec", "diff", "embedded", "embedded", "--json")
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.True(t, res.Identical)
	assert.Empty(t, res.Changes)
	assert.Contains(t, out, `"changes": []`)
}

func TestSpecDiffBadInputExit2WithOneLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		return path
	}
	missing := filepath.Join(dir, "missing.yaml")
	notYAML := write("notes.txt", "openapi: 3.0.3\ninfo: {title: [\n")
	swagger := write("swagger.json", `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}`)
	invalid := write("invalid.yaml", "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {type: objekt}\n")
	tests := []struct {
		args []string
		line string
	}{
		{[]string{"embedded", missing}, missing + ": cannot read the file: no such file or directory"},
		{[]string{missing, "embedded"}, missing + ": cannot read the file: no such file or directory"},
		{[]string{"embedded", dir}, dir + ": cannot read the file: is a directory"},
		{[]string{notYAML, "embedded"}, notYAML + ": line 3: not YAML or JSON: did not find expected node content"},
		{[]string{"embedded", swagger}, swagger + ": line 1: not an OpenAPI 3 document: it is Swagger 2.0; convert it to OpenAPI 3 first"},
		{[]string{"embedded", invalid}, invalid + `: line 11: invalid OpenAPI document: GET /a: unsupported 'type' value "objekt" [schema-type-unsupported]`},
		{[]string{}, `"crawlkit spec diff" takes two documents, OLD and NEW (a file or embedded), got 0 arguments`},
		{[]string{"embedded"}, `"crawlkit spec diff" takes two documents, OLD and NEW (a file or embedded), got 1 arguments`},
		{[]string{"embedded", "embedded", "embedded"}, `"crawlkit spec diff" takes two documents, OLD and NEW (a file or embedded), got 3 arguments`},
		{[]string{"--yaml", "embedded", "embedded"}, "unknown flag: --yaml"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"spec", "diff"}, tt.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Equal(t, "crawlkit: "+tt.line+"\n", errOut)
		})
	}
}
