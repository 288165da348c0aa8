package libbpf

/*
#include "glue.h"
*/
import "C"

// LibbpfVersion returns the version of the libbpf that the binding is linked
// against, such as "v1.7", from libbpf_version_string. The binding refuses
// at compile time to build against a libbpf older than the pinned 1.7.0.
func LibbpfVersion() string {
	// libbpf_version_string returns a pointer to a static string.
	return C.GoString(C.libbpf_version_string())
}
