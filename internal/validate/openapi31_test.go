package validate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/validate"
)

func TestOpenAPI31ViolationsByPointer(t *testing.T) {
	spec := []byte(`openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /crawl/info:
    get:
      parameters:
        - {name: id, in: query, required: true, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [success, data]
                properties:
                  success: {type: boolean}
                  data:
                    type: object
                    required: [id, team, owner]
                    properties:
                      id: {type: integer}
                      team: {type: string, enum: [red, blue]}
                      owner: {const: me}
                      tags: {type: [array, "null"], items: {type: string, maxLength: 3}}
`)
	v, err := validate.LoadData(context.Background(), "t.yaml", spec)
	require.NoError(t, err)
	got := v.JSONResponse(context.Background(), 200, []byte(`{"success":true,"data":{"id":1,"team":"green","tags":["long one"]}}`))
	assert.ElementsMatch(t, []string{"/data", "/data/team", "/data/tags/0"}, pointers(got), "%v", got)
	for _, vi := range got {
		assert.NotContains(t, vi.Reason, "\n")
	}
}

func pointers(vs validate.Violations) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Pointer)
	}
	return out
}
