package mockserver

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// advanceRequest is the body of POST /__crawlkit/progressions/advance.
type advanceRequest struct {
	Rule string `json:"rule"`
	// ID picks one crawl of the rule; 0 moves every crawl of it.
	ID int64 `json:"id"`
}

// adminAdvanceProgressions moves the polled progression {"rule", "id"} one
// step forward, as if it had been polled once more, never past its last
// step; it answers the progressions as they are then.
func (s *Server) adminAdvanceProgressions(w http.ResponseWriter, r *http.Request) {
	var req advanceRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation,
			`Invalid body: a JSON object {"rule": "...", "id": 7001} (id optional): `+oneLine(err.Error()), nil)
		return
	}
	fields := validate.Fields{}
	if req.Rule == "" {
		fields["rule"] = []string{"the name of a progression rule"}
	}
	if req.ID < 0 {
		fields["id"] = []string{"a crawl id, 1 or more, or 0 for every crawl of the rule"}
	}
	if len(fields) > 0 {
		s.sendError(w, r, http.StatusBadRequest, envelope.CodeValidation, "Invalid parameters: rule, id", fields)
		return
	}
	steps := 0
	for _, rule := range s.rules.Load().All() {
		if rule.Name == req.Rule && rule.Respond.Progression != nil {
			steps = len(rule.Respond.Progression.Statuses)
			break
		}
	}
	if steps == 0 || s.progressions.advance(req.Rule, req.ID, steps) == 0 {
		s.sendError(w, r, http.StatusNotFound, envelope.CodeNotFound,
			"No progression "+strconv.Quote(req.Rule)+" is being polled"+forCrawl(req.ID), nil)
		return
	}
	s.adminProgressions(w, r)
}

func forCrawl(id int64) string {
	if id == 0 {
		return ""
	}
	return " for crawl " + strconv.FormatInt(id, 10)
}
