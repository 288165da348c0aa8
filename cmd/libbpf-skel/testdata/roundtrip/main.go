// Command roundtrip runs the skeleton of roundtrip.bpf.c on the real
// kernel (as root) and checks every value it sees through the generated
// types; libbpf-skel's tests generate the skeleton beside a copy of it. It
// prints "ok" and exits 0, or prints what differs and exits 1.
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

const calls = 5

func main() {
	if err := run(); err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}

func check(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

func run() (err error) {
	// The program counts getpid() calls of this thread only: the Go
	// runtime calls getpid() too, from other threads, to signal them.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	tid := uint32(syscall.Gettid())
	pid := uint32(os.Getpid())
	c, err := OpenRoundtrip(nil)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}()
	// Before Load: the section structs are libbpf's initial images.
	if err := check(c.Rodata.Cfg.Scale == 1 && c.Data.DataMarker == 7, "initial values: scale %d, marker %d", c.Rodata.Cfg.Scale, c.Data.DataMarker); err != nil {
		return err
	}
	c.Rodata.Cfg.TargetTid = tid
	c.Rodata.Cfg.Enabled = 1
	c.Rodata.Cfg.Scale = 1000
	c.Data.DataMarker = 9
	if err := c.Load(); err != nil {
		return err
	}
	if err := check(c.Rodata.Cfg.Scale == 1000 && c.Rodata.Cfg.TargetTid == tid, "rodata after load: %+v", c.Rodata.Cfg); err != nil {
		return err
	}
	// The .rodata struct is a copy now: a store changes nothing, and
	// does not crash.
	c.Rodata.Cfg.Scale = 5
	var events []RoundtripEvent
	rb, err := libbpf.NewRingBufferOf(c.Maps.Events, func(e *RoundtripEvent) error {
		events = append(events, *e)
		return nil
	})
	if err != nil {
		return err
	}
	defer rb.Close()
	if err := c.Attach(); err != nil {
		return err
	}
	if err := check(c.Links.OnGetpid != nil, "no link for on_getpid"); err != nil {
		return err
	}
	for range calls {
		syscall.Getpid()
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(events) < calls && time.Now().Before(deadline) {
		if _, err := rb.Poll(100 * time.Millisecond); err != nil {
			return err
		}
	}
	// .bss and .data are the live map memory.
	if err := check(c.Bss.Hits == calls && c.Bss.LastSeq == calls, "bss: hits %d, last_seq %d, want %d", c.Bss.Hits, c.Bss.LastSeq, calls); err != nil {
		return err
	}
	if err := check(c.Data.DataMarker == 9, "data marker %d, want 9", c.Data.DataMarker); err != nil {
		return err
	}
	c.Data.DataMarker = 11
	var marker uint64
	if err := c.Object().Global("data_marker", unsafe.Slice((*byte)(unsafe.Pointer(&marker)), 8)); err != nil {
		return err
	}
	if err := check(marker == 11, "data marker written through the struct, read by libbpf: %d", marker); err != nil {
		return err
	}
	counts, err := libbpf.NewTypedMap[RoundtripKey, RoundtripValue](c.Maps.Counts)
	if err != nil {
		return err
	}
	v, err := counts.Lookup(RoundtripKey{Tgid: pid, Kind: 1})
	if err != nil {
		return err
	}
	comm, _ := os.ReadFile("/proc/self/comm")
	comm = bytes.TrimSpace(comm)
	if err := check(v.Calls == calls && v.State == RoundtripStateStateSeen && bytes.Equal(bytes.TrimRight(v.Comm[:], "\x00"), comm),
		"map value %+v (comm %q)", v, comm); err != nil {
		return err
	}
	if err := check(len(events) == calls, "%d events, want %d", len(events), calls); err != nil {
		return err
	}
	for i, e := range events {
		seq := uint32(i + 1)
		if err := check(e.Tgid == pid && e.Seq == seq && e.Scaled == uint64(seq)*1000 &&
			e.State == RoundtripStateStateSeen && e.Odd() == uint8(seq&1) && e.Low() == uint8(seq&0x7f) &&
			*e.Word() == 0x04030201 && *e.Bytes() == [4]byte{1, 2, 3, 4},
			"event %d: %+v", i, e); err != nil {
			return err
		}
	}
	return nil
}
