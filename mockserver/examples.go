package mockserver

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// examples are the contract's named response examples, ready to send.
type examples struct {
	byName map[string]spec.Example
	// bodies holds each 200 example's JSON; errors holds each error example
	// as an envelope whose request id is set per response.
	bodies map[string][]byte
	errors map[string]envelope.Error
	// first is the default example of each status: the first by name.
	first map[int]string
}

func loadExamples(doc *openapi3.T) (*examples, error) {
	byName, err := spec.Examples(doc)
	if err != nil {
		return nil, err
	}
	ex := &examples{byName: byName, bodies: map[string][]byte{}, errors: map[string]envelope.Error{}, first: map[int]string{}}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		e := byName[name]
		b, err := json.Marshal(e.Value)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", name, err)
		}
		if e.Status == 200 {
			ex.bodies[name] = b
		} else {
			var env envelope.Error
			if err := json.Unmarshal(b, &env); err != nil {
				return nil, fmt.Errorf("example %s is not an error envelope: %w", name, err)
			}
			ex.errors[name] = env
		}
		if _, ok := ex.first[e.Status]; !ok {
			ex.first[e.Status] = name
		}
	}
	return ex, nil
}

// has reports whether the contract names an example name.
func (ex *examples) has(name string) bool {
	_, ok := ex.byName[name]
	return ok
}

// statuses maps each example name to its status.
func (ex *examples) statuses() map[string]int {
	out := make(map[string]int, len(ex.byName))
	for name, e := range ex.byName {
		out[name] = e.Status
	}
	return out
}

// defaultFor is the example a status answers with when none is named.
func (ex *examples) defaultFor(status int) string { return ex.first[status] }

// render returns example name's status, and its body for a 200 or its
// envelope for an error; the error's request id is left for the caller.
func (ex *examples) render(name string) (int, []byte, *envelope.Error) {
	status := ex.byName[name].Status
	if body, ok := ex.bodies[name]; ok {
		return status, body, nil
	}
	env := ex.errors[name]
	return status, nil, &env
}
