package parity

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the README's coverage block")

// The paths of the synced tree and the binding, from this package's folder.
var (
	mapPath        = filepath.Join("..", "..", "..", "libbpf", "src", "libbpf.map")
	checkpointPath = filepath.Join("..", "..", "..", "libbpf", "CHECKPOINT")
	readmePath     = filepath.Join("..", "..", "..", "README.md")
	bindingDir     = filepath.Join("..", "..")
	omittedPath    = filepath.Join("..", "..", "omitted.txt")
)

func TestVersionScriptGivesTheGlobalSymbolsOfEveryVersion(t *testing.T) {
	script := `/* comment */
LIBBPF_0.0.1 {
	global:
		b_sym;
		a_sym;
	local: *;
};
LIBBPF_0.0.2 {
	global:
		c_sym; // trailing
		a_sym;
} LIBBPF_0.0.1;
`
	syms, err := ParseVersionScript(strings.NewReader(script))
	require.NoError(t, err)
	assert.Equal(t, []string{"a_sym", "b_sym", "c_sym"}, syms)
}

func TestVersionScriptRefusesMalformedInput(t *testing.T) {
	for name, script := range map[string]string{
		"unbalanced open":  "V { global: a;",
		"unbalanced close": "V { global: a; }; };",
		"not a name":       "V { global: a-b; };",
		"empty":            "V { local: *; };",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseVersionScript(strings.NewReader(script))
			assert.Error(t, err)
		})
	}
}

func TestGoCallsCountOnlyCgoCalls(t *testing.T) {
	src := `package p
// C.in_comment(x) is documentation.
import "C"
func f() {
	var s C.struct_thing
	_ = C.called_value(C.int(1))
	C.called_stmt(&s)
	g := C.not_called
	_ = "C.in_string()"
	_ = g
}`
	calls, err := GoCalls("p.go", []byte(src))
	require.NoError(t, err)
	assert.True(t, calls["called_value"])
	assert.True(t, calls["called_stmt"])
	assert.True(t, calls["int"], "conversions are calls to the parser; harmless, no libbpf symbol is a C type")
	assert.False(t, calls["in_comment"])
	assert.False(t, calls["not_called"])
	assert.False(t, calls["in_string"])
	assert.False(t, calls["struct_thing"])
}

func TestCCallsIgnoreCommentsAndStrings(t *testing.T) {
	src := `/* commented_out(1); */
int f(void) // line_comment(2)
{
	const char *s = "in_string(3)";
	char c = '(';
	return really_called (s, c) + also_called(
		0);
}`
	calls := CCalls([]byte(src))
	assert.True(t, calls["really_called"])
	assert.True(t, calls["also_called"])
	assert.True(t, calls["f"])
	assert.False(t, calls["commented_out"])
	assert.False(t, calls["line_comment"])
	assert.False(t, calls["in_string"])
}

func TestOmissionsNeedAReasonAndAreListedOnce(t *testing.T) {
	good := "# comment\n\nsym_a  made from Go, see x.go\nsym_b\tdeprecated\n"
	om, err := ParseOmissions(strings.NewReader(good))
	require.NoError(t, err)
	require.Len(t, om, 2)
	assert.Equal(t, Omission{Symbol: "sym_a", Reason: "made from Go, see x.go", Line: 3}, om[0])
	assert.Equal(t, "deprecated", om[1].Reason)

	for name, bad := range map[string]string{
		"no reason": "sym_a\n",
		"twice":     "sym_a one\nsym_a two\n",
		"bad name":  "sym-a reason\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseOmissions(strings.NewReader(bad))
			assert.Error(t, err)
		})
	}
}

func TestCheckFindsMissingAndStaleSymbols(t *testing.T) {
	exported := []string{"called", "listed", "neither", "both"}
	calls := map[string]string{"called": "a.go", "both": "b.c", "lbg_glue": "glue.c"}
	omitted := []Omission{{Symbol: "listed", Reason: "r"}, {Symbol: "both", Reason: "r"}, {Symbol: "gone", Reason: "r"}}
	r := Check(exported, calls, omitted)
	assert.Equal(t, 4, r.Total)
	assert.Equal(t, map[string]string{"called": "a.go", "both": "b.c"}, r.Wrapped)
	assert.Equal(t, map[string]string{"listed": "r"}, r.Omitted)
	assert.Equal(t, []string{"neither"}, r.Missing)
	assert.Equal(t, []string{"both"}, r.CalledButOmitted)
	assert.Equal(t, []string{"gone"}, r.NotExported)
	assert.Len(t, r.Problems(), 3)

	clean := Check([]string{"called"}, calls, nil)
	assert.Empty(t, clean.Problems())
}

func TestReadmeBlockIsReplacedBetweenTheMarkers(t *testing.T) {
	doc := "intro\n" + BeginMarker + "\nold\n" + EndMarker + "\nrest\n"
	out, err := ReplaceBlock(doc, BeginMarker+"\nnew\n"+EndMarker)
	require.NoError(t, err)
	assert.Equal(t, "intro\n"+BeginMarker+"\nnew\n"+EndMarker+"\nrest\n", out)

	_, err = ReplaceBlock("no markers", "x")
	assert.Error(t, err)
}

func TestMarkdownCountsAddUp(t *testing.T) {
	r := Check([]string{"bpf_map__fd", "bpf_map__name", "btf__new", "btf__free", "bpf_obj_pin", "bpf_obj_get"},
		map[string]string{"bpf_map__fd": "map.go", "bpf_obj_pin": "pins.go"},
		[]Omission{{Symbol: "btf__new", Reason: "r"}, {Symbol: "btf__free", Reason: "pending: elsewhere"},
			{Symbol: "bpf_obj_get", Reason: "not yet (issue 1)"}})
	md := r.Markdown("9.9.9")
	assert.Contains(t, md, "libbpf 9.9.9 exports 6 functions")
	assert.Contains(t, md, "the binding calls 2, and 1 are left out")
	assert.Contains(t, md, "2 are still to do")
	assert.Contains(t, md, "1 are not accounted for")
	assert.Contains(t, md, "| `bpf_map__*` | 1 | 0 | 0 | 2 |")
	assert.Contains(t, md, "| `btf__*`, `btf_ext__*`, `btf_dump__*` | 0 | 1 | 1 | 2 |")
	assert.Contains(t, md, "| `bpf_*` syscall wrappers | 1 | 0 | 1 | 2 |")
	assert.Contains(t, md, "| all | 2 | 1 | 2 | 6 |")
}

// bindingReport builds the report of the synced tree, skipping when
// libbpf is not synced (a failure under CI=true).
func bindingReport(t *testing.T) (*Report, string) {
	t.Helper()
	f, err := os.Open(mapPath)
	if os.IsNotExist(err) && os.Getenv("CI") != "true" {
		t.Skipf("%s is missing: run make libbpf first", mapPath)
	}
	require.NoError(t, err)
	defer f.Close()
	exported, err := ParseVersionScript(f)
	require.NoError(t, err)

	calls, err := DirCalls(bindingDir)
	require.NoError(t, err)

	of, err := os.Open(omittedPath)
	require.NoError(t, err)
	defer of.Close()
	omitted, err := ParseOmissions(of)
	require.NoError(t, err)

	cp, err := os.ReadFile(checkpointPath)
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^version=(\S+)$`).FindSubmatch(cp)
	require.NotNil(t, m, "no version= line in %s", checkpointPath)
	return Check(exported, calls, omitted), string(m[1])
}

// TestEveryLibbpfSymbolIsWrappedOrOmittedWithAReason is the parity check of
// the binding against the synced libbpf.
func TestEveryLibbpfSymbolIsWrappedOrOmittedWithAReason(t *testing.T) {
	r, _ := bindingReport(t)
	for _, p := range r.Problems() {
		t.Error(p)
	}
	t.Logf("wrapped %d, omitted %d, total %d", len(r.Wrapped), len(r.Omitted), r.Total)
}

// TestReadmeCoverageBlockIsCurrent fails when the README's generated block
// differs from the counts; -update rewrites it.
func TestReadmeCoverageBlockIsCurrent(t *testing.T) {
	r, version := bindingReport(t)
	readme, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	want, err := ReplaceBlock(string(readme), r.Markdown(version))
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(readmePath, []byte(want), 0o644))
		return
	}
	assert.Equal(t, want, string(readme),
		"README.md's coverage block is stale: run go test ./binding/internal/parity -update")
}
