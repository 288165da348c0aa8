package libbpf

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKeySetHoldsEachKeyOnce fills a keySet with keys of each size a map
// may have, those held as integers (up to 8 bytes) and those held as
// strings, and checks that it holds exactly the keys added, each once,
// whatever buffer they are passed in afterwards.
func TestKeySetHoldsEachKeyOnce(t *testing.T) {
	for _, size := range []int{1, 4, 8, 9, 16, 100} {
		var s keySet
		key := make([]byte, size)
		n := 3000
		if size == 1 {
			n = 255 // one key left to be the one never added
		}
		for i := range n {
			fill(key, i)
			assert.False(t, s.has(key), "size %d: key %d before add", size, i)
			s.add(key)
			s.add(key)
		}
		assert.Equal(t, n, s.len(), "size %d", size)
		for i := range n {
			fill(key, i)
			assert.True(t, s.has(key), "size %d: key %d after add", size, i)
		}
		fill(key, n)
		assert.False(t, s.has(key), "size %d: a key never added", size)
	}
}

// fill writes i into key: its low bytes first, then (for keys longer than
// 8 bytes) i again in the last 8 bytes, so that keys differ at both ends.
func fill(key []byte, i int) {
	clear(key)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(i))
	copy(key, b[:])
	if len(key) > 8 {
		copy(key[len(key)-8:], b[:])
	}
}
