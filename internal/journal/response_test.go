package journal_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crawlkit/crawlkit/internal/journal"
)

func TestResponseView(t *testing.T) {
	bigJSON := []byte(`{"data":"` + strings.Repeat("é", journal.MaxBody) + `"}`)
	tests := []struct {
		name      string
		body      []byte
		size      int64
		want      journal.ResponseView
		wantBytes []byte // the body the view holds, when not the kept bytes
	}{
		{name: "JSON", body: []byte(`{"success":true}`), size: 16,
			want: journal.ResponseView{Body: `{"success":true}`, BodyBytes: 16, BodyJSON: true}},
		{name: "cut JSON", body: []byte(`{"success":true,"data":{`), size: 24,
			want: journal.ResponseView{Body: `{"success":true,"data":{`, BodyBytes: 24}},
		{name: "HTML", body: []byte("<html>502</html>"), size: 16,
			want: journal.ResponseView{Body: "<html>502</html>", BodyBytes: 16}},
		{name: "empty", body: nil, size: 0, want: journal.ResponseView{}},
		{name: "not UTF-8", body: []byte{0xff, 0xfe, 'x'}, size: 3,
			want: journal.ResponseView{Body: base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 'x'}), BodyEncoding: "base64", BodyBytes: 3}},
		{name: "truncated JSON, cut inside a character", body: bigJSON[:journal.MaxBody], size: int64(len(bigJSON)),
			want:      journal.ResponseView{BodyBytes: int64(len(bigJSON)), BodyTruncated: true, BodyJSON: true},
			wantBytes: bigJSON[:journal.MaxBody-1]},
		{name: "truncated, broken early", body: append([]byte(`{"a":}`), bytes.Repeat([]byte("x"), journal.MaxBody-6)...), size: 1 << 20,
			want: journal.ResponseView{BodyBytes: 1 << 20, BodyTruncated: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &journal.Response{Body: tt.body, Size: tt.size}
			got := r.View()
			want := tt.want
			want.Headers = map[string]string{}
			switch {
			case tt.wantBytes != nil:
				want.Body = string(tt.wantBytes)
			case tt.name == "truncated, broken early":
				want.Body = string(tt.body)
			}
			assert.Equal(t, want, got)

			data, err := json.Marshal(r)
			require.NoError(t, err)
			var back journal.Response
			require.NoError(t, json.Unmarshal(data, &back))
			assert.Equal(t, got, back.View(), "the JSON reads back")
		})
	}
}

func TestResponseHeadersAreBounded(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}, "Vary": {"Origin", "Accept"}}
	assert.Equal(t, map[string]string{"Content-Type": "application/json", "Vary": "Origin, Accept"}, journal.ResponseHeaders(h))

	for i := range 20 {
		h.Set("X-Big-"+string(rune('a'+i)), strings.Repeat("v", 1000))
	}
	got := journal.ResponseHeaders(h)
	total := 0
	for name, value := range got {
		total += len(name) + len(value)
	}
	assert.LessOrEqual(t, total, journal.MaxHeaderBytes)
	assert.Equal(t, "application/json", got["Content-Type"], "names in order: the first ones kept")
}
