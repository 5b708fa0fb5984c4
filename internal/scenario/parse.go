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

	"go.yaml.in/yaml/v4"

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
// checks every rule against env. It reports every problem at once, each a
// *Error at its own line: the line of the field that is wrong, and for a
// YAML syntax error the line the parser stopped at. Problems are joined
// (errors.Join) in line order.
func Parse(source string, data []byte, env Env) ([]Rule, error) {
	var doc yaml.Node
	loader, err := yaml.NewLoader(bytes.NewReader(data), yaml.WithSingleDocument())
	if err == nil {
		err = loader.Load(&doc)
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty document
		}
		return nil, syntaxError(source, err)
	}
	if doc.Kind == 0 {
		return nil, nil // comments only
	}
	var f file
	errs, decodeErrs := yamlErrors(source, doc.Load(&f, yaml.WithKnownFields()))
	nodes := ruleNodes(&doc)
	for _, e := range errs {
		if i := ruleAt(nodes, e.Line); i >= 0 {
			e.Rule = ruleName(nodes[i])
		}
	}
	seen := map[string]int{}
	for i := range f.Scenarios {
		r := &f.Scenarios[i]
		r.Source = source
		var n *yaml.Node
		if i < len(nodes) {
			n = nodes[i]
			r.Line = n.Line
		}
		if prev, dup := seen[r.Name]; dup && r.Name != "" {
			line, _ := field(n, "name")
			errs = append(errs, &Error{File: source, Line: line, Rule: r.Name, Reason: fmt.Sprintf("name already used at line %d", prev)})
		}
		seen[r.Name], _ = field(n, "name")
		for _, p := range Problems(r, env) {
			// Where the decoder found a problem, the field holds what
			// could be read: checking it further would repeat the problem.
			line, value := field(n, p.Field)
			if value == nil || !decodeErrs[position{value.Line, value.Column}] {
				errs = append(errs, &Error{File: source, Line: line, Rule: r.Name, Reason: p.Reason})
			}
		}
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
		joined := make([]error, len(errs))
		for i, e := range errs {
			joined[i] = e
		}
		return nil, errors.Join(joined...)
	}
	return f.Scenarios, nil
}

// ruleNodes returns the rules' nodes of a document: the items of its
// scenarios: list, if it has one.
func ruleNodes(doc *yaml.Node) []*yaml.Node {
	root := resolve(doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolve(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "scenarios" {
			if list := resolve(root.Content[i+1]); list.Kind == yaml.SequenceNode {
				return list.Content
			}
		}
	}
	return nil
}

// ruleAt returns the index of the rule of nodes whose lines hold line: the
// last one starting at or before it; -1 before the first.
func ruleAt(nodes []*yaml.Node, line int) int {
	at := -1
	for i, n := range nodes {
		if n.Line <= line {
			at = i
		}
	}
	return at
}

// ruleName is the name: of a rule's node, if it has one.
func ruleName(n *yaml.Node) string {
	if v := child(n, "name"); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// field finds the field at path ("respond.status") in a rule's node: the
// line of the deepest of its keys the rule has (the rule's own line if it
// has none of them) and the value under that key.
func field(n *yaml.Node, path string) (int, *yaml.Node) {
	if n == nil {
		return 0, nil
	}
	line := n.Line
	for _, key := range strings.Split(path, ".") {
		n = resolve(n)
		if n.Kind != yaml.MappingNode {
			break
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			break
		}
	}
	return line, n
}

// child is the value of key in the mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Problem is one thing wrong with a rule: the field it is about, as a
// dotted path ("respond.status"), and why.
type Problem struct {
	Field  string
	Reason string
}

// Check says what is wrong with one rule, every problem in one error, or nil.
func Check(r *Rule, env Env) error {
	problems := Problems(r, env)
	if len(problems) == 0 {
		return nil
	}
	reasons := make([]string, len(problems))
	for i, p := range problems {
		reasons[i] = p.Reason
	}
	return errors.New(strings.Join(reasons, "; "))
}

// Problems lists what is wrong with one rule, in the order of its fields.
func Problems(r *Rule, env Env) []Problem {
	var problems []Problem
	add := func(field, format string, args ...any) {
		problems = append(problems, Problem{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if !nameRE.MatchString(r.Name) {
		add("name", "name %q: lower-case letters, digits, '.', '_' and '-', up to 64", r.Name)
	}
	resp := &r.Respond
	bodies := 0
	for _, set := range []bool{resp.Example != "", resp.Fixture != "", resp.Crawl != nil, resp.Progression != nil, resp.Body != nil} {
		if set {
			bodies++
		}
	}
	if bodies > 1 {
		add("respond", "respond: example, fixture, crawl, progression and body exclude each other")
	}
	switch {
	case resp.OffContract && !OffContractStatus(resp.Status):
		add("respond.off_contract", "respond.off_contract: answers an error status, 400 to 599, not %d", resp.Status)
	case resp.OffContract && bodies > 0 && resp.Body == nil:
		add("respond.off_contract", "respond.off_contract: answers with status, headers and body only, not an example, fixture, crawl or progression")
	case resp.Status != 0 && !resp.OffContract && !env.Contract.Documented(resp.Status):
		add("respond.status", "respond.status %d: the contract does not document it (documented: %s); add off_contract: true to answer it on purpose", resp.Status, env.Contract.StatusList())
	}
	if resp.Body != nil && resp.Status == 0 {
		add("respond.body", "respond.body: give the status it is sent with")
	}
	if _, err := json.Marshal(resp.Body); err != nil {
		add("respond.body", "respond.body: not a JSON value (mappings need string keys)")
	}
	for name, value := range resp.Headers {
		if !validHeader(name, value) {
			add("respond.headers."+name, "respond.headers %q: a header name and a value without control characters", name)
		}
	}
	if resp.Example != "" {
		status := env.Contract.Examples.Status(resp.Example)
		switch {
		case status == 0:
			add("respond.example", "respond.example %q: no such example in the contract (%s)", resp.Example, strings.Join(env.Contract.Examples.Names(), ", "))
		case resp.Status != 0 && resp.Status != status:
			add("respond.example", "respond.example %q is a %d, not a %d", resp.Example, status, resp.Status)
		}
	}
	if (resp.Fixture != "" || resp.Crawl != nil || resp.Progression != nil) && resp.Status != 0 && resp.Status != 200 {
		add("respond.status", "respond.status %d: a fixture, crawl or progression is a 200", resp.Status)
	}
	if resp.Fixture != "" && !env.HasFixture(resp.Fixture) {
		add("respond.fixture", "respond.fixture %q: no such fixture file", resp.Fixture)
	}
	if c := resp.Crawl; c != nil {
		statuses := env.crawlStatuses()
		if c.Status != "" && !slices.Contains(statuses, c.Status) {
			add("respond.crawl.status", "respond.crawl.status %q: one of %s", c.Status, strings.Join(statuses, ", "))
		}
		opts := generate.Options{Status: c.Status}
		if c.Screenshots != nil {
			opts.Screenshots, opts.SetScreenshots = *c.Screenshots, true
		}
		if c.Status == "" || slices.Contains(statuses, c.Status) {
			if err := opts.CheckIn(statuses); err != nil {
				add("respond.crawl.screenshots", "respond.crawl: %s", err)
			}
		}
	}
	if p := resp.Progression; p != nil {
		if err := validProgression(p.Statuses, env.crawlStatuses()); err != nil {
			add("respond.progression.statuses", "respond.progression: %s", err)
		}
		switch n := p.Size(); {
		case p.Screenshots != nil && (n < 0 || n > generate.MaxScreenshots):
			add("respond.progression.screenshots", "respond.progression.screenshots %d: from 0 to %d", n, generate.MaxScreenshots)
		case n == 0 && slices.Contains(p.Statuses, crawl.StatusProcessing):
			add("respond.progression.screenshots", "respond.progression.screenshots 0: a crawl processing takes pages, so at least 1 (or leave it out for the seed's choice)")
		}
	}
	if resp.Fault != "" && !IsFault(resp.Fault) {
		add("respond.fault", "respond.fault %q: one of %s", resp.Fault, strings.Join(Faults[:], ", "))
	}
	return problems
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

// syntaxError is the parser's error at the line where it stopped.
func syntaxError(source string, err error) error {
	var le *yaml.LoadError
	if !errors.As(err, &le) {
		return &Error{File: source, Reason: "not valid YAML: " + err.Error()}
	}
	return &Error{File: source, Line: le.Mark.Line, Reason: "not valid YAML: " + le.Message}
}

// position is a node's place in a file: line and column.
type position struct{ line, column int }

// yamlErrors turns the decoder's errors into one Error each, at its line,
// said in the file's terms: which key, what it holds, what was expected;
// and the positions of the nodes it could not read.
func yamlErrors(source string, err error) ([]*Error, map[position]bool) {
	at := map[position]bool{}
	if err == nil {
		return nil, at
	}
	var all *yaml.LoadErrors
	if !errors.As(err, &all) {
		return []*Error{{File: source, Reason: err.Error()}}, at
	}
	out := make([]*Error, 0, len(all.Errors))
	for _, e := range all.Errors {
		out = append(out, &Error{File: source, Line: e.Mark.Line, Reason: yamlReason(e.Message)})
		at[position{e.Mark.Line, e.Mark.Column}] = true
	}
	return out, at
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
	cannotRE  = regexp.MustCompile("^cannot (?:construct|unmarshal) (!![a-z]+)(?: `([^`]*)`)? into \\*?(.+)$")
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

// UnmarshalYAML reads one id, a "from-to" range, or a list of them; an
// error names the item's line.
func (ids *IDs) UnmarshalYAML(n *yaml.Node) error {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	case yaml.SequenceNode:
		items = n.Content
	default:
		return errors.New("id: a crawl id, a from-to range, or a list of them")
	}
	var errs yaml.LoadErrors
	for _, item := range items {
		at := yaml.Mark{Line: item.Line, Column: item.Column}
		if item.Kind != yaml.ScalarNode {
			errs.Errors = append(errs.Errors, yaml.NewLoadError(yaml.ConstructorStage, "id: a crawl id, a from-to range, or a list of them", at, nil))
			continue
		}
		r, err := parseIDRange(item.Value)
		if err != nil {
			errs.Errors = append(errs.Errors, yaml.NewLoadError(yaml.ConstructorStage, "id: "+err.Error(), at, err))
			continue
		}
		*ids = append(*ids, r)
	}
	if len(errs.Errors) > 0 {
		return &errs
	}
	return nil
}

// MarshalText writes the set as it is written in a file.
func (ids IDs) MarshalText() ([]byte, error) { return []byte(ids.String()), nil }

// UnmarshalYAML reads "250ms", "2s" or "100ms-800ms".
func (d *Delay) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("delay: a duration like 250ms or a range like 100ms-800ms")
	}
	parsed, err := ParseDelay(n.Value)
	if err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	*d = parsed
	return nil
}
