package contract

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteGitHubAnnotations writes the run as GitHub Actions workflow commands,
// which a runner turns into annotations on the job: an ::error per failed
// case, titled with the case and saying its first finding; a ::warning per
// kind of warning (coherence, drift, an allowance that allowed nothing), with
// how often it was seen and its first occurrence; an ::error when the run
// stopped early. Every value is escaped as workflow commands require.
func (r *Report) WriteGitHubAnnotations(w io.Writer) error {
	var b strings.Builder
	for _, c := range r.Cases {
		if c.Outcome != Fail || len(c.Failures) == 0 {
			continue
		}
		msg := c.Failures[0].String()
		if more := len(c.Failures) - 1; more > 0 {
			msg += fmt.Sprintf(" (and %d more finding(s))", more)
		}
		if c.Status != 0 {
			msg = fmt.Sprintf("status %d: %s", c.Status, msg)
		}
		writeCommand(&b, "error", c.Name, msg)
	}
	for _, k := range r.warningKinds() {
		msg := fmt.Sprintf("%d finding(s) in %d case(s); first in %s: %s", k.findings, len(k.cases), k.cases[0], k.first)
		writeCommand(&b, "warning", "crawlkit contract: "+k.check, msg)
	}
	for _, a := range r.UnusedAllowances {
		writeCommand(&b, "warning", "crawlkit contract: unused allowance", fmt.Sprintf("%s allowed nothing in this run", a))
	}
	if r.Stopped != "" {
		writeCommand(&b, "error", "crawlkit contract stopped", fmt.Sprintf("%s; %s", r.Stopped, r.Summary()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGitHubSummary writes the run as GitHub-flavoured markdown, for a
// job's step summary ($GITHUB_STEP_SUMMARY): the counts, a table of the
// failed cases with their first finding, the warnings, and what the run
// covered. The fields never seen with a value are counted, and listed only
// with Verbose.
func (r *Report) WriteGitHubSummary(w io.Writer, opts ...ReportOption) error {
	o := reportOptions(opts)
	var b strings.Builder
	verdict := "passed"
	switch {
	case r.Stopped != "":
		verdict = "stopped"
	case !r.OK():
		verdict = "failed"
	}
	fmt.Fprintf(&b, "### crawlkit contract %s: %s\n\n", verdict, mdText(r.BaseURL))
	fmt.Fprintf(&b, "**%s** in %.1f s\n\n", mdText(r.Summary()), r.DurationMS/1000)
	b.WriteString("| passed | with allowed deviations | failed | skipped | not run |\n| ---: | ---: | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n", r.Passed, r.PassedAllowed, r.Failed, r.Skipped, r.NotRun)
	if r.Stopped != "" {
		fmt.Fprintf(&b, "\nStopped: %s\n", mdText(r.Stopped))
	}
	if r.Failed > 0 {
		b.WriteString("\n#### Failed cases\n\n| case | status | first finding | findings |\n| --- | ---: | --- | ---: |\n")
		for _, c := range r.Cases {
			if c.Outcome != Fail || len(c.Failures) == 0 {
				continue
			}
			status := "none"
			if c.Status != 0 {
				status = fmt.Sprint(c.Status)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", mdText(c.Name), status, mdText(c.Failures[0].String()), len(c.Failures))
		}
	}
	if kinds := r.warningKinds(); len(kinds) > 0 {
		b.WriteString("\n#### Warnings\n\n| check | findings | cases | first |\n| --- | ---: | ---: | --- |\n")
		for _, k := range kinds {
			fmt.Fprintf(&b, "| %s | %d | %d | %s: %s |\n", k.check, k.findings, len(k.cases), mdText(k.cases[0]), mdText(k.first))
		}
	}
	if r.Coverage != nil {
		r.Coverage.writeMarkdown(&b, o.verbose)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// warningKind is one check's warnings across a run.
type warningKind struct {
	check    string
	findings int
	cases    []string
	first    string
}

// warningKinds groups the run's warnings by check, in the order of the
// checks' names.
func (r *Report) warningKinds() []warningKind {
	byCheck := map[string]*warningKind{}
	for _, c := range r.Cases {
		for _, f := range c.Warnings {
			k := byCheck[f.Check]
			if k == nil {
				k = &warningKind{check: f.Check, first: f.String()}
				byCheck[f.Check] = k
			}
			k.findings++
			if len(k.cases) == 0 || k.cases[len(k.cases)-1] != c.Name {
				k.cases = append(k.cases, c.Name)
			}
		}
	}
	out := make([]warningKind, 0, len(byCheck))
	for _, k := range byCheck {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].check < out[j].check })
	return out
}

func (c *Coverage) writeMarkdown(b *strings.Builder, verbose bool) {
	b.WriteString("\n#### Coverage\n\n| what | seen |\n| --- | --- |\n")
	fmt.Fprintf(b, "| statuses | %s |\n", mdText(counts(c.Statuses)))
	if len(c.Undocumented) > 0 {
		fmt.Fprintf(b, "| undocumented statuses | %s |\n", mdText(counts(c.Undocumented)))
	}
	fmt.Fprintf(b, "| error codes | %s |\n", mdText(counts(c.Codes)))
	fmt.Fprintf(b, "| auth | %s |\n", mdText(counts(c.Auth)))
	for _, ptr := range sortedKeys(c.Enums) {
		fmt.Fprintf(b, "| %s | %s |\n", mdText(ptr), mdText(counts(c.Enums[ptr])))
	}
	if len(c.NeverSeen) > 0 {
		fmt.Fprintf(b, "| fields never seen with a value | %d (%s) |\n", len(c.NeverSeen), neverSeenWhere)
		if verbose {
			fmt.Fprintf(b, "\n<details><summary>%d fields never seen with a value</summary>\n\n%s\n\n</details>\n",
				len(c.NeverSeen), mdText(strings.Join(c.NeverSeen, ", ")))
		}
	}
}

// writeCommand writes one workflow command: ::kind title=TITLE::MESSAGE.
func writeCommand(b *strings.Builder, kind, title, message string) {
	fmt.Fprintf(b, "::%s title=%s::%s\n", kind, escapeProperty(title), escapeData(message))
}

// escapeData escapes a workflow command's message as the runner reads it:
// %, CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value: as a message,
// and the : and , that would end it.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// mdText makes s one line of plain text inside a markdown table cell: no
// line breaks, no HTML, no table or emphasis syntax.
func mdText(s string) string {
	return strings.NewReplacer(
		"\r\n", " ", "\n", " ", "\r", " ",
		"&", "&amp;", "<", "&lt;", ">", "&gt;",
		"|", `\|`, `\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	).Replace(s)
}
