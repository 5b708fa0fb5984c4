package main

import (
	"bufio"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	// flagsHeading is a README heading that opens a command's flag table:
	// ### `crawlkit serve` flags (several commands: `crawlkit a`, `crawlkit b` flags).
	flagsHeading = regexp.MustCompile("^#{2,4} .*`crawlkit[^`]*`.* flags$")
	headingCmd   = regexp.MustCompile("`(crawlkit[^`]*)`")
	// flagRow is a table row whose first cell starts with the flag: | `--addr` |, | `--now T` |.
	flagRow = regexp.MustCompile("^\\| `--([a-z0-9][a-z0-9-]*)")
)

// readmeFlagTables reads, for each command path, the flags its table in
// README.md has a row for, and the line of its heading.
func readmeFlagTables(t *testing.T, r io.Reader) (rows map[string]map[string]bool, heading map[string]int) {
	t.Helper()
	rows, heading = map[string]map[string]bool{}, map[string]int{}
	var current []string
	inTable := false
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			current, inTable = nil, false
			if flagsHeading.MatchString(line) {
				for _, m := range headingCmd.FindAllStringSubmatch(line, -1) {
					current = append(current, m[1])
					heading[m[1]] = n
					if rows[m[1]] == nil {
						rows[m[1]] = map[string]bool{}
					}
				}
			}
		case strings.HasPrefix(line, "|") && current != nil:
			inTable = true
			if m := flagRow.FindStringSubmatch(line); m != nil {
				for _, c := range current {
					rows[c][m[1]] = true
				}
			}
		case inTable:
			// The table ended: rows after it are another table's.
			current, inTable = nil, false
		}
	}
	require.NoError(t, sc.Err())
	return rows, heading
}

// commandFlags walks crawlkit's commands, completion included, and lists
// each one's flags but --help.
func commandFlags() map[string][]string {
	root := newRootCmd(io.Discard, io.Discard)
	root.InitDefaultCompletionCmd()
	out := map[string][]string{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name != "help" {
				out[c.CommandPath()] = append(out[c.CommandPath()], f.Name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// TestREADMEExplainsEveryFlag: every flag of every command's --help has a
// row in that command's flag table in README.md, and every row names a
// flag the command has. A table is a heading "### `crawlkit CMD` flags"
// followed by a markdown table whose rows start with | `--flag ...` |.
func TestREADMEExplainsEveryFlag(t *testing.T) {
	f, err := os.Open("../../README.md")
	require.NoError(t, err)
	defer f.Close()
	rows, heading := readmeFlagTables(t, f)

	var missing, stale []string
	flags := commandFlags()
	for _, cmd := range sortedKeys(flags) {
		for _, name := range flags[cmd] {
			if !rows[cmd][name] {
				where := "add a \"### `" + cmd + "` flags\" heading and a table"
				if line, ok := heading[cmd]; ok {
					where = "in its table under README.md:" + strconv.Itoa(line)
				}
				missing = append(missing, "`"+cmd+"` --"+name+": no row | `--"+name+"` | ... | "+where)
			}
		}
	}
	for _, cmd := range sortedKeys(rows) {
		has := map[string]bool{}
		for _, name := range flags[cmd] {
			has[name] = true
		}
		for _, name := range sortedKeys(rows[cmd]) {
			if !has[name] {
				stale = append(stale, "`"+cmd+"` --"+name+" (README.md:"+strconv.Itoa(heading[cmd])+"): the command has no such flag")
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("flags in --help that README.md does not explain:\n%s", strings.Join(missing, "\n"))
	}
	if len(stale) > 0 {
		t.Errorf("README.md rows for flags that do not exist:\n%s", strings.Join(stale, "\n"))
	}
}

// TestREADMEFlagTablesAreRead: the reader finds the rows of a table under
// its heading, for each command the heading names, and no further.
func TestREADMEFlagTablesAreRead(t *testing.T) {
	rows, heading := readmeFlagTables(t, strings.NewReader(strings.Join([]string{
		"### `crawlkit serve` flags",
		"",
		"| flag | does |",
		"| --- | --- |",
		"| `--addr` | where |",
		"| `--now T` | when |",
		"",
		"| `--stray` | a table of its own |",
		"### `crawlkit completion bash`, `crawlkit completion zsh` flags",
		"| `--no-descriptions` | shorter |",
		"## Other",
		"| `--other` | not a flag table |",
	}, "\n")))
	assert.Equal(t, map[string]map[string]bool{
		"crawlkit serve":           {"addr": true, "now": true},
		"crawlkit completion bash": {"no-descriptions": true},
		"crawlkit completion zsh":  {"no-descriptions": true},
	}, rows)
	assert.Equal(t, 1, heading["crawlkit serve"])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
