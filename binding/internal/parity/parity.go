// Package parity measures how much of libbpf's exported API the binding
// reaches: it reads the symbols of libbpf's version script (src/libbpf.map),
// finds the libbpf functions the binding calls (C.name calls in its Go files,
// name( calls in its own C files), reads the list of deliberate omissions
// (binding/omitted.txt) and reports what is wrapped, what is omitted and
// what is neither. It needs no kernel and no cgo.
package parity

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ParseVersionScript returns the global symbols of a GNU ld version script
// such as libbpf's libbpf.map, sorted and without duplicates. Symbols listed
// under "local:" (libbpf has only "*") are ignored; so are comments.
func ParseVersionScript(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = stripCComments(data)
	var syms []string
	seen := map[string]bool{}
	global := false
	depth := 0
	// The script is a sequence of tokens; split on whitespace and on the
	// punctuation that separates them.
	tokens := regexp.MustCompile(`[{};]|[^\s{};]+`).FindAll(data, -1)
	for i, t := range tokens {
		switch tok := string(t); {
		case tok == "{":
			depth++
			global = false
		case tok == "}":
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("version script: unbalanced '}' at token %d", i)
			}
			global = false
		case tok == ";":
		case tok == "global:":
			global = true
		case tok == "local:":
			global = false
		case depth == 1 && global:
			if !isIdent(tok) {
				return nil, fmt.Errorf("version script: %q is not a symbol name", tok)
			}
			if !seen[tok] {
				seen[tok] = true
				syms = append(syms, tok)
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("version script: unbalanced '{'")
	}
	if len(syms) == 0 {
		return nil, fmt.Errorf("version script: no global symbols")
	}
	slices.Sort(syms)
	return syms, nil
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func isIdent(s string) bool { return identRE.MatchString(s) }

// GoCalls returns the names called as C.name(...) in the Go source src
// (cgo calls). References that are not calls, such as C.struct_x types or
// names in comments, do not count.
func GoCalls(filename string, src []byte) (map[string]bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	calls := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "C" {
				calls[sel.Sel.Name] = true
			}
		}
		return true
	})
	return calls, nil
}

var cCallRE = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s*\(`)

// CCalls returns the identifiers followed by "(" in the C source src, after
// comments and string and character literals are removed: the functions it
// calls or defines, and macro uses. Passing a libbpf function as a pointer
// without calling it does not count.
func CCalls(src []byte) map[string]bool {
	calls := map[string]bool{}
	for _, m := range cCallRE.FindAllSubmatch(stripCComments(src), -1) {
		calls[string(m[1])] = true
	}
	return calls
}

// stripCComments blanks out C comments and string and character literals,
// keeping newlines.
func stripCComments(src []byte) []byte {
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); {
		switch {
		case bytes.HasPrefix(src[i:], []byte("//")):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case bytes.HasPrefix(src[i:], []byte("/*")):
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				end = len(src) - i - 2
			} else {
				end += 2
			}
			for _, c := range src[i : i+2+end] {
				if c == '\n' {
					out = append(out, '\n')
				}
			}
			i += 2 + end
		case src[i] == '"' || src[i] == '\'':
			q := src[i]
			out = append(out, ' ')
			for i++; i < len(src) && src[i] != q && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			i++
		default:
			out = append(out, src[i])
			i++
		}
	}
	return out
}

// DirCalls returns the names called in the Go files (tests excluded) and the
// C files (.c and .h) directly in dir, with the first file calling each.
func DirCalls(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	calls := map[string]string{}
	add := func(names map[string]bool, file string) {
		for n := range names {
			if _, ok := calls[n]; !ok {
				calls[n] = file
			}
		}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, "_test.go"):
		case strings.HasSuffix(name, ".go"):
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			names, err := GoCalls(path, src)
			if err != nil {
				return nil, err
			}
			add(names, name)
		case strings.HasSuffix(name, ".c"), strings.HasSuffix(name, ".h"):
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			add(CCalls(src), name)
		}
	}
	return calls, nil
}

// Omission is one line of the omissions file: a symbol and why the binding
// does not call it.
type Omission struct {
	Symbol string
	Reason string
	Line   int
}

// ParseOmissions reads the omissions file: one symbol per line followed by
// its reason; blank lines and lines starting with # are comments. A symbol
// without a reason, a malformed name or a symbol listed twice is an error.
func ParseOmissions(r io.Reader) ([]Omission, error) {
	var out []Omission
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sym, reason, _ := strings.Cut(line, " ")
		if i := strings.IndexByte(sym, '\t'); i >= 0 {
			sym, reason = sym[:i], sym[i+1:]+" "+reason
		}
		reason = strings.TrimSpace(reason)
		if !isIdent(sym) {
			return nil, fmt.Errorf("line %d: %q is not a symbol name", n, sym)
		}
		if reason == "" {
			return nil, fmt.Errorf("line %d: %s has no reason", n, sym)
		}
		if prev, ok := seen[sym]; ok {
			return nil, fmt.Errorf("line %d: %s is already listed on line %d", n, sym, prev)
		}
		seen[sym] = n
		out = append(out, Omission{Symbol: sym, Reason: reason, Line: n})
	}
	return out, sc.Err()
}

// Report is the coverage of the exported symbols.
type Report struct {
	// Total is the number of exported symbols.
	Total int
	// Wrapped are the exported symbols the binding calls, with the file
	// that calls each.
	Wrapped map[string]string
	// Omitted are the exported symbols listed as omissions, with the
	// reason, work still to do (see IsTodo) included.
	Omitted map[string]string
	// Missing are exported symbols neither called nor listed.
	Missing []string
	// CalledButOmitted are listed as omissions although the binding calls
	// them (stale lines).
	CalledButOmitted []string
	// NotExported are listed as omissions but not exported by libbpf (stale
	// lines, for example after a libbpf update removed them).
	NotExported []string
}

// Check compares the exported symbols with the binding's calls and the
// omissions.
func Check(exported []string, calls map[string]string, omitted []Omission) *Report {
	r := &Report{Total: len(exported), Wrapped: map[string]string{}, Omitted: map[string]string{}}
	omit := map[string]string{}
	for _, o := range omitted {
		omit[o.Symbol] = o.Reason
	}
	isExported := map[string]bool{}
	for _, s := range exported {
		isExported[s] = true
		file, called := calls[s]
		reason, listed := omit[s]
		switch {
		case called && listed:
			r.Wrapped[s] = file
			r.CalledButOmitted = append(r.CalledButOmitted, s)
		case called:
			r.Wrapped[s] = file
		case listed:
			r.Omitted[s] = reason
		default:
			r.Missing = append(r.Missing, s)
		}
	}
	for _, o := range omitted {
		if !isExported[o.Symbol] {
			r.NotExported = append(r.NotExported, o.Symbol)
		}
	}
	return r
}

// TodoPrefixes start the reason of an omission that is work still to do
// rather than a decision: "pending:" for work on another branch, "not yet"
// for work not started.
var TodoPrefixes = []string{"pending:", "not yet"}

// IsTodo reports whether reason marks work still to do.
func IsTodo(reason string) bool {
	for _, p := range TodoPrefixes {
		if strings.HasPrefix(reason, p) {
			return true
		}
	}
	return false
}

// Todo returns how many omissions are work still to do.
func (r *Report) Todo() int {
	n := 0
	for _, reason := range r.Omitted {
		if IsTodo(reason) {
			n++
		}
	}
	return n
}

// Problems returns one line per symbol the report finds wrong, or nil.
func (r *Report) Problems() []string {
	var p []string
	for _, s := range r.Missing {
		p = append(p, s+": exported by libbpf, neither called by the binding nor listed in the omissions")
	}
	for _, s := range r.CalledButOmitted {
		p = append(p, fmt.Sprintf("%s: listed as omitted but called in %s; remove the line", s, r.Wrapped[s]))
	}
	for _, s := range r.NotExported {
		p = append(p, s+": listed as omitted but not exported by this libbpf; remove the line")
	}
	return p
}

// Group is one row of the coverage table.
type Group struct {
	Name string
	// Omitted counts the decided omissions, Todo the omissions that are
	// work still to do.
	Wrapped, Omitted, Todo, Total int
}

// groups are the rows of the coverage table, by symbol prefix; the first
// match wins, and "other" takes the rest.
var groups = []struct{ name, prefix string }{
	{"`bpf_object__*`", "bpf_object__"},
	{"`bpf_program__*`", "bpf_program__"},
	{"`bpf_map__*`", "bpf_map__"},
	{"`bpf_link__*`", "bpf_link__"},
	{"`btf__*`, `btf_ext__*`, `btf_dump__*`", "btf"},
	{"`ring_buffer__*`, `ring__*`, `user_ring_buffer__*`, `perf_buffer__*`", "ring"},
	{"`ring_buffer__*`, `ring__*`, `user_ring_buffer__*`, `perf_buffer__*`", "user_ring_buffer__"},
	{"`ring_buffer__*`, `ring__*`, `user_ring_buffer__*`, `perf_buffer__*`", "perf_buffer__"},
	{"`bpf_linker__*`", "bpf_linker__"},
	{"`bpf_tc_*`, `bpf_xdp_*`", "bpf_tc_"},
	{"`bpf_tc_*`, `bpf_xdp_*`", "bpf_xdp_"},
	{"`libbpf_*` (probes, helpers)", "libbpf_"},
	{"`bpf_*` syscall wrappers", "bpf_"},
	{"other", ""},
}

// Groups returns the coverage by group, in table order, empty groups left
// out.
func (r *Report) Groups() []Group {
	var out []Group
	index := map[string]int{}
	for _, g := range groups {
		if _, ok := index[g.name]; !ok {
			index[g.name] = len(out)
			out = append(out, Group{Name: g.name})
		}
	}
	count := func(sym string, wrapped, omitted, todo bool) {
		for _, g := range groups {
			if strings.HasPrefix(sym, g.prefix) {
				row := &out[index[g.name]]
				row.Total++
				switch {
				case wrapped:
					row.Wrapped++
				case todo:
					row.Todo++
				case omitted:
					row.Omitted++
				}
				return
			}
		}
	}
	for s := range r.Wrapped {
		count(s, true, false, false)
	}
	for s, reason := range r.Omitted {
		count(s, false, true, IsTodo(reason))
	}
	for _, s := range r.Missing {
		count(s, false, false, false)
	}
	return slices.DeleteFunc(out, func(g Group) bool { return g.Total == 0 })
}

// Markers delimit the generated block in the README.
const (
	BeginMarker = "<!-- parity:begin (generated by go test ./binding/internal/parity -update; do not edit) -->"
	EndMarker   = "<!-- parity:end -->"
)

// Markdown returns the README block: the counts and the table by group,
// between the markers. version names the libbpf release.
func (r *Report) Markdown(version string) string {
	var b strings.Builder
	fmt.Fprintln(&b, BeginMarker)
	todo := r.Todo()
	fmt.Fprintf(&b, "libbpf %s exports %d functions (`src/libbpf.map`): the binding calls %d, "+
		"and %d are left out on purpose, each with its reason in `binding/omitted.txt`",
		version, r.Total, len(r.Wrapped), len(r.Omitted)-todo)
	if todo > 0 {
		fmt.Fprintf(&b, "; %d are still to do (listed there as \"pending:\" or \"not yet\")", todo)
	}
	if len(r.Missing) > 0 {
		fmt.Fprintf(&b, "; %d are not accounted for", len(r.Missing))
	}
	fmt.Fprintln(&b, ".")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| symbols | wrapped | omitted | to do | total |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|---:|")
	for _, g := range r.Groups() {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", g.Name, g.Wrapped, g.Omitted, g.Todo, g.Total)
	}
	fmt.Fprintf(&b, "| all | %d | %d | %d | %d |\n", len(r.Wrapped), len(r.Omitted)-todo, todo, r.Total)
	fmt.Fprint(&b, EndMarker)
	return b.String()
}

// ReplaceBlock returns doc with the text between the markers (markers
// included) replaced by block, which must carry the markers itself.
func ReplaceBlock(doc, block string) (string, error) {
	begin := strings.Index(doc, BeginMarker)
	end := strings.Index(doc, EndMarker)
	if begin < 0 || end < begin {
		return "", fmt.Errorf("markers %q ... %q not found in order", BeginMarker, EndMarker)
	}
	if strings.Count(doc, BeginMarker) != 1 || strings.Count(doc, EndMarker) != 1 {
		return "", fmt.Errorf("markers appear more than once")
	}
	return doc[:begin] + block + doc[end+len(EndMarker):], nil
}
