/* Stand-in for the header cgo generates for package libbpf, so that
 * glue.c builds into the C-only leak check (glue_leak.c), which defines
 * lbgGoLog itself.
 */
#ifndef LIBBPF_GO_LEAKCHECK_CGO_EXPORT_H
#define LIBBPF_GO_LEAKCHECK_CGO_EXPORT_H

void lbgGoLog(int level, char *msg, int n);

#endif
