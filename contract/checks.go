package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/crawlkit/crawlkit/internal/crawl"
	"github.com/crawlkit/crawlkit/internal/envelope"
)

// check runs every check on one answer and returns its failures and
// warnings.
func (run *runner) check(ctx context.Context, k *kase, resp *http.Response, body []byte) (failures, warnings []Finding) {
	fail := func(check, pointer, format string, args ...any) {
		failures = append(failures, Finding{Check: check, Pointer: pointer, Message: fmt.Sprintf(format, args...)})
	}
	status := resp.StatusCode
	documented := run.validator.Documented(status)
	if !documented {
		fail(CheckStatusDocumented, "", "status %d is not one the contract documents for GET /crawl/info (200, 400, 404, 500)", status)
	}
	switch {
	case k.expect != 0 && status != k.expect:
		fail(CheckStatusExpected, "", "expected %d, got %d", k.expect, status)
	case k.expect == 0 && status >= 500:
		fail(CheckNo5xx, "", "a server error, %d, for a request the server should have judged", status)
	}

	ct := resp.Header.Get("Content-Type")
	media, _, err := mime.ParseMediaType(ct)
	ctOK := err == nil && media == "application/json"
	if !ctOK {
		fail(CheckContentType, "", "Content-Type is %q, not application/json", ct)
	}

	var parsed any
	jsonOK := false
	switch {
	case !utf8.Valid(body):
		fail(CheckJSON, "", "the body is not valid UTF-8")
	case json.Unmarshal(body, &parsed) != nil:
		fail(CheckJSON, "", "the body is not JSON: %s", jsonError(body))
	default:
		jsonOK = true
	}
	if !jsonOK {
		return failures, warnings
	}

	if documented && ctOK {
		header := resp.Header.Clone()
		for _, v := range run.validator.Response(ctx, resp.Request, status, header, body) {
			fail(CheckSchema, v.Pointer, "%s", v.Reason)
		}
	}

	obj, _ := parsed.(map[string]any)
	success, hasSuccess := obj["success"].(bool)
	switch wantSuccess := status >= 200 && status < 300; {
	case !hasSuccess:
		fail(CheckSuccessFlag, "/success", "no boolean success in the envelope")
	case success != wantSuccess:
		fail(CheckSuccessFlag, "/success", "success is %t on a %d", success, status)
	}

	details, _ := obj["details"].(map[string]any)
	bodyID, _ := details["request_id"].(string)
	if headerID := resp.Header.Get(envelope.RequestIDHeader); headerID != "" && bodyID != "" && headerID != bodyID {
		fail(CheckRequestID, "/details/request_id", "X-Request-Id is %q but details.request_id is %q", headerID, bodyID)
	}

	if k.expectCode != "" && status == k.expect {
		if code, _ := obj["code"].(string); code != k.expectCode {
			fail(CheckErrorCode, "/code", "expected code %s, got %q", k.expectCode, code)
		}
	}

	if status == http.StatusOK {
		data, _ := obj["data"].(map[string]any)
		if id, ok := data["id"].(float64); k.crawlID != 0 && ok && int64(id) != k.crawlID {
			fail(CheckCrawlID, "/data/id", "asked for crawl %d, got crawl %d", k.crawlID, int64(id))
		}
		for _, p := range coherence(body, answeredAt(resp)) {
			f := Finding{Check: CheckCoherence, Pointer: "/data" + p.Pointer, Message: p.Message + " (" + p.Rule + ")"}
			if run.cfg.Strict {
				failures = append(failures, f)
			} else {
				warnings = append(warnings, f)
			}
		}
	}
	return failures, warnings
}

// coherence checks a 200 body's crawl by the generator's rules, as of now;
// a body that does not decode as a crawl has schema failures already.
func coherence(body []byte, now time.Time) []crawl.Problem {
	var env struct {
		Data crawl.Crawl `json:"data"`
	}
	if json.Unmarshal(body, &env) != nil {
		return nil
	}
	return crawl.Check(&env.Data, now)
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
