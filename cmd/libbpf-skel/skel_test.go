package main

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
	"github.com/libbpf-go/libbpf-go/cmd/libbpf-skel/internal/gen"
)

// skelBin is the libbpf-skel binary that TestMain builds.
var skelBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "libbpf-skel-test")
	if err != nil {
		panic(err)
	}
	skelBin = filepath.Join(dir, "libbpf-skel")
	if out, err := exec.Command("go", "build", "-o", skelBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireTool skips the test when the tool is missing, except under
// CI=true, where that is a failure.
func requireTool(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (CI=true: tools must be installed)", tool)
		}
		t.Skipf("%s not found", tool)
	}
}

// requireRoot skips the test unless it runs as root (a failure under
// CI=true).
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("not root (CI=true: kernel tests must run, not skip)")
		}
		t.Skip("needs root to load BPF programs")
	}
}

// genDir returns a new folder inside this module (testdata/gen-*), so that
// generated skeletons can import the binding, holding copies of files.
func genDir(t *testing.T, files ...string) string {
	t.Helper()
	dir, err := os.MkdirTemp("testdata", "gen-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644))
	}
	return dir
}

// runSkel runs libbpf-skel in dir and returns its combined output.
func runSkel(t *testing.T, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(skelBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// goCmd runs the go tool in dir.
func goCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestTrickyTypesHaveTheCLayout(t *testing.T) {
	requireTool(t, "clang")
	dir := genDir(t, "testdata/tricky.bpf.c")
	out, err := runSkel(t, dir, nil, "-package", "tricky", "-name", "tricky", "-type", "record_t,small", "tricky.bpf.c")
	require.NoError(t, err, out)
	src, err := os.ReadFile(filepath.Join(dir, "tricky_bpf.go"))
	require.NoError(t, err)

	// The generated layout checks compile only if every size and offset
	// equals the BTF's.
	out, err = goCmd(t, dir, "vet", ".")
	require.NoError(t, err, out)
	checks := regexp.MustCompile(`(?m)^\t_ = unsafe\.(Sizeof|Offsetof)\(`).FindAll(src, -1)
	t.Logf("tricky.bpf.c: %d layout checks compiled", len(checks))
	assert.Greater(t, len(checks), 60)

	for _, want := range []string{
		`Name\s+\[16\]byte`,                     // char[16]
		`Sc\s+int8`, `Uc\s+uint8`, `Yes\s+bool`, // signed char, unsigned char, _Bool
		`D\s+float64`, `F\s+float32`, // double, float
		`Ptr\s+uint64`, `Fn\s+uint64`, // pointers, function pointers
		`type TrickySmall uint8`, `type TrickyMedium uint16`, `type TrickyRegular uint32`, `type TrickyBig uint64`,
		`TrickySmallSmallB\s+TrickySmall = 255`,
		`func \(s \*TrickyBits\) Wide\(\) uint64`, `func \(s \*TrickyBits\) SetC\(v int32\)`, // bitfields
		`func \(s \*TrickyBits\) Kind\(\) TrickyRegular`, `func \(s \*TrickyBits\) Flag\(\) bool`,
		`func \(s \*TrickyValue\) Halves\(\) \*TrickyValueHalves`, // union member, nested anonymous struct
		`\tTrickyNestedAnon0\n`, `\tTrickyNestedAnon1\n`,          // anonymous members embedded
		`rawB \[4\]byte`, // packed: unaligned member kept as bytes
		`func \(s \*TrickyFlex\) Data\(n int\) \[\]uint8`, // flexible array
		`Matrix\s+\[2\]\[3\]uint32`,
		`type TrickyRecordT struct`, // typedef of an anonymous struct
		`CustomCounter uint64`,      // custom .data.custom section
	} {
		assert.Regexp(t, want, string(src))
	}
	assert.NotContains(t, string(src), "Hidden", "static variables are not part of the skeleton")
}

func TestLayoutChecksFailTheBuildOnAMismatch(t *testing.T) {
	requireTool(t, "clang")
	dir := genDir(t, "testdata/tricky.bpf.c")
	out, err := runSkel(t, dir, nil, "-package", "tricky", "-name", "tricky", "tricky.bpf.c")
	require.NoError(t, err, out)
	path := filepath.Join(dir, "tricky_bpf.go")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	good := "unsafe.Sizeof(TrickyEverything{}) - 224 + (224 - unsafe.Sizeof(TrickyEverything{}))"
	require.Contains(t, string(src), good)
	for _, bad := range []string{"223", "225"} {
		wrong := strings.ReplaceAll(good, "224", bad)
		require.NoError(t, os.WriteFile(path, bytes.Replace(src, []byte(good), []byte(wrong), 1), 0o644))
		out, err = goCmd(t, dir, "build", ".")
		assert.Error(t, err)
		assert.Contains(t, out, "overflows uintptr")
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	requireTool(t, "clang")
	var outs [2][2][]byte
	for i := range outs {
		dir := genDir(t, "testdata/tricky.bpf.c")
		out, err := runSkel(t, dir, nil, "-package", "tricky", "-name", "tricky", "tricky.bpf.c")
		require.NoError(t, err, out)
		for j, f := range []string{"tricky_bpf.go", "tricky_bpf.o"} {
			outs[i][j], err = os.ReadFile(filepath.Join(dir, f))
			require.NoError(t, err)
		}
	}
	assert.Equal(t, outs[0][0], outs[1][0], "Go file differs between two folders")
	assert.True(t, bytes.Equal(outs[0][1], outs[1][1]), "object differs between two folders")
	assert.True(t, bytes.HasPrefix(outs[0][0], []byte("// Code generated by libbpf-skel from tricky.bpf.c; DO NOT EDIT.\n")))
}

func TestTargetsWriteOneConstrainedFilePerArch(t *testing.T) {
	requireTool(t, "clang")
	dir := genDir(t, "testdata/tricky.bpf.c")
	out, err := runSkel(t, dir, nil, "-package", "tricky", "-name", "tricky", "-target", "amd64,arm64", "tricky.bpf.c")
	require.NoError(t, err, out)
	assert.Equal(t, []string{"tricky.bpf.c", "tricky_bpf_amd64.go", "tricky_bpf_amd64.o", "tricky_bpf_arm64.go", "tricky_bpf_arm64.o"}, names(t, dir))
	for _, arch := range []string{"amd64", "arm64"} {
		src, err := os.ReadFile(filepath.Join(dir, "tricky_bpf_"+arch+".go"))
		require.NoError(t, err)
		assert.Contains(t, string(src), "\n//go:build "+arch+"\n")
		assert.Contains(t, string(src), "//go:embed tricky_bpf_"+arch+".o\n")
		f, err := elf.Open(filepath.Join(dir, "tricky_bpf_"+arch+".o"))
		require.NoError(t, err)
		assert.Equal(t, elf.EM_BPF, f.Machine)
		f.Close()
	}
	if out, err := goCmd(t, dir, "vet", "."); err != nil {
		t.Fatalf("the host's file does not build: %s", out)
	}

	// Each object is compiled for its own architecture.
	dir = genDir(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "arch.bpf.c"), []byte(`#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#if defined(__TARGET_ARCH_x86)
__u32 only_x86;
#elif defined(__TARGET_ARCH_arm64)
__u32 only_arm64;
#endif
SEC("socket") int prog(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
`), 0o644))
	out, err = runSkel(t, dir, nil, "-package", "arch", "-target", "amd64,arm64", "arch.bpf.c")
	require.NoError(t, err, out)
	amd64, err := os.ReadFile(filepath.Join(dir, "arch_bpf_amd64.go"))
	require.NoError(t, err)
	arm64, err := os.ReadFile(filepath.Join(dir, "arch_bpf_arm64.go"))
	require.NoError(t, err)
	assert.Contains(t, string(amd64), "OnlyX86 uint32")
	assert.NotContains(t, string(amd64), "OnlyArm64")
	assert.Contains(t, string(arm64), "OnlyArm64 uint32")
	assert.NotContains(t, string(arm64), "OnlyX86")
}

// TestKernelTypesHaveTheCLayout generates Go types for every named struct
// and union of the running kernel's BTF and compiles them: each size and
// offset is a compile-time check against the BTF.
func TestKernelTypesHaveTheCLayout(t *testing.T) {
	btf, err := libbpf.LoadKernelBTF()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	defer btf.Close()
	types, err := convertBTF(btf)
	require.NoError(t, err)
	var roots []string
	seen := map[string]bool{}
	for _, ty := range types {
		if (ty.Kind == gen.KindStruct || ty.Kind == gen.KindUnion) && ty.Name != "" && !seen[ty.Name] {
			seen[ty.Name] = true
			roots = append(roots, ty.Name)
		}
	}
	if testing.Short() {
		// task_struct and the first 500 others, in BTF order, with what
		// they contain.
		roots = append(roots[:min(500, len(roots))], "task_struct")
	}
	src, generated, skipped, err := gen.GenerateTypes(types, "layout", "k", roots)
	require.NoError(t, err)
	t.Logf("vmlinux: %d named structs and unions, %d Go types generated (with what they contain), %d left out", len(roots), generated, len(skipped))
	reasons := map[string]int{}
	for _, s := range skipped {
		switch {
		case strings.Contains(s, "both map to the Go name"):
			reasons["two C names, one Go name"]++
		case strings.Contains(s, "never defined"):
			reasons["incomplete type"]++
		case strings.Contains(s, "floating-point"), strings.Contains(s, "integer type"):
			reasons["no Go number type"]++
		default:
			reasons["other"]++
			t.Logf("left out: %s", s)
		}
	}
	t.Logf("left out, by reason: %v", reasons)
	assert.Contains(t, string(src), "\ntype KTaskStruct struct {")
	assert.Greater(t, generated, 300)
	assert.LessOrEqual(t, len(skipped), len(roots)/20, "more than 5%% of the kernel's types left out")
	checks := bytes.Count(src, []byte("\n\t_ = unsafe."))
	t.Logf("vmlinux: %d layout checks", checks)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module layout\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "layout.go"), src, 0o644))
	out, err := goCmd(t, dir, "build", ".")
	require.NoError(t, err, firstLines(out, 20))
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func TestVmlinuxHeaderFromBTF(t *testing.T) {
	requireTool(t, "clang")
	if _, err := os.Stat("/sys/kernel/btf/vmlinux"); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	header := filepath.Join(dir, "vmlinux.h")
	out, err := runSkel(t, dir, nil, "-vmlinux", header)
	require.NoError(t, err, out)
	fromFile := filepath.Join(dir, "file.h")
	out, err = runSkel(t, dir, nil, "-vmlinux", fromFile, "-btf", "/sys/kernel/btf/vmlinux")
	require.NoError(t, err, out)
	a, err := os.ReadFile(header)
	require.NoError(t, err)
	b, err := os.ReadFile(fromFile)
	require.NoError(t, err)
	_, bodyA, _ := bytes.Cut(a, []byte("\n"))
	_, bodyB, _ := bytes.Cut(b, []byte("\n"))
	assert.Equal(t, bodyA, bodyB, "-btf /sys/kernel/btf/vmlinux gives the same declarations")
	assert.Contains(t, string(a), "\nstruct task_struct {\n")
	assert.Contains(t, string(a), "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)")

	// A BPF program compiles against it, with CO-RE reads.
	include, err := libbpfInclude()
	require.NoError(t, err)
	prog := filepath.Join(dir, "prog.bpf.c")
	require.NoError(t, os.WriteFile(prog, []byte(`#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
SEC("tracepoint/syscalls/sys_enter_getpid")
int prog(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, real_parent, tgid) > 0;
}
char LICENSE[] SEC("license") = "GPL";
`), 0o644))
	cmd := exec.Command("clang", "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_"+targetArch[runtime.GOARCH].arch, "-I"+dir, "-I"+include, "-c", prog, "-o", filepath.Join(dir, "prog.o"))
	cout, err := cmd.CombinedOutput()
	require.NoError(t, err, string(cout))
}

func TestBadInputIsOneClearLineAndNoOutput(t *testing.T) {
	requireTool(t, "clang")
	oldClang := filepath.Join(t.TempDir(), "clang-9")
	require.NoError(t, os.WriteFile(oldClang, []byte("#!/bin/sh\necho 'clang version 9.0.1 (tags/RELEASE_901/final)'\n"), 0o755))
	const good = `#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
`
	for _, tc := range []struct {
		name, src string
		args      []string
		env       []string
		want      string
	}{
		{name: "does not compile", src: good + "int prog(void *ctx) { return undeclared; }\n",
			want: "clang could not compile bad.bpf.c for amd64"},
		{name: "missing clang", src: good, args: []string{"-clang", "no-such-clang-here"},
			want: "no-such-clang-here not found (libbpf-skel needs clang 11 or newer): install it with"},
		{name: "too old clang", src: good, args: []string{"-clang", oldClang},
			want: "is clang 9.0, too old (libbpf-skel needs clang 11 or newer): install a newer one with"},
		{name: "name not an identifier", src: good, args: []string{"-name", "my-prog"},
			want: `-name "my-prog" is not a Go identifier`},
		{name: "two C names, one Go name", src: good + `
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } my_map SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } myMap SEC(".maps");
SEC("socket") int prog(void *ctx) { __u32 k = 0; return bpf_map_lookup_elem(&my_map, &k) != bpf_map_lookup_elem(&myMap, &k); }
`, want: "map my_map and map myMap both map to the Go name MyMap"},
		{name: "no such -type", src: good + "SEC(\"socket\") int prog(void *ctx) { return 0; }\n", args: []string{"-type", "nothing_here"},
			want: "-type nothing_here: bad.bpf.c has no struct, union, enum or typedef called nothing_here"},
		{name: "global Go cannot express", src: good + "__fp16 half;\nSEC(\"socket\") int prog(void *ctx) { return *(__u16 *)&half; }\n",
			want: "bad.bpf.c: section .bss: global variable half of type __fp16: Go has no 2-byte floating-point type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := genDir(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.bpf.c"), []byte(tc.src), 0o644))
			args := append([]string{"-package", "bad"}, tc.args...)
			if !slices.Contains(tc.args, "-name") {
				args = append(args, "-name", "bad")
			}
			out, err := runSkel(t, dir, tc.env, append(args, "bad.bpf.c")...)
			require.Error(t, err)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			assert.True(t, strings.HasPrefix(last, "libbpf-skel: "), "last line: %q", last)
			assert.Contains(t, last, tc.want)
			assert.Equal(t, 1, strings.Count(out, "libbpf-skel: "), "one line of libbpf-skel's own: %q", out)
			assert.Equal(t, []string{"bad.bpf.c"}, names(t, dir), "output left behind")
		})
	}
}

// TestRoundTripOnTheKernel generates the skeleton of
// testdata/roundtrip/roundtrip.bpf.c and runs testdata/roundtrip/main.go
// with it: Rodata configures the program, Bss counters, a hash map with
// struct keys and values, and typed ring buffer events, all seen through
// the generated types.
func TestRoundTripOnTheKernel(t *testing.T) {
	requireTool(t, "clang")
	requireRoot(t)
	dir := genDir(t, "testdata/roundtrip/roundtrip.bpf.c", "testdata/roundtrip/main.go")
	out, err := runSkel(t, dir, nil, "-package", "main", "-name", "roundtrip", "-type", "event", "roundtrip.bpf.c")
	require.NoError(t, err, out)
	out, err = goCmd(t, dir, "run", ".")
	require.NoError(t, err, out)
	assert.Equal(t, "ok\n", out)
}
