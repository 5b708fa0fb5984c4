package crawlkit_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")
	jsBlock = regexp.MustCompile("(?s)```js\n(.*?)```")
)

// testRunnerSection is the README section whose JavaScript snippets are
// copies of tested files.
const testRunnerSection = "### From your test runner\n"

// TestREADMEGoSnippetsAreCompiledExamples holds every Go snippet of the
// README to a copy in a test file, where it compiles and runs.
func TestREADMEGoSnippetsAreCompiledExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	require.NotEmpty(t, blocks)
	var sources []string
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") {
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sources = append(sources, string(src))
		}
		return nil
	})
	require.NoError(t, err)
	for _, b := range blocks {
		snippet := b[1]
		found := false
		for _, src := range sources {
			if strings.Contains(src, snippet) {
				found = true
				break
			}
		}
		assert.True(t, found, "README snippet is not a copy of a compiled example or test:\n%s", snippet)
	}
}

// TestREADMETestRunnerSnippetsAreTestedFiles holds the JavaScript snippets
// of the README's "From your test runner" section to copies in JavaScript
// files the suite runs (examples/node-test, with node --test).
func TestREADMETestRunnerSnippetsAreTestedFiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, found := strings.Cut(string(readme), testRunnerSection)
	require.True(t, found, "the README has a %q section", testRunnerSection)
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	blocks := jsBlock.FindAllStringSubmatch(section, -1)
	require.NotEmpty(t, blocks)
	tested, err := filepath.Glob("examples/node-test/*.test.mjs")
	require.NoError(t, err)
	require.NotEmpty(t, tested)
	for _, b := range blocks {
		found := false
		for _, path := range tested {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			found = found || strings.Contains(string(src), b[1])
		}
		assert.True(t, found, "README snippet is not a copy of a tested file in examples/node-test:\n%s", b[1])
	}
}
