package mockserver

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/crawlkit/crawlkit/internal/ruleset"
)

// reloadSettle is how long the files must stay still before a reload, so an
// editor's save (write, rename, chmod) reloads once.
const reloadSettle = 150 * time.Millisecond

// ReloadError is a reload that failed: the last good configuration kept
// running.
type ReloadError struct {
	At      time.Time `json:"at"`
	Message string    `json:"message"`
}

// Reload reads the fixtures and scenarios again. When they are all valid
// they replace the running ones at once; otherwise the running ones stay,
// the error names the file, the line or pointer, and the reason, and
// LastReloadError returns it until a reload succeeds.
func (s *Server) Reload(ctx context.Context) error {
	s.rulesMu.Lock()
	defer s.rulesMu.Unlock()
	next, err := ruleset.Load(ctx, s.sources(), s.validator, s.rules.Load().Runtime)
	if err != nil {
		s.reloadErr.Store(&ReloadError{At: time.Now().UTC(), Message: oneLine(err.Error())})
		return err
	}
	s.reloadErr.Store(nil)
	s.rules.Store(next)
	// The old configuration's bodies can answer no more (cache keys name
	// its fixtures and progressions, not their files and rule names);
	// dropping them frees their memory now.
	s.cache.purge()
	return nil
}

// LastReloadError returns the error of the last reload, or nil when it
// succeeded (or none was tried): nobody tests against stale rules unaware.
func (s *Server) LastReloadError() *ReloadError { return s.reloadErr.Load() }

// watch starts reloading on changes to the fixtures folder and the
// scenarios file until ctx ends.
func (s *Server) watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch files: %w", err)
	}
	dirs := map[string]bool{}
	if s.cfg.FixturesDir != "" {
		dirs[filepath.Clean(s.cfg.FixturesDir)] = true
	}
	if s.cfg.ScenariosFile != "" {
		// Watch the folder: editors replace a file rather than write it.
		dirs[filepath.Dir(filepath.Clean(s.cfg.ScenariosFile))] = true
	}
	for dir := range dirs {
		if err := w.Add(dir); err != nil {
			_ = w.Close()
			return fmt.Errorf("watch %s: %w", dir, err)
		}
	}
	go s.reloadOnChange(ctx, w)
	return nil
}

func (s *Server) reloadOnChange(ctx context.Context, w *fsnotify.Watcher) {
	defer w.Close()
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if s.relevant(ev.Name) {
				settle.Reset(reloadSettle)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("watching files", "err", err)
		case <-settle.C:
			if err := s.Reload(ctx); err != nil {
				s.log.Error("reload failed; the last good configuration keeps running", "err", oneLine(err.Error()))
				continue
			}
			set := s.rules.Load()
			s.log.Info("reloaded", "fixtures", set.Fixtures.Len(), "scenarios", len(set.Rules))
		}
	}
}

// relevant reports whether a changed file is one the server reads.
func (s *Server) relevant(name string) bool {
	name = filepath.Clean(name)
	if s.cfg.ScenariosFile != "" && name == filepath.Clean(s.cfg.ScenariosFile) {
		return true
	}
	if s.cfg.FixturesDir == "" || filepath.Dir(name) != filepath.Clean(s.cfg.FixturesDir) {
		return false
	}
	ext := filepath.Ext(name)
	return ext == ".json" || filepath.Base(name) == ruleset.ScenariosFile
}
