package specdiff

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationWithSchema is a valid document but for the response schema.
func operationWithSchema(schema string) string {
	return `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: ` + schema + "\n"
}

func TestCompareRefusesBadDocuments(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		content *string // nil: no such file
		want    error
		line    int
		message string
	}{
		{name: "missing.yaml", want: ErrRead, message: "missing.yaml: cannot read the file: no such file or directory"},
		{name: "empty.yaml", content: ptr(""), want: ErrNotYAML, message: "empty.yaml: not YAML or JSON: the file is empty"},
		{name: "unclosed.yaml", content: ptr("openapi: 3.0.3\ninfo: {title: t\n"), want: ErrNotYAML, line: 3,
			message: "unclosed.yaml: line 3: not YAML or JSON: did not find expected ',' or '}'"},
		{name: "cut.json", content: ptr("{\"openapi\": \"3.0.3\",\n \"info\": {\n"), want: ErrNotYAML, line: 3,
			message: "cut.json: line 3: not YAML or JSON: did not find expected node content"},
		{name: "binary.dat", content: ptr("\x00\x01binary"), want: ErrNotYAML,
			message: "binary.dat: not YAML or JSON: control characters are not allowed (value: 0)"},
		{name: "list.yaml", content: ptr("- openapi\n"), want: ErrNotOpenAPI, line: 1,
			message: "list.yaml: line 1: not an OpenAPI 3 document: the document is not a mapping of fields"},
		{name: "swagger.yaml", content: ptr("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n"), want: ErrNotOpenAPI, line: 1,
			message: "swagger.yaml: line 1: not an OpenAPI 3 document: it is Swagger 2.0; convert it to OpenAPI 3 first"},
		{name: "v4.yaml", content: ptr("info: {title: t, version: \"1\"}\nopenapi: 4.0.0\npaths: {}\n"), want: ErrNotOpenAPI, line: 2,
			message: `v4.yaml: line 2: not an OpenAPI 3 document: openapi is "4.0.0", not 3.x`},
		{name: "unversioned.yaml", content: ptr("info: {title: t, version: \"1\"}\npaths: {}\n"), want: ErrNotOpenAPI,
			message: "unversioned.yaml: not an OpenAPI 3 document: no openapi field"},
		{name: "noinfo.yaml", content: ptr("openapi: 3.0.3\npaths: {}\n"), want: ErrInvalid, line: 1,
			message: "noinfo.yaml: line 1: invalid OpenAPI document: info: must be an object [info-required]"},
		{name: "badtype.yaml", content: ptr(operationWithSchema("{type: objekt}")), want: ErrInvalid, line: 11,
			message: `badtype.yaml: line 11: invalid OpenAPI document: GET /a: unsupported 'type' value "objekt" [schema-type-unsupported]`},
		{name: "badref.yaml", content: ptr(operationWithSchema(`{$ref: "#/components/schemas/Missing"}`)), want: ErrInvalid},
		{name: "urlref.yaml", content: ptr(operationWithSchema(`{$ref: "http://example.com/s.yaml"}`)), want: ErrInvalid,
			message: "urlref.yaml: invalid OpenAPI document: $ref http://example.com/s.yaml: only local files are followed, not URLs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if tt.content != nil {
				require.NoError(t, os.WriteFile(path, []byte(*tt.content), 0o600))
			}
			for _, args := range [][2]string{{path, Embedded}, {Embedded, path}} {
				_, err := Compare(context.Background(), args[0], args[1])
				require.ErrorIs(t, err, tt.want)
				var loadErr *LoadError
				require.True(t, errors.As(err, &loadErr))
				assert.Equal(t, path, loadErr.Name)
				assert.Equal(t, tt.line, loadErr.Line)
				assert.NotContains(t, err.Error(), "\n", "one line")
				if tt.message != "" {
					assert.Equal(t, dir+"/"+tt.message, err.Error())
				}
			}
		})
	}
}

func TestLoadErrorsAreOneOfTheirKind(t *testing.T) {
	_, err := Compare(context.Background(), filepath.Join(t.TempDir(), "nothing.yaml"), Embedded)
	for _, kind := range []error{ErrNotYAML, ErrNotOpenAPI, ErrInvalid} {
		assert.NotErrorIs(t, err, kind)
	}
}

func ptr(s string) *string { return &s }
