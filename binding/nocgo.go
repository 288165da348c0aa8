//go:build !cgo

package libbpf

// libbpf-go is a cgo binding. Without cgo (CGO_ENABLED=0, or a cross
// build that did not set CGO_ENABLED=1 and CC), the import below fails
// first, with one line saying so, instead of a screen of "undefined: Map".
import _ "github.com/libbpf-go/libbpf-go/binding/internal/needcgo"
