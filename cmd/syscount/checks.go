package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// Capabilities syscount checks for, from linux/capability.h.
const (
	capSysAdmin = 21
	capPerfmon  = 38
	capBPF      = 39
)

// capNames names the capabilities of checkPrivileges' messages.
var capNames = map[int]string{capBPF: "CAP_BPF", capPerfmon: "CAP_PERFMON"}

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
	wanted := []int{capBPF}
	if attach {
		wanted = append(wanted, capPerfmon)
	}
	for _, c := range wanted {
		if caps&(1<<c) != 0 || caps&(1<<capSysAdmin) != 0 {
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

// btfExtMagic starts the .BTF.ext section, in the object's byte order.
const btfExtMagic = 0xeb9f

// hasCORE reports whether the BPF ELF object obj carries CO-RE relocations:
// its .BTF.ext header (struct btf_ext_header of libbpf's btf.h) gives their
// length at offset 28 when the header is at least 32 bytes long. The ELF64
// section headers are read by hand, as debug/elf would double the part of
// syscount's size that is Go code for this one look-up.
func hasCORE(obj []byte) (bool, error) {
	ext, err := elfSection(obj, ".BTF.ext")
	if ext == nil || err != nil {
		return false, err
	}
	order := byteOrder(obj)
	if len(ext) < 8 || order.Uint16(ext) != btfExtMagic {
		return false, errors.New("BPF object: .BTF.ext has no valid header")
	}
	if order.Uint32(ext[4:]) < 32 || len(ext) < 32 {
		return false, nil
	}
	return order.Uint32(ext[28:]) > 0, nil
}

// errBadELF says that a BPF object is not a well-formed ELF64 file.
var errBadELF = errors.New("BPF object: not a valid ELF64 file")

// byteOrder returns the byte order that the ELF identification of obj
// names; obj is at least an ELF header long.
func byteOrder(obj []byte) binary.ByteOrder {
	if obj[5] == 2 { // EI_DATA is ELFDATA2MSB
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// elfSection returns the contents of the section called name in the ELF64
// file obj, or nil when there is none.
func elfSection(obj []byte, name string) ([]byte, error) {
	const ehdrSize, shdrSize = 64, 64
	if len(obj) < ehdrSize || string(obj[:4]) != "\x7fELF" || obj[4] != 2 { // ELFCLASS64
		return nil, errBadELF
	}
	order := byteOrder(obj)
	// slice returns obj[off:off+size], or nil when that is out of range.
	slice := func(off, size uint64) []byte {
		if off > uint64(len(obj)) || size > uint64(len(obj))-off {
			return nil
		}
		return obj[off : off+size]
	}
	shoff := order.Uint64(obj[0x28:])
	shnum := uint64(order.Uint16(obj[0x3c:]))
	headers := slice(shoff, shnum*shdrSize)
	strndx := uint64(order.Uint16(obj[0x3e:]))
	if headers == nil || strndx >= shnum || order.Uint16(obj[0x3a:]) != shdrSize {
		return nil, errBadELF
	}
	// section returns the contents and name offset of section i.
	section := func(i uint64) ([]byte, uint32) {
		h := headers[i*shdrSize:]
		return slice(order.Uint64(h[0x18:]), order.Uint64(h[0x20:])), order.Uint32(h)
	}
	names, _ := section(strndx)
	for i := range shnum {
		data, off := section(i)
		if uint64(off) >= uint64(len(names)) {
			return nil, errBadELF
		}
		if n, _, _ := bytes.Cut(names[off:], []byte{0}); string(n) == name {
			if data == nil {
				return nil, errBadELF
			}
			return data, nil
		}
	}
	return nil, nil
}
