package libbpf_test

import (
	"encoding/binary"
	"errors"
	"log"
	"time"

	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Send commands to a BPF program through a BPF_MAP_TYPE_USER_RINGBUF map,
// which the program reads with bpf_user_ringbuf_drain.
func ExampleNewUserRingBuffer() {
	obj, err := libbpf.OpenFile("commands.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	m, err := obj.Map("commands")
	if err != nil {
		log.Fatal(err)
	}
	rb, err := libbpf.NewUserRingBuffer(m)
	if err != nil {
		log.Fatal(err)
	}
	defer rb.Close()

	// Write copies a whole sample into the ring.
	cmd := binary.NativeEndian.AppendUint64(nil, 42)
	if err := rb.Write(cmd); errors.Is(err, unix.ENOSPC) {
		log.Print("ring full: the BPF program has not drained it yet")
	} else if err != nil {
		log.Fatal(err)
	}
}

// Build a sample in place in the ring, waiting up to a second for room.
func ExampleUserRingBuffer_ReserveBlocking() {
	var rb *libbpf.UserRingBuffer // from NewUserRingBuffer

	sample, err := rb.ReserveBlocking(16, time.Second)
	if err != nil {
		log.Fatal(err)
	}
	// sample is the ring's memory: fill it, then Submit (or Discard) it
	// and do not touch it afterwards.
	binary.NativeEndian.PutUint64(sample, 1)
	binary.NativeEndian.PutUint64(sample[8:], uint64(time.Now().UnixNano()))
	if err := rb.Submit(sample); err != nil {
		log.Fatal(err)
	}
}
