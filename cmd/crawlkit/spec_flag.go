package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/crawlkit/crawlkit/internal/spec"
	"github.com/crawlkit/crawlkit/internal/validate"
)

// specSource is the --spec flag: the OpenAPI document a command uses, the
// embedded openapi.yaml when unset.
type specSource struct{ path string }

func (s *specSource) add(f *pflag.FlagSet) {
	f.StringVar(&s.path, "spec", "", "OpenAPI document to use, YAML or JSON, 3.0 or 3.1 (default: the embedded openapi.yaml)")
}

// load reads and checks the document: a bad one is a usage error naming
// the file and, where known, the line. It returns the document's bytes and
// name for a Config (nil for the embedded one) and a validator for it.
func (s *specSource) load(ctx context.Context) (data []byte, name string, v *validate.Validator, err error) {
	if s.path == "" || s.path == spec.Embedded {
		v, err = validate.Load(ctx)
		return nil, "", v, err
	}
	data, err = spec.ReadFile(s.path)
	if err != nil {
		return nil, "", nil, usageError{err}
	}
	if v, err = validate.LoadData(ctx, s.path, data); err != nil {
		return nil, "", nil, usageError{err}
	}
	return data, s.path, v, nil
}
