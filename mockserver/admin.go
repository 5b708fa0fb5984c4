package mockserver

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/auth"
	"github.com/crawlkit/crawlkit/internal/console"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/journal"
	"github.com/crawlkit/crawlkit/internal/scenario"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// maxAdminBody bounds a scenarios upload.
const maxAdminBody = 1 << 20

// adminHandler serves the admin API: the console, the catalog, the request
// journal and its live stream, progressions, resets, and scenarios added at
// run time, behind the admin guard; and the health check, open to all.
func (s *Server) adminHandler() http.Handler {
	routes := map[string]map[string]http.Handler{
		"catalog":              {http.MethodGet: http.HandlerFunc(s.adminCatalog)},
		"requests":             {http.MethodGet: s.journal.ListHandler(), http.MethodDelete: s.journal.ClearHandler()},
		"requests/stream":      {http.MethodGet: s.journal.StreamHandler(s.stopping)},
		"progressions":         {http.MethodGet: http.HandlerFunc(s.adminProgressions), http.MethodDelete: http.HandlerFunc(s.adminResetProgressions)},
		"progressions/advance": {http.MethodPost: http.HandlerFunc(s.adminAdvanceProgressions)},
		"reset":                {http.MethodPost: http.HandlerFunc(s.adminReset)},
		"scenarios":            {http.MethodGet: http.HandlerFunc(s.adminScenarios), http.MethodPost: http.HandlerFunc(s.adminAddScenarios), http.MethodDelete: http.HandlerFunc(s.adminDeleteScenarios)},
		"pact":                 {http.MethodPost: http.HandlerFunc(s.adminPact)},
	}
	guarded := httpserver.Guard(s.cfg.AdminToken, s.route(routes))
	// Open to all: the health check, and the console's page, which holds no
	// data and asks for the token the API calls need.
	open := map[string]map[string]http.Handler{
		"health": {http.MethodGet: http.HandlerFunc(s.health), http.MethodHead: http.HandlerFunc(s.health)},
		"":       {http.MethodGet: s.console, http.MethodHead: s.console},
	}
	for _, asset := range console.Assets() {
		open[asset] = map[string]http.Handler{http.MethodGet: s.console, http.MethodHead: s.console}
	}
	public := s.route(open)
	// Every admin route but the health check answers only the Host names
	// of this server, against DNS rebinding; readiness probes call it by
	// any name (a compose service's, say).
	hosts := httpserver.HostGuard(s.cfg.AllowedHosts, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := open[strings.TrimPrefix(r.URL.Path, httpserver.AdminPrefix)]; ok {
			public.ServeHTTP(w, r)
			return
		}
		guarded.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == httpserver.AdminPrefix+"health" {
			public.ServeHTTP(w, r)
			return
		}
		hosts.ServeHTTP(w, r)
	})
}

// route finds the handler of a path below the admin prefix and a method;
// 404 and 405 (with Allow) in the envelope otherwise.
func (s *Server) route(routes map[string]map[string]http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		methods, ok := routes[strings.TrimPrefix(r.URL.Path, httpserver.AdminPrefix)]
		if !ok {
			s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound,
				"No admin endpoint at "+r.URL.Path+"; the console is at "+httpserver.AdminPrefix+", the API under "+httpserver.AdminPrefix+"catalog, requests, scenarios, progressions, pact", nil)
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
}

// health answers readiness probes: 200 once the server serves, with what
// it serves; HEAD without a body.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	set := s.rules.Load()
	if r.Method == http.MethodHead {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		return
	}
	journal.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "fixtures": set.Fixtures.Len(), "scenarios": len(set.All())})
}

// Progression is one progressing crawl as the admin API lists it.
type Progression struct {
	Rule string `json:"rule"`
	ID   int64  `json:"id"`
	Seed uint64 `json:"seed"`
	// Polls is how many polls were answered; Status the last one's status,
	// of Steps.
	Polls  int      `json:"polls"`
	Status string   `json:"status"`
	Steps  []string `json:"steps"`
}

// Progressions lists the crawls being polled through a progression of the
// rules in force; those of a rule since replaced or removed are over.
func (s *Server) Progressions() []Progression {
	current := map[*scenario.Progression]bool{}
	for _, r := range s.rules.Load().All() {
		if r.Respond.Progression != nil {
			current[r.Respond.Progression] = true
		}
	}
	out := []Progression{}
	for _, p := range s.progressions.list() {
		steps := p.key.steps
		if !current[steps] {
			continue
		}
		out = append(out, Progression{
			Rule: p.key.rule, ID: p.key.id, Seed: p.key.seed, Polls: p.polls,
			Steps: steps.Statuses, Status: steps.Statuses[min(max(p.polls-1, 0), len(steps.Statuses)-1)],
		})
	}
	slices.SortFunc(out, func(a, b Progression) int {
		return cmp.Or(strings.Compare(a.Rule, b.Rule), cmp.Compare(a.ID, b.ID))
	})
	return out
}

func (s *Server) adminProgressions(w http.ResponseWriter, _ *http.Request) {
	journal.WriteJSON(w, http.StatusOK, map[string]any{"progressions": s.Progressions()})
}

// adminResetProgressions starts over the progression ?rule= (for crawl
// ?id= when given), or all of them.
func (s *Server) adminResetProgressions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rule := q.Get("rule")
	if rule == "" {
		s.progressions.reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var id int64
	if raw := q.Get("id"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Invalid parameter: id", validate.Fields{"id": {"must be a crawl id, 1 or more"}})
			return
		}
		id = n
	}
	if s.progressions.forget(rule, id) == 0 {
		s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound, "No progression "+strconv.Quote(rule)+" is being polled", nil)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// CatalogEntry is one magic value of the catalog.
type CatalogEntry struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	IDs         string `json:"ids"`
	Try         string `json:"try"`
	Source      string `json:"source"`
	// OffContract marks an entry answered off the contract on purpose.
	OffContract bool `json:"off_contract,omitempty"`
	// Group is what kind of answer the entry gives (see catalogGroup), for
	// listings to group entries by.
	Group string `json:"group"`
	// Fault names the fault the entry plays, if it plays one.
	Fault string `json:"fault,omitempty"`
}

// Catalog lists what a frontend developer can ask for with nothing but an id.
type Catalog struct {
	// Now is the instant generated crawls are timed relative to
	// (Config.Now): crawlkit gen --now gives the same crawls.
	Now time.Time `json:"now"`
	// MaxHangMS is how long, in milliseconds, the hang fault holds a
	// connection before closing it (Config.MaxHang, --max-hang).
	MaxHangMS int64 `json:"max_hang_ms"`
	// Statuses are the statuses the contract documents, and Examples its
	// named examples with the status of each: what a rule may answer.
	Statuses []int             `json:"statuses"`
	Examples []CatalogExample  `json:"examples"`
	Keys     map[string]string `json:"keys"`
	Entries  []CatalogEntry    `json:"entries"`
}

// Catalog returns the magic ids the server answers now: the fixtures and
// every rule that matches on a crawl id.
func (s *Server) Catalog() Catalog {
	set := s.rules.Load()
	c := Catalog{
		Now:       s.now,
		MaxHangMS: s.cfg.MaxHang.Milliseconds(),
		Statuses:  slices.Clone(s.contract.Statuses),
		Examples:  catalogExamples(s.contract),
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
			IDs: strconv.FormatInt(id, 10), Try: tryURL(id), Source: "fixtures", Group: GroupCrawls,
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
			Try: tryURL(r.Match.ID.First()), Source: source, OffContract: offContract(&r.Respond, s.contract),
			Group: catalogGroup(&r, s.contract), Fault: r.Respond.Fault,
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
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) adminScenarios(w http.ResponseWriter, _ *http.Request) {
	journal.WriteJSON(w, http.StatusOK, map[string]any{"scenarios": s.rules.Load().All(), "reload_error": s.LastReloadError()})
}

// adminAddScenarios adds rules, in the scenarios file's format (YAML or
// JSON), in front of every other rule; a rule named like a runtime rule
// replaces it. A refusal lists every problem, by line, in the envelope's
// fields.
func (s *Server) adminAddScenarios(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
	if err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Cannot read the scenarios: "+err.Error(), nil)
		return
	}
	rules, err := s.addScenarios(data)
	if err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Invalid scenarios: "+oneLine(err.Error()), linesOf(err))
		return
	}
	journal.WriteJSON(w, http.StatusCreated, map[string]any{"scenarios": rules})
}

// adminDeleteScenarios removes the runtime rule ?name=, or all of them.
func (s *Server) adminDeleteScenarios(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if !s.removeScenarios(name) {
		s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound, "No scenario "+strconv.Quote(name)+" was added through the admin API", nil)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// linesOf lists the problems of a scenarios text by line, as the fields of
// the error envelope ("line 3": [...]), for an editor to show them in place.
func linesOf(err error) validate.Fields {
	fields := validate.Fields{}
	var walk func(error)
	walk = func(err error) {
		var e *scenario.Error
		switch joined, ok := err.(interface{ Unwrap() []error }); {
		case ok:
			for _, inner := range joined.Unwrap() {
				walk(inner)
			}
		case errors.As(err, &e):
			reason := e.Reason
			if e.Rule != "" {
				reason = "scenario " + strconv.Quote(e.Rule) + ": " + reason
			}
			key := "line " + strconv.Itoa(e.Line)
			fields[key] = append(fields[key], reason)
		default:
			fields["scenarios"] = append(fields["scenarios"], oneLine(err.Error()))
		}
	}
	walk(err)
	return fields
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
