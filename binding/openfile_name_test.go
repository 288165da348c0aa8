package libbpf

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OpenFile hands libbpf the bytes it read (bpf_object__open_mem); the
// object, its programs and maps (the internal .rodata/.data/.bss maps are
// named after the object) get the names bpf_object__open_file gives.
func TestOpenFileNamesAsLibbpf(t *testing.T) {
	data, err := os.ReadFile("testdata/mmap.bpf.o")
	require.NoError(t, err)
	dir := t.TempDir()
	for _, name := range []string{
		"mmap.bpf.o",
		"no_dot",
		"two.dots.here.o",
		"a_name_longer_than_libbpf_keeps_for_objects.bpf.o",
		"exactly_15_char.o",
		"x",
	} {
		for _, opts := range []*ObjectOptions{nil, {Name: "given"}} {
			t.Run(name+"/"+optsName(opts), func(t *testing.T) {
				path := filepath.Join(dir, name)
				require.NoError(t, os.WriteFile(path, data, 0o600))
				got, err := OpenFile(path, opts)
				require.NoError(t, err)
				defer got.Close()
				want, err := openFileLibbpf(path, opts)
				require.NoError(t, err)
				defer want.Close()
				assert.Equal(t, want.Name(), got.Name(), "object name")
				assert.Equal(t, objNames(want), objNames(got))
			})
		}
	}
}

func optsName(o *ObjectOptions) string {
	if o == nil {
		return "nil"
	}
	return "Name=" + o.Name
}

// objNames lists the object's program and map names.
func objNames(o *Object) []string {
	var names []string
	for _, p := range o.Programs() {
		names = append(names, "prog "+p.Name())
	}
	for _, m := range o.Maps() {
		names = append(names, "map "+m.Name())
	}
	return names
}

// A file whose base name starts with a dot gets the empty name from
// bpf_object__open_file; OpenFile lets libbpf open it and gives the same.
func TestOpenFileDotName(t *testing.T) {
	data, err := os.ReadFile("testdata/mmap.bpf.o")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), ".bpf.o")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	obj, err := OpenFile(path, nil)
	require.NoError(t, err)
	defer obj.Close()
	assert.Equal(t, "", obj.Name())
	assert.Contains(t, objNames(obj), "map .rodata", "the internal maps of an unnamed object")
}
