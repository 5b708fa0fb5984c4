// Package fixtureset loads fixture crawls, the JSON files that crawlkit serve
// answers with in place of generated crawls, and validates each against the
// contract before any is served.
package fixtureset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// ErrInvalid is wrapped by every error about a fixture file's content.
var ErrInvalid = errors.New("invalid fixture")

// FileError is what is wrong with one fixture file.
type FileError struct {
	File       string
	Violations validate.Violations
}

func (e *FileError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = e.File + ": " + v.String()
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *FileError) Unwrap() error { return ErrInvalid }

// Fixture is one crawl served as it is written.
type Fixture struct {
	// File is the file's name in its folder.
	File string
	// ID is the crawl's data.id.
	ID int64
	// Body is the file's bytes, served unchanged.
	Body []byte
}

// Set is a validated set of fixtures, by crawl id.
type Set struct {
	byID map[int64]*Fixture
}

// Get returns the fixture for crawl id.
func (s *Set) Get(id int64) (*Fixture, bool) {
	f, ok := s.byID[id]
	return f, ok
}

// ByFile returns the fixture read from file.
func (s *Set) ByFile(file string) (*Fixture, bool) {
	for _, f := range s.byID {
		if f.File == file {
			return f, true
		}
	}
	return nil, false
}

// IDs returns the crawl ids the set answers for, sorted.
func (s *Set) IDs() []int64 {
	ids := make([]int64, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Len is the number of fixtures.
func (s *Set) Len() int { return len(s.byID) }

// New returns a set of fixtures that were checked elsewhere, for tests and
// tools that build one by hand. The last fixture for an id wins.
func New(fixtures ...*Fixture) *Set {
	set := &Set{byID: make(map[int64]*Fixture, len(fixtures))}
	for _, f := range fixtures {
		set.byID[f.ID] = f
	}
	return set
}

// Load reads every *.json file at the top of fsys as a crawl, validates it
// as a 200 response of GET /crawl/info, and returns them all, or the good
// ones and an error naming each bad file with the JSON pointer and the reason.
func Load(ctx context.Context, fsys fs.FS, v *validate.Validator) (*Set, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}
	set := &Set{byID: map[int64]*Fixture{}}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			errs = append(errs, fmt.Errorf("read fixture %s: %w", e.Name(), err))
			continue
		}
		fx, err := Parse(ctx, e.Name(), body, v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := set.byID[fx.ID]; dup {
			errs = append(errs, &FileError{File: fx.File, Violations: validate.Violations{{
				Pointer: "/data/id", Reason: fmt.Sprintf("crawl %d is already the fixture in %s", fx.ID, prev.File),
			}}})
			continue
		}
		set.byID[fx.ID] = fx
	}
	return set, errors.Join(errs...)
}

// Parse validates one fixture file's content.
func Parse(ctx context.Context, file string, body []byte, v *validate.Validator) (*Fixture, error) {
	var syntax any
	if err := json.Unmarshal(body, &syntax); err != nil {
		return nil, &FileError{File: file, Violations: validate.Violations{{Reason: jsonReason(body, err)}}}
	}
	if vs := v.JSONResponse(ctx, http.StatusOK, body); len(vs) > 0 {
		return nil, &FileError{File: file, Violations: vs}
	}
	// The schema holds data.id to an integer of at least 1.
	var probe struct {
		Data struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, &FileError{File: file, Violations: validate.Violations{{Pointer: "/data/id", Reason: "must be an int64"}}}
	}
	return &Fixture{File: file, ID: probe.Data.ID, Body: body}, nil
}

// jsonReason says where JSON decoding failed, as a line and column.
func jsonReason(body []byte, err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	}
	if offset < 0 || offset > int64(len(body)) {
		return "invalid JSON: " + err.Error()
	}
	before := body[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, err.Error())
}

// nameID finds the crawl id a file's name gives, as crawl-42.json does:
// the last run of digits of its name.
var nameID = regexp.MustCompile(`(\d+)\D*$`)

// Warnings says what is odd about a valid fixture, though it is served as
// written: a name that gives another crawl id than its body, and every
// coherence rule its crawl breaks (all but running-is-recent: a fixture is
// the same crawl whenever it is served). Each line starts with the file.
func (f *Fixture) Warnings() []string {
	var out []string
	stem := strings.TrimSuffix(f.File, path.Ext(f.File))
	if m := nameID.FindStringSubmatch(stem); m != nil {
		if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id != f.ID {
			out = append(out, fmt.Sprintf("%s: its name says crawl %d but /data/id is %d", f.File, id, f.ID))
		}
	}
	var env struct {
		Data crawl.Crawl `json:"data"`
	}
	if json.Unmarshal(f.Body, &env) == nil {
		for _, p := range crawl.Check(&env.Data, time.Time{}) {
			out = append(out, fmt.Sprintf("%s: /data%s", f.File, p))
		}
	}
	return out
}
