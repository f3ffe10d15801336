/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Addresses seen by the program after translated connects:
 * getpeername/getsockname (exact values, short and long buffers),
 * AF_INET6 sockets connecting to ::ffff:a.b.c.d, connect edge cases,
 * blocking connect to a refused port, and errno discipline.
 *
 *   t_names [-a ADDR4] [-b ADDR4B] [-e ECHOPORT] [-r REFUSEDPORT]
 *
 * Runs under the library in the IPv6-only client namespace; the echo
 * service of srv.c listens on ADDR4:ECHOPORT (and ADDR4B:ECHOPORT). */
#include "progs.h"

#define SENTINEL 0xAA

/* Short-buffer test for getpeername (peer=1) or getsockname (peer=0):
 * the kernel copies min(len, real) bytes and reports the real length. */
static void short_buffers(const char *name, int fd, int peer,
			  const void *full, socklen_t fulllen)
{
	static const socklen_t lens[] = { 0, 1, 2, 4, 6, 8, 15, 16, 20, 27 };
	unsigned char buf[sizeof(struct sockaddr_storage) + 8];

	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		socklen_t len = lens[i];
		int r;

		if (len > fulllen)
			continue;
		memset(buf, SENTINEL, sizeof buf);
		r = peer ? getpeername(fd, (struct sockaddr *)buf, &len)
			 : getsockname(fd, (struct sockaddr *)buf, &len);
		if (r < 0) {
			fail(name, "len %u: %s", (unsigned)lens[i],
			     strerror(errno));
			return;
		}
		if (len != fulllen) {
			fail(name, "len %u in: reported %u, want %u",
			     (unsigned)lens[i], (unsigned)len,
			     (unsigned)fulllen);
			return;
		}
		if (memcmp(buf, full, lens[i])) {
			fail(name, "len %u: copied bytes differ from the full "
			     "address", (unsigned)lens[i]);
			return;
		}
		for (size_t j = lens[i]; j < sizeof buf; j++) {
			if (buf[j] != SENTINEL) {
				fail(name, "len %u: byte %zu written past the "
				     "buffer length", (unsigned)lens[i], j);
				return;
			}
		}
	}
	pass(name);
}

/* Large buffer: only fulllen bytes written, fulllen reported. */
static void big_buffer(const char *name, int fd, int peer, socklen_t fulllen)
{
	unsigned char buf[sizeof(struct sockaddr_storage)];
	socklen_t len = sizeof buf;
	int r;

	memset(buf, SENTINEL, sizeof buf);
	r = peer ? getpeername(fd, (struct sockaddr *)buf, &len)
		 : getsockname(fd, (struct sockaddr *)buf, &len);
	if (r < 0) {
		fail(name, "%s", strerror(errno));
		return;
	}
	if (len != fulllen) {
		fail(name, "reported len %u, want %u", (unsigned)len,
		     (unsigned)fulllen);
		return;
	}
	for (size_t j = fulllen; j < sizeof buf; j++) {
		if (buf[j] != SENTINEL) {
			fail(name, "byte %zu written past the address", j);
			return;
		}
	}
	pass(name);
}

static bool zero_bytes(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

/* Exact AF_INET peer check. */
static void check_peer4(const char *name, int fd, const char *addr,
			unsigned port)
{
	struct sockaddr_in want = sin4(addr, port), got;
	socklen_t len = sizeof got;
	char b1[96], b2[96];

	memset(&got, SENTINEL, sizeof got);
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0) {
		fail(name, "getpeername: %s", strerror(errno));
		return;
	}
	check(name, len == sizeof want && memcmp(&got, &want, sizeof want) == 0,
	      "got %s, want %s%s", FMT_SA(got, len, b1),
	      FMT_SA(want, sizeof want, b2),
	      len == sizeof want && !zero_bytes(got.sin_zero,
						sizeof got.sin_zero)
	      ? " (sin_zero not zeroed)" : "");
}

static void test_v4(const struct progs_opts *o)
{
	struct sockaddr_in sa = sin4(o->addr, o->echo_port), local;
	struct greeting g;
	socklen_t len;
	char err[256], b[96];
	int fd, r, e;

	errno = 12345;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	e = errno;
	if (fd < 0) {
		fail("names_socket", "socket: %s", strerror(errno));
		return;
	}
	check("errno_socket", e == 12345, "errno %d after socket()", e);
	set_timeouts(fd, 20);

	errno = 12345;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	if (r < 0) {
		fail("names_connect", "connect %s:%u: %s", o->addr,
		     o->echo_port, strerror(e));
		close(fd);
		return;
	}
	pass("names_connect");
	check("errno_connect", e == 12345, "errno %d (%s) after a successful "
	      "connect", e, strerror(e));

	check_peer4("names_getpeername", fd, o->addr, o->echo_port);

	len = sizeof local;
	memset(&local, SENTINEL, sizeof local);
	errno = 12345;
	r = getsockname(fd, (struct sockaddr *)&local, &len);
	e = errno;
	if (r < 0) {
		fail("names_getsockname", "%s", strerror(e));
	} else {
		check("names_getsockname",
		      len == sizeof local && local.sin_family == AF_INET &&
		      local.sin_port != 0,
		      "got %s", FMT_SA(local, len, b));
		note("getsockname after translated connect: %s",
		     FMT_SA(local, len, b));
		check("errno_getsockname", e == 12345, "errno %d", e);
	}

	{
		struct sockaddr_in p;
		socklen_t pl = sizeof p;
		errno = 12345;
		r = getpeername(fd, (struct sockaddr *)&p, &pl);
		e = errno;
		check("errno_getpeername", r == 0 && e == 12345,
		      "r %d errno %d", r, e);
	}
	{
		int one = 1, v = 0;
		socklen_t vl = sizeof v;
		errno = 12345;
		r = setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			       sizeof one);
		r |= getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl);
		e = errno;
		check("errno_sockopt", r == 0 && e == 12345, "r %d errno %d",
		      r, e);
	}

	if (read_greeting(fd, &g, err, sizeof err) < 0) {
		fail("names_local_port_seen_by_server", "%s", err);
	} else {
		note("server sees the client as %s port %u", g.addr, g.port);
		check("names_local_port_seen_by_server",
		      g.port == ntohs(local.sin_port),
		      "server saw port %u, getsockname says %u", g.port,
		      ntohs(local.sin_port));
	}
	check("names_echo", echo_roundtrip(fd, "hello through nat64\n", err,
					   sizeof err) == 0, "%s", err);

	{
		struct sockaddr_in full;
		socklen_t fl = sizeof full;
		if (getpeername(fd, (struct sockaddr *)&full, &fl) == 0)
			short_buffers("names_getpeername_short_buffer", fd, 1,
				      &full, fl);
		else
			fail("names_getpeername_short_buffer", "%s",
			     strerror(errno));
		fl = sizeof full;
		if (getsockname(fd, (struct sockaddr *)&full, &fl) == 0)
			short_buffers("names_getsockname_short_buffer", fd, 0,
				      &full, fl);
		else
			fail("names_getsockname_short_buffer", "%s",
			     strerror(errno));
	}
	big_buffer("names_getpeername_big_buffer", fd, 1,
		   sizeof(struct sockaddr_in));
	big_buffer("names_getsockname_big_buffer", fd, 0,
		   sizeof(struct sockaddr_in));

	errno = 0;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	check("names_connect_again_eisconn", r < 0 && e == EISCONN,
	      "second connect: r %d errno %s", r, strerror(e));

	errno = 12345;
	r = close(fd);
	e = errno;
	check("errno_close", r == 0 && e == 12345, "r %d errno %d", r, e);
}

/* Second server address: the right peer is reported per socket. */
static void test_addr2(const struct progs_opts *o)
{
	int fd1 = tcp_connect4(o->addr, o->echo_port);
	int fd2 = tcp_connect4(o->addr2, o->echo_port);

	if (fd1 < 0 || fd2 < 0) {
		fail("names_two_servers", "connect: %s", strerror(errno));
	} else {
		check_peer4("names_two_servers_peer1", fd1, o->addr,
			    o->echo_port);
		check_peer4("names_two_servers_peer2", fd2, o->addr2,
			    o->echo_port);
	}
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
}

static void test_connect_lengths(const struct progs_opts *o)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sa = sin4(o->addr, o->echo_port);
	int fd, r, e;

	/* Longer addrlen than sockaddr_in is accepted by the kernel. */
	memset(&ss, 0, sizeof ss);
	memcpy(&ss, &sa, sizeof sa);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	r = connect(fd, (struct sockaddr *)&ss, sizeof ss);
	e = errno;
	check("names_connect_long_addrlen", r == 0,
	      "connect with addrlen %zu: %s", sizeof ss, strerror(e));
	if (r == 0)
		check_peer4("names_connect_long_addrlen_peer", fd, o->addr,
			    o->echo_port);
	close(fd);

	/* Shorter: EINVAL, like the kernel. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	errno = 0;
	r = connect(fd, (struct sockaddr *)&sa, 8);
	e = errno;
	check("names_connect_short_addrlen_einval", r < 0 && e == EINVAL,
	      "connect with addrlen 8: r %d errno %s", r, strerror(e));
	close(fd);

	/* Unconnected socket: ENOTCONN, and getsockname gives 0.0.0.0:0. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in p, zero;
		socklen_t pl = sizeof p;
		char b[96];

		errno = 0;
		r = getpeername(fd, (struct sockaddr *)&p, &pl);
		e = errno;
		check("names_unconnected_getpeername_enotconn",
		      r < 0 && e == ENOTCONN, "r %d errno %s", r, strerror(e));
		memset(&zero, 0, sizeof zero);
		zero.sin_family = AF_INET;
		pl = sizeof p;
		r = getsockname(fd, (struct sockaddr *)&p, &pl);
		check("names_unconnected_getsockname",
		      r == 0 && pl == sizeof p && !memcmp(&p, &zero, sizeof p),
		      "r %d got %s", r, FMT_SA(p, pl, b));
	}
	close(fd);
}

static void test_refused(const struct progs_opts *o)
{
	struct sockaddr_in sa = sin4(o->addr, o->refused_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int r, e;

	errno = 0;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	check("refused_blocking_econnrefused", r < 0 && e == ECONNREFUSED,
	      "connect to %s:%u: r %d errno %d (%s)", o->addr,
	      o->refused_port, r, e, strerror(e));
	close(fd);
}

static void test_v6mapped(const struct progs_opts *o)
{
	struct sockaddr_in6 sa = sin6_mapped(o->addr, o->echo_port), got,
			    local;
	struct greeting g;
	socklen_t len;
	char err[256], b1[96], b2[96];
	int fd, r, e;

	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0) {
		fail("mapped_connect", "socket: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 20);
	errno = 12345;
	r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	e = errno;
	if (r < 0) {
		fail("mapped_connect", "connect [::ffff:%s]:%u: %s", o->addr,
		     o->echo_port, strerror(e));
		close(fd);
		return;
	}
	pass("mapped_connect");
	check("errno_mapped_connect", e == 12345, "errno %d", e);

	len = sizeof got;
	memset(&got, SENTINEL, sizeof got);
	r = getpeername(fd, (struct sockaddr *)&got, &len);
	check("mapped_getpeername",
	      r == 0 && len == sizeof got && got.sin6_family == AF_INET6 &&
	      got.sin6_port == sa.sin6_port &&
	      !memcmp(&got.sin6_addr, &sa.sin6_addr, 16) &&
	      got.sin6_flowinfo == 0 && got.sin6_scope_id == 0,
	      "r %d got %s, want %s", r, FMT_SA(got, len, b1),
	      FMT_SA(sa, sizeof sa, b2));

	len = sizeof local;
	memset(&local, SENTINEL, sizeof local);
	r = getsockname(fd, (struct sockaddr *)&local, &len);
	check("mapped_getsockname",
	      r == 0 && len == sizeof local && local.sin6_family == AF_INET6 &&
	      v6_is_mapped(&local.sin6_addr) && local.sin6_port != 0,
	      "r %d got %s (want AF_INET6 ::ffff:x.x.x.x, non-zero port)", r,
	      FMT_SA(local, len, b1));
	if (r == 0)
		note("mapped getsockname: %s",
		     FMT_SA(local, len, b1));

	if (read_greeting(fd, &g, err, sizeof err) < 0)
		fail("mapped_local_port_seen_by_server", "%s", err);
	else
		check("mapped_local_port_seen_by_server",
		      g.port == ntohs(local.sin6_port),
		      "server saw port %u, getsockname says %u", g.port,
		      ntohs(local.sin6_port));
	check("mapped_echo", echo_roundtrip(fd, "mapped hello\n", err,
					    sizeof err) == 0, "%s", err);

	if (getpeername(fd, (struct sockaddr *)&got,
			&(socklen_t){ sizeof got }) == 0)
		short_buffers("mapped_getpeername_short_buffer", fd, 1, &got,
			      sizeof got);
	big_buffer("mapped_getsockname_big_buffer", fd, 0,
		   sizeof(struct sockaddr_in6));
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	test_v4(&o);
	test_addr2(&o);
	test_connect_lengths(&o);
	test_refused(&o);
	test_v6mapped(&o);
	return progs_exit();
}
