package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Error is what is wrong with a contract document, where it is known:
// "my.yaml:12: ...". It wraps ErrInvalid.
type Error struct {
	// File names the document: its path, or "openapi.yaml" for the embedded one.
	File string
	// Line is the line the problem is at, 0 where not known.
	Line int
	// Msg says what is wrong.
	Msg string
	err error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func (e *Error) Unwrap() error { return e.err }

var yamlLine = regexp.MustCompile(`line (\d+)`)

// lineOf finds the line a YAML or JSON parser names in err, or 0.
func lineOf(err error) int {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func syntaxError(name string, err error) *Error {
	return &Error{File: name, Line: lineOf(err), Msg: "not YAML or JSON: " + yamlLine.ReplaceAllString(err.Error(), "here"), err: ErrInvalid}
}

// keyLine is the line of a top-level key in a YAML or JSON document, or 0.
func keyLine(data []byte, key string) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return 0
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

// ReadFile returns the bytes of the contract at path; Embedded is the
// embedded openapi.yaml.
func ReadFile(path string) ([]byte, error) {
	if path == Embedded {
		return YAML(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read it: %v", err), err: err}
	}
	if b == nil {
		b = []byte{} // an empty file is a document, refused as such, never none
	}
	return b, nil
}

// firstLine is msg up to its first line break: kin-openapi's errors go on
// with the whole schema.
func firstLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
