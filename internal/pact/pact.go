// Package pact reads Pact files (specification 2, 3 and 4) and judges their
// HTTP interactions against crawlkit's contract: each request matched to
// GET /crawl/info, its query checked, its status documented, its body and
// headers compatible with the status's schema, the matching rules honoured.
// It also writes Pact files (Write), for the recorder of a mock's session.
package pact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by Parse for a file that is not a Pact crawlkit can
// read: not JSON, no interactions, an unknown matcher, an unsupported
// specification version.
var ErrInvalid = errors.New("invalid pact")

// File is a parsed Pact file, every specification version read into one model.
type File struct {
	Consumer string
	Provider string
	// Specification is the version the file declares, as "3.0.0"; Major
	// its major version: 2, 3 or 4.
	Specification string
	Major         int
	Interactions  []Interaction
}

// Interaction is one HTTP request and the response the consumer expects.
type Interaction struct {
	Description    string
	ProviderStates []string
	Request        Request
	Response       Response
	// Index is the interaction's place in the file, from 0.
	Index int
}

// Request is what the consumer sends.
type Request struct {
	Method string
	Path   string
	// Query holds the decoded query parameters; nil when there is none.
	Query   url.Values
	Headers Headers
	Body    Body
	Rules   Rules
}

// Response is what the consumer expects back.
type Response struct {
	Status  int
	Headers Headers
	Body    Body
	Rules   Rules
}

// Body is a message body; Present is false when the interaction has none.
type Body struct {
	Present bool
	// Value is the body decoded as JSON; Raw the bytes when it is not JSON.
	Value any
	JSON  bool
	Raw   []byte
	// ContentType is what a v4 body declares, "" otherwise.
	ContentType string
}

// Headers are header values by name as the pact writes it.
type Headers map[string][]string

// Get returns the values of the header name, whatever its case.
func (h Headers) Get(name string) ([]string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// Names returns the header names, sorted.
func (h Headers) Names() []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// v4HTTP is the type of a v4 HTTP interaction.
const v4HTTP = "Synchronous/HTTP"

type rawFile struct {
	Consumer     struct{ Name string } `json:"consumer"`
	Provider     struct{ Name string } `json:"provider"`
	Interactions []json.RawMessage     `json:"interactions"`
	Messages     []json.RawMessage     `json:"messages"`
	Metadata     map[string]any        `json:"metadata"`
}

type rawInteraction struct {
	Type           string          `json:"type"`
	Description    string          `json:"description"`
	ProviderState  string          `json:"providerState"`
	ProviderState1 string          `json:"provider_state"`
	ProviderStates json.RawMessage `json:"providerStates"`
	Request        *rawMessage     `json:"request"`
	Response       *rawMessage     `json:"response"`
}

type rawMessage struct {
	Method        string          `json:"method"`
	Path          json.RawMessage `json:"path"`
	Query         json.RawMessage `json:"query"`
	Headers       json.RawMessage `json:"headers"`
	Body          json.RawMessage `json:"body"`
	Status        json.RawMessage `json:"status"`
	MatchingRules json.RawMessage `json:"matchingRules"`
}

// Parse reads a Pact file. Errors wrap ErrInvalid and say what is wrong
// where.
func Parse(data []byte) (*File, error) {
	var raw rawFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %w", ErrInvalid, err)
	}
	version, err := specVersion(raw.Metadata)
	if err != nil {
		return nil, err
	}
	major, err := majorOf(version)
	if err != nil {
		return nil, err
	}
	if raw.Interactions == nil {
		if raw.Messages != nil {
			return nil, fmt.Errorf("%w: a message pact (\"messages\"): crawlkit judges HTTP interactions only", ErrInvalid)
		}
		return nil, fmt.Errorf("%w: no \"interactions\" array", ErrInvalid)
	}
	f := &File{Consumer: raw.Consumer.Name, Provider: raw.Provider.Name, Specification: version, Major: major}
	for i, data := range raw.Interactions {
		in, err := parseInteraction(data, major, i)
		if err != nil {
			return nil, fmt.Errorf("%w: interactions[%d]: %w", ErrInvalid, i, err)
		}
		if in != nil {
			f.Interactions = append(f.Interactions, *in)
		}
	}
	return f, nil
}

// specVersion finds the specification version in the metadata, in any of
// the places Pact implementations have written it.
func specVersion(meta map[string]any) (string, error) {
	for _, key := range []string{"pactSpecification", "pact-specification", "pactSpecificationVersion"} {
		switch v := meta[key].(type) {
		case map[string]any:
			if s, ok := v["version"].(string); ok && s != "" {
				return s, nil
			}
		case string:
			if v != "" {
				return v, nil
			}
		}
	}
	return "", fmt.Errorf("%w: no metadata.pactSpecification.version: crawlkit reads Pact specification 2, 3 and 4 files, which name their version", ErrInvalid)
}

func majorOf(version string) (int, error) {
	head, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	major, err := strconv.Atoi(head)
	if err != nil || major < 2 || major > 4 {
		return 0, fmt.Errorf("%w: Pact specification %q is not supported: crawlkit reads versions 2, 3 and 4", ErrInvalid, version)
	}
	return major, nil
}

// parseInteraction reads one interaction; nil for a v4 interaction that is
// not HTTP (a message), which no OpenAPI document describes.
func parseInteraction(data []byte, major, index int) (*Interaction, error) {
	var raw rawInteraction
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not an interaction object: %w", err)
	}
	if major == 4 && raw.Type != "" && raw.Type != v4HTTP {
		return nil, nil
	}
	if raw.Request == nil || raw.Response == nil {
		return nil, errors.New("no request or no response")
	}
	in := &Interaction{Description: raw.Description, Index: index}
	if in.Description == "" {
		in.Description = "interactions[" + strconv.Itoa(index) + "]"
	}
	for _, s := range []string{raw.ProviderState, raw.ProviderState1} {
		if s != "" {
			in.ProviderStates = append(in.ProviderStates, s)
		}
	}
	if len(raw.ProviderStates) > 0 {
		var states []struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(raw.ProviderStates, &states); err != nil {
			return nil, fmt.Errorf("providerStates: %w", err)
		}
		for _, s := range states {
			in.ProviderStates = append(in.ProviderStates, s.Name)
		}
	}
	var err error
	if in.Request, err = parseRequest(raw.Request, major); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	if in.Response, err = parseResponse(raw.Response, major); err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	return in, nil
}

func parseRequest(raw *rawMessage, major int) (Request, error) {
	r := Request{Method: strings.ToUpper(raw.Method)}
	if r.Method == "" {
		return r, errors.New("no method")
	}
	if err := json.Unmarshal(raw.Path, &r.Path); err != nil || r.Path == "" {
		return r, errors.New("path must be a string")
	}
	var err error
	if r.Query, err = parseQuery(raw.Query); err != nil {
		return r, fmt.Errorf("query: %w", err)
	}
	r.Headers, r.Body, r.Rules, err = parseParts(raw, major)
	return r, err
}

// parseParts reads what requests and responses share: headers, body and
// matching rules.
func parseParts(raw *rawMessage, major int) (Headers, Body, Rules, error) {
	headers, err := parseHeaders(raw.Headers)
	if err != nil {
		return nil, Body{}, nil, fmt.Errorf("headers: %w", err)
	}
	body, err := parseBody(raw.Body, major)
	if err != nil {
		return nil, Body{}, nil, fmt.Errorf("body: %w", err)
	}
	rules, err := parseRules(raw.MatchingRules, major)
	if err != nil {
		return nil, Body{}, nil, fmt.Errorf("matchingRules: %w", err)
	}
	return headers, body, rules, nil
}

func parseResponse(raw *rawMessage, major int) (Response, error) {
	var r Response
	if err := json.Unmarshal(raw.Status, &r.Status); err != nil || r.Status < 100 || r.Status > 599 {
		return r, errors.New("status must be an HTTP status, 100 to 599")
	}
	var err error
	r.Headers, r.Body, r.Rules, err = parseParts(raw, major)
	return r, err
}

// parseQuery reads a query as a string (v2) or an object of strings or
// arrays of strings (v3, v4).
func parseQuery(raw json.RawMessage) (url.Values, error) {
	if isNull(raw) {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		q, err := url.ParseQuery(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not a URL-encoded query: %w", s, err)
		}
		return q, nil
	}
	m, err := stringsByName(raw)
	if err != nil {
		return nil, fmt.Errorf("must be a string or %w", err)
	}
	return url.Values(m), nil
}

// parseHeaders reads headers as strings (v2, v3: values joined by commas)
// or arrays of strings (v4).
func parseHeaders(raw json.RawMessage) (Headers, error) {
	if isNull(raw) {
		return Headers{}, nil
	}
	m, err := stringsByName(raw)
	if err != nil {
		return nil, fmt.Errorf("must be %w", err)
	}
	return Headers(m), nil
}

// stringsByName reads an object of strings or arrays of strings.
func stringsByName(raw json.RawMessage) (map[string][]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, errors.New("an object")
	}
	out := make(map[string][]string, len(m))
	for name, v := range m {
		values, err := stringOrStrings(v)
		if err != nil {
			return nil, fmt.Errorf("an object whose %s %w", name, err)
		}
		out[name] = values
	}
	return out, nil
}

func stringOrStrings(raw json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("must be a string or an array of strings")
	}
	return list, nil
}

// parseBody reads a body: the JSON value itself (v2, v3), or a v4 body
// object whose content may be encoded.
func parseBody(raw json.RawMessage, major int) (Body, error) {
	if isNull(raw) {
		return Body{}, nil
	}
	if major < 4 {
		var v any
		if err := decodeJSON(raw, &v); err != nil {
			return Body{}, err
		}
		if s, ok := v.(string); ok && s == "" {
			return Body{}, nil
		}
		return Body{Present: true, Value: v, JSON: true, Raw: raw}, nil
	}
	var v4 struct {
		Content     json.RawMessage `json:"content"`
		ContentType string          `json:"contentType"`
		Encoded     any             `json:"encoded"`
	}
	if err := json.Unmarshal(raw, &v4); err != nil {
		return Body{}, errors.New("a v4 body must be an object with content")
	}
	if isNull(v4.Content) {
		return Body{}, nil
	}
	b := Body{Present: true, ContentType: v4.ContentType}
	content := []byte(v4.Content)
	switch enc := v4.Encoded.(type) {
	case nil, bool:
		if enc == true {
			var err error
			if content, err = decodeBase64(content); err != nil {
				return Body{}, err
			}
		}
	case string:
		switch strings.ToLower(enc) {
		case "base64":
			var err error
			if content, err = decodeBase64(content); err != nil {
				return Body{}, err
			}
		case "json":
			var s string
			if err := json.Unmarshal(content, &s); err == nil {
				content = []byte(s)
			}
		default:
			return Body{}, fmt.Errorf("encoded %q: must be false, base64 or json", enc)
		}
	}
	b.Raw = content
	var v any
	if err := decodeJSON(content, &v); err == nil {
		b.Value, b.JSON = v, true
	} else if isJSONType(b.ContentType) {
		return Body{}, fmt.Errorf("content is not JSON though its type is %s: %w", b.ContentType, err)
	}
	return b, nil
}

func decodeBase64(raw []byte) ([]byte, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, errors.New("base64 content must be a string")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("content is not base64: %w", err)
	}
	return b, nil
}

// decodeJSON decodes one JSON value, numbers as float64 as kin-openapi
// expects them.
func decodeJSON(data []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return errors.New("not JSON: more than one value")
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// isJSONType reports whether a media type is JSON: application/json or a
// +json type, parameters aside.
func isJSONType(mediaType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(mediaType), ";")
	mt = strings.TrimSpace(mt)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
