package contract

import (
	"fmt"
	"strings"
)

// SkipError stops a run that would check too little to mean anything: no
// credentials at all, or more than MaxSkips cases skipped. Config.AllowSkips
// runs it anyway.
type SkipError struct {
	// Skipped of Total cases would be skipped.
	Skipped, Total int
	// NoCredentials is set when neither a key nor a token was given.
	NoCredentials bool
	// Missing lists what the skipped cases need, each once.
	Missing []*Missing
	// name is the run's Config.Names.
	name func(Setting) string
}

// Error says what is missing in the run's words (Config.Names).
func (e *SkipError) Error() string {
	name := e.name
	if name == nil {
		name = Setting.Field
	}
	return e.Reason(name, name(SettingAllowSkips))
}

// Reason says what is missing and how to give it, each setting written by
// name (Setting.Flag or Setting.Field) and the way to run anyway, allow.
func (e *SkipError) Reason(name func(Setting) string, allow string) string {
	reasons := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		reasons[i] = m.Reason(name)
	}
	head := fmt.Sprintf("%d of %d cases would be skipped", e.Skipped, e.Total)
	if e.NoCredentials {
		head = fmt.Sprintf("no credentials: %d of %d cases would check nothing", e.Skipped, e.Total)
	}
	return fmt.Sprintf("%s; %s (%s runs anyway)", head, strings.Join(reasons, "; "), allow)
}

// gate refuses a run that would skip too much, unless skips are allowed.
func gate(r *resolved, selected []kase) error {
	if r.AllowSkips {
		return nil
	}
	e := &SkipError{Total: len(selected), NoCredentials: r.APIKey == "" && r.Bearer == "", name: r.name}
	needsCredentials := false
	seen := map[string]bool{}
	for _, k := range selected {
		if k.skip == nil {
			continue
		}
		e.Skipped++
		if k.skip.What == missingCredentials {
			needsCredentials = true
		}
		if !seen[k.skip.What] {
			seen[k.skip.What] = true
			if k.skip.What == missingCredentials {
				e.Missing = append([]*Missing{k.skip}, e.Missing...) // what matters most first
			} else {
				e.Missing = append(e.Missing, k.skip)
			}
		}
	}
	e.NoCredentials = e.NoCredentials && needsCredentials
	if e.NoCredentials || e.Skipped > MaxSkips {
		return e
	}
	return nil
}
