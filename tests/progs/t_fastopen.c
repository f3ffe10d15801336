/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP Fast Open with IPv4 destinations: the destination given to
 * sendto(MSG_FASTOPEN) / sendmsg(MSG_FASTOPEN) on an unconnected TCP
 * socket must be translated like a connect; TCP_FASTOPEN_CONNECT +
 * connect too.  Data must arrive at the server (the echo service sends it
 * back after its greeting).
 *
 *   t_fastopen [-a ADDR4] [-e ECHOPORT]
 *
 * Runs under the library in the IPv6-only client namespace, which needs
 * client-side TFO (net.ipv4.tcp_fastopen & 1). */
#include "progs.h"

enum how { H_SENDTO, H_SENDMSG, H_CONNECT_OPT };

static void tfo(const char *name, const struct progs_opts *o, enum how how)
{
	struct sockaddr_in sa = sin4(o->addr, o->echo_port), got;
	static const char msg[] = "fast open data\n";
	char back[sizeof msg], err[256], b[96];
	socklen_t len = sizeof got;
	struct greeting g;
	ssize_t n = -1;
	int fd, e;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		fail(name, "socket: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 20);
	errno = 12345;
	switch (how) {
	case H_SENDTO:
		n = sendto(fd, msg, sizeof msg - 1, MSG_FASTOPEN,
			   (struct sockaddr *)&sa, sizeof sa);
		break;
	case H_SENDMSG: {
		struct iovec iov = { (void *)msg, sizeof msg - 1 };
		struct msghdr m;
		memset(&m, 0, sizeof m);
		m.msg_name = &sa;
		m.msg_namelen = sizeof sa;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		n = sendmsg(fd, &m, MSG_FASTOPEN);
		break;
	}
	case H_CONNECT_OPT: {
		int one = 1;
		if (setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one,
			       sizeof one) < 0) {
			skip(name, "TCP_FASTOPEN_CONNECT: %s", strerror(errno));
			close(fd);
			return;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
			fail(name, "connect: %s", strerror(errno));
			close(fd);
			return;
		}
		n = write(fd, msg, sizeof msg - 1);
		break;
	}
	}
	e = errno;
	if (n < 0 && e == EOPNOTSUPP) {
		skip(name, "kernel refuses client TFO (net.ipv4.tcp_fastopen)");
		close(fd);
		return;
	}
	if (n != (ssize_t)(sizeof msg - 1)) {
		fail(name, "send returned %zd: %s", n, strerror(e));
		close(fd);
		return;
	}
	if (how != H_CONNECT_OPT && e != 12345) {
		fail(name, "errno changed to %d (%s) by a successful send", e,
		     strerror(e));
		close(fd);
		return;
	}
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0 ||
	    len != sizeof got || memcmp(&got, &sa, sizeof sa)) {
		fail(name, "getpeername %s", FMT_SA(got, len, b));
		close(fd);
		return;
	}
	if (read_greeting(fd, &g, err, sizeof err) < 0) {
		fail(name, "%s", err);
	} else if (read_all(fd, back, sizeof msg - 1) < 0) {
		fail(name, "reading the echo: %s",
		     errno ? strerror(errno) : "EOF");
	} else {
		check(name, !memcmp(back, msg, sizeof msg - 1),
		      "echoed data differs");
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	/* twice: the first gets a cookie, the second may use it */
	tfo("fastopen_sendto", &o, H_SENDTO);
	tfo("fastopen_sendto_again", &o, H_SENDTO);
	tfo("fastopen_sendmsg", &o, H_SENDMSG);
	tfo("fastopen_connect_opt", &o, H_CONNECT_OPT);
	return progs_exit();
}
