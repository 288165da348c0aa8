package libbpf_test

import (
	"errors"
	"fmt"
	"log"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// Attach one SEC("uprobe.multi") program to every function of a binary
// whose name matches a glob, then to two named functions with a BPF
// cookie each, which bpf_get_attach_cookie returns in the program.
func ExampleProgram_AttachUprobeMulti() {
	if err := libbpf.ProbeUprobeMulti(); errors.Is(err, libbpf.ErrNotSupported) {
		log.Printf("no uprobe_multi links before kernel 6.6: %v", err)
		return
	}
	obj, err := libbpf.OpenFile("testdata/uprobe_multi.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	prog, err := obj.Program("count_multi")
	if err != nil {
		log.Fatal(err)
	}

	// Every process running the binary (-1), at each function lbg_multi_*.
	all, err := prog.AttachUprobeMulti(-1, "testdata/uprobe/target", "lbg_multi_*", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer all.Close()

	two, err := prog.AttachUprobeMulti(-1, "testdata/uprobe/target", "", &libbpf.UprobeMultiOptions{
		Symbols: []string{"lbg_multi_one", "lbg_multi_two"},
		Cookies: []uint64{1, 2},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer two.Close()
	fmt.Println("attached")
}

// Attach a SEC("usdt") program to the USDT probe lbg:target of a binary,
// with a cookie that bpf_usdt_cookie returns in the program; the program
// reads the probe's arguments with bpf_usdt_arg or BPF_USDT.
func ExampleProgram_AttachUSDT() {
	obj, err := libbpf.OpenFile("testdata/usdt.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	prog, err := obj.Program("count_usdt")
	if err != nil {
		log.Fatal(err)
	}
	link, err := prog.AttachUSDT(-1, "testdata/uprobe/target", "lbg", "target",
		&libbpf.USDTOptions{Cookie: 42})
	if err != nil {
		log.Fatal(err)
	}
	defer link.Close()
	fmt.Println("attached")
}
