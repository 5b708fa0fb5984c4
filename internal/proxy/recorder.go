package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/crawlkit/crawlkit/internal/fixtureset"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// recorder saves each crawl the upstream answers as a fixture file.
type recorder struct {
	dir       string
	validator *validate.Validator
}

func newRecorder(dir string, v *validate.Validator) (*recorder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("record folder: %w", err)
	}
	return &recorder{dir: dir, validator: v}, nil
}

// save writes a 200 body as crawl-<id>.json, stripped, pretty, with stable
// key order, validated as crawlkit serve will validate it. The file appears
// whole: it is written aside and renamed.
func (r *recorder) save(ctx context.Context, body []byte) (string, error) {
	var env map[string]any
	if err := json.Unmarshal(body, &env); err != nil {
		return "", fmt.Errorf("decode crawl: %w", err)
	}
	data, _ := env["data"].(map[string]any)
	id, ok := data["id"].(float64)
	if !ok {
		return "", fmt.Errorf("the crawl has no numeric id")
	}
	delete(env, "details")
	// The screenshot options that may carry a client's credentials for the
	// crawled site are emptied.
	secretFields := []string{"cookie", "header", "post_data"}
	shots, _ := data["screenshots"].([]any)
	for _, s := range shots {
		if shot, ok := s.(map[string]any); ok {
			for _, f := range secretFields {
				if _, has := shot[f]; has {
					shot[f] = ""
				}
			}
		}
	}
	out, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode crawl: %w", err)
	}
	out = append(out, '\n')
	name := fmt.Sprintf("crawl-%d.json", int64(id))
	if _, err := fixtureset.Parse(ctx, name, out, r.validator); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(r.dir, ".recording-*")
	if err != nil {
		return "", fmt.Errorf("record %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return "", fmt.Errorf("record %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("record %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(r.dir, name)); err != nil {
		return "", fmt.Errorf("record %s: %w", name, err)
	}
	return name, nil
}
