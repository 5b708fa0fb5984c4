package validate

import "context"

// KinResponse is JSONResponse through kin-openapi alone, in one piece: the
// reference the fast checks are held to.
func (v *Validator) KinResponse(ctx context.Context, status int, body []byte) Violations {
	return v.wholeResponse(ctx, nil, status, jsonHeader(), body)
}
