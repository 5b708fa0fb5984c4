// Package textsafe makes text from clients and servers safe to print on a
// terminal or in a CI log: control characters are written as JSON escapes
// (\u001b), so that an escape sequence, a carriage return or a bidi
// override arrives as text, never as a command to the terminal.
package textsafe

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character a terminal may act on written as
// \uXXXX: C0 controls (tab and newline too), DEL, C1 controls, the line and
// paragraph separators and the bidi formatting characters. A byte that is
// not UTF-8 is written \xNN. Text with none of them is returned as it is.
func Escape(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if acts(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case acts(r, size):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// acts reports whether a terminal may act on rune r, of size bytes.
func acts(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069): // bidi
		return true
	}
	return false
}

// ReplaceAttr, as slog.HandlerOptions.ReplaceAttr of a text handler,
// escapes the message and every string, error or other value of a log
// line (see Escape): slog's text handler would quote them, in Go's \x1b
// style, and its JSON handler already writes \u001b.
func ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); Escape(s) != s {
			a.Value = slog.StringValue(Escape(s))
		}
	case slog.KindAny:
		var s string
		switch v := a.Value.Any().(type) {
		case error:
			s = v.Error()
		case []byte:
			s = string(v)
		default:
			s = fmt.Sprintf("%+v", v)
		}
		if e := Escape(s); e != s {
			a.Value = slog.StringValue(e)
		}
	}
	return a
}
