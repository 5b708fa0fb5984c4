package pact

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Matcher is one matching rule, as the Pact specification defines them.
type Matcher struct {
	// Match is the rule's name: type, regex, integer, decimal, number,
	// boolean, null, date, time, timestamp, include, equality...
	Match string
	// Min and Max bound an array's length (type matchers); nil when unset.
	Min, Max *int
	Regex    string
	// Value is what an include matcher's string must contain.
	Value string
	// Format is a date, time or timestamp matcher's format.
	Format string
}

// MatcherSet is the rules of one path; Combine is AND (the default) or OR.
type MatcherSet struct {
	Combine  string
	Matchers []Matcher
}

// Rules are a message's matching rules by category (body, header, query,
// path, status), each by path expression (body) or name.
type Rules map[string]map[string]MatcherSet

// knownMatchers are the matchers of Pact specifications 2 to 4.
var knownMatchers = map[string]bool{
	"equality": true, "regex": true, "type": true, "min": true, "max": true, "minType": true, "maxType": true,
	"minmax": true, "minMaxType": true, "timestamp": true, "datetime": true, "date": true, "time": true, "include": true,
	"integer": true, "decimal": true, "number": true, "boolean": true, "null": true, "contentType": true,
	"content-type": true, "values": true, "notEmpty": true, "semver": true, "eachKey": true, "eachValue": true,
	"arrayContains": true, "statusCode": true, "ignore-order": true,
}

// typeFamily are the matchers that stand for any value of a type: they
// cascade to the values below their path.
var typeFamily = map[string]bool{
	"type": true, "min": true, "max": true, "minType": true, "maxType": true, "minmax": true, "minMaxType": true,
	"values": true, "eachValue": true, "eachKey": true, "notEmpty": true, "arrayContains": true, "ignore-order": true,
}

// parseRules reads matchingRules: v2 keys are paths below $ ($.body.x,
// $.headers.X, $.query.x, $.path), v3 and v4 group them by category with
// matchers arrays.
func parseRules(raw json.RawMessage, major int) (Rules, error) {
	rules := Rules{}
	if isNull(raw) {
		return rules, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, errors.New("must be an object")
	}
	if major == 2 {
		for key, v := range top {
			category, name, err := v2Key(key)
			if err != nil {
				return nil, err
			}
			if category == "body" {
				if _, err := parseExpr(name); err != nil {
					return nil, err
				}
			}
			m, err := parseMatcher(v, key)
			if err != nil {
				return nil, err
			}
			add(rules, category, name, MatcherSet{Combine: "AND", Matchers: []Matcher{m}})
		}
		return rules, nil
	}
	for category, v := range top {
		var byName map[string]json.RawMessage
		if err := json.Unmarshal(v, &byName); err != nil {
			return nil, fmt.Errorf("%s: must be an object", category)
		}
		if _, direct := byName["matchers"]; direct {
			// v3 path and status rules have no names.
			set, err := parseSet(v, category)
			if err != nil {
				return nil, err
			}
			add(rules, category, "", set)
			continue
		}
		for name, setRaw := range byName {
			set, err := parseSet(setRaw, category+" "+name)
			if err != nil {
				return nil, err
			}
			if category == "body" {
				name = bodyKey(name)
				if _, err := parseExpr(name); err != nil {
					return nil, err
				}
			}
			add(rules, category, name, set)
		}
	}
	return rules, nil
}

func add(rules Rules, category, name string, set MatcherSet) {
	if rules[category] == nil {
		rules[category] = map[string]MatcherSet{}
	}
	prev, ok := rules[category][name]
	if ok {
		set.Matchers = append(prev.Matchers, set.Matchers...)
	}
	rules[category][name] = set
}

// bodyKey writes a body path expression from $, as v3 does: "$.body.x"
// and "x" become "$.x".
func bodyKey(name string) string {
	if rest, ok := strings.CutPrefix(name, "$.body"); ok {
		return "$" + rest
	}
	if !strings.HasPrefix(name, "$") {
		return "$." + name
	}
	return name
}

// v2Key splits a v2 rule key into its category and name.
func v2Key(key string) (category, name string, err error) {
	switch {
	case key == "$.body" || strings.HasPrefix(key, "$.body.") || strings.HasPrefix(key, "$.body["):
		return "body", "$" + strings.TrimPrefix(key, "$.body"), nil
	case strings.HasPrefix(key, "$.headers."):
		return "header", strings.TrimPrefix(key, "$.headers."), nil
	case strings.HasPrefix(key, "$.header."):
		return "header", strings.TrimPrefix(key, "$.header."), nil
	case strings.HasPrefix(key, "$.query."):
		return "query", strings.TrimPrefix(key, "$.query."), nil
	case key == "$.path":
		return "path", "", nil
	}
	return "", "", fmt.Errorf("rule %q: a v2 key starts with $.body, $.headers, $.query or $.path", key)
}

func parseSet(raw json.RawMessage, where string) (MatcherSet, error) {
	var s struct {
		Combine  string            `json:"combine"`
		Matchers []json.RawMessage `json:"matchers"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Matchers == nil {
		return MatcherSet{}, fmt.Errorf("%s: must be an object with a matchers array", where)
	}
	set := MatcherSet{Combine: strings.ToUpper(s.Combine)}
	if set.Combine == "" {
		set.Combine = "AND"
	}
	if set.Combine != "AND" && set.Combine != "OR" {
		return MatcherSet{}, fmt.Errorf("%s: combine %q must be AND or OR", where, s.Combine)
	}
	for _, m := range s.Matchers {
		matcher, err := parseMatcher(m, where)
		if err != nil {
			return MatcherSet{}, err
		}
		set.Matchers = append(set.Matchers, matcher)
	}
	return set, nil
}

func parseMatcher(raw json.RawMessage, where string) (Matcher, error) {
	var m struct {
		Match     string          `json:"match"`
		Min       *json.Number    `json:"min"`
		Max       *json.Number    `json:"max"`
		Regex     string          `json:"regex"`
		Value     json.RawMessage `json:"value"`
		Format    string          `json:"format"`
		Date      string          `json:"date"`
		Time      string          `json:"time"`
		Timestamp string          `json:"timestamp"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return Matcher{}, fmt.Errorf("%s: a matcher must be an object", where)
	}
	out := Matcher{Match: m.Match, Regex: m.Regex, Format: m.Format}
	for _, f := range []string{m.Date, m.Time, m.Timestamp} {
		if out.Format == "" {
			out.Format = f
		}
	}
	if out.Match == "" {
		// v2 matchers may name no match: a regex, or a type with a bound.
		switch {
		case m.Regex != "":
			out.Match = "regex"
		case m.Min != nil || m.Max != nil:
			out.Match = "type"
		default:
			return Matcher{}, fmt.Errorf("%s: a matcher names no match", where)
		}
	}
	if !knownMatchers[out.Match] {
		return Matcher{}, fmt.Errorf("%s: unknown matcher %q", where, out.Match)
	}
	var err error
	if out.Min, err = bound(m.Min); err != nil {
		return Matcher{}, fmt.Errorf("%s: min: %w", where, err)
	}
	if out.Max, err = bound(m.Max); err != nil {
		return Matcher{}, fmt.Errorf("%s: max: %w", where, err)
	}
	if out.Match == "regex" {
		if _, err := compileRegex(out.Regex); err != nil {
			return Matcher{}, fmt.Errorf("%s: regex %q: %w", where, out.Regex, err)
		}
	}
	if len(m.Value) > 0 {
		var s string
		if json.Unmarshal(m.Value, &s) == nil {
			out.Value = s
		} else {
			out.Value = string(m.Value)
		}
	}
	return out, nil
}

func bound(n *json.Number) (*int, error) {
	if n == nil {
		return nil, nil
	}
	v, err := strconv.Atoi(n.String())
	if err != nil || v < 0 {
		return nil, errors.New("must be a whole number, 0 or more")
	}
	return &v, nil
}

// step is one step of a path into a body: a field name, or an index when
// Field is false.
type step struct {
	Field bool
	Name  string
	Index int
}

// exprToken is one token of a rule's path expression.
type exprToken struct {
	kind  byte // 'f' field, 'i' index, '*' any field, '#' any index
	name  string
	index int
}

// parseExpr reads a path expression such as $.data.screenshots[*].status
// or $['data'].items[0].
func parseExpr(expr string) ([]exprToken, error) {
	rest, ok := strings.CutPrefix(expr, "$")
	if !ok {
		return nil, fmt.Errorf("path %q does not start with $", expr)
	}
	var out []exprToken
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			rest = rest[end:]
			switch name {
			case "":
				return nil, fmt.Errorf("path %q has an empty field name", expr)
			case "*":
				out = append(out, exprToken{kind: '*'})
			default:
				out = append(out, exprToken{kind: 'f', name: name})
			}
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q has an unclosed [", expr)
			}
			inner := rest[1:end]
			rest = rest[end+1:]
			switch {
			case inner == "*":
				out = append(out, exprToken{kind: '#'})
			case len(inner) >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner[len(inner)-1] == inner[0]:
				out = append(out, exprToken{kind: 'f', name: inner[1 : len(inner)-1]})
			default:
				i, err := strconv.Atoi(inner)
				if err != nil || i < 0 {
					return nil, fmt.Errorf("path %q: [%s] is not an index, * or a quoted name", expr, inner)
				}
				out = append(out, exprToken{kind: 'i', index: i})
			}
		default:
			return nil, fmt.Errorf("path %q: unexpected %q", expr, rest[:1])
		}
	}
	return out, nil
}

// weight says how well a rule's expression matches a path in a body, as
// Pact implementations choose the rule of a value: 0 when it does not
// apply, more the more exactly it names the path. A rule on an ancestor
// applies too (cascade), by fewer steps.
func weight(expr []exprToken, path []step) int {
	if len(expr) > len(path) {
		return 0
	}
	w := 2
	for i, t := range expr {
		s := path[i]
		switch {
		case t.kind == 'f' && s.Field && t.name == s.Name, t.kind == 'i' && !s.Field && t.index == s.Index:
			w *= 2
		case t.kind == '*', t.kind == '#' && !s.Field:
		default:
			return 0
		}
	}
	return w
}

// bodyRule is a body rule with its parsed expression.
type bodyRule struct {
	expr []exprToken
	set  MatcherSet
}

// bodyRules returns a message's body rules, parsed, in a stable order.
func bodyRules(r Rules) ([]bodyRule, error) {
	keys := make([]string, 0, len(r["body"]))
	for k := range r["body"] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]bodyRule, 0, len(keys))
	for _, k := range keys {
		expr, err := parseExpr(k)
		if err != nil {
			return nil, err
		}
		out = append(out, bodyRule{expr: expr, set: r["body"][k]})
	}
	return out, nil
}

// ruleAt returns the rule of the value at path: the best matching
// expression, the longest on a tie; exact reports that it names this very
// value rather than an ancestor.
func ruleAt(rules []bodyRule, path []step) (set MatcherSet, exact, ok bool) {
	best, bestLen := 0, -1
	for _, r := range rules {
		w := weight(r.expr, path)
		if w == 0 {
			continue
		}
		if w > best || (w == best && len(r.expr) > bestLen) {
			best, bestLen, set = w, len(r.expr), r.set
		}
	}
	return set, bestLen == len(path), best > 0
}
