package libbpf_test

import (
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

func TestDumpCDeclaresATypeAndWhatItNeeds(t *testing.T) {
	obj := openObject(t, "skel_types", nil)
	b, err := obj.BTF()
	require.NoError(t, err)
	id, err := b.TypeByNameKind("lbg_bits_t", libbpf.BTFKindTypedef)
	require.NoError(t, err)

	text, err := b.DumpC(id)
	require.NoError(t, err)
	// The typedef needs the struct, which needs the enum and __u32...
	for _, want := range []string{
		"enum lbg_color {\n\tLBG_RED = 1,\n\tLBG_BLUE = 40,\n};",
		"typedef unsigned int __u32;",
		"struct lbg_bits {\n\t__u32 a: 3;\n\t__u32 b: 13;\n\t__u8 tail;\n\tunion {\n\t\t__u64 word;\n\t\tchar bytes[8];\n\t} u;",
		"\tstruct lbg_bits *next;\n\t__u16 grid[2][3];\n};",
		"typedef struct lbg_bits lbg_bits_t;",
	} {
		assert.Contains(t, text, want)
	}
	assert.Less(t, strings.Index(text, "enum lbg_color {"), strings.Index(text, "struct lbg_bits {"), "dependencies first")
	assert.Equal(t, 1, strings.Count(text, "struct lbg_bits {"), "declared once")

	// All types: also the function's prototype-free rest, each once.
	all, err := b.DumpC()
	require.NoError(t, err)
	assert.Contains(t, all, "typedef struct lbg_bits lbg_bits_t;")
	assert.Equal(t, 1, strings.Count(all, "struct lbg_bits {"))

	decl, err := b.DumpCDecl(id, "x")
	require.NoError(t, err)
	assert.Equal(t, "lbg_bits_t x", decl)
	bits, err := b.TypeByNameKind("lbg_bits", libbpf.BTFKindStruct)
	require.NoError(t, err)
	typ, err := b.Type(bits)
	require.NoError(t, err)
	decl, err = b.DumpCDecl(typ.Members[6].Type, "grid")
	require.NoError(t, err)
	assert.Equal(t, "__u16 grid[2][3]", decl)
	decl, err = b.DumpCDecl(typ.Members[5].Type, "")
	require.NoError(t, err)
	assert.Equal(t, "struct lbg_bits *", decl)

	_, err = b.DumpC(libbpf.TypeID(b.TypeCount()))
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = b.DumpCDecl(libbpf.TypeID(b.TypeCount()), "x")
	assert.ErrorIs(t, err, syscall.EINVAL)
	require.NoError(t, obj.Close())
	_, err = b.DumpC()
	assert.ErrorIs(t, err, libbpf.ErrClosed)
	_, err = b.DumpCDecl(id, "x")
	assert.ErrorIs(t, err, libbpf.ErrClosed)
}

// The kernel's whole BTF as C: what a vmlinux.h holds.
func TestDumpCOfTheKernel(t *testing.T) {
	b := loadKernelBTF(t)
	text, err := b.DumpC()
	require.NoError(t, err)
	assert.Contains(t, text, "\nstruct task_struct {\n")
	assert.Equal(t, 1, strings.Count(text, "\nstruct task_struct {\n"))
	t.Logf("vmlinux as C: %d bytes, %d lines", len(text), strings.Count(text, "\n"))
}
