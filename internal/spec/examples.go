package spec

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/crawlkit/crawlkit/internal/envelope"
)

// defaultExampleKey names, on a response, the example a mock answers with
// when asked for the status without a name.
const defaultExampleKey = "x-default-example"

// ExampleSet holds the operation's named response examples, ready to send.
type ExampleSet struct {
	byName map[string]Example
	// bodies holds each 2xx example's JSON; errors holds each error example
	// as an envelope whose request id is set per response.
	bodies map[string][]byte
	errors map[string]envelope.Error
	// first is the default example of each status: the first by name.
	first map[int]string
	names []string
	// made are the examples crawlkit made for statuses without one.
	made []string
}

func newExampleSet(byName map[string]Example, defaults map[int]string) (*ExampleSet, error) {
	ex := &ExampleSet{byName: byName, bodies: map[string][]byte{}, errors: map[string]envelope.Error{}, first: map[int]string{}}
	for name := range byName {
		ex.names = append(ex.names, name)
	}
	slices.Sort(ex.names)
	for _, name := range ex.names {
		e := byName[name]
		b, err := json.Marshal(e.Value)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", name, err)
		}
		if e.Status < 300 || !isEnvelope(e.Value) {
			// A success, or an error the contract does not give the API's
			// envelope: sent as written.
			ex.bodies[name] = b
		} else {
			var env envelope.Error
			if err := json.Unmarshal(b, &env); err != nil {
				return nil, fmt.Errorf("%w: example %s is not an error envelope: %w", ErrInvalid, name, err)
			}
			ex.errors[name] = env
		}
		if _, ok := ex.first[e.Status]; !ok {
			ex.first[e.Status] = name
		}
	}
	for status, name := range defaults {
		if ex.byName[name].Status != status {
			return nil, fmt.Errorf("%w: the %s of %d, %q, is not one of its examples", ErrInvalid, defaultExampleKey, status, name)
		}
		ex.first[status] = name
	}
	return ex, nil
}

// Has reports whether the contract names an example name.
func (ex *ExampleSet) Has(name string) bool {
	_, ok := ex.byName[name]
	return ok
}

// Names returns every example name, sorted.
func (ex *ExampleSet) Names() []string { return slices.Clone(ex.names) }

// Status returns the status example name is documented under, 0 for none.
func (ex *ExampleSet) Status(name string) int { return ex.byName[name].Status }

// Default is the example a status answers with when none is named: the
// response's x-default-example, or else the first of its examples by name;
// "" when it has none.
func (ex *ExampleSet) Default(status int) string { return ex.first[status] }

// isEnvelope reports whether an example's value is the API's error
// envelope: an object with success false and an error message.
func isEnvelope(v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, message := obj["error"].(string)
	return obj["success"] == false && message
}

// Render returns example name's status, and its body for a success or its
// envelope for an error; the error's request id is left for the caller. An
// error example that is not the API's envelope comes as a body, as written.
func (ex *ExampleSet) Render(name string) (int, []byte, *envelope.Error) {
	status := ex.byName[name].Status
	if body, ok := ex.bodies[name]; ok {
		return status, body, nil
	}
	env := ex.errors[name]
	return status, nil, &env
}

// Codes returns the codes of the error examples documented under status,
// sorted, each once: the codes the contract names for that status (its
// ErrorResponse code property says so), none for a status without error
// examples.
func (ex *ExampleSet) Codes(status int) []string {
	var out []string
	for _, name := range ex.names {
		e, isError := ex.errors[name]
		if isError && ex.byName[name].Status == status && e.Code != "" && !slices.Contains(out, e.Code) {
			out = append(out, e.Code)
		}
	}
	slices.Sort(out)
	return out
}
