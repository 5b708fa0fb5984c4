package mockserver

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/auth"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/ruleset"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// maxAdminBody bounds a scenarios upload.
const maxAdminBody = 1 << 20

// adminHandler serves the admin API: the catalog, the request journal,
// resets, and scenarios added at run time.
func (s *Server) adminHandler() http.Handler {
	routes := map[string]map[string]http.Handler{
		"catalog":   {http.MethodGet: http.HandlerFunc(s.adminCatalog)},
		"requests":  {http.MethodGet: s.journal.ListHandler(), http.MethodDelete: s.journal.ClearHandler()},
		"reset":     {http.MethodPost: http.HandlerFunc(s.adminReset)},
		"scenarios": {http.MethodGet: http.HandlerFunc(s.adminScenarios), http.MethodPost: http.HandlerFunc(s.adminAddScenarios), http.MethodDelete: http.HandlerFunc(s.adminDeleteScenarios)},
	}
	route := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods, ok := routes[strings.TrimPrefix(r.URL.Path, httpserver.AdminPrefix)]
		if !ok {
			s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound,
				"No admin endpoint at "+r.URL.Path+"; see GET /__crawlkit/catalog, /__crawlkit/requests, /__crawlkit/scenarios", nil)
			return
		}
		h, ok := methods[r.Method]
		if !ok {
			allow := make([]string, 0, len(methods))
			for m := range methods {
				allow = append(allow, m)
			}
			slices.Sort(allow)
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.sendError(w, r, http.StatusMethodNotAllowed, envelope.CodeMethodNotAllowed,
				fmt.Sprintf("Method %s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, ", ")), nil)
			return
		}
		h.ServeHTTP(w, r)
	})
	return httpserver.Guard(s.cfg.AdminToken, route)
}

// CatalogEntry is one magic value of the catalog.
type CatalogEntry struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	IDs         string `json:"ids"`
	Try         string `json:"try"`
	Source      string `json:"source"`
}

// Catalog lists what a frontend developer can ask for with nothing but an id.
type Catalog struct {
	// Now is the instant generated crawls are timed relative to
	// (Config.Now): crawlkit gen --now gives the same crawls.
	Now     time.Time         `json:"now"`
	Keys    map[string]string `json:"keys"`
	Entries []CatalogEntry    `json:"entries"`
}

// Catalog returns the magic ids the server answers now: the fixtures and
// every rule that matches on a crawl id.
func (s *Server) Catalog() Catalog {
	set := s.rules.Load()
	c := Catalog{
		Now: s.now,
		Keys: map[string]string{
			"any other key":            "accepted (unless --api-key lists the keys)",
			auth.InvalidPrefix + "...": "400 INVALID_API_KEY",
			"none":                     "400 INVALID_API_KEY",
		},
		Entries: []CatalogEntry{},
	}
	for _, id := range set.Fixtures.IDs() {
		fx, _ := set.Fixtures.Get(id)
		c.Entries = append(c.Entries, CatalogEntry{
			Name: "fixture " + fx.File, Description: "A fixture crawl, served as written.",
			IDs: strconv.FormatInt(id, 10), Try: tryURL(id), Source: "fixtures",
		})
	}
	for _, r := range set.All() {
		if len(r.Match.ID) == 0 {
			continue
		}
		source := r.Source
		if r.Line > 0 {
			source += ":" + strconv.Itoa(r.Line)
		}
		c.Entries = append(c.Entries, CatalogEntry{
			Name: r.Name, Description: r.Description, IDs: r.Match.ID.String(),
			Try: tryURL(r.Match.ID.First()), Source: source,
		})
	}
	return c
}

func tryURL(id int64) string {
	return "/crawl/info?id=" + strconv.FormatInt(id, 10) + "&key=demo"
}

func (s *Server) adminCatalog(w http.ResponseWriter, _ *http.Request) {
	journal.WriteJSON(w, http.StatusOK, s.Catalog())
}

func (s *Server) adminReset(w http.ResponseWriter, _ *http.Request) {
	s.journal.Clear()
	s.progressions.reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminScenarios(w http.ResponseWriter, _ *http.Request) {
	journal.WriteJSON(w, http.StatusOK, map[string]any{"scenarios": s.rules.Load().All()})
}

// adminAddScenarios adds rules, in the scenarios file's format (YAML or
// JSON), in front of every other rule; a rule named like a runtime rule
// replaces it.
func (s *Server) adminAddScenarios(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
	if err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Cannot read the scenarios: "+err.Error(), nil)
		return
	}
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	set := s.rules.Load()
	rules, err := scenario.Parse(ruleset.RuntimeSource, data, scenario.Env{
		Contract:   s.contract,
		HasFixture: func(file string) bool { _, ok := set.Fixtures.ByFile(file); return ok },
	})
	if err == nil && len(rules) == 0 {
		err = errors.New("no rule under scenarios:")
	}
	if err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Invalid scenarios: "+oneLine(err.Error()), nil)
		return
	}
	added := map[string]bool{}
	for i := range rules {
		rules[i].Line = 0
		added[rules[i].Name] = true
	}
	runtime := rules
	for _, old := range set.Runtime {
		if !added[old.Name] {
			runtime = append(runtime, old)
		}
	}
	s.rules.Store(set.WithRuntime(runtime))
	journal.WriteJSON(w, http.StatusCreated, map[string]any{"scenarios": rules})
}

// adminDeleteScenarios removes the runtime rule ?name=, or all of them.
func (s *Server) adminDeleteScenarios(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	set := s.rules.Load()
	var kept []scenario.Rule
	if name != "" {
		for _, rule := range set.Runtime {
			if rule.Name != name {
				kept = append(kept, rule)
			}
		}
		if len(kept) == len(set.Runtime) {
			s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound, "No scenario "+strconv.Quote(name)+" was added through the admin API", nil)
			return
		}
	}
	s.rules.Store(set.WithRuntime(kept))
	w.WriteHeader(http.StatusNoContent)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
