package specdiff

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

func TestPointerAt(t *testing.T) {
	const doc = `openapi: 3.0.3
paths:
  /crawl/info:
    get:
      parameters:
        - name: id
          in: query
      x-a~b: [one, two]
`
	var tree yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(doc), &tree))
	tests := []struct {
		line, column int
		want         string
	}{
		{1, 1, "/openapi"},
		{3, 3, "/paths/~1crawl~1info"},
		{4, 5, "/paths/~1crawl~1info/get"},
		{6, 11, "/paths/~1crawl~1info/get/parameters/0"},
		{7, 11, "/paths/~1crawl~1info/get/parameters/0/in"},
		{8, 7, "/paths/~1crawl~1info/get/x-a~0b"},
		{8, 20, "/paths/~1crawl~1info/get/x-a~0b/1"},
	}
	for _, tt := range tests {
		got, ok := pointerAt(&tree, tt.line, tt.column)
		assert.True(t, ok, "%d:%d", tt.line, tt.column)
		assert.Equal(t, tt.want, got, "%d:%d", tt.line, tt.column)
	}

	for _, at := range [][2]int{{0, 0}, {1, 2}, {2, 9}, {99, 1}} {
		_, ok := pointerAt(&tree, at[0], at[1])
		assert.False(t, ok, "nothing starts at %d:%d", at[0], at[1])
	}
	_, ok := pointerAt(nil, 1, 1)
	assert.False(t, ok)
}
