package generate

import (
	"strconv"
	"strings"
)

// site is the set of pages of one crawled site, by index: page 0 is the
// start URL, the others are the paths a real site has.
type site struct {
	host  string
	paths []string
}

var topPages = [...]string{"/about", "/contact", "/blog", "/pricing", "/products", "/careers", "/docs", "/team", "/faq", "/privacy", "/terms", "/news"}

var sections = [...]string{"blog", "products", "docs", "news", "help", "case-studies"}

var slugWords = [...]string{"getting-started", "pricing-update", "release-notes", "how-we-work", "customer-story", "product-tour", "security", "roadmap", "integration-guide", "best-practices", "faq", "changelog"}

func newSite(b *builder, host string) *site {
	s := &site{host: host, paths: []string{"/"}}
	for _, p := range topPages {
		if b.chance(0.8) {
			s.paths = append(s.paths, p)
		}
	}
	return s
}

// url returns the full URL of page i, adding pages as needed.
func (s *site) url(i int) string { return "https://" + s.host + s.path(i) }

func (s *site) path(i int) string {
	for len(s.paths) <= i {
		j := len(s.paths)
		section := sections[j%len(sections)]
		s.paths = append(s.paths, "/"+section+"/"+slug(j))
	}
	return s.paths[i]
}

// slug is a readable, unique path segment for page j.
func slug(j int) string {
	var b strings.Builder
	b.WriteString(slugWords[j%len(slugWords)])
	b.WriteByte('-')
	b.WriteString(strconv.Itoa(j))
	return b.String()
}

// links returns k links of page i to other pages of the site.
func (s *site) links(b *builder, i, k, pages int) []string {
	out := make([]string, 0, k)
	for range k {
		j := b.f.IntN(pages)
		if j == i {
			j = (j + 1) % pages
		}
		out = append(out, s.url(j))
	}
	return out
}
