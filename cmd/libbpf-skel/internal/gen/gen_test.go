package gen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCamel(t *testing.T) {
	for c, want := range map[string]string{
		"handle_exec":  "HandleExec",
		"my_var":       "MyVar",
		"counter":      "Counter",
		"TASK_RUNNING": "TaskRunning",
		"targetPID":    "TargetPID",
		"__u32":        "U32",
		"_1":           "X1",
		"__":           "X",
		".rodata":      "Rodata",
		".data.custom": "DataCustom",
		"IPv4_addr":    "IPv4Addr",
	} {
		assert.Equal(t, want, Camel(c), c)
	}
}

// types builds a Types from the given types, after void.
func types(ts ...*Type) Types {
	return append(Types{{Kind: KindVoid}}, ts...)
}

// Hand-made BTF: 1 u32, 2 s32, 3 bool, 4 struct bits, 5 enum64 big,
// 6 u64, 7 struct holder, 8 union u.
func handTypes() Types {
	return types(
		&Type{Kind: KindInt, Name: "unsigned int", Size: 4, IntBits: 32},
		&Type{Kind: KindInt, Name: "int", Size: 4, IntBits: 32, IntEncoding: IntSigned},
		&Type{Kind: KindInt, Name: "_Bool", Size: 1, IntBits: 8, IntEncoding: IntBool},
		&Type{Kind: KindStruct, Name: "bits", Size: 8, Members: []Member{
			{Name: "a", Type: 1, BitOffset: 0, BitfieldSize: 3},
			{Name: "b", Type: 2, BitOffset: 3, BitfieldSize: 5},
			{Name: "flag", Type: 3, BitOffset: 8, BitfieldSize: 1},
			{Name: "wide", Type: 1, BitOffset: 9, BitfieldSize: 23},
			{Name: "last", Type: 1, BitOffset: 32},
		}},
		&Type{Kind: KindEnum64, Name: "big", Size: 8, Signed: true, Values: []EnumValue{
			{Name: "BIG_MIN", Value: 1 << 63}, {Name: "BIG_MINUS_ONE", Value: ^uint64(0)}, {Name: "BIG_MAX", Value: 1<<63 - 1},
		}},
		&Type{Kind: KindInt, Name: "unsigned long long", Size: 8, IntBits: 64},
		&Type{Kind: KindStruct, Name: "holder", Size: 24, Members: []Member{
			{Name: "b", Type: 4, BitOffset: 0},
			{Name: "big", Type: 5, BitOffset: 64},
			{Name: "", Type: 8, BitOffset: 128},
		}},
		&Type{Kind: KindUnion, Name: "", Size: 8, Members: []Member{
			{Name: "word", Type: 6},
			{Name: "half", Type: 1},
		}},
	)
}

// goRun runs main, written beside src in a fresh module, and returns its
// output.
func goRun(t *testing.T, src []byte, main string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go tool")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module check\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "types.go"), src, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// Bitfields are read and written at their bits, signed ones sign-extended;
// 64-bit enums keep their values; union members share memory.
func TestAccessorsReadAndWriteTheCBits(t *testing.T) {
	src, generated, skipped, err := GenerateTypes(handTypes(), "main", "k", []string{"holder"})
	require.NoError(t, err)
	require.Empty(t, skipped)
	assert.Equal(t, 4, generated, "holder, bits, big and the anonymous union")
	for _, want := range []string{
		`type KBig int64`,
		`KBigBigMin\s+KBig = -9223372036854775808`,
		`KBigBigMinusOne\s+KBig = -1`,
		`KBigBigMax\s+KBig = 9223372036854775807`,
		`\tKHolderAnon0\n`,
		`func \(s \*KHolderAnon0\) Word\(\) \*uint64`,
	} {
		assert.Regexp(t, want, string(src))
	}
	out := goRun(t, src, `package main

import (
	"fmt"
	"unsafe"
)

func main() {
	var h KHolder
	h.B.SetA(5)
	h.B.SetB(-3)
	h.B.SetFlag(true)
	h.B.SetWide(0x7fffff)
	h.B.Last = 9
	*h.Word() = 0x1122334455667788
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&h)), unsafe.Sizeof(h))
	fmt.Printf("% x\n", raw[:8])
	fmt.Println(h.B.A(), h.B.B(), h.B.Flag(), h.B.Wide(), h.B.Last, *h.Half() == 0x55667788, KBigBigMin < 0)
}
`)
	// a=5 (101) in bits 0-2, b=-3 (11101) in bits 3-7: 0xed; flag in bit
	// 8 and wide's 23 ones in bits 9-31: 0xff 0xff 0xff; last = 9.
	assert.Equal(t, "ed ff ff ff 09 00 00 00\n5 -3 true 8388607 9 true true\n", out)
}

func TestGenerateRefusesBadInput(t *testing.T) {
	base := func() *Input {
		return &Input{Name: "counter", Package: "main", Source: "counter.bpf.c", Object: "counter_bpf.o", Types: handTypes()}
	}
	for _, tc := range []struct {
		name string
		edit func(*Input)
		want string
	}{
		{"name", func(in *Input) { in.Name = "1counter" }, `-name "1counter" is not a Go identifier`},
		{"package", func(in *Input) { in.Package = "my-pkg" }, `package name "my-pkg" is not a Go identifier`},
		{"programs", func(in *Input) {
			in.Programs = []Program{{Name: "handle_exec", Section: "tp/a"}, {Name: "handleExec", Section: "tp/b"}}
		}, "program handle_exec and program handleExec both map to the Go name HandleExec"},
		{"type", func(in *Input) { in.ExtraTypes = []string{"nope"} }, "-type nope: the object's BTF has no struct, union, enum or typedef called nope"},
		{"skeleton names", func(in *Input) {
			in.Types = append(in.Types, &Type{Kind: KindStruct, Name: "maps", Size: 0})
			in.ExtraTypes = []string{"maps"}
		}, "both map to the Go name CounterMaps"},
		{"members", func(in *Input) {
			in.Types = append(in.Types, &Type{Kind: KindStruct, Name: "dup", Size: 8, Members: []Member{
				{Name: "x_y", Type: 1}, {Name: "xY", Type: 1, BitOffset: 32}}})
			in.ExtraTypes = []string{"dup"}
		}, "member x_y and member xY both map to the Go name XY in CounterDup"},
		{"float", func(in *Input) {
			in.Types = append(in.Types, &Type{Kind: KindFloat, Name: "__fp16", Size: 2},
				&Type{Kind: KindStruct, Name: "h", Size: 2, Members: []Member{{Name: "f", Type: uint32(len(in.Types))}}})
			in.ExtraTypes = []string{"h"}
		}, "member f of type __fp16: Go has no 2-byte floating-point type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.edit(in)
			_, err := Generate(in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	src, err := Generate(base())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(src), "// Code generated by libbpf-skel from counter.bpf.c; DO NOT EDIT.\n"))
}

// A -type that is a typedef of a named struct is an alias of the struct's
// Go type; one of an anonymous struct names the struct.
func TestTypedefs(t *testing.T) {
	in := &Input{Name: "counter", Package: "main", Source: "c.bpf.c", Object: "c_bpf.o", Types: types(
		&Type{Kind: KindInt, Name: "unsigned int", Size: 4, IntBits: 32},
		&Type{Kind: KindStruct, Name: "foo", Size: 4, Members: []Member{{Name: "x", Type: 1}}},
		&Type{Kind: KindTypedef, Name: "foo_t", Type: 2},
		&Type{Kind: KindStruct, Size: 4, Members: []Member{{Name: "y", Type: 1}}},
		&Type{Kind: KindTypedef, Name: "bar_t", Type: 4},
	), ExtraTypes: []string{"foo_t", "bar_t"}}
	src, err := Generate(in)
	require.NoError(t, err)
	assert.Contains(t, string(src), "type CounterFooT = CounterFoo\n")
	assert.Contains(t, string(src), "type CounterFoo struct {\n\tX uint32\n}")
	assert.Contains(t, string(src), "type CounterBarT struct {\n\tY uint32\n}")
}
