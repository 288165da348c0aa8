package libbpf_test

import (
	"fmt"
	"log"

	"golang.org/x/sys/unix"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// loadExample opens and loads a BPF object file, or exits.
func loadExample(path string) *libbpf.Object {
	obj, err := libbpf.OpenFile(path, nil)
	if err != nil {
		log.Fatal(err)
	}
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	return obj
}

// A SEC("sk_msg") program attached to a sockmap through a link (kernel
// 6.10) runs whenever a socket added to the map afterwards sends data.
func ExampleProgram_AttachSockmap() {
	obj := loadExample("sockmap.bpf.o")
	defer obj.Close()
	sockMap, err := obj.Map("sock_map")
	if err != nil {
		log.Fatal(err)
	}
	prog, err := obj.Program("count_msg")
	if err != nil {
		log.Fatal(err)
	}
	link, err := prog.AttachSockmap(sockMap)
	if err != nil {
		log.Fatal(err)
	}
	defer link.Close()
	// Add connected TCP sockets with sockMap.Update(key, fd, ...).
}

// The older form attaches with BPF_PROG_ATTACH (kernel 4.14 for sk_skb,
// 4.17 for sk_msg) and lasts until DetachProgram or the map's end.
func ExampleMap_AttachProgram() {
	obj := loadExample("sockmap.bpf.o")
	defer obj.Close()
	sockMap, err := obj.Map("sock_map")
	if err != nil {
		log.Fatal(err)
	}
	verdict, err := obj.Program("count_verdict")
	if err != nil {
		log.Fatal(err)
	}
	if err := sockMap.AttachProgram(verdict, libbpf.AttachTypeSKSKBStreamVerdict); err != nil {
		log.Fatal(err)
	}
	defer sockMap.DetachProgram(verdict, libbpf.AttachTypeSKSKBStreamVerdict)
	// Add connected TCP sockets with sockMap.Update(key, fd, ...).
}

// A SEC("netfilter") program on the IPv4 LOCAL_IN hook of the current
// network namespace (kernel 6.4).
func ExampleProgram_AttachNetfilter() {
	obj := loadExample("netfilter.bpf.o")
	defer obj.Close()
	prog, err := obj.Program("count_nf")
	if err != nil {
		log.Fatal(err)
	}
	link, err := prog.AttachNetfilter(libbpf.NetfilterOptions{
		Family:   unix.NFPROTO_IPV4,
		Hook:     unix.NF_INET_LOCAL_IN,
		Priority: 100,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer link.Close()
}

// An extension program replaces the global function decide of a loaded
// XDP program: SetAttachTarget before the load, AttachFreplace after.
func ExampleProgram_AttachFreplace() {
	targetObj := loadExample("freplace_target.bpf.o")
	defer targetObj.Close()
	target, err := targetObj.Program("xdp_decide")
	if err != nil {
		log.Fatal(err)
	}

	obj, err := libbpf.OpenFile("freplace.bpf.o", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer obj.Close()
	ext, err := obj.Program("new_decide")
	if err != nil {
		log.Fatal(err)
	}
	if err := ext.SetAttachTarget(target, "decide"); err != nil {
		log.Fatal(err)
	}
	if err := obj.Load(); err != nil {
		log.Fatal(err)
	}
	link, err := ext.AttachFreplace(target, "decide")
	if err != nil {
		log.Fatal(err)
	}
	defer link.Close()
}

// A TCP congestion control written in BPF is registered while its link is
// open; sockets select it by name with setsockopt(TCP_CONGESTION).
func ExampleMap_AttachStructOps() {
	obj := loadExample("struct_ops.bpf.o")
	defer obj.Close()
	cc, err := obj.Map("lbg_cc")
	if err != nil {
		log.Fatal(err)
	}
	link, err := cc.AttachStructOps()
	if err != nil {
		log.Fatal(err)
	}
	// Close the link before the object: the map has no kernel link.
	defer link.Close()
	fmt.Println("registered tcp_congestion_ops lbg_cc")
}
