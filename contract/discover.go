package contract

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/httpserver"
	"github.com/crawlkit/crawlkit/internal/ruleset"
)

// discover asks a crawlkit mock's catalog for the crawls the configuration
// does not name: one that exists, one that does not, and one still running.
func (run *runner) discover(ctx context.Context) {
	r := run.cfg
	if r.CrawlID != 0 && r.MissingCrawlID != 0 && r.RunningCrawlID != 0 {
		return
	}
	u := *r.endpoint
	u.Path, u.RawQuery = httpserver.AdminPrefix+"catalog", ""
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return
	}
	resp, err := run.client.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var catalog struct {
		Entries []struct{ Name, IDs string }
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&catalog) != nil {
		return
	}
	ids := map[string]string{}
	for _, e := range catalog.Entries {
		ids[e.Name] = e.IDs
	}
	var found []string
	take := func(setting *int64, entry string, pick func(string) (int64, bool), name Setting) {
		if *setting != 0 {
			return
		}
		if id, ok := pick(ids[entry]); ok {
			*setting = id
			found = append(found, r.name(name)+" "+strconv.FormatInt(id, 10))
		}
	}
	take(&r.CrawlID, ruleset.CatalogFinished, firstID, SettingCrawlID)
	take(&r.MissingCrawlID, ruleset.CatalogNotFound, firstID, SettingMissingCrawlID)
	take(&r.RunningCrawlID, ruleset.CatalogProgression, freshID, SettingRunningCrawlID)
	if len(found) > 0 {
		r.notes = append(r.notes, "a crawlkit mock: took "+strings.Join(found, ", ")+" from its catalog")
	}
}

// firstID reads the first id of a catalog entry's ids, "7001, 71000-71999".
func firstID(ids string) (int64, bool) {
	first, _, _ := strings.Cut(ids, ",")
	first, _, _ = strings.Cut(first, "-")
	id, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	return id, err == nil && id > 0
}

// freshID picks an id at random from the last range of a catalog entry's
// ids, so that a progression is most likely polled for the first time; an
// entry without a range gives its first id.
func freshID(ids string) (int64, bool) {
	parts := strings.Split(ids, ",")
	from, to, isRange := strings.Cut(strings.TrimSpace(parts[len(parts)-1]), "-")
	if !isRange {
		return firstID(ids)
	}
	lo, errLo := strconv.ParseInt(from, 10, 64)
	hi, errHi := strconv.ParseInt(to, 10, 64)
	if errLo != nil || errHi != nil || lo < 1 || hi < lo {
		return firstID(ids)
	}
	return lo + rand.Int64N(hi-lo+1), true
}
