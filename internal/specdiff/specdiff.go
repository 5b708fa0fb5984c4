// Package specdiff compares two OpenAPI documents for the clients of the API
// they describe, with oasdiff: every change in words, where it is in each
// document, and whether it breaks a client written against the old one.
//
// Breaking means what oasdiff's `breaking` command reports: a change of
// level ERR (it breaks clients) or WARN (it may, and the document does not
// say enough to tell). INFO changes do not break clients. Every oasdiff check
// runs, at its default level.
package specdiff

import (
	"context"
	"fmt"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
)

// Levels of oasdiff's checks, as Change.Level spells them.
const (
	LevelErr  = "ERR"
	LevelWarn = "WARN"
	LevelInfo = "INFO"
)

// Result is what changed from the old document to the new one.
type Result struct {
	Old string `json:"old"`
	New string `json:"new"`
	// Changes are sorted breaking first, then by path, operation and id.
	Changes []Change `json:"changes"`
	Counts  Counts   `json:"counts"`
	// Identical is true when the documents do not differ at all, not even
	// where no check looks (descriptions, examples, extensions).
	Identical bool `json:"identical"`
	// Notes are what validating the documents found short of an error, the
	// old document's first.
	Notes []Note `json:"notes,omitempty"`
}

// Counts sums up the changes by what they mean for clients and by level.
type Counts struct {
	Total       int `json:"total"`
	Breaking    int `json:"breaking"`
	NonBreaking int `json:"non_breaking"`
	Err         int `json:"err"`
	Warn        int `json:"warn"`
	Info        int `json:"info"`
}

// Change is one change oasdiff's checks found.
type Change struct {
	// ID names the oasdiff check, e.g. response-required-property-removed.
	ID string `json:"id"`
	// Level is LevelErr, LevelWarn or LevelInfo.
	Level    string `json:"level"`
	Breaking bool   `json:"breaking"`
	// Text says the change in words, as oasdiff writes it: names and values
	// in backquotes.
	Text string `json:"text"`
	// Comment, when oasdiff has one, says why the change matters.
	Comment string `json:"comment,omitempty"`
	// Section is the part of the document: paths, info, security or
	// components.
	Section     string `json:"section"`
	Operation   string `json:"operation,omitempty"`
	OperationID string `json:"operation_id,omitempty"`
	Path        string `json:"path,omitempty"`
	// Old and New locate the change in each document, nil on the side it
	// is absent from (an added field has no Old).
	Old *Location `json:"old,omitempty"`
	New *Location `json:"new,omitempty"`
}

// Subject is what the change is about: "GET /crawl/info" for a change to an
// operation, else its section.
func (c Change) Subject() string {
	if c.Operation != "" || c.Path != "" {
		return c.Operation + " " + c.Path
	}
	return c.Section
}

// Location is where a change is in one document.
type Location struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Pointer is the JSON pointer of the element in File, when File is the
	// document compared (not a file it refers to) and the element is known.
	Pointer string `json:"pointer,omitempty"`
}

// Compare loads the documents oldName and newName stand for (each a file
// path or Embedded) and returns every change from the first to the second.
// A document that cannot be compared is a *LoadError.
func Compare(ctx context.Context, oldName, newName string) (*Result, error) {
	oldDoc, err := loadDocument(ctx, oldName)
	if err != nil {
		return nil, err
	}
	newDoc, err := loadDocument(ctx, newName)
	if err != nil {
		return nil, err
	}
	report, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), oldDoc.info, newDoc.info)
	if err != nil {
		return nil, fmt.Errorf("compare %s with %s: %w", oldName, newName, err)
	}
	found := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), report, sources, checker.INFO)
	res := &Result{Old: oldName, New: newName, Changes: make([]Change, 0, len(found)), Identical: report.Empty(),
		Notes: append(oldDoc.notes, newDoc.notes...)}
	localize := checker.NewDefaultLocalizer()
	for _, c := range found {
		ch := Change{
			ID:          c.GetId(),
			Level:       levelName(c.GetLevel()),
			Breaking:    c.IsBreaking(),
			Text:        c.GetUncolorizedText(localize),
			Comment:     c.GetComment(localize),
			Section:     c.GetSection(),
			Operation:   c.GetOperation(),
			OperationID: c.GetOperationId(),
			Path:        c.GetPath(),
			Old:         oldDoc.locate(c.GetBaseSource()),
			New:         newDoc.locate(c.GetRevisionSource()),
		}
		res.Changes = append(res.Changes, ch)
		res.Counts.add(ch)
	}
	return res, nil
}

func (n *Counts) add(c Change) {
	n.Total++
	if c.Breaking {
		n.Breaking++
	} else {
		n.NonBreaking++
	}
	switch c.Level {
	case LevelErr:
		n.Err++
	case LevelWarn:
		n.Warn++
	default:
		n.Info++
	}
}

func levelName(l checker.Level) string {
	switch l {
	case checker.ERR:
		return LevelErr
	case checker.WARN:
		return LevelWarn
	default:
		return LevelInfo
	}
}

// locate turns oasdiff's source of a change into a Location in d, with the
// JSON pointer of the element where d is the file it is in.
func (d *document) locate(src *checker.Source) *Location {
	if src == nil {
		return nil
	}
	loc := &Location{File: src.File, Line: src.Line, Column: src.Column}
	if loc.File == "" || d.sameFile(loc.File) {
		loc.File = d.name
		loc.Pointer, _ = pointerAt(d.tree, src.Line, src.Column)
	}
	return loc
}
