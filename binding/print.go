package libbpf

/*
#include "glue.h"
*/
import "C"

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/libbpf-go/libbpf-go/binding/internal/privilege"
)

// logger is the logger set by SetLogger; nil means slog.Default().
var logger atomic.Pointer[slog.Logger]

// init makes the binding libbpf's print callback (libbpf_set_print) for the
// life of the process, so that libbpf's messages go to the logger rather
// than straight to stderr.
func init() {
	syncLogLevel()
	C.lbg_install_print()
}

// SetLogger sends libbpf's messages, which it emits through its print
// callback (see libbpf_set_print), to l: LIBBPF_WARN as slog.LevelWarn,
// LIBBPF_INFO as slog.LevelInfo and LIBBPF_DEBUG as slog.LevelDebug, with
// the "libbpf: " prefix and trailing newline trimmed and the attribute
// "component"="libbpf".
// A nil l discards them. Until SetLogger is called, messages go to
// slog.Default(), whose default handler writes the Info and Warn ones to
// the log package's output, stderr unless log.SetOutput changed it: as C
// libbpf's own default printer does, warnings show on stderr.
//
// On kernels from 5.11 on, which charge BPF memory to the memory cgroup,
// libbpf's hints to raise RLIMIT_MEMLOCK after a permission error are
// misleading: such messages get a note appended that says so and points to
// the error returned to Go, which names the missing privilege.
//
// Messages at levels the logger does not enable are dropped in C before
// they are formatted. Which levels are enabled is sampled now and again at
// each OpenFile, OpenMem and Object.Load, so a change of the handler's level
// (or of slog.Default) takes effect from the next of those calls.
//
// The binding owns libbpf's process-wide print callback: do not install
// another one with libbpf_set_print from other C code in the process, or
// both logging and the program name in VerifierError stop working.
// SetLogger is safe to call from any goroutine.
func SetLogger(l *slog.Logger) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	logger.Store(l)
	syncLogLevel()
}

// currentLogger returns the logger libbpf's messages go to.
func currentLogger() *slog.Logger {
	if l := logger.Load(); l != nil {
		return l
	}
	return slog.Default()
}

// syncLogLevel tells the C print callback the most verbose libbpf level the
// current logger enables.
func syncLogLevel() {
	l := currentLogger()
	ctx := context.Background()
	max := -1
	switch {
	case l.Enabled(ctx, slog.LevelDebug):
		max = C.LIBBPF_DEBUG
	case l.Enabled(ctx, slog.LevelInfo):
		max = C.LIBBPF_INFO
	case l.Enabled(ctx, slog.LevelWarn):
		max = C.LIBBPF_WARN
	}
	C.lbg_set_log_level(C.int(max))
}

// lbgGoLog receives one formatted libbpf message from glue.c's print
// callback. msg points to n bytes of C memory valid during the call.
//
//export lbgGoLog
func lbgGoLog(level C.int, msg *C.char, n C.int) {
	lvl := slog.LevelDebug
	switch level {
	case C.LIBBPF_WARN:
		lvl = slog.LevelWarn
	case C.LIBBPF_INFO:
		lvl = slog.LevelInfo
	}
	// msg holds n bytes that C keeps alive until lbgGoLog returns; GoStringN copies them.
	text := strings.TrimPrefix(strings.TrimRight(C.GoStringN(msg, n), "\n"), "libbpf: ")
	currentLogger().Log(context.Background(), lvl, annotateMemlockHint(text), "component", "libbpf")
}

// memlockNote is appended to libbpf's RLIMIT_MEMLOCK hints on kernels that
// do not use RLIMIT_MEMLOCK for BPF memory.
const memlockNote = " [libbpf-go: RLIMIT_MEMLOCK is not the cause: since Linux 5.11 BPF memory is charged to the memory cgroup; the error returned to Go says what was refused and why]"

// annotateMemlockHint appends memlockNote to the libbpf messages that
// suggest raising RLIMIT_MEMLOCK ("ulimit -l") when a bpf(2) call was
// refused, if the running kernel is 5.11 or newer.
func annotateMemlockHint(text string) string {
	if (strings.Contains(text, "RLIMIT_MEMLOCK") || strings.Contains(text, "ulimit -l")) && memcgAccounted() {
		return text + memlockNote
	}
	return text
}

// memcgAccounted reports whether the running kernel charges BPF memory to
// the memory cgroup (see privilege.MemlockUnused).
var memcgAccounted = sync.OnceValue(func() bool {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return false
	}
	return privilege.MemlockUnused(unix.ByteSliceToString(u.Release[:]))
})
