// Package console is the QA console the mock serves at /__crawlkit/: one
// page of plain HTML, CSS and JavaScript, embedded, with no build step and
// nothing fetched from elsewhere. It talks to the admin API only.
package console

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// Assets lists the files the page loads, by their names below the admin
// prefix.
func Assets() []string {
	entries, _ := fs.ReadDir(static, "static")
	var out []string
	for _, e := range entries {
		if e.Name() != "index.html" {
			out = append(out, e.Name())
		}
	}
	return out
}

// Handler serves the page at prefix and its assets below it.
func Handler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, prefix)
		if name == "" {
			name = "index.html"
		}
		data, err := static.ReadFile("static/" + name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		h.Set("Cache-Control", "no-cache")
		// The page runs only its own files: no inline script, nothing from
		// elsewhere.
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(data)
	})
}
