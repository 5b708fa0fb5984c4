package mockserver

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBodyCacheKeepsToItsBudget(t *testing.T) {
	c, err := newBodyCache(100, 1000, 4*largeBody)
	require.NoError(t, err)
	body := func(n int) *prepared { return &prepared{body: bytes.Repeat([]byte("x"), n)} }
	for id := int64(1); id <= 50; id++ {
		c.add(cacheKey{id: id}, body(100))
		entries, size := c.size()
		assert.LessOrEqual(t, size, int64(1000))
		assert.LessOrEqual(t, entries, 10)
	}
	_, ok := c.get(cacheKey{id: 50})
	assert.True(t, ok, "the newest stays")
	_, ok = c.get(cacheKey{id: 1})
	assert.False(t, ok, "the oldest went")

	c.add(cacheKey{id: 99}, body(2000))
	_, ok = c.get(cacheKey{id: 99})
	assert.False(t, ok, "a body over the whole budget is not kept")

	c.add(cacheKey{id: 50}, body(100))
	_, size := c.size()
	assert.Equal(t, int64(1000), size, "adding a key twice counts it once")

	c.purge()
	entries, size := c.size()
	assert.Zero(t, entries)
	assert.Zero(t, size)
}

func TestLargeBodiesHaveTheirOwnBudget(t *testing.T) {
	c, err := newBodyCache(100, 1000, 3*largeBody)
	require.NoError(t, err)
	small := &prepared{body: bytes.Repeat([]byte("s"), 500)}
	c.add(cacheKey{id: 1}, small)
	for id := int64(10); id < 14; id++ {
		c.add(cacheKey{id: id}, &prepared{body: bytes.Repeat([]byte("L"), largeBody)})
	}
	_, ok := c.get(cacheKey{id: 1})
	assert.True(t, ok, "large bodies do not evict small ones")
	_, ok = c.get(cacheKey{id: 13})
	assert.True(t, ok)
	_, ok = c.get(cacheKey{id: 10})
	assert.False(t, ok, "the oldest large body went")
	_, size := c.size()
	assert.Equal(t, int64(500+3*largeBody), size)
}

func TestStreamedCrawlsAreAdmittedTheSecondTime(t *testing.T) {
	c, err := newBodyCache(100, 1000, 4*largeBody)
	require.NoError(t, err)
	tests := []struct {
		name  string
		key   cacheKey
		sent  int // bytes streamed the first time; 0: never sent whole
		admit bool
	}{
		{"asked for once before", cacheKey{id: 1}, 2 * largeBody, true},
		{"never sent whole", cacheKey{id: 2}, 0, false},
		{"over the large budget", cacheKey{id: 3}, 5 * largeBody, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sent > 0 {
				c.streamed(tt.key, tt.sent)
			}
			size, ok := c.admit(tt.key)
			assert.Equal(t, tt.admit, ok)
			if ok {
				assert.Equal(t, tt.sent, size, "the size the buffer is made for")
			}
		})
	}
	c.purge()
	_, ok := c.admit(cacheKey{id: 1})
	assert.False(t, ok, "a purge forgets what was asked for")
}
