package specdiff

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/formatters"
	"github.com/oasdiff/oasdiff/load"
	"github.com/oasdiff/oasdiff/validate"
	"go.yaml.in/yaml/v4"

	"github.com/crawlkit/crawlkit"
)

// Embedded is the name that stands for crawlkit's embedded openapi.yaml in
// place of a file path. A file of that name is reached as ./embedded.
const Embedded = "embedded"

// What can be wrong with a document, wrapped by every *LoadError.
var (
	ErrRead       = errors.New("cannot read the file")
	ErrNotYAML    = errors.New("not YAML or JSON")
	ErrNotOpenAPI = errors.New("not an OpenAPI 3 document")
	ErrInvalid    = errors.New("invalid OpenAPI document")
)

// LoadError is a document that cannot be compared: Name is the file (or
// Embedded), Line the line of the problem where known (0 otherwise), and Err
// wraps one of ErrRead, ErrNotYAML, ErrNotOpenAPI or ErrInvalid.
type LoadError struct {
	Name string
	Line int
	Err  error
}

// Error names the file, the line where known, and what is wrong, on one line.
func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %v", e.Name, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Name, e.Err)
}

// Unwrap returns what is wrong, which wraps one of the Err values.
func (e *LoadError) Unwrap() error { return e.Err }

// document is one side of a comparison: the spec as oasdiff takes it, and
// the YAML node tree its line numbers are looked up in.
type document struct {
	name string
	info *load.SpecInfo
	tree *yaml.Node
	// notes are validation findings below ERR.
	notes []Note
}

// loadDocument reads, parses and validates the document name stands for: a
// file path, or Embedded. A file's $refs to other local files are followed;
// URLs are not fetched. Validation is oasdiff's: an ERR finding refuses the
// document, the others become its notes.
func loadDocument(ctx context.Context, name string) (*document, error) {
	data, err := readDocument(name)
	if err != nil {
		return nil, &LoadError{Name: name, Err: fmt.Errorf("%w: %w", ErrRead, err)}
	}
	tree, err := parseTree(name, data)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.Context = ctx
	loader.IncludeOrigin = true
	if name != Embedded {
		loader.ReadFromURIFunc = readLocalFile
	}
	info, err := load.NewSpecInfoFromData(loader, data, name)
	if err != nil {
		return nil, &LoadError{Name: name, Err: fmt.Errorf("%w: %w", ErrInvalid, err)}
	}
	doc := &document{name: name, info: info, tree: tree}
	var errs []formatters.Finding
	for _, f := range validate.Validate(info.Spec, name) {
		if f.Level >= checker.ERR {
			errs = append(errs, f)
			continue
		}
		doc.notes = append(doc.notes, Note{File: name, Line: f.Source.Line, Level: levelName(f.Level), ID: f.Id, Text: firstLine(f.Text)})
	}
	if len(errs) > 0 {
		return nil, invalidError(name, errs)
	}
	return doc, nil
}

// invalidError names the first of oasdiff's ERR findings, where it is, and
// how many more there are.
func invalidError(name string, errs []formatters.Finding) *LoadError {
	f := errs[0]
	where := f.Section
	if f.Operation != "" || f.Path != "" {
		where = strings.TrimSpace(f.Operation + " " + f.Path)
	}
	more := ""
	if len(errs) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return &LoadError{Name: name, Line: f.Source.Line,
		Err: fmt.Errorf("%w: %s: %s [%s]%s", ErrInvalid, where, firstLine(f.Text), f.Id, more)}
}

// Note is something oasdiff's validation found in a document that does not
// stop the comparison: a warning (a 3.1 field in a 3.0 document, a default
// that does not match its schema...) or an info (an example that does not
// match its schema).
type Note struct {
	File  string `json:"file"`
	Line  int    `json:"line,omitempty"`
	Level string `json:"level"`
	ID    string `json:"id"`
	Text  string `json:"text"`
}

// firstLine keeps the first line of a kin-openapi message, which goes on with
// the whole schema and value.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func readDocument(name string) ([]byte, error) {
	if name == Embedded {
		return crawlkit.OpenAPIYAML(), nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			// The path is in the message already: keep the reason only.
			return nil, pathErr.Err
		}
		return nil, err
	}
	return data, nil
}

// readLocalFile reads the files a document refers to, and refuses a URL by
// name rather than with kin-openapi's bare "unsupported URI".
func readLocalFile(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
	data, err := openapi3.ReadFromFile(loader, location)
	if errors.Is(err, openapi3.ErrURINotSupported) {
		return nil, fmt.Errorf("$ref %s: only local files are followed, not URLs", location)
	}
	return data, err
}

// parseTree parses data as YAML (JSON is YAML) and checks that it is an
// OpenAPI 3 document, before kin-openapi, whose messages for these cases do
// not say what is wrong.
func parseTree(name string, data []byte) (*yaml.Node, error) {
	var tree yaml.Node
	if err := yaml.Unmarshal(data, &tree); err != nil {
		line, reason := yamlErrorLine(err)
		return nil, &LoadError{Name: name, Line: line, Err: fmt.Errorf("%w: %s", ErrNotYAML, reason)}
	}
	if len(tree.Content) == 0 {
		return nil, &LoadError{Name: name, Err: fmt.Errorf("%w: the file is empty", ErrNotYAML)}
	}
	root := tree.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &LoadError{Name: name, Line: root.Line, Err: fmt.Errorf("%w: the document is not a mapping of fields", ErrNotOpenAPI)}
	}
	if swagger := mappingValue(root, "swagger"); swagger != nil {
		return nil, &LoadError{Name: name, Line: swagger.Line,
			Err: fmt.Errorf("%w: it is Swagger %s; convert it to OpenAPI 3 first", ErrNotOpenAPI, swagger.Value)}
	}
	version := mappingValue(root, "openapi")
	switch {
	case version == nil:
		return nil, &LoadError{Name: name, Err: fmt.Errorf("%w: no openapi field", ErrNotOpenAPI)}
	case version.Kind != yaml.ScalarNode || !strings.HasPrefix(version.Value, "3."):
		return nil, &LoadError{Name: name, Line: version.Line,
			Err: fmt.Errorf("%w: openapi is %q, not 3.x", ErrNotOpenAPI, version.Value)}
	}
	return &tree, nil
}

// yamlErrorLine returns the line of a YAML syntax error, 0 if unknown, and
// what is wrong.
func yamlErrorLine(err error) (int, string) {
	var loadErr *yaml.LoadError
	if errors.As(err, &loadErr) {
		return loadErr.Mark.Line, loadErr.Message
	}
	return 0, strings.TrimPrefix(err.Error(), "yaml: ")
}

// mappingValue returns the value of key in a mapping node, nil if absent.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// sameFile reports whether a location's file is the document itself (not a
// file it refers to). oasdiff names it as given, but for a name that reads as
// a git revision ("v1:openapi.yaml"), which it shortens to the path.
func (d *document) sameFile(file string) bool {
	return file == d.name || file == load.NewSource(d.name).DisplayPath()
}
