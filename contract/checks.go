package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// verdict is what the checks found in one answer.
type verdict struct {
	failures, warnings []Finding
	// code is the error envelope's code, crawl the 200's crawl, for the
	// coverage and the sequence of polls.
	code  string
	crawl *crawl.Crawl
	// cut is set when the run's stop came before the body was checked.
	cut bool
}

// knownVariants are statuses the contract does not document for this
// endpoint but that other endpoints of the API answer with, by the cases
// that may meet them: a hint names the --allow line that accepts them.
var knownVariants = []struct {
	status int
	cases  string
	what   string
}{
	{http.StatusUnauthorized, "auth/", "other endpoints of this API answer 401 for a missing or bad key"},
	{http.StatusUnprocessableEntity, "id/", "other endpoints of this API answer 422 for a validation error"},
}

// largeBody is the size from which a body is decoded by one case at a
// time, and largeCheck what checking it takes (bodyCost).
const (
	largeBody  = 1 << 20
	largeCheck = 8 << 20
)

// check runs every check on one answer.
func (run *runner) check(ctx context.Context, k *kase, resp *http.Response, body []byte, frames *scanStack) verdict {
	var v verdict
	fail := func(f Finding) { v.failures = append(v.failures, f) }
	status := resp.StatusCode
	documented := run.validator.Documented(status)
	if !documented {
		f := Finding{Check: CheckStatusDocumented, Message: fmt.Sprintf("status %d is not one the contract documents for GET /crawl/info (%s)", status, run.contract.StatusList())}
		for _, known := range knownVariants {
			if known.status == status && strings.HasPrefix(k.name, known.cases) {
				f.Hint = fmt.Sprintf("%s; if this server does so on purpose, %s '%s:status-*' accepts it", known.what, run.cfg.name(SettingAllow), k.name)
				f.Setting = SettingAllow
			}
		}
		fail(f)
	}
	switch {
	case k.expect != 0 && status != k.expect:
		fail(Finding{Check: CheckStatusExpected, Message: fmt.Sprintf("expected %d, got %d", k.expect, status)})
	case k.expect == 0 && status >= 500:
		fail(Finding{Check: CheckNo5xx, Message: fmt.Sprintf("a server error, %d, for a request the server should have judged", status)})
	}

	ct := resp.Header.Get("Content-Type")
	media, _, err := mime.ParseMediaType(ct)
	ctOK := err == nil && media == "application/json"
	if !ctOK {
		fail(Finding{Check: CheckContentType, Message: fmt.Sprintf("Content-Type is %q, not application/json", ct)})
	}
	// A body in a coding the request did not accept is not read: what
	// it holds is not what a client that asked for none gets.
	if enc := contentCoding(resp.Header); enc != "" {
		fail(Finding{Check: CheckContentEncoding, Message: fmt.Sprintf("answered with Content-Encoding: %s, which the request did not accept (it sent Accept-Encoding: identity)", enc)})
		return v
	}

	switch {
	case !utf8.Valid(body):
		fail(Finding{Check: CheckJSON, Message: "the body is not valid UTF-8"})
		return v
	case !json.Valid(body):
		fail(Finding{Check: CheckJSON, Message: "the body is not JSON: " + jsonError(body)})
		return v
	}

	// A body whose checks would take more than the run allows is not
	// decoded: a finding that names the limit. One too large to check
	// whole may be checked in parts, as the validator cuts it.
	path := run.validator.SplitPath(status)
	if len(body) < validate.SplitThreshold {
		path = nil
	}
	var cost bodyCost
	cost, frames.s = decodedSize(body, path, frames.s)
	n := int64(len(body))
	need := cost.whole(n)
	var parts *validate.Parts
	if need > run.cfg.checkBudget() && cost.found && cost.parts(n) <= run.cfg.checkBudget() {
		if p, ok := run.validator.Split(status, body); ok {
			parts, need = p, cost.parts(n)
		}
	}
	if need > run.cfg.checkBudget() {
		fail(run.cfg.tooCostly(need, cost.values))
		return v
	}

	// The validator decodes the body for itself, and that tree is gone
	// when the kit decodes its own; a large body, or one whose checks take
	// much, waits for any other to be done.
	if len(body) > largeBody || need > largeCheck {
		select {
		case run.decoding <- struct{}{}:
			defer func() { <-run.decoding }()
		case <-ctx.Done():
			v.cut = true
			return v
		}
	}
	var schemaPointers []string
	badCode := false
	checkSchema := documented && ctOK
	if checkSchema {
		var vs validate.Violations
		if parts != nil {
			vs = run.validator.ResponseParts(ctx, resp.Request, status, resp.Header.Clone(), parts)
		} else {
			vs = run.validator.Response(ctx, resp.Request, status, resp.Header.Clone(), body)
		}
		for _, vi := range vs {
			fail(Finding{Check: CheckSchema, Pointer: vi.Pointer, Message: vi.Reason})
			if rest, ok := strings.CutPrefix(vi.Pointer, "/data"); ok {
				schemaPointers = append(schemaPointers, rest)
			}
			badCode = badCode || vi.Pointer == "/code"
		}
	}
	// The kit's own tree: of the whole body, or of the body without the
	// long array, whose items the shape walk decodes one at a time.
	decoded := body
	if parts != nil {
		decoded = parts.Reduced
	}
	var parsed any
	if err := json.Unmarshal(decoded, &parsed); err != nil {
		fail(Finding{Check: CheckJSON, Message: "the body is not JSON: " + err.Error()})
		return v
	}
	if checkSchema {
		v.warnings = append(v.warnings, run.shape.observe(run.contract.BodySchema(status), parsed, parts)...)
	}

	obj, _ := parsed.(map[string]any)
	success, hasSuccess := obj["success"].(bool)
	switch wantSuccess := status >= 200 && status < 300; {
	case !hasSuccess:
		fail(Finding{Check: CheckSuccessFlag, Pointer: "/success", Message: "no boolean success in the envelope"})
	case success != wantSuccess:
		fail(Finding{Check: CheckSuccessFlag, Pointer: "/success", Message: fmt.Sprintf("success is %t on a %d", success, status)})
	}

	details, _ := obj["details"].(map[string]any)
	bodyID, _ := details["request_id"].(string)
	if headerID := resp.Header.Get(envelope.RequestIDHeader); headerID != "" && bodyID != "" && headerID != bodyID {
		fail(Finding{Check: CheckRequestID, Pointer: "/details/request_id", Message: fmt.Sprintf("X-Request-Id is %q but details.request_id is %q", headerID, bodyID)})
	}

	v.code, _ = obj["code"].(string)
	switch known := run.contract.Examples.Codes(status); {
	case k.expectCode != "" && status == k.expect && v.code != k.expectCode:
		fail(Finding{Check: CheckErrorCode, Pointer: "/code", Message: fmt.Sprintf("expected code %s, got %q", k.expectCode, v.code)})
	case documented && !badCode && v.code != "" && len(known) > 0 && !slices.Contains(known, v.code):
		// A code the status's examples do not show: a warning, as real
		// servers may use others (a code the schema refused is a finding
		// already).
		v.warnings = append(v.warnings, Finding{Check: CheckErrorCode, Pointer: "/code",
			Message: fmt.Sprintf("code %q is not one the contract names for %d (%s)", v.code, status, strings.Join(known, ", "))})
	}

	if status == http.StatusOK {
		data, _ := obj["data"].(map[string]any)
		if id, ok := data["id"].(float64); k.crawlID != 0 && ok && int64(id) != k.crawlID {
			fail(Finding{Check: CheckCrawlID, Pointer: "/data/id", Message: fmt.Sprintf("asked for crawl %d, got crawl %d", k.crawlID, int64(id))})
		}
		v.crawl = decodeCrawl(body)
		v.warnings = append(v.warnings, run.coherence(v.crawl, answeredAt(resp), schemaPointers)...)
	}
	return v
}

// coherence checks a crawl by the generator's rules as of now, leaving out
// the problems that read a value the schema already rejected: one root
// cause, one finding.
func (run *runner) coherence(c *crawl.Crawl, now time.Time, schemaPointers []string) []Finding {
	if c == nil {
		return nil
	}
	var out []Finding
	for _, p := range crawl.Check(c, now) {
		if p.ReadsAny(schemaPointers) || p.ReadsAny(run.unsure) {
			continue
		}
		out = append(out, Finding{Check: CheckCoherence, Pointer: "/data" + p.Pointer, Message: p.Message + " (" + p.Rule + ")",
			dedupe: "crawl " + strconv.FormatInt(c.ID, 10)})
	}
	return out
}

// decodeCrawl reads a 200 body's crawl; a body that does not decode as a
// crawl has schema failures already.
func decodeCrawl(body []byte) *crawl.Crawl {
	var env struct {
		Data crawl.Crawl `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	return &env.Data
}

// answeredAt is when the server answered, by its own clock (the Date
// header) so that clocks that differ do not matter; else by this one.
func answeredAt(resp *http.Response) time.Time {
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		return t
	}
	return time.Now()
}

// jsonError says where a body stops being JSON.
func jsonError(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		return "trailing data after the JSON value"
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("%s at byte %d", syntax.Error(), syntax.Offset)
	}
	return err.Error()
}
