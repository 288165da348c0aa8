module github.com/libbpf-go/libbpf-go/bench

go 1.26.0

require (
	github.com/cilium/ebpf v0.22.0
	github.com/libbpf-go/libbpf-go v0.0.0
)

require golang.org/x/sys v0.50.0 // indirect

replace github.com/libbpf-go/libbpf-go => ../
