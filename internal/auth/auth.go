// Package auth checks the credentials of a GET /crawl/info request where
// the contract's security schemes say they come from: an API key in a
// header (X-API-KEY) or a query parameter (key), or a JWT bearer token,
// any one of them enough.
package auth

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The kinds of Error, for errors.Is.
var (
	// ErrMissing: the request carries no credentials.
	ErrMissing = errors.New("missing API key")
	// ErrInvalid: the request's credentials are not accepted.
	ErrInvalid = errors.New("invalid API key")
)

// Error is a credential refused, and why. It never quotes the credential.
type Error struct {
	// Kind is ErrMissing or ErrInvalid.
	Kind error
	// Reason says what is wrong with the credential; "" when it is merely
	// not one of the accepted keys.
	Reason string
}

func (e *Error) Error() string {
	if e.Reason == "" {
		return e.Kind.Error()
	}
	return e.Kind.Error() + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrMissing) or errors.Is(err, ErrInvalid) hold.
func (e *Error) Unwrap() error { return e.Kind }

func invalid(reason string) error { return &Error{Kind: ErrInvalid, Reason: reason} }

// InvalidPrefix starts every key refused by default, the documented way to
// get INVALID_API_KEY from the mock.
const InvalidPrefix = "invalid"

// SourceBearer names a credential sent as a bearer token.
const SourceBearer = "bearer token"

// HeaderSource and QuerySource name a credential sent in header or query
// parameter name.
func HeaderSource(name string) string { return name + " header" }

// QuerySource names a credential sent in query parameter name.
func QuerySource(name string) string { return name + " query parameter" }

// Schemes say where credentials come from, as the contract's security
// schemes do (spec.Contract.Credentials).
type Schemes struct {
	// Headers and Query name the headers and query parameters an API key
	// may come in.
	Headers, Query []string
	// Bearer accepts an Authorization: Bearer token.
	Bearer bool
}

// Config says which credentials are good.
type Config struct {
	// Schemes say where they come from; with none, every request passes.
	Schemes Schemes
	// Keys, when not empty, are the only API keys accepted. When empty any
	// key is accepted but those starting with InvalidPrefix.
	Keys []string
	// JWTSecret, when set, is the HS256 key bearer tokens must be signed with.
	JWTSecret []byte
	// Now is the clock for a token's exp; nil is time.Now.
	Now func() time.Time
}

// Checker checks credentials. It is safe for concurrent use.
type Checker struct {
	cfg Config
}

// New returns a checker for cfg.
func New(cfg Config) *Checker {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Checker{cfg: cfg}
}

// Check returns the source of the credential that authenticated r, or an
// *Error of kind ErrMissing or ErrInvalid. When several are sent, one is
// checked and the others ignored: a header first (X-API-KEY), then a query
// parameter (key), then the bearer token. An empty key in a header counts
// as none; an empty query parameter is refused.
func (c *Checker) Check(r *http.Request) (string, error) {
	return c.CheckParts(r.Header, r.URL.Query())
}

// CheckParts is Check for headers and a query the caller parsed already.
func (c *Checker) CheckParts(header http.Header, query url.Values) (string, error) {
	s := c.cfg.Schemes
	if len(s.Headers) == 0 && len(s.Query) == 0 && !s.Bearer {
		return "", nil // the contract asks for no credentials
	}
	for _, name := range s.Query {
		if keys := query[name]; len(keys) > 0 && keys[0] == "" {
			// The contract gives key a minLength of 1: an empty one is a
			// bad credential, whatever else the request carries.
			return QuerySource(name), invalid("the " + name + " parameter is empty")
		}
	}
	for _, name := range s.Headers {
		if key := header.Get(name); key != "" {
			return HeaderSource(name), c.checkKey(key)
		}
	}
	for _, name := range s.Query {
		if key := query.Get(name); key != "" {
			return QuerySource(name), c.checkKey(key)
		}
	}
	if authz := header.Get("Authorization"); authz != "" && s.Bearer {
		return SourceBearer, c.checkBearer(authz)
	}
	return "", &Error{Kind: ErrMissing}
}

// Key returns the API key a request carries, where Check looks first, or "".
func (c *Checker) Key(header http.Header, query url.Values) string {
	for _, name := range c.cfg.Schemes.Headers {
		if key := header.Get(name); key != "" {
			return key
		}
	}
	for _, name := range c.cfg.Schemes.Query {
		if key := query.Get(name); key != "" {
			return key
		}
	}
	return ""
}

func (c *Checker) checkKey(key string) error {
	if strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return invalid("it contains control characters")
	}
	if len(c.cfg.Keys) == 0 {
		if strings.HasPrefix(key, InvalidPrefix) {
			return invalid("")
		}
		return nil
	}
	for _, good := range c.cfg.Keys {
		if subtle.ConstantTimeCompare([]byte(key), []byte(good)) == 1 {
			return nil
		}
	}
	return invalid("")
}

func (c *Checker) checkBearer(authz string) error {
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return invalid(`Authorization must be "Bearer <JWT>"`)
	}
	token = strings.TrimSpace(token)
	if parts := strings.Split(token, "."); len(parts) != 3 || parts[2] == "" {
		return invalid("bearer token: not a well-formed JWT")
	}
	opts := []jwt.ParserOption{jwt.WithTimeFunc(c.cfg.Now)}
	if len(c.cfg.JWTSecret) > 0 {
		_, err := jwt.NewParser(append(opts, jwt.WithValidMethods([]string{"HS256"}))...).
			Parse(token, func(*jwt.Token) (any, error) { return c.cfg.JWTSecret, nil })
		if err != nil {
			return invalid("bearer token: " + jwtReason(err))
		}
		return nil
	}
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, claims); err != nil {
		return invalid("bearer token: " + jwtReason(err))
	}
	if err := jwt.NewValidator(opts...).Validate(claims); err != nil {
		return invalid("bearer token: " + jwtReason(err))
	}
	return nil
}

// jwtReason names what is wrong with a token without quoting it.
func jwtReason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "not valid yet"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "not a well-formed JWT"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "bad signature"
	default:
		return "not accepted"
	}
}
