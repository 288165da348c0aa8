package libbpf

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// guarded returns a handleLock with a read guard, as an Object's.
func guarded() *handleLock {
	return &handleLock{guard: new(readGuard)}
}

// A writer's Lock waits for the guard's readers to leave, and a reader
// that comes while a writer holds the lock is turned away.
func TestHandleLockWriterWaitsForGuardReaders(t *testing.T) {
	l := guarded()
	s, ok := l.guard.enter()
	require.True(t, ok, "an unlocked guard lets a reader in")

	locked := make(chan struct{})
	go func() {
		l.Lock()
		close(locked)
	}()
	select {
	case <-locked:
		t.Fatal("Lock returned while a guard reader was inside")
	case <-time.After(50 * time.Millisecond):
	}
	l.guard.exit(s)
	<-locked

	_, ok = l.guard.enter()
	assert.False(t, ok, "a reader is turned away while a writer holds the lock")
	l.Unlock()
	s, ok = l.guard.enter()
	assert.True(t, ok, "Unlock lets readers in again")
	l.guard.exit(s)
}

// Readers under the guard (or, when turned away, under the read lock)
// never see a writer's change half made, and the race detector sees the
// guard order the writer's plain writes before the readers' plain reads.
func TestHandleLockGuardExcludesWriters(t *testing.T) {
	l := guarded()
	var shared int // written under Lock, read under the guard
	var stop atomic.Bool
	var guardReads, lockReads atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				if s, ok := l.guard.enter(); ok {
					assert.Zero(t, shared%2, "a reader inside the guard saw a writer's half-made change")
					l.guard.exit(s)
					guardReads.Add(1)
					continue
				}
				l.RLock()
				assert.Zero(t, shared%2, "a reader under the read lock saw a writer's half-made change")
				l.RUnlock()
				lockReads.Add(1)
			}
		})
	}
	for range 300 {
		l.Lock()
		shared++
		runtime.Gosched()
		shared++
		l.Unlock()
	}
	stop.Store(true)
	wg.Wait()
	assert.Equal(t, 600, shared)
	assert.Positive(t, guardReads.Load(), "readers went through the guard")
	t.Logf("%d reads through the guard, %d through the read lock", guardReads.Load(), lockReads.Load())
}

// A lock without a guard (programs and BTF opened on their own) is a
// plain RWMutex: a writer keeps readers out until Unlock.
func TestHandleLockWithoutGuard(t *testing.T) {
	var l handleLock
	l.Lock()
	got := make(chan struct{})
	go func() {
		l.RLock()
		close(got)
		l.RUnlock()
	}()
	select {
	case <-got:
		t.Fatal("RLock returned while the lock was held for writing")
	case <-time.After(20 * time.Millisecond):
	}
	l.Unlock()
	<-got
}

// Goroutines pick counters by their stacks: many goroutines spread over
// more than one counter, and one goroutine keeps its counter.
func TestGuardShardSpreads(t *testing.T) {
	const goroutines = 64
	picked := make([]int, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			picked[i] = guardShard()
			assert.Equal(t, picked[i], guardShard(), "the same goroutine at the same depth")
		})
	}
	wg.Wait()
	distinct := map[int]bool{}
	for _, s := range picked {
		require.GreaterOrEqual(t, s, 0)
		require.Less(t, s, guardShards)
		distinct[s] = true
	}
	assert.Greater(t, len(distinct), guardShards/2, "counters picked by %d goroutines: %v", goroutines, picked)
}
