package libbpf

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// handleLock is the lock of an Object or of a handle opened without one
// (see "Ownership of handles" in handle.go): a sync.RWMutex, which every
// method takes, and for the handles with map element operations a read
// guard beside it, which those operations take instead.
//
// The read lock of a sync.RWMutex writes its reader count, one cache line
// that every reader on every CPU writes twice per call: goroutines looking
// up in the maps of one Object from several CPUs hand that line back and
// forth on each lookup. The guard's readers count themselves in one of
// guardShards counters, on lines of their own, chosen by where the
// goroutine's stack is, so that readers on different goroutines seldom
// share one. Lock and Unlock keep the guard's readers out while a writer
// holds the lock: Lock, after taking the RWMutex, closes the guard and
// waits for the readers inside to leave; Unlock opens it again before
// releasing the RWMutex. A reader that finds the guard closed takes the
// RWMutex's read lock instead, and so waits for the writer. Everything a
// writer changes under the lock (a handle's state, descriptor and sizes)
// is therefore seen by guard readers as by read-lock holders.
type handleLock struct {
	sync.RWMutex
	// guard is nil for locks whose handles have no element operations
	// (programs and BTF opened on their own).
	guard *readGuard
}

// Lock takes the lock for writing: the RWMutex, then the guard, closed
// once its readers have left.
func (l *handleLock) Lock() {
	l.RWMutex.Lock()
	if l.guard != nil {
		l.guard.close()
	}
}

// Unlock opens the guard and releases the RWMutex.
func (l *handleLock) Unlock() {
	if l.guard != nil {
		l.guard.open()
	}
	l.RWMutex.Unlock()
}

// guardShards is the number of reader counters of a readGuard.
const guardShards = 16

// guardLine is the size the counters are padded to: two 64-byte cache
// lines, as x86 processors fetch lines in adjacent pairs.
const guardLine = 128

// readGuard lets readers in without a write to a line that other
// goroutines' readers write (see handleLock).
type readGuard struct {
	// closed is set while a writer holds the lock. Readers only read it.
	closed atomic.Bool
	_      [guardLine - 4]byte
	shards [guardShards]struct {
		// n is the number of readers inside that counted themselves
		// here.
		n atomic.Int32
		_ [guardLine - 4]byte
	}
}

// enter counts the caller in and returns its counter, or false when a
// writer holds the lock; then the caller counted nothing and must take
// the read lock instead. A true return must be matched by exit with the
// counter returned.
func (g *readGuard) enter() (int, bool) {
	s := guardShard()
	g.shards[s].n.Add(1)
	// Both are sequentially consistent: a writer that set closed before
	// this load sees the count above when it waits, and otherwise this
	// load sees closed set.
	if g.closed.Load() {
		g.shards[s].n.Add(-1)
		return 0, false
	}
	return s, true
}

// exit counts out a reader that enter let in with counter s.
func (g *readGuard) exit(s int) {
	g.shards[s].n.Add(-1)
}

// close keeps new readers out and waits for those inside to leave. The
// caller holds the RWMutex for writing, so no other writer runs. Readers
// inside make one system call and leave, taking no lock.
func (g *readGuard) close() {
	g.closed.Store(true)
	for i := range g.shards {
		for g.shards[i].n.Load() != 0 {
			runtime.Gosched()
		}
	}
}

// open lets readers in again.
func (g *readGuard) open() {
	g.closed.Store(false)
}

// guardShard picks the caller's counter from the address of its stack:
// goroutines have stacks of their own, so two goroutines seldom pick the
// same counter, and one goroutine picks it again while its stack stays.
func guardShard() int {
	var b byte
	// SAFETY: the address of b is only hashed, never turned back into a
	// pointer; b does not escape.
	sp := uint64(uintptr(unsafe.Pointer(&b)))
	// Fibonacci hashing of the stack's 1 KiB block.
	return int(((sp >> 10) * 0x9e3779b97f4a7c15) >> (64 - 4))
}
