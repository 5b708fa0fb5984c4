package ruleset

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/crawlkit/crawlkit"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/shape"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// adaptSeed seeds the fields made for shipped fixtures under another
// contract.
const adaptSeed = 1

// adaptShipped lays the shipped fixtures among fixtures (a file whose
// bytes are the shipped file's) over contract c, which is not the
// embedded one: missing required fields made, fields c lacks dropped. It
// returns the fixtures to load and one warning a fixture changed.
func adaptShipped(ctx context.Context, fixtures fs.FS, v *validate.Validator) (fs.FS, []string, error) {
	c := v.Contract()
	names, err := fs.Glob(fixtures, "*.json")
	if err != nil {
		return nil, nil, err
	}
	o := &overlay{FS: fixtures, files: map[string][]byte{}, hidden: map[string]bool{}}
	var warnings []string
	schema := c.BodySchema(http.StatusOK)
	_, hasData := schema.Properties["data"]
	for _, name := range names {
		mine, err1 := fs.ReadFile(fixtures, name)
		shipped, err2 := fs.ReadFile(crawlkit.Fixtures(), name)
		if err1 != nil || err2 != nil || !bytes.Equal(mine, shipped) {
			continue
		}
		if !hasData {
			o.hidden[name] = true
			warnings = append(warnings, fmt.Sprintf("shipped fixture %s left out: the contract's 200 body has no data, the crawl the fixture holds", name))
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(shipped))
		dec.UseNumber()
		var body any
		if err := dec.Decode(&body); err != nil {
			return nil, nil, fmt.Errorf("shipped fixture %s: %w", name, err)
		}
		adapted, changes := shape.Adapt(schema, body, adaptSeed, fixtureID(body))
		if len(changes) == 0 && len(v.JSONResponse(ctx, http.StatusOK, shipped)) == 0 {
			continue
		}
		b, err := json.MarshalIndent(adapted, "", "  ")
		if err != nil {
			return nil, nil, fmt.Errorf("shipped fixture %s: %w", name, err)
		}
		if vs := v.JSONResponse(ctx, http.StatusOK, b); len(vs) > 0 {
			// A value the contract narrows (a bound, a length, a format):
			// not the user's file, so left out rather than refused.
			o.hidden[name] = true
			warnings = append(warnings, fmt.Sprintf("shipped fixture %s left out: it breaks the contract in use at %s", name, vs[0]))
			continue
		}
		o.files[name] = b
		warnings = append(warnings, fmt.Sprintf("shipped fixture %s adapted to the contract in use: %s", name, summarize(changes)))
	}
	return o, warnings, nil
}

func fixtureID(body any) int64 {
	if m, ok := body.(map[string]any); ok {
		if d, ok := m["data"].(map[string]any); ok {
			if n, ok := d["id"].(json.Number); ok {
				id, _ := n.Int64()
				return id
			}
		}
	}
	return 0
}

// summarize lists changes, the first few of them.
func summarize(changes []string) string {
	const most = 4
	if len(changes) <= most {
		return strings.Join(changes, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(changes[:most], ", "), len(changes)-most)
}

// parseCatalog parses the shipped catalog for contract env.Contract, rule
// by rule: a rule the contract cannot answer (a status or an example it
// does not have) is left out with a warning, the others kept.
func parseCatalog(data []byte, env scenario.Env) ([]scenario.Rule, []string, error) {
	rules, err := scenario.Parse(catalogSource, data, env)
	if err == nil {
		return rules, nil, nil
	}
	var doc struct {
		Scenarios []yaml.Node `yaml:"scenarios"`
	}
	if yerr := yaml.Unmarshal(data, &doc); yerr != nil {
		return nil, nil, err
	}
	var warnings []string
	rules = nil
	for _, node := range doc.Scenarios {
		one, merr := yaml.Marshal(map[string][]*yaml.Node{"scenarios": {&node}})
		if merr != nil {
			return nil, nil, merr
		}
		parsed, perr := scenario.Parse(catalogSource, one, env)
		if perr != nil {
			name := ""
			for i := 0; i+1 < len(node.Content); i += 2 {
				if node.Content[i].Value == "name" {
					name = node.Content[i+1].Value
				}
			}
			warnings = append(warnings, fmt.Sprintf("shipped catalog rule %q left out: the contract in use cannot answer it (%s)", name, lastPart(perr.Error())))
			continue
		}
		rules = append(rules, parsed...)
	}
	return rules, warnings, nil
}

// lastPart drops the file and line a scenario error starts with.
func lastPart(msg string) string {
	if i := strings.Index(msg, ": respond."); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// overlay is a file system whose files are replaced by others, or hidden.
type overlay struct {
	fs.FS
	files  map[string][]byte
	hidden map[string]bool
}

// ReadFile returns the replacement of name, or else the file itself.
func (o *overlay) ReadFile(name string) ([]byte, error) {
	if b, ok := o.files[name]; ok {
		return bytes.Clone(b), nil
	}
	return fs.ReadFile(o.FS, name)
}

// ReadDir lists the underlying folder, less the hidden files.
func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.FS, name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return name == "." && o.hidden[e.Name()] }), err
}

// Glob lists the underlying folder's matches, less the hidden files.
func (o *overlay) Glob(pattern string) ([]string, error) {
	names, err := fs.Glob(o.FS, pattern)
	return slices.DeleteFunc(names, func(n string) bool { return o.hidden[n] }), err
}
