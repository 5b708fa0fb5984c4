package generate

import (
	"fmt"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// Progress returns crawl id as it stands at poll (counted from 0) of a crawl
// that moves through statuses, one a poll, and ends, with screenshots
// screenshots, as the last of them. Each poll is deterministic for (seed, id,
// poll) and coherent: a processing poll holds the first screenshots of the
// final crawl, with its counters recounted; polls past the end give the end.
func (g *Generator) Progress(id int64, statuses []string, screenshots, poll int) (*crawl.Crawl, error) {
	if len(statuses) == 0 {
		return nil, fmt.Errorf("progression of crawl %d: no statuses", id)
	}
	last := len(statuses) - 1
	final, err := g.Crawl(id, Options{Status: statuses[last], Screenshots: screenshots, SetScreenshots: true})
	if err != nil {
		return nil, err
	}
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
	case crawl.StatusProcessing:
		step, steps := 0, 0
		for i, s := range statuses[:last] {
			if s == crawl.StatusProcessing {
				steps++
				if i <= poll {
					step++
				}
			}
		}
		n := len(final.Screenshots) * step / (steps + 1)
		c.Screenshots = final.Screenshots[:n]
		c.Processed, c.Failed = 0, 0
		for _, s := range c.Screenshots {
			if s.Status == crawl.StatusError {
				c.Failed++
			} else {
				c.Processed++
			}
		}
		c.TotalDiscovered = max(n, final.TotalDiscovered*step/(steps+1))
	default:
		return nil, fmt.Errorf("progression of crawl %d: %q before the last status", id, c.Status)
	}
	return &c, nil
}
