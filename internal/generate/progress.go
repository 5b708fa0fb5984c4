package generate

import (
	"fmt"
	"slices"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// Progress returns crawl id as it stands at poll (counted from 0) of a crawl
// that moves through statuses, one a poll, and ends, with screenshots
// screenshots, as the last of them, moments before the generator's now.
// Each poll is deterministic for (seed, now, id, poll) and coherent, and
// the polls tell one story: a processing poll holds the first screenshots
// of the final crawl, the last of them still being taken, with more pages
// discovered than done; counters and screenshots only grow, and a
// screenshot keeps its id and URL. Polls past the end give the end. A
// negative screenshots leaves the number to the seed.
func (g *Generator) Progress(id int64, statuses []string, screenshots, poll int) (*crawl.Crawl, error) {
	if len(statuses) == 0 {
		return nil, fmt.Errorf("progression of crawl %d: no statuses", id)
	}
	if err := checkID(id); err != nil {
		return nil, err
	}
	last := len(statuses) - 1
	opts := Options{Status: statuses[last], Screenshots: screenshots, SetScreenshots: screenshots >= 0}
	if err := opts.CheckIn(g.statuses); err != nil {
		return nil, err
	}
	if screenshots == 0 && slices.Contains(statuses, crawl.StatusProcessing) {
		return nil, fmt.Errorf("progression of crawl %d: a crawl processing takes pages, so at least 1 screenshot", id)
	}
	final := g.builder(id).crawl(opts, anchorJustNow)
	if poll >= last {
		return final, nil
	}
	c := *final
	c.Status = statuses[poll]
	c.Finished = 0
	c.Error = ""
	switch c.Status {
	case crawl.StatusInQueue:
		c.Started, c.TotalDiscovered, c.Processed, c.Failed = 0, 0, 0, 0
		c.Screenshots = []crawl.Screenshot{}
	case crawl.StatusProcessing, statusOf(c.Status):
		// This is processing step `step` of `steps`.
		step, steps := 0, 0
		for i, s := range statuses[:last] {
			if running(s) {
				steps++
				if i <= poll {
					step++
				}
			}
		}
		n := len(final.Screenshots)
		done := n * step / (steps + 1)
		pending := min(2, n-done)
		c.Screenshots = slices.Clone(final.Screenshots[:done+pending])
		for i := done; i < done+pending; i++ {
			makePending(&c.Screenshots[i], i == done)
		}
		c.Processed, c.Failed, _ = c.Tally()
		// More discovered than done, growing towards the final count.
		grown := final.TotalDiscovered * (step + 1) / (steps + 1)
		c.TotalDiscovered = min(max(grown, done+pending, done+1), max(final.TotalDiscovered, done+1))
	default:
		return nil, fmt.Errorf("progression of crawl %d: %q before the last status", id, c.Status)
	}
	return &c, nil
}

// running reports whether a progression step is a crawl still taking
// pages: processing, or a status the contract adds.
func running(s string) bool { return s == crawl.StatusProcessing || !validStatus(s) }

// statusOf is s when the generator does not know it, to be made as a
// crawl still running; "" otherwise.
func statusOf(s string) string {
	if validStatus(s) {
		return ""
	}
	return s
}
