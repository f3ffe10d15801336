/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A program built with _FORTIFY_SOURCE: its recvfrom with a length the
 * compiler cannot see is __recvfrom_chk, which glibc routes past the
 * recvfrom hook.  The source must still come back as AF_INET.
 * Usage: t_fortify ADDR PORT   (a UDP echo at ADDR:PORT) */
#undef _FORTIFY_SOURCE
#define _FORTIFY_SOURCE 2
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET }, src;
	socklen_t sl = sizeof(src);
	struct pollfd p;
	char buf[64], a[INET_ADDRSTRLEN] = "?";
	size_t n;
	ssize_t r;
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "usage: t_fortify ADDR PORT\n");
		return 2;
	}
	dst.sin_port = htons((unsigned short)atoi(argv[2]));
	/* A length only known at run time: the call goes to __recvfrom_chk. */
	n = (size_t)(argc * 20);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, "fortified", 9, 0, (struct sockaddr *)&dst,
			     sizeof(dst)) != 9) {
		printf("FAIL: fortify/sendto: %s\n", strerror(errno));
		return 1;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 5000) != 1) {
		printf("FAIL: fortify/recvfrom: no answer\n");
		return 1;
	}
	memset(&src, 0xee, sizeof(src));
	r = recvfrom(fd, buf, n, 0, (struct sockaddr *)&src, &sl);
	if (src.sin_family == AF_INET)
		inet_ntop(AF_INET, &src.sin_addr, a, sizeof(a));
	if (r == 9 && sl == sizeof(src) && src.sin_family == AF_INET &&
	    src.sin_addr.s_addr == dst.sin_addr.s_addr &&
	    src.sin_port == dst.sin_port) {
		printf("PASS: fortify/__recvfrom_chk reports the IPv4 source\n");
		return 0;
	}
	printf("FAIL: fortify/__recvfrom_chk reports the IPv4 source: r=%zd "
	       "len=%u family=%d %s:%u\n", r, (unsigned)sl, src.sin_family, a,
	       ntohs(src.sin_port));
	return 1;
}
