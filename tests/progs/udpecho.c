/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP echo server for t_udp and tests/integration/t_udp_dns.sh; runs
 * without the library (in the IPv4-only server namespace, or on
 * 127.0.0.1 in the client namespace).
 *
 *   udpecho [-a ADDR4] [-T TOS] PORT...
 *
 * Binds ADDR4 (default 0.0.0.0) on each PORT and answers every datagram
 * from the socket it came in on, back to its source:
 *   "!..."  no answer (lets a client wait for nothing)
 *   "?..."  "PEER <ipv4> <port> TOS <tos> TTL <ttl>": the source the
 *           server sees, the IPv4 TOS byte and TTL it arrived with (-1 if
 *           unknown)
 *   else    the datagram itself (up to 64 KiB)
 * Answers carry IPv4 TOS byte TOS (-T, default 0).  Prints "ready" on
 * stderr once bound; runs until killed. */
#include "progs.h"

#define MAXSOCK 8

static void usage(void)
{
	fprintf(stderr, "usage: udpecho [-a ADDR4] [-T TOS] PORT...\n");
	exit(2);
}

static void answer(int fd)
{
	static char buf[65536];
	union {
		char b[256];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	struct msghdr m;
	struct cmsghdr *c;
	int tos = -1, ttl = -1;
	ssize_t n;

	memset(&m, 0, sizeof m);
	m.msg_name = &from;
	m.msg_namelen = sizeof from;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.b;
	m.msg_controllen = sizeof ctl.b;
	n = recvmsg(fd, &m, MSG_DONTWAIT);
	if (n < 0)
		return;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != IPPROTO_IP)
			continue;
		if (c->cmsg_type == IP_TOS && c->cmsg_len >= CMSG_LEN(1))
			tos = *(unsigned char *)CMSG_DATA(c);
		else if (c->cmsg_type == IP_TTL &&
			 c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
	}
	if (n > 0 && buf[0] == '!')
		return;
	if (n > 0 && buf[0] == '?') {
		char a[INET_ADDRSTRLEN] = "?";

		inet_ntop(AF_INET, &from.sin_addr, a, sizeof a);
		n = snprintf(buf, sizeof buf, "PEER %s %u TOS %d TTL %d", a,
			     ntohs(from.sin_port), tos, ttl);
	}
	sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
	       m.msg_namelen);
}

int main(int argc, char **argv)
{
	const char *addr = "0.0.0.0";
	struct pollfd pf[MAXSOCK];
	unsigned long long v;
	int c, tos = 0, on = 1, nsock = 0;

	while ((c = getopt(argc, argv, "a:T:")) != -1) {
		switch (c) {
		case 'a':
			addr = optarg;
			break;
		case 'T':
			if (progs_parse_ull(optarg, 255, &v))
				usage();
			tos = (int)v;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || argc - optind > MAXSOCK)
		usage();
	for (; optind < argc; optind++) {
		struct sockaddr_in sa;
		int fd;

		if (progs_parse_ull(argv[optind], 65535, &v) || v == 0)
			usage();
		sa = sin4(addr, (unsigned)v);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on) ||
		    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on) ||
		    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos) ||
		    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			fprintf(stderr, "udpecho: %s:%llu: %s\n", addr, v,
				strerror(errno));
			return 1;
		}
		pf[nsock].fd = fd;
		pf[nsock].events = POLLIN;
		nsock++;
	}
	fprintf(stderr, "ready\n");
	for (;;) {
		if (poll(pf, (nfds_t)nsock, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("udpecho: poll");
			return 1;
		}
		for (int i = 0; i < nsock; i++)
			if (pf[i].revents & POLLIN)
				answer(pf[i].fd);
	}
}
