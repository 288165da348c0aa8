package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"math"

	"golang.org/x/sys/unix"
)

// Stream is one of a program's BPF streams (kernel 6.17): text the
// program writes with bpf_stream_printk, and which the kernel adds to
// stderr when the program misbehaves at run time (a may_goto loop that
// timed out, a deadlock the resilient spin locks broke, and so on).
type Stream uint32

// The streams of a program: the kernel's enum bpf_stream_id, which the
// UAPI headers do not carry (BPF programs see it in vmlinux.h).
const (
	StreamStdout Stream = 1 // BPF_STDOUT
	StreamStderr Stream = 2 // BPF_STDERR
)

// String returns "stdout" or "stderr", or "Stream(N)".
func (s Stream) String() string {
	switch s {
	case StreamStdout:
		return "stdout"
	case StreamStderr:
		return "stderr"
	}
	return fmt.Sprintf("Stream(%d)", uint32(s))
}

// ReadStream reads and removes up to len(buf) bytes of the loaded
// program's stream s into buf, with bpf_prog_stream_read
// (BPF_PROG_STREAM_READ_BY_FD, kernel 6.17, needs CAP_SYS_ADMIN), and
// returns how many it read: 0 when the stream is empty. The kernel keeps
// up to 100000 bytes per stream and drops what does not fit. Kernels
// without streams fail with EINVAL; an unknown stream gives ENOENT.
func (p *Program) ReadStream(s Stream, buf []byte) (int, error) {
	const op = "Program.ReadStream"
	fd, ok := p.lockFD()
	if !ok {
		return 0, p.closed(op)
	}
	defer p.mu.RUnlock()
	if fd < 0 {
		return 0, p.notLoadedErr(op, unix.EBADF)
	}
	if len(buf) == 0 {
		return 0, nil
	}
	n := min(len(buf), math.MaxInt32)
	// buf is Go memory without Go pointers, written during the call.
	ret := C.bpf_prog_stream_read(fd, C.__u32(s), bytesPtr(buf), C.__u32(n), nil)
	if ret < 0 {
		return 0, p.opErr(op, "bpf_prog_stream_read "+s.String(), errnoErr(ret))
	}
	return int(ret), nil
}
