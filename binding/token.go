package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// Token is a BPF token (kernel 6.9): the right to use the bpf(2) commands,
// map, program and attach types that a bpffs mount delegates (its
// delegate_cmds, delegate_maps, delegate_progs and delegate_attachs
// options), for a process whose user namespace owns the mount but which
// lacks CAP_BPF in the initial user namespace. Objects use a token through
// ObjectOptions.BPFTokenPath, which makes libbpf create its own; NewToken
// gives one to pass to other programs or libraries (Token.FD).
type Token struct {
	mu sync.Mutex
	fd int
	// path is the bpffs mount the token was created from.
	path string
}

// NewToken creates a BPF token from the root of the bpffs mount at path
// with bpf_token_create (BPF_TOKEN_CREATE, kernel 6.9). The mount must
// have been made in the caller's user namespace (its superblock owned by
// it) with delegation options, which only a process privileged in the
// initial user namespace can set. The kernel refuses tokens in the initial
// user namespace (EOPNOTSUPP), a path that is not the root of a bpffs
// mount (EINVAL), and a mount of another user namespace (EPERM). Close
// releases the token.
func NewToken(path string) (*Token, error) {
	const op = "NewToken"
	subject := fmt.Sprintf("%q", path)
	fd, err := unix.Open(path, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, opError(op, subject, "open", err)
	}
	defer unix.Close(fd)
	ret := C.bpf_token_create(C.int(fd), nil)
	if ret < 0 {
		return nil, opError(op, subject, "bpf_token_create", errnoErr(ret))
	}
	return &Token{fd: int(ret), path: path}, nil
}

// subject is the token's identity in errors: "token of" its mount.
func (t *Token) subject() string {
	if t == nil {
		return "token"
	}
	return fmt.Sprintf("token of %q", t.path)
}

// FD returns the token's descriptor, or -1 once closed. It belongs to the
// Token.
func (t *Token) FD() int {
	if t == nil {
		return -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fd
}

// Close releases the token; it is idempotent. It returns nil, or the
// OpError of close(2) failing, which leaves the descriptor closed all the
// same.
func (t *Token) Close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fd < 0 {
		return nil
	}
	err := unix.Close(t.fd)
	t.fd = -1
	if err != nil {
		return opError("Token.Close", t.subject(), "close", err)
	}
	return nil
}

// TokenFD returns the descriptor of the BPF token libbpf created for the
// object from ObjectOptions.BPFTokenPath (or its default), with
// bpf_object__token_fd (libbpf 1.5); -1 when the object uses no token,
// before Load (libbpf creates it at Load), or once closed. It belongs to
// the object.
func (o *Object) TokenFD() int {
	if o == nil {
		return -1
	}
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.obj == nil {
		return -1
	}
	// o.obj is valid under the read lock.
	if fd := C.bpf_object__token_fd(o.obj); fd > 0 {
		return int(fd)
	}
	return -1
}
