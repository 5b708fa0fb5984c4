package textsafe_test

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crawlkit/crawlkit/internal/textsafe"
)

func TestEscape(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"plain text stays", "GET /crawl/info?id=1 200", "GET /crawl/info?id=1 200"},
		{"other scripts stay", "café 日本 🙂 \\u001b", "café 日本 🙂 \\u001b"},
		{"clear screen", "a\x1b[2Jb", `a\u001b[2Jb`},
		{"window title (OSC 0)", "\x1b]0;pwned\x07", `\u001b]0;pwned\u0007`},
		{"hyperlink (OSC 8)", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", `\u001b]8;;http://evil\u001b\x\u001b]8;;\u001b\`},
		{"line breaks and tabs", "a\r\nb\tc", `a\u000d\u000ab\u0009c`},
		{"NUL and DEL", "a\x00b\x7f", `a\u0000b\u007f`},
		{"C1 CSI as UTF-8", "a\u009b2J", `a\u009b2J`},
		{"C1 CSI as a lone byte", "a\x9b2J", `a\x9b2J`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"line separator", "a\u2028b", `a\u2028b`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, textsafe.Escape(tt.in))
		})
	}
}

// TestTextLogsAreTerminalSafe: whatever a log line carries, a text
// handler with ReplaceAttr writes no control character but its final
// newline, and writes each as \u001b.
func TestTextLogsAreTerminalSafe(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: textsafe.ReplaceAttr}))
	log.Info("request \x1b[2J",
		"path", "/crawl/info\x1b[2J",
		"err", errors.New("upstream said \x1b]0;title\x07"),
		"violations", []string{"a\x1b[31m", "b"},
		"group", slog.GroupValue(slog.String("inner", "\x9b")),
		"status", 200,
	)
	line := b.String()
	for i, c := range []byte(line[:len(line)-1]) {
		assert.False(t, c < 0x20 || c == 0x7f, "control byte %#x at %d in %q", c, i, line)
	}
	assert.Contains(t, line, `path=/crawl/info\u001b[2J`)
	assert.Contains(t, line, `status=200`)
	assert.Contains(t, line, `\u0007`)
	assert.Contains(t, line, `group.inner=\x9b`)
}
