package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/generate"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// ErrInvalid is wrapped by every error about a scenarios file's content.
var ErrInvalid = errors.New("invalid scenarios")

// Error is one problem in a scenarios file, with where it is.
type Error struct {
	File   string
	Line   int
	Rule   string
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Rule != "" {
		b.WriteString(": scenario " + strconv.Quote(e.Rule))
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *Error) Unwrap() error { return ErrInvalid }

// Env is what rules are checked against: the contract, for its documented
// statuses and named examples, and the fixtures loaded beside them.
type Env struct {
	Contract *spec.Contract
	// HasFixture reports whether a fixture file of that name is loaded.
	HasFixture func(file string) bool
}

type file struct {
	Scenarios []Rule `yaml:"scenarios"`
}

// Parse reads a scenarios document, `scenarios:` and a list of rules, and
// checks every rule against env. Errors name the file, the line and the rule.
func Parse(source string, data []byte, env Env) ([]Rule, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlErrors(source, err)
	}
	var lines struct {
		Scenarios []yaml.Node `yaml:"scenarios"`
	}
	_ = yaml.Unmarshal(data, &lines) // it decoded strictly above
	var errs []error
	seen := map[string]int{}
	for i := range f.Scenarios {
		r := &f.Scenarios[i]
		r.Source = source
		if i < len(lines.Scenarios) {
			r.Line = lines.Scenarios[i].Line
		}
		if prev, dup := seen[r.Name]; dup && r.Name != "" {
			errs = append(errs, &Error{File: source, Line: r.Line, Rule: r.Name, Reason: fmt.Sprintf("name already used at line %d", prev)})
		}
		seen[r.Name] = r.Line
		if err := Check(r, env); err != nil {
			errs = append(errs, &Error{File: source, Line: r.Line, Rule: r.Name, Reason: err.Error()})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f.Scenarios, nil
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Check says what is wrong with one rule, or nil.
func Check(r *Rule, env Env) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !nameRE.MatchString(r.Name) {
		add("name %q: lower-case letters, digits, '.', '_' and '-', up to 64", r.Name)
	}
	resp := &r.Respond
	bodies := 0
	for _, set := range []bool{resp.Example != "", resp.Fixture != "", resp.Crawl != nil, resp.Progression != nil, resp.Body != nil} {
		if set {
			bodies++
		}
	}
	if bodies > 1 {
		add("respond: example, fixture, crawl, progression and body exclude each other")
	}
	switch {
	case resp.OffContract && !OffContractStatus(resp.Status):
		add("respond.off_contract: answers an error status, 400 to 599, not %d", resp.Status)
	case resp.OffContract && bodies > 0 && resp.Body == nil:
		add("respond.off_contract: answers with status, headers and body only, not an example, fixture, crawl or progression")
	case resp.Status != 0 && !resp.OffContract && !env.Contract.Documented(resp.Status):
		add("respond.status %d: the contract does not document it (documented: %s); add off_contract: true to answer it on purpose", resp.Status, env.Contract.StatusList())
	}
	if resp.Body != nil && resp.Status == 0 {
		add("respond.body: give the status it is sent with")
	}
	if _, err := json.Marshal(resp.Body); err != nil {
		add("respond.body: not a JSON value (mappings need string keys)")
	}
	for name, value := range resp.Headers {
		if !validHeader(name, value) {
			add("respond.headers %q: a header name and a value without control characters", name)
		}
	}
	if resp.Example != "" {
		status := env.Contract.Examples.Status(resp.Example)
		switch {
		case status == 0:
			add("respond.example %q: no such example in the contract (%s)", resp.Example, strings.Join(env.Contract.Examples.Names(), ", "))
		case resp.Status != 0 && resp.Status != status:
			add("respond.example %q is a %d, not a %d", resp.Example, status, resp.Status)
		}
	}
	if (resp.Fixture != "" || resp.Crawl != nil || resp.Progression != nil) && resp.Status != 0 && resp.Status != 200 {
		add("respond.status %d: a fixture, crawl or progression is a 200", resp.Status)
	}
	if resp.Fixture != "" && !env.HasFixture(resp.Fixture) {
		add("respond.fixture %q: no such fixture file", resp.Fixture)
	}
	if c := resp.Crawl; c != nil {
		statuses := env.crawlStatuses()
		if c.Status != "" && !slices.Contains(statuses, c.Status) {
			add("respond.crawl.status %q: one of %s", c.Status, strings.Join(statuses, ", "))
		}
		opts := generate.Options{Status: c.Status}
		if c.Screenshots != nil {
			opts.Screenshots, opts.SetScreenshots = *c.Screenshots, true
		}
		if c.Status == "" || slices.Contains(statuses, c.Status) {
			if err := opts.CheckIn(statuses); err != nil {
				add("respond.crawl: %s", err)
			}
		}
	}
	if p := resp.Progression; p != nil {
		if err := validProgression(p.Statuses); err != nil {
			add("respond.progression: %s", err)
		}
		switch n := p.Size(); {
		case p.Screenshots != nil && (n < 0 || n > generate.MaxScreenshots):
			add("respond.progression.screenshots %d: from 0 to %d", n, generate.MaxScreenshots)
		case n == 0 && slices.Contains(p.Statuses, crawl.StatusProcessing):
			add("respond.progression.screenshots 0: a crawl processing takes pages, so at least 1 (or leave it out for the seed's choice)")
		}
	}
	if resp.Fault != "" && !IsFault(resp.Fault) {
		add("respond.fault %q: one of %s", resp.Fault, strings.Join(Faults[:], ", "))
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// crawlStatuses are the statuses a crawl may take: the contract's, or the
// generator's own where the contract has no list.
func (env Env) crawlStatuses() []string {
	if env.Contract != nil && env.Contract.CrawlStatuses != nil {
		return env.Contract.CrawlStatuses
	}
	return crawl.Statuses[:]
}

// validHeader reports a header name (a token) and value a response can carry.
func validHeader(name, value string) bool {
	if name == "" || strings.ContainsFunc(value, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// yamlErrors turns the YAML decoder's errors into one Error a line, each
// said in the file's terms: which key, what it holds, what was expected.
func yamlErrors(source string, err error) error {
	var typeErr *yaml.TypeError
	if !errors.As(err, &typeErr) {
		// A syntax error ("yaml: line 2: ..."), or one of this package's
		// readers of ids and delays ("line 3: id: ...").
		msg, syntax := strings.CutPrefix(err.Error(), "yaml: ")
		line := 0
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ": ")
		}
		if syntax {
			msg = "not valid YAML: " + msg
		}
		return &Error{File: source, Line: line, Reason: msg}
	}
	var errs []error
	for _, msg := range typeErr.Errors {
		line := 0
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ": ")
		}
		errs = append(errs, &Error{File: source, Line: line, Reason: yamlReason(msg)})
	}
	return errors.Join(errs...)
}

// yamlTypes says, for each Go type the decoder names, which key of the file
// it is and what that key expects.
var yamlTypes = map[string][2]string{
	"scenario.file":        {"the file", "a mapping: scenarios: and a list of rules"},
	"[]scenario.Rule":      {"scenarios:", "a list of rules, each starting - name: ..."},
	"scenario.Rule":        {"a rule", "a mapping of name, description, match and respond"},
	"scenario.Match":       {"match", "a mapping of id, key, header and query"},
	"scenario.Respond":     {"respond", "a mapping of status, example, fixture, crawl, progression, body, headers, off_contract, delay and fault"},
	"scenario.CrawlShape":  {"crawl", "a mapping of status, screenshots and seed"},
	"scenario.Progression": {"progression", "a mapping of statuses and screenshots"},
	"map[string]string":    {"header, query or headers", "a mapping of names to text"},
	"[]string":             {"statuses", "a list, as [in_queue, processing, finished]"},
	"int":                  {"status or screenshots", "a whole number"},
	"uint64":               {"seed", "a whole number, 0 or more"},
	"string":               {"a text field", "text"},
	"bool":                 {"off_contract", "true or false"},
}

// yamlKinds names YAML's node tags as a person reads them.
var yamlKinds = map[string]string{"!!seq": "a list", "!!map": "a mapping", "!!str": "text", "!!int": "a number",
	"!!float": "a number", "!!bool": "true or false", "!!null": "nothing"}

var (
	cannotRE  = regexp.MustCompile("^cannot unmarshal (!![a-z]+)(?: `([^`]*)`)? into \\*?(.+)$")
	unknownRE = regexp.MustCompile(`^field (\S+) not found in type \*?(.+)$`)
)

// yamlReason rewrites one decoder message: "cannot unmarshal !!seq into
// scenario.Respond" becomes "respond holds a list; it expects a mapping of
// status, example, ...".
func yamlReason(msg string) string {
	if m := cannotRE.FindStringSubmatch(msg); m != nil {
		got := yamlKinds[m[1]]
		if got == "" {
			got = m[1]
		}
		if m[2] != "" {
			got += " " + strconv.Quote(m[2])
		}
		if t, ok := yamlTypes[strings.TrimPrefix(m[3], "*")]; ok {
			return fmt.Sprintf("%s holds %s; it expects %s", t[0], got, t[1])
		}
		return fmt.Sprintf("%s is not what this key expects", got)
	}
	if m := unknownRE.FindStringSubmatch(msg); m != nil {
		if t, ok := yamlTypes[m[2]]; ok {
			return fmt.Sprintf("%s is not a key of %s, which is %s", m[1], t[0], t[1])
		}
		return m[1] + " is not a key here"
	}
	return msg
}

// UnmarshalYAML reads one id, a "from-to" range, or a list of them.
func (ids *IDs) UnmarshalYAML(n *yaml.Node) error {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		items = n.Content
	default:
		return fmt.Errorf("line %d: id: a crawl id, a from-to range, or a list of them", n.Line)
	}
	for _, item := range items {
		if item.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: id: a crawl id, a from-to range, or a list of them", item.Line)
		}
		r, err := parseIDRange(item.Value)
		if err != nil {
			return fmt.Errorf("line %d: id: %w", item.Line, err)
		}
		*ids = append(*ids, r)
	}
	return nil
}

// MarshalText writes the set as it is written in a file.
func (ids IDs) MarshalText() ([]byte, error) { return []byte(ids.String()), nil }

// UnmarshalYAML reads "250ms", "2s", "100ms-800ms" or a number of milliseconds.
func (d *Delay) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: delay: a duration like 250ms or a range like 100ms-800ms", n.Line)
	}
	parsed, err := ParseDelay(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = parsed
	return nil
}
