package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"

	"github.com/libbpf-go/libbpf-go/internal/elfcheck"
)

// capNames names the capabilities of checkPrivileges' messages.
var capNames = map[int]string{unix.CAP_BPF: "CAP_BPF", unix.CAP_PERFMON: "CAP_PERFMON"}

// effectiveCaps returns the effective capability set of the calling thread.
func effectiveCaps() (uint64, error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return 0, fmt.Errorf("capget: %w", err)
	}
	return uint64(data[1].Effective)<<32 | uint64(data[0].Effective), nil
}

// checkPrivileges returns an error unless the process has CAP_BPF, and
// CAP_PERFMON too when attach is set, as tracing programs need both;
// CAP_SYS_ADMIN stands in for either. Without them it returns errNeedRoot
// when syscount does not run as root, and names the missing capability
// when root lacks it, as in a container that drops it.
func checkPrivileges(attach bool) error {
	caps, err := effectiveCaps()
	if err != nil {
		return err
	}
	wanted := []int{unix.CAP_BPF}
	if attach {
		wanted = append(wanted, unix.CAP_PERFMON)
	}
	for _, c := range wanted {
		if caps&(1<<c) != 0 || caps&(1<<unix.CAP_SYS_ADMIN) != 0 {
			continue
		}
		if os.Geteuid() != 0 {
			return errNeedRoot
		}
		return fmt.Errorf("root lacks the capability %s (or CAP_SYS_ADMIN) that BPF needs; run syscount with it, e.g. outside a container that drops it", capNames[c])
	}
	return nil
}

// vmlinuxBTF is where the kernel publishes its BTF.
const vmlinuxBTF = "/sys/kernel/btf/vmlinux"

// checkKernelBTF returns an error when the BPF object obj has CO-RE
// relocations, which libbpf resolves against the kernel's BTF, and there is
// no file at btfPath. An object without CO-RE relocations needs no kernel
// BTF.
func checkKernelBTF(obj []byte, btfPath string) error {
	core, err := hasCORE(obj)
	if err != nil || !core {
		return err
	}
	_, err = os.Stat(btfPath)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the kernel has no BTF at %s, which the CO-RE relocations of the BPF object need; use a kernel built with CONFIG_DEBUG_INFO_BTF=y", btfPath)
	}
	return err
}

// btfExtMagic starts the .BTF.ext section (struct btf_ext_header of
// libbpf's btf.h), in the object's byte order.
const btfExtMagic = 0xeb9f

// errBadELF says that a BPF object is not a well-formed BPF ELF object.
var errBadELF = errors.New("BPF object: not a valid BPF ELF object")

// hasCORE reports whether the BPF ELF object obj carries CO-RE relocations:
// its .BTF.ext header gives their length at offset 28 when the header is
// at least 32 bytes long. obj is checked and read by the binding's
// elfcheck, as OpenMem checks it.
func hasCORE(obj []byte) (bool, error) {
	f, err := elfcheck.Open(obj)
	if err != nil {
		return false, fmt.Errorf("%w: %w", errBadELF, err)
	}
	ext, ok := f.Section(".BTF.ext")
	if !ok {
		return false, nil
	}
	order := elfcheck.ByteOrder
	if len(ext) < 8 || order.Uint16(ext) != btfExtMagic {
		return false, errors.New("BPF object: .BTF.ext has no valid header")
	}
	if order.Uint32(ext[4:]) < 32 || len(ext) < 32 {
		return false, nil
	}
	return order.Uint32(ext[28:]) > 0, nil
}
