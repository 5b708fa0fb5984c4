// Package nodetest runs the JavaScript tests with node's test runner
// against the crawlkit binary built from this tree: the example test of a
// frontend (checkout.test.mjs) and the npm package's own tests.
package nodetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNodeTests installs the npm package from the tree (a link in
// node_modules) into an empty project, with the example and the package's
// tests, and runs them all with node --test; the package runs the binary
// in CRAWLKIT_BINARY.
func TestNodeTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts it a few times; the full suite runs it")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("no node: .ci/run installs Debian's nodejs package")
		}
		t.Skip("no node on this machine: apt-get install nodejs")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "crawlkit")
	build := exec.Command("go", "build", "-o", bin, "./cmd/crawlkit")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	app := filepath.Join(tmp, "app")
	require.NoError(t, os.MkdirAll(filepath.Join(app, "node_modules", "@crawlkit"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(root, "npm", "crawlkit"), filepath.Join(app, "node_modules", "@crawlkit", "cli")))
	var files []string
	for _, pattern := range []string{"*.mjs", "../../npm/crawlkit/test/*.test.mjs"} {
		matches, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, matches, pattern)
		for _, m := range matches {
			data, err := os.ReadFile(m)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(app, filepath.Base(m)), data, 0o600))
			files = append(files, filepath.Base(m))
		}
	}
	var tests []string
	for _, f := range files {
		if matched, _ := filepath.Match("*.test.mjs", f); matched {
			tests = append(tests, f)
		}
	}
	cmd := exec.Command(node, append([]string{"--test"}, tests...)...)
	cmd.Dir = app
	cmd.Env = append(os.Environ(), "CRAWLKIT_BINARY="+bin)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "node --test:\n%s", out)
}
