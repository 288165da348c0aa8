package libbpf

import (
	"os"
	"testing"
)

// BenchmarkOpenPhase splits the open phase of OpenFile (no load) on the
// benchmark object, bench/bench.bpf.o: the Go part (reading the file, and
// checkELF, which is internal/elfcheck) beside the whole OpenFile + Close,
// whose rest is libbpf's bpf_object__open_file and bpf_object__close.
func BenchmarkOpenPhase(b *testing.B) {
	const path = "../bench/bench.bpf.o"
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s: %v (make bench builds it)", path, err)
	}
	b.Run("ReadFile", func(b *testing.B) {
		for range b.N {
			if _, err := os.ReadFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checkELF", func(b *testing.B) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if err := checkELF(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("OpenFile+Close", func(b *testing.B) {
		for range b.N {
			obj, err := OpenFile(path, nil)
			if err != nil {
				b.Fatal(err)
			}
			obj.Close()
		}
	})
}
