// A target for the uprobe tests: waits until its standard input reaches
// end of file, calls lbg_target argv[1] times, then creates one socket.
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) int lbg_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

int main(int argc, char **argv)
{
	char buf[64];
	int n = argc > 1 ? atoi(argv[1]) : 0;
	int sum = 0;
	int fd;

	while (read(0, buf, sizeof(buf)) > 0)
		;
	for (int i = 0; i < n; i++)
		sum = lbg_target(sum);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd >= 0)
		close(fd);
	return sum == n ? 0 : 1;
}
