package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// poll runs the running/progress case: it polls the crawl every
// PollInterval until its status is final, then once more to see it stays
// so, checking each answer as any other and the answers in sequence. A
// crawl still running after PollTimeout fails the case. A case the run's
// stop cuts short is not run, unless its polls so far found a failure.
func (run *runner) poll(ctx context.Context, k *kase, res CaseResult, buf *bodyBuffer) outcome {
	start := time.Now()
	var (
		o        outcome
		seq      sequence
		finalAt  int
		timedOut bool
	)
	for n := 1; ; n++ {
		prefix := fmt.Sprintf("poll %d: ", n)
		one, c := run.exchange(ctx, k, &res, prefix, buf)
		o.answers = append(o.answers, one.answers...)
		o.timedOut = one.timedOut
		if one.cut {
			return cutShort(o, res)
		}
		if len(one.answers) == 0 {
			break // no answer: the transport failure says why
		}
		if c == nil {
			break // not a crawl: the checks say why
		}
		res.Failures = append(res.Failures, seq.next(n, c)...)
		if finalAt != 0 {
			break // the poll after the final one
		}
		if crawl.Final(c.Status) {
			finalAt = n
		} else if time.Since(start) > run.cfg.PollTimeout {
			timedOut = true
			res.Failures = append(res.Failures, Finding{Check: CheckProgress, Setting: SettingPollTimeout,
				Message: fmt.Sprintf("poll %d: still %s after %s (%s)", n, c.Status, run.cfg.name(SettingPollTimeout), run.cfg.PollTimeout)})
			break
		}
		t := time.NewTimer(run.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return cutShort(o, res)
		case <-t.C:
		}
	}
	res.DurationMS = ms(time.Since(start))
	res.Outcome = Pass
	if len(res.Failures) > 0 || timedOut {
		res.Outcome = Fail
	}
	o.res = res
	return o
}

// cutShort ends a poll the run's stop cut short: failed when the polls so
// far found a failure, cut (not run) otherwise.
func cutShort(o outcome, res CaseResult) outcome {
	o.res = res
	if len(res.Failures) == 0 {
		o.cut = true
		return o
	}
	o.res.Outcome = Fail
	return o
}

// sequence holds what the polls so far showed, to check the next against.
type sequence struct {
	prev     *crawl.Crawl
	prevPoll int
	// shots remembers each screenshot seen, by its index: id, url, poll.
	shots map[int]seenShot
}

type seenShot struct {
	id   int64
	url  string
	poll int
}

// stage orders crawl statuses: the status only moves forward.
func stage(status string) int {
	switch status {
	case crawl.StatusInQueue:
		return 0
	case crawl.StatusProcessing:
		return 1
	}
	return 2
}

// next checks poll n's crawl against the polls before it.
func (s *sequence) next(n int, c *crawl.Crawl) []Finding {
	var out []Finding
	add := func(pointer, format string, args ...any) {
		out = append(out, Finding{Check: CheckProgress, Pointer: pointer, Message: fmt.Sprintf("poll %d: ", n) + fmt.Sprintf(format, args...)})
	}
	if s.shots == nil {
		s.shots = map[int]seenShot{}
	}
	if p := s.prev; p != nil {
		switch {
		case crawl.Final(p.Status) && c.Status != p.Status:
			add("/data/status", "the crawl left its final status %s (poll %d) for %s", p.Status, s.prevPoll, c.Status)
		case stage(c.Status) < stage(p.Status):
			add("/data/status", "the status went back from %s (poll %d) to %s", p.Status, s.prevPoll, c.Status)
		}
		for _, counter := range []struct {
			name       string
			was, isNow int
		}{
			{"processed", p.Processed, c.Processed},
			{"failed", p.Failed, c.Failed},
			{"total_discovered", p.TotalDiscovered, c.TotalDiscovered},
			{"screenshots", len(p.Screenshots), len(c.Screenshots)},
		} {
			if counter.isNow < counter.was {
				add("/data/"+counter.name, "%s went down from %d (poll %d) to %d", counter.name, counter.was, s.prevPoll, counter.isNow)
			}
		}
		for _, t := range []struct {
			name       string
			was, isNow int64
		}{{"started", p.Started, c.Started}, {"finished", p.Finished, c.Finished}} {
			if t.was != 0 && t.isNow != t.was {
				add("/data/"+t.name, "%s changed from %d (poll %d) to %d once set", t.name, t.was, s.prevPoll, t.isNow)
			}
		}
	}
	for i, shot := range c.Screenshots {
		seen, ok := s.shots[i]
		if !ok {
			s.shots[i] = seenShot{id: shot.ID, url: shot.URL, poll: n}
			continue
		}
		if seen.id != shot.ID || seen.url != shot.URL {
			add(fmt.Sprintf("/data/screenshots/%d", i), "screenshot %d was id %d, %s at poll %d, and is now id %d, %s",
				i, seen.id, seen.url, seen.poll, shot.ID, shot.URL)
		}
	}
	s.prev, s.prevPoll = c, n
	return out
}
