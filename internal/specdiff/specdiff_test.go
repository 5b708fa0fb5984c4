package specdiff

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const evolved = "../../testdata/specs/evolved.yaml"

// find returns the change with id whose text mentions about.
func find(t *testing.T, res *Result, id, about string) Change {
	t.Helper()
	for _, c := range res.Changes {
		if c.ID == id && strings.Contains(c.Text, about) {
			return c
		}
	}
	require.Failf(t, "change not found", "%s about %q in %+v", id, about, res.Changes)
	return Change{}
}

func TestCompareEmbeddedWithEvolved(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		breaking []string // ids of the breaking changes, with what each names
		about    []string
		other    map[string]string // non-breaking changes: id -> what it names
	}{
		{
			name: "embedded to evolved", old: Embedded, new: evolved,
			breaking: []string{"response-required-property-removed", "response-property-enum-value-added"},
			about:    []string{"`data/screenshots/items/video_colors`", "`paused`"},
			other: map[string]string{
				"response-required-property-added":  "`data/project_id`",
				"response-optional-property-added":  "`data/screenshots/items/thumbnail_url`",
				"response-non-success-status-added": "`429`",
				"api-major-version-not-bumped":      "`1.1.0`",
			},
		},
		{
			name: "evolved to embedded", old: evolved, new: Embedded,
			breaking: []string{"response-required-property-removed", "response-required-property-removed"},
			about:    []string{"`data/project_id`", "`data/screenshots/items/thumbnail_width`"},
			other: map[string]string{
				"response-property-enum-value-removed": "`paused`",
				"response-optional-property-removed":   "`data/webhook_url`",
				"response-non-success-status-removed":  "`401`",
				"response-required-property-added":     "`data/screenshots/items/video_colors`",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Compare(context.Background(), tt.old, tt.new)
			require.NoError(t, err)
			assert.Equal(t, tt.old, res.Old)
			assert.Equal(t, tt.new, res.New)
			assert.False(t, res.Identical)
			assert.Equal(t, len(tt.breaking), res.Counts.Breaking)
			assert.Equal(t, len(tt.breaking), res.Counts.Err)
			assert.Equal(t, res.Counts.Total, res.Counts.Breaking+res.Counts.NonBreaking)
			assert.Len(t, res.Changes, res.Counts.Total)
			for i, id := range tt.breaking {
				c := find(t, res, id, tt.about[i])
				assert.True(t, c.Breaking)
				assert.Equal(t, LevelErr, c.Level)
				assert.Equal(t, "GET /crawl/info", c.Subject())
				assert.Equal(t, "getCrawlInfo", c.OperationID)
				assert.Equal(t, "paths", c.Section)
			}
			for id, about := range tt.other {
				c := find(t, res, id, about)
				assert.False(t, c.Breaking, id)
				assert.Equal(t, LevelInfo, c.Level, id)
			}
			for i, c := range res.Changes {
				if i > 0 && c.Breaking {
					assert.True(t, res.Changes[i-1].Breaking, "breaking changes come first")
				}
			}
		})
	}
}

func TestCompareLocatesEachChange(t *testing.T) {
	res, err := Compare(context.Background(), Embedded, evolved)
	require.NoError(t, err)

	removed := find(t, res, "response-required-property-removed", "video_colors")
	require.NotNil(t, removed.Old)
	assert.Nil(t, removed.New, "a removed field is not in the new document")
	assert.Equal(t, Embedded, removed.Old.File)
	assert.Equal(t, "/components/schemas/Screenshot/properties/video_colors", removed.Old.Pointer)
	assert.Positive(t, removed.Old.Line)

	added := find(t, res, "response-property-enum-value-added", "paused")
	require.NotNil(t, added.New)
	assert.Nil(t, added.Old)
	assert.Equal(t, evolved, added.New.File)
	assert.Equal(t, "/components/schemas/CrawlStatus/enum/5", added.New.Pointer)
	assert.NotEmpty(t, added.Comment, "oasdiff says why a new response enum value breaks clients")

	status := find(t, res, "response-non-success-status-added", "`429`")
	assert.Nil(t, status.Old)
	assert.Equal(t, "/paths/~1crawl~1info/get/responses/429", status.New.Pointer)

	version := find(t, res, "api-major-version-not-bumped", "`1.0.0` to `1.1.0`")
	assert.Equal(t, "info", version.Subject())
	assert.Equal(t, "info", version.Section)
}

func TestCompareIdentical(t *testing.T) {
	res, err := Compare(context.Background(), Embedded, "../../openapi.yaml")
	require.NoError(t, err)
	assert.True(t, res.Identical)
	assert.Empty(t, res.Changes)
	assert.NotNil(t, res.Changes, "an empty list, not null, in JSON")
	assert.Equal(t, Counts{}, res.Counts)
	assert.Empty(t, res.Notes)
}

func TestCompareNotesWhatValidationFindsShortOfAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "example.yaml")
	doc := operationWithSchema("{type: integer}") + "              example: seven\n"
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	res, err := Compare(context.Background(), Embedded, path)
	require.NoError(t, err, "a bad example does not stop the comparison")
	assert.Equal(t, []Note{{File: path, Line: 12, Level: LevelInfo, ID: "example-violates-schema",
		Text: "invalid example: value must be an integer"}}, res.Notes, "one line, without the schema kin-openapi adds")
}

// itemsSpec is a small API whose request and response sides a test changes.
type itemsSpec struct {
	description string // of the operation
	params      string // more query parameters, one YAML flow mapping a line
	kinds       string // enum of the kind query parameter
	required    string // required response properties
	states      string // enum of the response's state
}

func (s itemsSpec) write(t *testing.T, dir, name string) string {
	t.Helper()
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	var params strings.Builder
	for _, p := range strings.Split(s.params, "\n") {
		if p != "" {
			params.WriteString("        - " + p + "\n")
		}
	}
	doc := `openapi: 3.0.3
info: {title: items, version: "1"}
paths:
  /items:
    get:
      operationId: listItems
      description: ` + def(s.description, "Lists items.") + `
      parameters:
        - {name: kind, in: query, schema: {type: string, enum: [` + def(s.kinds, "a, b") + `]}}
` + params.String() + `      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [` + def(s.required, "id, state") + `]
                properties:
                  id: {type: integer}
                  state: {type: string, enum: [` + def(s.states, "on, off") + `]}
`
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	return path
}

// TestCompareJudgesForClients: what breaks a client is what it sends that
// the new API refuses, or what the new API answers that it cannot read.
func TestCompareJudgesForClients(t *testing.T) {
	dir := t.TempDir()
	base := itemsSpec{}.write(t, dir, "base.yaml")
	tests := []struct {
		name     string
		new      itemsSpec
		id       string
		level    string
		breaking bool
	}{
		{"a new required request parameter", itemsSpec{params: "{name: q, in: query, required: true, schema: {type: string}}"},
			"new-required-request-parameter", LevelErr, true},
		{"a new optional request parameter", itemsSpec{params: "{name: q, in: query, schema: {type: string}}"},
			"new-optional-request-parameter", LevelInfo, false},
		{"a request enum value removed", itemsSpec{kinds: "a"},
			"request-parameter-enum-value-removed", LevelErr, true},
		{"a request enum value added", itemsSpec{kinds: "a, b, c"},
			"request-parameter-enum-value-added", LevelInfo, false},
		{"a response property no longer required", itemsSpec{required: "state"},
			"response-property-became-optional", LevelErr, true},
		{"a response enum value added", itemsSpec{states: "on, off, paused"},
			"response-property-enum-value-added", LevelErr, true},
		{"a response enum value removed", itemsSpec{states: "on"},
			"response-property-enum-value-removed", LevelInfo, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.new.write(t, dir, "new"+string(rune('a'+i))+".yaml")
			res, err := Compare(context.Background(), base, path)
			require.NoError(t, err)
			require.Len(t, res.Changes, 1, "%+v", res.Changes)
			c := res.Changes[0]
			assert.Equal(t, tt.id, c.ID)
			assert.Equal(t, tt.level, c.Level)
			assert.Equal(t, tt.breaking, c.Breaking)
			assert.Equal(t, "GET /items", c.Subject())
			assert.Equal(t, "listItems", c.OperationID)
		})
	}

	t.Run("a request parameter removed is a warning, and breaking", func(t *testing.T) {
		withQ := itemsSpec{params: "{name: q, in: query, schema: {type: string}}"}.write(t, dir, "with-q.yaml")
		res, err := Compare(context.Background(), withQ, base)
		require.NoError(t, err)
		require.Len(t, res.Changes, 1)
		assert.Equal(t, "request-parameter-removed", res.Changes[0].ID)
		assert.Equal(t, LevelWarn, res.Changes[0].Level)
		assert.True(t, res.Changes[0].Breaking)
		assert.Equal(t, Counts{Total: 1, Breaking: 1, Warn: 1}, res.Counts)
	})

	t.Run("a description changed is no change for clients", func(t *testing.T) {
		path := itemsSpec{description: "Lists every item."}.write(t, dir, "described.yaml")
		res, err := Compare(context.Background(), base, path)
		require.NoError(t, err)
		assert.Empty(t, res.Changes)
		assert.False(t, res.Identical, "the documents differ, where no check looks")
	})
}

func TestCompareFollowsLocalRefsAndReadsOpenAPI31(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
		return path
	}
	root := func(name, schemas string) string {
		doc := operationWithSchema(`{$ref: "` + schemas + `#/Thing"}`)
		return write(name, strings.Replace(doc, "openapi: 3.0.3", "openapi: 3.1.0", 1))
	}
	write("old-schemas.yaml", "Thing:\n  type: object\n  required: [a]\n  properties:\n    a: {type: [string, \"null\"]}\n")
	write("new-schemas.yaml", "Thing:\n  type: object\n  properties:\n    b: {type: string}\n")
	oldPath, newPath := root("old.yaml", "old-schemas.yaml"), root("new.yaml", "new-schemas.yaml")

	res, err := Compare(context.Background(), oldPath, newPath)
	require.NoError(t, err)
	removed := find(t, res, "response-required-property-removed", "`a`")
	require.NotNil(t, removed.Old)
	assert.Equal(t, filepath.Join(dir, "old-schemas.yaml"), removed.Old.File, "the file the field is in")
	assert.Empty(t, removed.Old.Pointer, "a pointer is given in the compared document only")
	assert.Equal(t, 5, removed.Old.Line)
}
