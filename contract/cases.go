package contract

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/spec"
)

// userAgent identifies the kit's requests.
const userAgent = "crawlkit-contract"

// References to the secrets, as requests are written before they are sent
// and as the curl commands in reports show them.
const (
	keyRef    = "${CRAWLKIT_API_KEY}"
	bearerRef = "${CRAWLKIT_BEARER}"
)

// reqSpec is a request with secrets as references: query is the raw query
// string, header the headers to set.
type reqSpec struct {
	query  string
	header [][2]string
}

// kase is one case: a request and what its answer must be.
type kase struct {
	name        string
	description string
	// skip says what the case needs that the configuration lacks, or nil.
	skip    *Missing
	request reqSpec
	// expect is the status the answer must have; 0 is any documented
	// status but a 5xx.
	expect     int
	expectCode string
	// crawlID is the crawl a 200 must be about; 0 checks nothing.
	crawlID int64
	// auth is how the request authenticates, for the coverage.
	auth string
	// polls makes the case poll a running crawl until it ends.
	polls bool
}

// missingCredentials is what the cases that need a key or a token lack.
const missingCredentials = "no credentials"

// How a case's request authenticates.
const (
	authQuery   = "key query parameter"
	authHeader  = "X-API-KEY header"
	authBearer  = "bearer token"
	authNone    = "none"
	authInvalid = "invalid key"
)

// cases returns every case for the configuration, in the order they run.
func cases(r *resolved, creds spec.Credentials) []kase {
	// Where the contract takes an API key: its first query parameter and
	// header (the embedded contract's key and X-API-KEY).
	keyParam, keyHeader := "key", "X-API-KEY"
	if len(creds.Query) > 0 {
		keyParam = creds.Query[0]
	}
	if len(creds.Headers) > 0 {
		keyHeader = creds.Headers[0]
	}
	found := strconv.FormatInt(r.CrawlID, 10)
	var noCrawl, noKey, noBearer, noMissing, noCred *Missing
	if r.CrawlID == 0 {
		noCrawl = &Missing{What: "no crawl id", Settings: []Setting{SettingCrawlID}, Hint: "a crawl that exists for the key"}
		found = "1"
	}
	if r.APIKey == "" {
		noKey = &Missing{What: "no API key", Settings: []Setting{SettingAPIKey}}
	}
	if r.Bearer == "" {
		noBearer = &Missing{What: "no bearer token", Settings: []Setting{SettingBearer}}
	}
	if r.MissingCrawlID == 0 {
		noMissing = &Missing{What: "no missing crawl id", Settings: []Setting{SettingMissingCrawlID}, Hint: "a crawl that does not exist"}
	}
	var noRunning *Missing
	if r.RunningCrawlID == 0 {
		noRunning = &Missing{What: "no running crawl id", Settings: []Setting{SettingRunningCrawlID}, Hint: "a crawl still in_queue or processing"}
	}
	// The parameter cases need some valid credential, a key or a token.
	cred, credAuth := reqSpec{}, credAuthOf(r)
	switch {
	case r.APIKey != "":
		cred.query = "&" + keyParam + "=" + keyRef
	case r.Bearer != "":
		cred.header = [][2]string{{"Authorization", "Bearer " + bearerRef}}
	default:
		noCred = &Missing{What: missingCredentials, Settings: []Setting{SettingAPIKey, SettingBearer}}
	}
	withCred := func(query string) reqSpec {
		return reqSpec{query: strings.TrimPrefix(query+cred.query, "&"), header: cred.header}
	}
	list := []kase{
		{name: "found/key-query", description: "an existing crawl, the key in the query as the SDKs send it", auth: authQuery,
			skip: first(noCrawl, noKey), request: reqSpec{query: "id=" + found + "&" + keyParam + "=" + keyRef}, expect: 200, crawlID: r.CrawlID},
		{name: "found/key-header", description: "an existing crawl, the key in " + keyHeader, auth: authHeader,
			skip: first(noCrawl, noKey), request: reqSpec{query: "id=" + found, header: [][2]string{{keyHeader, keyRef}}}, expect: 200, crawlID: r.CrawlID},
		{name: "found/bearer", description: "an existing crawl, with a JWT bearer token", auth: authBearer,
			skip:    first(noCrawl, noBearer),
			request: reqSpec{query: "id=" + found, header: [][2]string{{"Authorization", "Bearer " + bearerRef}}}, expect: 200, crawlID: r.CrawlID},
		{name: "auth/none", description: "no credentials at all", auth: authNone,
			request: reqSpec{query: "id=" + found}, expect: 400, expectCode: envelope.CodeInvalidAPIKey},
		{name: "auth/invalid-key", description: "a key the server does not know", auth: authInvalid,
			request: reqSpec{query: "id=" + found + "&" + keyParam + "=" + url.QueryEscape(r.InvalidKey)}, expect: 400, expectCode: envelope.CodeInvalidAPIKey},
		{name: "id/missing", description: "no id", skip: noCred, request: withCred(""), expect: 400},
		{name: "id/empty", description: "an empty id", skip: noCred, request: withCred("id="), expect: 400},
		{name: "id/not-integer", description: "an id that is not a number", skip: noCred, request: withCred("id=abc"), expect: 400},
		{name: "id/zero", description: "id 0, below the minimum of 1", skip: noCred, request: withCred("id=0"), expect: 400},
		{name: "id/negative", description: "a negative id", skip: noCred, request: withCred("id=-1"), expect: 400},
		{name: "id/overflow", description: "an id beyond int64", skip: noCred, request: withCred("id=9223372036854775808"), expect: 400},
		{name: "id/repeated", description: "id given twice, with two values", skip: noCred, request: withCred("id=" + found + "&id=2"), expect: 400},
		{name: "crawl/missing", description: "a crawl that does not exist",
			skip:    first(noCred, noMissing),
			request: withCred("id=" + idOrEmpty(r.MissingCrawlID)), expect: 404},
		{name: "running/progress", description: "a running crawl, polled until it ends: every poll checked, and the polls in sequence",
			skip: first(noCred, noRunning), request: withCred("id=" + idOrEmpty(r.RunningCrawlID)), expect: 200, crawlID: r.RunningCrawlID, polls: true},
	}
	for i := range list {
		if list[i].auth == "" {
			list[i].auth = credAuth
		}
	}
	return append(list, generated(r, withCred, noCred)...)
}

// generated returns the seeded requests whose only rule is a documented
// status with a valid body, never a 5xx: boundary ids, random ids, odd
// encodings.
func generated(r *resolved, withCred func(string) reqSpec, noCred *Missing) []kase {
	fixed := []struct{ label, query string }{
		{"id-1", "id=1"},
		{"id-max-int32", "id=2147483647"},
		{"id-max-int32-plus-1", "id=2147483648"},
		{"id-beyond-float64", "id=9007199254740993"},
		{"id-max-int64", "id=9223372036854775807"},
		{"id-min-int64", "id=-9223372036854775808"},
		{"id-percent-encoded", "id=%31%32"},
		{"id-nul-byte", "id=1%00"},
		{"id-plus-sign", "id=%2B1"},
		{"id-leading-space", "id=%201"},
		{"id-exponent", "id=1e3"},
		{"id-hex", "id=0x10"},
		{"id-fraction", "id=1.0"},
		{"id-minus-zero", "id=-0"},
		{"id-leading-zeros", "id=0001"},
		{"id-arabic-digit", "id=%D9%A1"},
		{"id-invalid-utf8", "id=%FF%FE"},
		{"id-long", "id=" + strings.Repeat("9", 400)},
		{"id-array-syntax", "id[]=1"},
		{"id-upper-case-name", "ID=1"},
		{"id-json", "id=%7B%7D"},
	}
	rng := rand.New(rand.NewPCG(r.Seed, 0x636f6e7472616374)) // "contract"
	out := make([]kase, 0, r.Generated)
	for i := 0; i < r.Generated; i++ {
		label, query := "", ""
		if i < len(fixed) {
			label, query = fixed[i].label, fixed[i].query
		} else {
			label = "random"
			query = "id=" + strconv.FormatInt(1+rng.Int64N(1<<40), 10)
		}
		out = append(out, kase{
			name:        fmt.Sprintf("generated/%02d-%s", i+1, label),
			description: "a generated request: any documented status with a valid body, never a 5xx",
			auth:        credAuthOf(r),
			skip:        noCred,
			request:     withCred(query),
		})
	}
	return out
}

// credAuthOf is how the parameter cases authenticate.
func credAuthOf(r *resolved) string {
	if r.APIKey == "" && r.Bearer != "" {
		return authBearer
	}
	return authQuery
}

// first returns the first of the things a case lacks, or nil.
func first(missing ...*Missing) *Missing {
	for _, m := range missing {
		if m != nil {
			return m
		}
	}
	return nil
}

func idOrEmpty(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// build makes the request to send, the secrets in place.
func (k *kase) build(r *resolved) (*http.Request, error) {
	u := *r.endpoint
	u.RawQuery = strings.ReplaceAll(k.request.query, keyRef, url.QueryEscape(r.APIKey))
	req, err := http.NewRequest(http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	// No content coding: a compressed answer is a finding, and Go's
	// transport, which decompresses only what it asked for itself, leaves
	// the body as the server sent it.
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("User-Agent", userAgent)
	for _, h := range k.request.header {
		v := strings.ReplaceAll(h[1], keyRef, r.APIKey)
		req.Header.Set(h[0], strings.ReplaceAll(v, bearerRef, r.Bearer))
	}
	return req, nil
}

// curl writes the request as a curl command, the secrets as references to
// the environment variables that hold them.
func (k *kase) curl(r *resolved) string {
	u := *r.endpoint
	u.RawQuery = k.request.query
	var b strings.Builder
	b.WriteString("curl -sS -i ")
	b.WriteString(shellQuote(u.String()))
	for _, h := range k.request.header {
		b.WriteString(" -H ")
		b.WriteString(shellQuote(h[0] + ": " + h[1]))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell in double quotes, keeping the
// ${CRAWLKIT_...} references expandable and nothing else.
func shellQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if strings.HasPrefix(s[i:], keyRef) || strings.HasPrefix(s[i:], bearerRef) {
			ref := keyRef
			if strings.HasPrefix(s[i:], bearerRef) {
				ref = bearerRef
			}
			b.WriteString(ref)
			i += len(ref) - 1
			continue
		}
		switch c := s[i]; c {
		case '"', '\\', '$', '`':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
