package elfcheck

import (
	"debug/elf"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzOpen feeds mutated objects to Open. Whatever the input, Open returns
// an error or a File whose sections with contents all lie within the data
// and read as debug/elf reads them, and whose BTF has no loop; it never
// panics or hangs. The seeds are a small object built here and, when
// `make bpf` built them, binding/testdata/*.bpf.o; neither root nor
// libbpf is needed. Run it with `make fuzz` (FUZZTIME each target) or
// `go test -fuzz FuzzOpen ./internal/elfcheck`.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(buildObject(btfOf(btfInt(), btfRef(btfKindTypedef, 1), btfStruct(btfKindStruct, 2)))))
	f.Add([]byte(buildObject(nil)))
	for _, data := range testObjects(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open(data)
		if err != nil {
			assert.Nil(t, file)
			assert.NotErrorIs(t, err, errPanic, "debug/elf panicked: worth a report upstream")
			return
		}
		for i, s := range file.ELF.Sections {
			if !hasContents(s.Type) || s.Flags&elf.SHF_COMPRESSED != 0 {
				continue
			}
			require.True(t, inBounds(s.Offset, s.FileSize, uint64(len(data))), "section %d", i)
			want, err := s.Data()
			require.NoError(t, err, "section %d", i)
			assert.Equal(t, want, file.contents(s), "section %d", i)
		}
		if btf, ok := file.Section(".BTF"); ok {
			assert.NoError(t, checkBTF(btf))
		}
	})
}
