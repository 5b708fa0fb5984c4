package mockserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/envelope"
	"github.com/crawlkit/crawlkit/scenario"
)

// adminPrefix is where the admin API lives, never matched by the contract's routes.
const adminPrefix = "/__crawlkit/"

// maxAdminBody bounds a scenarios upload.
const maxAdminBody = 1 << 20

// adminHandler serves the admin API: the catalog, the request journal,
// resets, and scenarios added at run time.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+adminPrefix+"catalog", s.adminCatalog)
	mux.HandleFunc("GET "+adminPrefix+"requests", s.adminRequests)
	mux.HandleFunc("DELETE "+adminPrefix+"requests", s.adminClearRequests)
	mux.HandleFunc("POST "+adminPrefix+"reset", s.adminReset)
	mux.HandleFunc("GET "+adminPrefix+"scenarios", s.adminScenarios)
	mux.HandleFunc("POST "+adminPrefix+"scenarios", s.adminAddScenarios)
	mux.HandleFunc("DELETE "+adminPrefix+"scenarios", s.adminDeleteScenarios)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := s.adminRefusal(r); msg != "" {
			s.sendError(w, r, http.StatusForbidden, "FORBIDDEN", msg, nil)
			return
		}
		h, pattern := mux.Handler(r)
		if pattern == "" {
			s.adminNoRoute(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// adminRefusal says why r may not use the admin API, or "".
func (s *Server) adminRefusal(r *http.Request) string {
	if s.cfg.AdminToken != "" {
		token := r.Header.Get(AdminTokenHeader)
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token == "" {
			token = bearer
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) != 1 {
			return "The admin API needs the admin token in " + AdminTokenHeader + " or Authorization: Bearer"
		}
		return ""
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "The admin API answers loopback callers only; start crawlkit with --admin-token to open it"
	}
	return ""
}

func (s *Server) adminNoRoute(w http.ResponseWriter, r *http.Request) {
	methods := map[string]string{
		"catalog": "GET", "requests": "GET, DELETE", "reset": "POST", "scenarios": "GET, POST, DELETE",
	}
	if allow, ok := methods[strings.TrimPrefix(r.URL.Path, adminPrefix)]; ok {
		w.Header().Set("Allow", allow)
		s.sendError(w, r, http.StatusMethodNotAllowed, envelope.CodeMethodNotAllowed,
			fmt.Sprintf("Method %s is not allowed on %s; use %s", r.Method, r.URL.Path, allow), nil)
		return
	}
	s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound,
		"No admin endpoint at "+r.URL.Path+"; see GET /__crawlkit/catalog, /__crawlkit/requests, /__crawlkit/scenarios", nil)
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	envelope.WriteJSON(w, status, b.Bytes())
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
	writeAdminJSON(w, http.StatusOK, s.Catalog())
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f filter
	var bad []string
	parse := func(name string, min int64, dst func(int64)) {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < min {
				bad = append(bad, name)
				return
			}
			dst(n)
		}
	}
	parse("id", 1, func(n int64) { f.crawlID = n })
	parse("status", 100, func(n int64) { f.status = int(n) })
	parse("limit", 1, func(n int64) { f.limit = int(min(n, int64(s.cfg.JournalEntries))) })
	if len(bad) > 0 {
		fields := map[string][]string{}
		for _, name := range bad {
			fields[name] = []string{"must be a whole number"}
		}
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Invalid parameters: "+strings.Join(bad, ", "), fields)
		return
	}
	if f.limit == 0 {
		f.limit = 100
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"requests": s.journal.list(f)})
}

func (s *Server) adminClearRequests(w http.ResponseWriter, _ *http.Request) {
	s.journal.clear()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminReset(w http.ResponseWriter, _ *http.Request) {
	s.journal.clear()
	s.progressions.reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminScenarios(w http.ResponseWriter, _ *http.Request) {
	writeAdminJSON(w, http.StatusOK, map[string]any{"scenarios": s.state.Load().all()})
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
	writeAdminJSON(w, http.StatusCreated, map[string]any{"scenarios": rules})
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
