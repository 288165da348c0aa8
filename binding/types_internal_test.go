package libbpf

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mirroredTypes are the types whose constants stand for C constants.
var mirroredTypes = map[string]bool{
	"ProgramType": true, "AttachType": true, "MapType": true, "LinkType": true,
	"MapUpdateFlags": true, "ProbeAttachMode": true, "XDPFlags": true,
	"TCAttachPoint": true, "TCFlags": true, "MultiProgFlags": true, "NetfilterFlags": true,
}

// Every exported constant that mirrors a C constant has the C constant's
// value: the Go values that go doc shows are libbpf's and the kernel's.
// (A _test.go file cannot use cgo, so cConstants, in types.go, reads the C
// values.)
func TestConstantsEqualTheirCConstants(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range cConstants() {
		assert.Equal(t, c.cValue, c.goValue, "%s", c.name)
		assert.False(t, listed[c.name], "%s listed twice", c.name)
		listed[c.name] = true
	}

	// Every constant of a mirrored type is in cConstants: read from the
	// package's source, which the test binary of a guest kernel (make
	// test-kernels) runs without.
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	if len(files) == 0 {
		t.Log("no Go source in the working directory: the check that cConstants lists every constant runs where the source is")
		return
	}
	var declared int
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				typ := ""
				if id, ok := vs.Type.(*ast.Ident); ok {
					typ = id.Name
				} else if len(vs.Values) == 1 {
					if call, ok := vs.Values[0].(*ast.CallExpr); ok {
						if id, ok := call.Fun.(*ast.Ident); ok {
							typ = id.Name
						}
					}
				}
				if !mirroredTypes[typ] {
					continue
				}
				for _, n := range vs.Names {
					if n.IsExported() {
						declared++
						assert.True(t, listed[n.Name], "%s (%s, in %s) is missing from cConstants", n.Name, typ, name)
					}
				}
			}
		}
	}
	assert.Equal(t, len(listed), declared, "cConstants lists only declared constants")
}
