package crawlkit_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// actionDefaultVersion is the crawlkit release action.yml installs when
// its version input is not given.
func actionDefaultVersion(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("action.yml")
	require.NoError(t, err)
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
	}
	require.NoError(t, yaml.Unmarshal(src, &action))
	return action.Inputs["version"].Default
}

// TestActionInstallsItsOwnRelease: the GitHub Action installs, by default,
// the release it belongs to. GoReleaser stamps the tag's version into the
// binary, and runs scripts/check-release-version first, which refuses a
// release whose version is not action.yml's default; here the default is
// held to CHANGELOG.md's newest release, to the script's verdicts, and, on
// a tagged commit, to the tag.
func TestActionInstallsItsOwnRelease(t *testing.T) {
	def := actionDefaultVersion(t)
	require.Regexp(t, `^\d+\.\d+\.\d+$`, def, "a release version, never latest")
	changelog, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)
	newest := regexp.MustCompile(`(?m)^## \[(\d[^\]]*)\]`).FindSubmatch(changelog)
	require.NotNil(t, newest, "CHANGELOG.md has a release")
	assert.Equal(t, string(newest[1]), def, "action.yml's version default is CHANGELOG.md's newest release")

	goreleaser, err := os.ReadFile(".goreleaser.yaml")
	require.NoError(t, err)
	assert.Contains(t, string(goreleaser), "- ./scripts/check-release-version {{ .Version }} {{ .IsSnapshot }}", "GoReleaser checks before it stamps")
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run scripts/check-release-version")
	}
	for _, tc := range []struct {
		version, snapshot string
		ok                bool
	}{
		{def, "false", true},
		{"0.0.1-snapshot.abc1234", "true", true},
		{"99.0.0", "false", false},
	} {
		out, err := exec.Command("bash", "scripts/check-release-version", tc.version, tc.snapshot).CombinedOutput()
		assert.Equal(t, tc.ok, err == nil, "%s snapshot=%s: %s", tc.version, tc.snapshot, out)
	}
	for _, file := range []string{"README.md", "examples/ci/contract.yml"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		for _, m := range actionRef.FindAllStringSubmatch(string(src), -1) {
			assert.Equal(t, "v"+def, m[1], "%s uses the Action at the release it installs", file)
		}
	}
	if tag, err := exec.Command("git", "describe", "--exact-match", "--tags", "--match", "v*", "HEAD").Output(); err == nil {
		assert.Equal(t, strings.TrimSpace(string(tag)), "v"+def, "the tag of this commit is the action's default")
	}
}

var actionRef = regexp.MustCompile(`crawlkit/crawlkit@(\S+?)[\s)\x60]`)

var secretRef = regexp.MustCompile(`secrets\.([A-Za-z_][A-Za-z0-9_]*)`)

// TestOneSecretName: the README, the example workflow and action.yml name
// the same secret for the API key.
func TestOneSecretName(t *testing.T) {
	names := map[string][]string{}
	for _, file := range []string{"README.md", "examples/ci/contract.yml", "action.yml"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		found := secretRef.FindAllStringSubmatch(string(src), -1)
		require.NotEmpty(t, found, "%s names the secret", file)
		for _, m := range found {
			names[m[1]] = append(names[m[1]], file)
		}
	}
	assert.Len(t, names, 1, "one secret name across the README, the example and action.yml: %v", names)
}
