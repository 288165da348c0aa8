package libbpf

import (
	"errors"
	"fmt"

	"github.com/libbpf-go/libbpf-go/internal/elfcheck"
)

// ErrInvalidObject is wrapped when OpenFile, OpenMem or a Linker's AddFile
// and AddBytes are given data that is not a well-formed 64-bit BPF ELF
// relocatable object for this host. The binding checks the ELF structure
// libbpf relies on (headers, section bounds, string and symbol tables) and
// the BTF type graph (no type that contains itself) in Go before libbpf
// sees the data, so that a truncated or corrupted object gives this error,
// naming what is wrong, rather than a crash or an endless loop inside
// libbpf.
var ErrInvalidObject = errors.New("libbpf: invalid BPF object")

// checkELF checks data as the package elfcheck does (debug/elf's parser
// and the checks it lacks); its error names the defect and wraps
// ErrInvalidObject, and the caller names the object.
func checkELF(data []byte) error {
	if err := elfcheck.Check(data); err != nil {
		return fmt.Errorf("%w: %w", err, ErrInvalidObject)
	}
	return nil
}
