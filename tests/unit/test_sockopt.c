/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: IPv4-level options of a socket whose traffic is IPv6
 * (src/common/sockopt.c: sockopt_ip_twin, sockopt_set_ip6,
 * sockopt_get_ip6, sockopt_mirror_ip), against a fake socket that
 * records the IPv6-level calls. */
#include "check.h"
#include "sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>

static int last_level, last_name, last_val, n_set, get_val, get_err;

static int fake_set(int fd, int l, int n, const void *v, socklen_t len)
{
	(void)fd;
	n_set++;
	last_level = l;
	last_name = n;
	last_val = -12345;
	if (len == sizeof(int))
		memcpy(&last_val, v, sizeof(int));
	return 0;
}

static int fake_get(int fd, int l, int n, void *v, socklen_t *len)
{
	(void)fd;
	last_level = l;
	last_name = n;
	if (get_err) {
		errno = get_err;
		return -1;
	}
	if (*len < sizeof(int))
		return -1;
	memcpy(v, &get_val, sizeof(int));
	*len = sizeof(int);
	return 0;
}

static const struct sockopt_ops ops = { .get = fake_get, .set = fake_set };

static void reset(void)
{
	last_level = last_name = last_val = n_set = get_err = 0;
}

static void test_twins(void)
{
	static const struct {
		int v4, v6;
	} t[] = {
		{ IP_TOS, IPV6_TCLASS }, { IP_TTL, IPV6_UNICAST_HOPS },
		{ IP_PKTINFO, IPV6_RECVPKTINFO },
		{ IP_RECVTOS, IPV6_RECVTCLASS },
		{ IP_RECVTTL, IPV6_RECVHOPLIMIT },
		{ IP_RECVERR, IPV6_RECVERR },
		{ IP_MTU_DISCOVER, IPV6_MTU_DISCOVER }, { IP_MTU, IPV6_MTU },
		{ IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS },
		{ IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP },
		{ IP_OPTIONS, -1 }, { IP_HDRINCL, -1 },
		{ IP_MULTICAST_IF, -1 }, { IP_RETOPTS, -1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_INT(tname("twin of %d", t[i].v4),
			  sockopt_ip_twin(t[i].v4), t[i].v6);
	CHECK_INT("PMTUDISC values are the same", IP_PMTUDISC_DO,
		  IPV6_PMTUDISC_DO);
}

static void test_set(void)
{
	int v = 7;
	unsigned char b = 0xb8;

	reset();
	CHECK_INT("set IP_TTL 7", sockopt_set_ip6(3, IP_TTL, &v, sizeof(v),
						   &ops), 0);
	CHECK("set IP_TTL 7: IPV6_UNICAST_HOPS 7", last_level == SOL_IPV6 &&
	      last_name == IPV6_UNICAST_HOPS && last_val == 7);
	v = 0;
	reset();
	CHECK_INT("set IP_TTL 0: EINVAL as ip(7)",
		  sockopt_set_ip6(3, IP_TTL, &v, sizeof(v), &ops), -EINVAL);
	CHECK_INT("set IP_TTL 0: nothing set", n_set, 0);
	v = 256;
	CHECK_INT("set IP_TTL 256: EINVAL",
		  sockopt_set_ip6(3, IP_TTL, &v, sizeof(v), &ops), -EINVAL);
	v = -1;
	CHECK_INT("set IP_TTL -1 (default)",
		  sockopt_set_ip6(3, IP_TTL, &v, sizeof(v), &ops), 0);
	CHECK_INT("set IP_TTL -1: -1", last_val, -1);
	reset();
	CHECK_INT("set IP_TOS as one byte",
		  sockopt_set_ip6(3, IP_TOS, &b, 1, &ops), 0);
	CHECK("set IP_TOS: IPV6_TCLASS 0xb8", last_name == IPV6_TCLASS &&
	      last_val == 0xb8);
	v = 2;
	CHECK_INT("set IP_MTU_DISCOVER DO",
		  sockopt_set_ip6(3, IP_MTU_DISCOVER, &v, sizeof(v), &ops), 0);
	CHECK("set IP_MTU_DISCOVER: IPV6_MTU_DISCOVER 2",
	      last_name == IPV6_MTU_DISCOVER && last_val == 2);
	v = 9;
	CHECK_INT("set IP_MTU_DISCOVER 9: EINVAL",
		  sockopt_set_ip6(3, IP_MTU_DISCOVER, &v, sizeof(v), &ops),
		  -EINVAL);
	v = 5;
	CHECK_INT("set IP_RECVERR 5: on",
		  sockopt_set_ip6(3, IP_RECVERR, &v, sizeof(v), &ops), 0);
	CHECK("set IP_RECVERR: IPV6_RECVERR 1", last_name == IPV6_RECVERR &&
	      last_val == 1);
	CHECK_INT("set IP_OPTIONS: no twin",
		  sockopt_set_ip6(3, IP_OPTIONS, &v, sizeof(v), &ops),
		  -ENOPROTOOPT);
	CHECK_INT("set IP_MTU: read only",
		  sockopt_set_ip6(3, IP_MTU, &v, sizeof(v), &ops),
		  -ENOPROTOOPT);
	CHECK_INT("set with length 0: EINVAL",
		  sockopt_set_ip6(3, IP_RECVTTL, &v, 0, &ops), -EINVAL);
}

static void test_get(void)
{
	int v = 0;
	unsigned char b = 0;
	socklen_t l = sizeof(v);

	reset();
	get_val = 1320;
	CHECK_INT("get IP_MTU", sockopt_get_ip6(3, IP_MTU, &v, &l, &ops), 0);
	CHECK("get IP_MTU: IPV6_MTU less 20", last_name == IPV6_MTU &&
	      v == 1300 && l == sizeof(int));
	get_val = 64;
	l = 1;
	CHECK_INT("get IP_TTL into one byte",
		  sockopt_get_ip6(3, IP_TTL, &b, &l, &ops), 0);
	CHECK("get IP_TTL: 64, length 1", b == 64 && l == 1 &&
	      last_name == IPV6_UNICAST_HOPS);
	get_val = -1;
	l = sizeof(v);
	CHECK_INT("get IP_TOS of default tclass",
		  sockopt_get_ip6(3, IP_TOS, &v, &l, &ops), 0);
	CHECK_INT("get IP_TOS: 0", v, 0);
	get_err = ENOTCONN;
	CHECK_INT("get IP_MTU unconnected: ENOTCONN",
		  sockopt_get_ip6(3, IP_MTU, &v, &l, &ops), -ENOTCONN);
	CHECK_INT("get IP_OPTIONS: no twin",
		  sockopt_get_ip6(3, IP_OPTIONS, &v, &l, &ops), -ENOPROTOOPT);
}

static void test_mirror(void)
{
	int v = 1;

	reset();
	sockopt_mirror_ip(3, IP_RECVTTL, &v, sizeof(v), &ops);
	CHECK("mirror IP_RECVTTL", n_set == 1 &&
	      last_name == IPV6_RECVHOPLIMIT && last_val == 1);
	reset();
	sockopt_mirror_ip(3, IP_MTU, &v, sizeof(v), &ops);
	sockopt_mirror_ip(3, IP_MULTICAST_IF, &v, sizeof(v), &ops);
	CHECK_INT("mirror: nothing for IP_MTU and options without twin",
		  n_set, 0);
}

/* ---------------------------------------------------------- carry */
/* Fake sockets for sockopt_carry: FRESH (what ops->socket makes: the
 * defaults), FROM (the program's, with a few options set), TO (the new
 * one: its sets recorded). */
enum { FRESH = 21, FROM = 22, TO = 23 };
static int c_gets_socket, c_batches, c_batch_fail, c_nset;
static struct {
	int level, name, val;
} c_set[64];

static int carry_value(int fd, int level, int name)
{
	if (fd == FROM) {
		if (level == SOL_SOCKET && name == SO_KEEPALIVE)
			return 1;
		if (level == SOL_SOCKET && name == SO_SNDBUF)
			return 65536;
		if (level == SOL_SOCKET && name == SO_PRIORITY)
			return 3;
		if (level == SOL_TCP && name == TCP_NODELAY)
			return 1;
		if (level == SOL_IP && name == IP_TOS)
			return 0x28;
	}
	return level == SOL_SOCKET && name == SO_SNDBUF ? 16384 : 0;
}

static int carry_socket(int d, int t, int p)
{
	(void)d, (void)t, (void)p;
	return FRESH;
}

static int carry_close(int fd)
{
	(void)fd;
	return 0;
}

static int carry_get(int fd, int l, int n, void *v, socklen_t *len)
{
	int x = carry_value(fd, l, n);

	if (l == SOL_SOCKET && fd == FROM)
		c_gets_socket++;
	if (*len < sizeof(x))
		return -1;
	memcpy(v, &x, sizeof(x));
	*len = sizeof(x);
	return 0;
}

static int carry_set(int fd, int l, int n, const void *v, socklen_t len)
{
	if (fd == TO && c_nset < 64 && len == sizeof(int)) {
		c_set[c_nset].level = l;
		c_set[c_nset].name = n;
		memcpy(&c_set[c_nset].val, v, sizeof(int));
		c_nset++;
	}
	return 0;
}

static int carry_batch(int fd, struct sockopt_req *req, unsigned n)
{
	c_batches++;
	if (c_batch_fail || n > SOCKOPT_BATCH_MAX)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		int x = carry_value(fd, SOL_SOCKET, req[i].name);

		req[i].err = req[i].len < sizeof(x) ? EINVAL : 0;
		if (!req[i].err) {
			memcpy(req[i].val, &x, sizeof(x));
			req[i].len = sizeof(x);
		}
	}
	return 0;
}

static bool carry_has(int level, int name, int val)
{
	for (int i = 0; i < c_nset; i++)
		if (c_set[i].level == level && c_set[i].name == name &&
		    c_set[i].val == val)
			return true;
	return false;
}

static void test_carry(void)
{
	static const struct sockopt_ops plain = {
		.socket = carry_socket, .close = carry_close,
		.get = carry_get, .set = carry_set,
	};
	static const struct sockopt_ops batched = {
		.socket = carry_socket, .close = carry_close,
		.get = carry_get, .set = carry_set,
		.get_socket_batch = carry_batch,
	};
	unsigned levels = SOCKOPT_SOCKET | SOCKOPT_IP | SOCKOPT_TCP;
	const char *how[] = { "one by one", "batched", "batch failed" };

	for (int k = 0; k < 3; k++) {
		c_gets_socket = c_batches = c_nset = 0;
		c_batch_fail = k == 2;
		sockopt_carry(FROM, TO, levels, SOCK_STREAM,
			      k ? &batched : &plain);
		CHECK(tname("carry %s: what the program set", how[k]),
		      carry_has(SOL_SOCKET, SO_KEEPALIVE, 1) &&
		      carry_has(SOL_SOCKET, SO_SNDBUF, 32768) &&
		      carry_has(SOL_SOCKET, SO_PRIORITY, 3) &&
		      carry_has(SOL_TCP, TCP_NODELAY, 1) &&
		      carry_has(SOL_IP, IP_TOS, 0x28) &&
		      carry_has(SOL_IPV6, IPV6_TCLASS, 0x28));
		/* IP_TOS and its twin, then the rest in table order */
		CHECK_INT(tname("carry %s: nothing else", how[k]), c_nset, 6);
		CHECK(tname("carry %s: IP_TOS first", how[k]),
		      c_nset > 0 && c_set[0].name == IP_TOS);
	}
	c_gets_socket = c_batches = 0;
	c_batch_fail = 0;
	sockopt_carry(FROM, TO, levels, SOCK_STREAM, &batched);
	CHECK("carry batched: one batch, no SOL_SOCKET get of its own",
	      c_batches == 1 && c_gets_socket == 0);
	c_gets_socket = c_batches = 0;
	sockopt_carry(FROM, TO, SOCKOPT_IP | SOCKOPT_TCP, SOCK_STREAM,
		      &batched);
	CHECK("carry without SOL_SOCKET: no batch", c_batches == 0);
}

int main(void)
{
	test_twins();
	test_set();
	test_get();
	test_mirror();
	test_carry();
	return check_exit();
}
