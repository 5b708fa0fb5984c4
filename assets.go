// Package crawlkit holds the files every part of crawlkit is built from: the
// OpenAPI contract and the shipped fixtures, embedded so that a binary needs
// nothing beside it.
package crawlkit

import (
	"embed"
	"io/fs"
)

//go:embed openapi.yaml
var openAPIYAML []byte

//go:embed fixtures
var fixturesFS embed.FS

// OpenAPIYAML returns a copy of the embedded openapi.yaml.
func OpenAPIYAML() []byte {
	return append([]byte(nil), openAPIYAML...)
}

// Fixtures returns the shipped fixtures directory as a file system rooted at it.
func Fixtures() fs.FS {
	sub, err := fs.Sub(fixturesFS, "fixtures")
	if err != nil {
		// fs.Sub fails only on an invalid path name, and "fixtures" is valid.
		panic(err)
	}
	return sub
}
