package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// OwnSpec is the rate of crawls never seen before (random ids) with the
// embedded contract and with an evolved one given with --spec, whose
// crawls are laid over its schema.
type OwnSpec struct {
	Spec         string  `json:"spec"`
	RequestsPerS float64 `json:"requests_per_s"`
	CPUMicros    float64 `json:"cpu_us_per_request"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
	BodyKB       float64 `json:"body_kb"`
}

// evolvedSpec is the evolved contract the tests use (testdata/specs).
const evolvedSpec = "testdata/specs/evolved.yaml"

// measureOwnSpec runs random ids on the embedded contract and on the
// evolved one, in turn, rounds times each, and keeps each side's median.
func measureOwnSpec(ctx context.Context, crawlkit string, rounds int, d time.Duration, conns int) ([]OwnSpec, error) {
	sides := []struct {
		name  string
		extra []string
	}{{"embedded", nil}, {evolvedSpec, []string{"--spec", evolvedSpec}}}
	runs := make([][]OwnSpec, len(sides))
	for range rounds {
		for i, side := range sides {
			row := OwnSpec{Spec: side.name}
			err := withServerArgs(ctx, crawlkit, side.extra, func(base string, pid int) error {
				before, err := cpuTicks(pid)
				if err != nil {
					return err
				}
				r, err := wrkRate(ctx, []string{"-s", "bench/random-ids.lua", base}, d, conns)
				if err != nil {
					return err
				}
				after, err := cpuTicks(pid)
				if err != nil {
					return err
				}
				row.RequestsPerS, row.BodyKB = r.rate, r.bodyKB
				if n := r.rate * d.Seconds(); n > 0 {
					row.CPUMicros = float64(after-before) * 1e6 / clockTicks / n
				}
				return nil
			}, &row.PeakRSSMB)
			if err != nil {
				return nil, fmt.Errorf("random ids, %s: %w", side.name, err)
			}
			runs[i] = append(runs[i], row)
		}
	}
	out := make([]OwnSpec, len(sides))
	for i, rs := range runs {
		slices.SortFunc(rs, func(a, b OwnSpec) int { return int(a.RequestsPerS - b.RequestsPerS) })
		out[i] = rs[len(rs)/2]
	}
	return out, nil
}

// ownSpecTable writes the rows as a Markdown table, each rate beside the
// embedded contract's.
func ownSpecTable(rows []OwnSpec) string {
	var b strings.Builder
	b.WriteString("| contract | requests/s | of the embedded rate | CPU µs/request | body KB | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %.0f | %.0f%% | %.1f | %.1f | %.1f |\n", r.Spec, r.RequestsPerS, 100*r.RequestsPerS/rows[0].RequestsPerS, r.CPUMicros, r.BodyKB, r.PeakRSSMB)
	}
	return b.String()
}
