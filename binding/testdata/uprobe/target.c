// A target for the uprobe and USDT tests: waits until its standard input
// reaches end of file, calls lbg_target argv[1] times (n), lbg_multi_one n
// times and lbg_multi_two 2n times, then creates one socket.
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

// LBG_USDT2 places a USDT probe provider:name with two arguments here,
// without sys/sdt.h: a nop whose address an ELF note in .note.stapsdt
// (owner "stapsdt", type 3) records together with the address of the
// .stapsdt.base section, no semaphore, the provider, the name and the
// argument spec "SIZE@OPERAND ..." (a negative size means signed), which
// the compiler fills in with the registers holding the arguments.
#define LBG_USDT2(provider, name, size1, arg1, size2, arg2)                  \
	__asm__ __volatile__(                                                 \
		"990:	nop\n"                                                \
		"	.pushsection .note.stapsdt,\"\",\"note\"\n"           \
		"	.balign 4\n"                                          \
		"	.4byte 992f-991f, 994f-993f, 3\n"                     \
		"991:	.asciz \"stapsdt\"\n"                                 \
		"992:	.balign 4\n"                                          \
		"993:	.8byte 990b, _.stapsdt.base, 0\n"                     \
		"	.asciz \"" #provider "\"\n"                           \
		"	.asciz \"" #name "\"\n"                               \
		"	.asciz \"" #size1 "@%0 " #size2 "@%1\"\n"             \
		"994:	.balign 4\n"                                          \
		"	.popsection\n"                                        \
		"	.ifndef _.stapsdt.base\n"                             \
		"	.pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
		"	.weak _.stapsdt.base\n"                               \
		"	.hidden _.stapsdt.base\n"                             \
		"_.stapsdt.base:	.space 1\n"                           \
		"	.size _.stapsdt.base, 1\n"                            \
		"	.popsection\n"                                        \
		"	.endif\n"                                             \
		:                                                             \
		: "r"(arg1), "r"(arg2))

__attribute__((noinline)) int lbg_target(int x)
{
	// USDT probe lbg:target: x and x + 2^32.
	LBG_USDT2(lbg, target, -4, x, -8, (long)x + (1L << 32));
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) int lbg_multi_one(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) int lbg_multi_two(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 2;
}

int main(int argc, char **argv)
{
	char buf[64];
	int n = argc > 1 ? atoi(argv[1]) : 0;
	int sum = 0, multi = 0;
	int fd;

	while (read(0, buf, sizeof(buf)) > 0)
		;
	for (int i = 0; i < n; i++)
		sum = lbg_target(sum);
	for (int i = 0; i < n; i++) {
		multi = lbg_multi_one(multi);
		multi = lbg_multi_two(multi);
		multi = lbg_multi_two(multi);
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0)
		close(fd);
	return sum == n && multi == 5 * n ? 0 : 1;
}
