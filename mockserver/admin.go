package mockserver

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/scenario"
)

// adminPrefix is where the admin API lives, never matched by the contract's routes.
const adminPrefix = "/__crawlkit/"

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
		methods, ok := routes[strings.TrimPrefix(r.URL.Path, adminPrefix)]
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
	return httpserver.Guard(s.cfg.AdminToken, route, func(w http.ResponseWriter, r *http.Request, reason string) {
		s.sendError(w, r, http.StatusForbidden, "FORBIDDEN", reason, nil)
	})
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
	Keys    map[string]string `json:"keys"`
	Entries []CatalogEntry    `json:"entries"`
}

// Catalog returns the magic ids the server answers now: the fixtures and
// every rule that matches on a crawl id.
func (s *Server) Catalog() Catalog {
	st := s.state.Load()
	c := Catalog{
		Keys: map[string]string{
			"any other key": "accepted (unless --api-key lists the keys)",
			"invalid...":    "400 INVALID_API_KEY",
			"none":          "400 INVALID_API_KEY",
		},
		Entries: []CatalogEntry{},
	}
	for _, id := range st.fixtures.IDs() {
		fx, _ := st.fixtures.Get(id)
		c.Entries = append(c.Entries, CatalogEntry{
			Name: "fixture " + fx.File, Description: "A fixture crawl, served as written.",
			IDs: strconv.FormatInt(id, 10), Try: tryURL(id), Source: "fixtures",
		})
	}
	for _, r := range st.all() {
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
	journal.WriteJSON(w, http.StatusOK, map[string]any{"scenarios": s.state.Load().all()})
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
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	st := s.state.Load()
	rules, err := scenario.Parse(runtimeSource, data, s.env(st.fixtures))
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
	for _, old := range st.runtime {
		if !added[old.Name] {
			runtime = append(runtime, old)
		}
	}
	next := *st
	next.runtime = runtime
	s.state.Store(&next)
	journal.WriteJSON(w, http.StatusCreated, map[string]any{"scenarios": rules})
}

// adminDeleteScenarios removes the runtime rule ?name=, or all of them.
func (s *Server) adminDeleteScenarios(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	st := s.state.Load()
	next := *st
	next.runtime = nil
	if name != "" {
		for _, rule := range st.runtime {
			if rule.Name != name {
				next.runtime = append(next.runtime, rule)
			}
		}
		if len(next.runtime) == len(st.runtime) {
			s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound, "No scenario "+strconv.Quote(name)+" was added through the admin API", nil)
			return
		}
	}
	s.state.Store(&next)
	w.WriteHeader(http.StatusNoContent)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
