package libbpf_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Open an object, load it, attach every program as a skeleton would, and
// read a counter map until interrupted.
func Example() {
	obj, err := libbpf.OpenFile("counter.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		var verr *libbpf.VerifierError
		if errors.As(err, &verr) {
			log.Fatalf("program %s rejected:\n%s", verr.Program, verr.Log)
		}
		log.Fatal(err)
	}
	links, err := obj.AttachAll()
	if err != nil {
		log.Fatal(err)
	}
	defer libbpf.CloseAll(links)

	counts, err := obj.Map("counts")
	if err != nil {
		log.Fatal(err)
	}
	value := make([]byte, counts.ValueBufferSize())
	if err := counts.Lookup(binary.NativeEndian.AppendUint32(nil, 0), value); err != nil {
		log.Fatal(err)
	}
	fmt.Println("count:", binary.NativeEndian.Uint64(value))
}

// Leave a program attached after the process exits: pin its link, then
// disconnect it, so that Close frees the Link but does not detach it. A
// later run finds it with OpenLink, and Unpin followed by Close detaches it.
func ExampleLink_Disconnect() {
	obj, err := libbpf.OpenFile("counter.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	prog, err := obj.Program("count_tp")
	if err != nil {
		log.Fatal(err)
	}
	link, err := prog.AttachTracepoint("syscalls", "sys_enter_getpid")
	if err != nil {
		log.Fatal(err)
	}
	if err := link.Pin("/sys/fs/bpf/agent/link"); err != nil {
		link.Close()
		log.Fatal(err)
	}
	link.Disconnect()
	link.Close() // the program stays attached through the pin

	// In a later process:
	old, err := libbpf.OpenLink("/sys/fs/bpf/agent/link")
	if err != nil {
		log.Fatal(err)
	}
	if err := old.Unpin(); err != nil {
		log.Fatal(err)
	}
	old.Close() // detaches
}

// Walk a map with range-over-func; deleting during the walk is safe.
func ExampleMap_Iterate() {
	m, err := libbpf.OpenMapPinned("/sys/fs/bpf/agent/sessions")
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	it := m.Iterate()
	for key, value := range it.All() {
		fmt.Printf("%x: %x\n", key, value)
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
}

// Consume a BPF ring buffer until interrupted. The data slice is only
// valid during the callback: copy what you keep.
func ExampleNewRingBuffer() {
	obj, err := libbpf.OpenFile("events.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	events, err := obj.Map("events")
	if err != nil {
		log.Fatal(err)
	}
	rb, err := libbpf.NewRingBuffer(events, func(data []byte) error {
		fmt.Printf("event of %d bytes\n", len(data))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	defer rb.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := rb.Run(ctx); err != nil {
		log.Fatal(err)
	}
}

// Consume a perf event array: one ring per CPU, with lost samples
// reported.
func ExampleNewPerfBuffer() {
	obj, err := libbpf.OpenFile("events.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	perf, err := obj.Map("perf")
	if err != nil {
		log.Fatal(err)
	}
	pb, err := libbpf.NewPerfBuffer(perf, 64, func(cpu int, data []byte) {
		fmt.Printf("CPU %d: %d bytes\n", cpu, len(data))
	}, func(cpu int, count uint64) {
		fmt.Printf("CPU %d lost %d samples\n", cpu, count)
	})
	if err != nil {
		log.Fatal(err)
	}
	defer pb.Close()
	for {
		if _, err := pb.Poll(-1); err != nil {
			log.Fatal(err)
		}
	}
}

// Skip what the kernel cannot do, with the reason.
func ExampleProbeKprobes() {
	if err := libbpf.ProbeKprobes(); errors.Is(err, libbpf.ErrNotSupported) {
		fmt.Println("no kprobes here:", err)
		return
	}
	fmt.Println("kprobes work")
}

// Find a pinned program again in a later process and attach it to a
// device's XDP hook.
func ExampleOpenProgramPinned() {
	prog, err := libbpf.OpenProgramPinned("/sys/fs/bpf/agent/xdp")
	if err != nil {
		log.Fatal(err)
	}
	defer prog.Close()
	if err := libbpf.XDPAttach(2, prog, libbpf.XDPFlagsSKBMode); err != nil {
		log.Fatal(err)
	}
}
