package libbpf_test

import (
	"encoding/binary"
	"fmt"
	"log"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// A TypedMap reads and writes a map with Go types of the map's key and
// value sizes.
func ExampleNewTypedMap() {
	obj, err := libbpf.OpenFile("testdata/maps.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	m, err := obj.Map("hash_map")
	if err != nil {
		log.Fatal(err)
	}
	// hash_map has __u32 keys and __u64 values.
	counts, err := libbpf.NewTypedMap[uint32, uint64](m)
	if err != nil {
		log.Fatal(err)
	}
	if err := counts.Update(42, 1, libbpf.UpdateAny); err != nil {
		log.Fatal(err)
	}
	it := counts.Iterate()
	for pid, n := range it.All() {
		fmt.Println(pid, n)
	}
	if err := it.Err(); err != nil {
		log.Fatal(err)
	}
}

// A PerCPUTypedMap reads a per-CPU map as one value per possible CPU.
func ExampleNewPerCPUTypedMap() {
	obj, err := libbpf.OpenFile("testdata/maps.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	m, err := obj.Map("percpu_array")
	if err != nil {
		log.Fatal(err)
	}
	counters, err := libbpf.NewPerCPUTypedMap[uint32, uint64](m)
	if err != nil {
		log.Fatal(err)
	}
	perCPU, err := counters.Lookup(0)
	if err != nil {
		log.Fatal(err)
	}
	var total uint64
	for _, n := range perCPU {
		total += n
	}
	fmt.Println("total:", total)
}

// Map.Memory gives the .bss section of a loaded object as memory shared
// with its programs.
func ExampleMap_Memory() {
	obj, err := libbpf.OpenFile("testdata/mmap.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	// Stop using mem before this Close: it unmaps the memory.
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	bss, err := obj.Map(".bss")
	if err != nil {
		log.Fatal(err)
	}
	mem, err := bss.Memory()
	if err != nil {
		log.Fatal(err)
	}
	// runs sits at offset 0 of mmap.bpf.o's .bss (the section's BTF
	// gives each variable's offset); reading what the programs wrote
	// takes no system call.
	fmt.Println("runs:", binary.NativeEndian.Uint64(mem[0:8]))
}

// SetInner stores a map in a map of maps, where BPF programs find it;
// InnerID and OpenInner read it back.
func ExampleMap_SetInner() {
	obj, err := libbpf.OpenFile("testdata/inner.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	outer, err := obj.Map("outer_array")
	if err != nil {
		log.Fatal(err)
	}
	inner, err := obj.Map("inner_a")
	if err != nil {
		log.Fatal(err)
	}
	key := binary.NativeEndian.AppendUint32(nil, 0)
	if err := outer.SetInner(key, inner); err != nil {
		log.Fatal(err)
	}
	stored, err := outer.OpenInner(key)
	if err != nil {
		log.Fatal(err)
	}
	defer stored.Close()
	fmt.Println(stored.ID() == inner.ID())
}

// SetInnerMap gives a map of maps declared without __array its inner map
// template, here a map of another, loaded object.
func ExampleMap_SetInnerMap() {
	templates, err := libbpf.OpenFile("testdata/inner.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer templates.Close()
	if err := templates.Load(); err != nil {
		log.Fatal(err)
	}
	template, err := templates.Map("inner_a")
	if err != nil {
		log.Fatal(err)
	}

	obj, err := libbpf.OpenFile("testdata/inner_set.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	outer, err := obj.Map("outer")
	if err != nil {
		log.Fatal(err)
	}
	if err := outer.SetInnerMap(template); err != nil {
		log.Fatal(err)
	}
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
}
