/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test server for the tests/progs client programs; runs in the IPv4-only
 * server namespace (never under the library).
 *
 *   srv [-e ECHOPORT] [-s SUMPORT]
 *
 * Echo service (TCP, 0.0.0.0:ECHOPORT): greets every connection with
 *   PEER <ipv4> <port> TOS <tos>\n
 * (the peer address and source port the server sees, and the IPv4 TOS
 * byte of the packet that completed the handshake, -1 if unknown), then
 * echoes everything until EOF.
 *
 * Checksum service (TCP, 0.0.0.0:SUMPORT): reads until EOF, then answers
 *   <bytes> <fnv1a64 as 16 hex digits>\n
 * and closes.
 *
 * One thread per connection.  Runs until killed. */
#include "progs.h"

#include <signal.h>

static int tos_of(int fd)
{
	union {
		char buf[256];
		struct cmsghdr align;
	} u;
	socklen_t len = sizeof u.buf;
	struct msghdr msg;
	struct cmsghdr *c;

	if (getsockopt(fd, IPPROTO_IP, IP_PKTOPTIONS, u.buf, &len) < 0)
		return -1;
	memset(&msg, 0, sizeof msg);
	msg.msg_control = u.buf;
	msg.msg_controllen = len;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) {
			if (c->cmsg_len >= CMSG_LEN(sizeof(int))) {
				int v;
				memcpy(&v, CMSG_DATA(c), sizeof v);
				return v & 0xff;
			}
			if (c->cmsg_len >= CMSG_LEN(1))
				return *(unsigned char *)CMSG_DATA(c);
		}
	}
	return -1;
}

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char line[160], a[INET6_ADDRSTRLEN] = "?", buf[65536];
	unsigned port = 0;
	ssize_t n;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &s->sin_addr, a, sizeof a);
			port = ntohs(s->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof a);
			port = ntohs(s->sin6_port);
		}
	}
	snprintf(line, sizeof line, "PEER %s %u TOS %d\n", a, port,
		 tos_of(fd));
	if (write_all(fd, line, strlen(line)) == 0) {
		while ((n = read(fd, buf, sizeof buf)) != 0) {
			if (n < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (write_all(fd, buf, (size_t)n) < 0)
				break;
		}
	}
	close(fd);
	return NULL;
}

static void *sum_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static __thread char buf[1 << 16];
	uint64_t h = FNV64_OFFSET;
	unsigned long long total = 0;
	char line[64];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return NULL;
		}
		h = fnv1a64(h, buf, (size_t)n);
		total += (unsigned long long)n;
	}
	snprintf(line, sizeof line, "%llu %016llx\n", total,
		 (unsigned long long)h);
	write_all(fd, line, strlen(line));
	close(fd);
	return NULL;
}

struct listener {
	int fd;
	void *(*fn)(void *);
};

static void *accept_loop(void *arg)
{
	struct listener *l = arg;

	for (;;) {
		int c = accept(l->fd, NULL, NULL);
		pthread_t t;
		pthread_attr_t at;

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE)
				continue;
			perror("accept");
			exit(1);
		}
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, l->fn, (void *)(intptr_t)c))
			close(c);
		pthread_attr_destroy(&at);
	}
	return NULL;
}

static int listen_on(unsigned port)
{
	struct sockaddr_in sa = sin4("0.0.0.0", port);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(fd, 512) < 0) {
		fprintf(stderr, "srv: port %u: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct progs_opts o;
	struct listener le, ls;
	pthread_t t;

	signal(SIGPIPE, SIG_IGN);
	progs_getopt(argc, argv, &o);
	le.fd = listen_on(o.echo_port);
	le.fn = echo_conn;
	ls.fd = listen_on(o.sum_port);
	ls.fn = sum_conn;
	if (pthread_create(&t, NULL, accept_loop, &le)) {
		fprintf(stderr, "srv: pthread_create failed\n");
		return 1;
	}
	accept_loop(&ls);
	return 0;
}
