/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the translation policy (src/common/policy.h), table-driven.
 * Each row names the case of the library (src/preload/) or the supervisor
 * (src/supervisor/) it stands for; both mechanisms take their decisions
 * from these functions. */
#include "check.h"
#include "config.h"
#include "policy.h"
#include "sockopt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

static uint32_t v4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static struct config *parse(const char *text, void **arena)
{
	size_t size = config_arena_size(strlen(text));
	struct config *c;

	*arena = malloc(size);
	if (!*arena)
		abort();
	c = config_parse(text, strlen(text), "policy.conf", *arena, size);
	if (!c)
		abort();
	return c;
}

/* ------------------------------------------------------------ route */

/* Slots: 0 the default prefix, 1 the path below. */
static const char conf_text[] =
	"nat64_prefix = 2001:db8:64::/96\n"
	"local = 192.0.2.0/24\n"
	"path {\n"
	"  subnet = 203.0.113.0:8000-8999/24\n"
	"  nat64_prefix = 2001:db8:65::/64\n"
	"}\n";

static const char wkp_text[] = "nat64_prefix = 64:ff9b::/96\n";

struct route_row {
	const char *name;
	int wkp;                /* use wkp_text instead of conf_text */
	const char *addr;
	unsigned port;
	int routed, slot;
};

static const struct route_row route_rows[] = {
	{ "route: global address, default prefix", 0, "198.51.100.10", 80, 1, 0 },
	{ "route: path subnet and port", 0, "203.0.113.5", 8080, 1, 1 },
	{ "route: path subnet, other port: default", 0, "203.0.113.5", 80, 1, 0 },
	{ "route: local rule", 0, "192.0.2.1", 80, 0, -1 },
	{ "route: loopback never", 0, "127.0.0.1", 80, 0, -1 },
	{ "route: 0.0.0.0/8 never", 0, "0.1.2.3", 80, 0, -1 },
	{ "route: link-local never", 0, "169.254.1.1", 80, 0, -1 },
	{ "route: multicast never", 0, "239.1.2.3", 5353, 0, -1 },
	{ "route: limited broadcast never", 0, "255.255.255.255", 67, 0, -1 },
	{ "route: well-known prefix, global address", 1, "8.8.8.8", 53, 1, 0 },
	/* RFC 6052 3.1: not with a non-global address. */
	{ "route: well-known prefix, private address", 1, "10.1.2.3", 53, 0, -1 },
	{ "route: well-known prefix, documentation address", 1, "198.51.100.10", 80, 0, -1 },
};

static void test_route(void)
{
	void *a1, *a2;
	struct config *c = parse(conf_text, &a1), *w = parse(wkp_text, &a2);

	for (size_t i = 0; i < sizeof(route_rows) / sizeof(route_rows[0]); i++) {
		const struct route_row *r = &route_rows[i];
		int slot = 42;
		int got = policy_route(r->wkp ? w : c, NULL, v4(r->addr),
				       htons((uint16_t)r->port), &slot);

		CHECK_INT(r->name, got, r->routed);
		CHECK_INT(tname("%s (slot)", r->name), slot, r->slot);
	}
	{
		int slot = 42;

		CHECK_INT("route: no configuration: direct",
			  policy_route(NULL, NULL, v4("198.51.100.10"), htons(80),
				       &slot), 0);
		CHECK_INT("route: no configuration: slot -1", slot, -1);
	}
	CHECK("prefix: slot 0 is the default",
	      policy_prefix(c, 0) == &c->prefixes[0]);
	CHECK("prefix: slot 1 is the path's",
	      policy_prefix(c, 1) == &c->prefixes[1] &&
	      policy_prefix(c, 1)->len == 64);
	CHECK("prefix: past the set", policy_prefix(c, 2) == NULL);
	CHECK("prefix: negative slot", policy_prefix(c, -1) == NULL);
	CHECK("prefix: past POLICY_SLOTS",
	      policy_prefix(c, POLICY_SLOTS) == NULL);
	CHECK("prefix: no configuration", policy_prefix(NULL, 0) == NULL);
	CHECK("always direct: 127.0.0.1", policy_always_direct(v4("127.0.0.1")));
	CHECK("always direct: 224.0.0.251",
	      policy_always_direct(v4("224.0.0.251")));
	CHECK("always direct: not 198.51.100.10",
	      !policy_always_direct(v4("198.51.100.10")));
	CHECK("bound: INADDR_ANY is no address", !policy_bound_addr(0));
	CHECK("bound: 192.0.2.1 is one", policy_bound_addr(v4("192.0.2.1")));
	CHECK("bound: 127.0.0.1 is one", policy_bound_addr(v4("127.0.0.1")));
	free(a1);
	free(a2);
}

/* -------------------------------------------------------------- way */

#define W POLICY_NAT64_WORKS
#define D POLICY_DIRECT_FIRST
#define C POLICY_CONNECT
#define S POLICY_SEND

struct way_row {
	const char *name;
	enum policy_call call;
	enum policy_state st;
	struct policy_sock s;   /* bound_addr, bound, replace, device */
	enum policy_way want;
};

static const struct way_row way_rows[] = {
	/* Fresh sockets, nothing known yet. */
	{ "lib plain connect, direct first", C, D,
	  { false, false, true, POLICY_DEVICE_NONE }, POLICY_WAY_DIRECT_FIRST },
	{ "lib plain connect, NAT64 works", C, W,
	  { false, false, true, POLICY_DEVICE_NONE }, POLICY_WAY_NAT64 },
	{ "lib stand-in connect, NAT64 works", C, W,
	  { false, false, false, POLICY_DEVICE_NONE }, POLICY_WAY_NAT64 },
	{ "sv stand-in send, direct first, device asked", S, D,
	  { false, false, false, POLICY_DEVICE_ASK }, POLICY_WAY_ASK_DEVICE },
	{ "sv stand-in send, NAT64 works: no need to ask", S, W,
	  { false, false, false, POLICY_DEVICE_ASK }, POLICY_WAY_NAT64 },
	/* Bound to one IPv4 address: IPv4 on purpose, whatever else. */
	{ "lib connect bound to 192.0.2.1", C, D,
	  { true, true, true, POLICY_DEVICE_NONE }, POLICY_WAY_DIRECT },
	{ "sv connect bound to 192.0.2.1, NAT64 works", C, W,
	  { true, true, true, POLICY_DEVICE_ASK }, POLICY_WAY_DIRECT },
	{ "sv send bound to 127.0.0.1, device without IPv4", S, W,
	  { true, true, true, POLICY_DEVICE_NO_IPV4 }, POLICY_WAY_DIRECT },
	/* Bound to INADDR_ANY: a connect goes as unbound; a send that
	 * would replace the socket tries direct first (its queue). */
	{ "lib connect bound to 0.0.0.0, NAT64 works", C, W,
	  { false, true, true, POLICY_DEVICE_NONE }, POLICY_WAY_NAT64 },
	{ "lib send bound to 0.0.0.0, NAT64 works", S, W,
	  { false, true, true, POLICY_DEVICE_NONE }, POLICY_WAY_DIRECT_FIRST },
	{ "lib send on a socket never seen made, NAT64 works", S, W,
	  { false, true, true, POLICY_DEVICE_NONE }, POLICY_WAY_DIRECT_FIRST },
	{ "sv send bound to 0.0.0.0, NAT64 works, device asked", S, W,
	  { false, true, true, POLICY_DEVICE_ASK }, POLICY_WAY_ASK_DEVICE },
	{ "sv send bound to 0.0.0.0, device without IPv4", S, W,
	  { false, true, true, POLICY_DEVICE_NO_IPV4 }, POLICY_WAY_NAT64 },
	{ "sv send bound to 0.0.0.0, device with IPv4", S, W,
	  { false, true, true, POLICY_DEVICE_IPV4 }, POLICY_WAY_DIRECT_FIRST },
	{ "lib translated socket bound, send, NAT64 works", S, W,
	  { false, true, false, POLICY_DEVICE_NONE }, POLICY_WAY_NAT64 },
	/* SO_BINDTODEVICE. */
	{ "lib plain connect, SO_BINDTODEVICE set", C, D,
	  { false, false, true, POLICY_DEVICE_ASK }, POLICY_WAY_ASK_DEVICE },
	{ "lib plain connect, interface without IPv4", C, D,
	  { false, false, true, POLICY_DEVICE_NO_IPV4 }, POLICY_WAY_NAT64 },
	{ "lib plain connect, interface with IPv4", C, D,
	  { false, false, true, POLICY_DEVICE_IPV4 }, POLICY_WAY_DIRECT_FIRST },
	{ "sv AF_INET6 connect to ::ffff:x, interface without IPv4", C, D,
	  { false, false, false, POLICY_DEVICE_NO_IPV4 }, POLICY_WAY_NAT64 },
	{ "sv send, interface with IPv4, NAT64 works", S, W,
	  { false, false, true, POLICY_DEVICE_IPV4 }, POLICY_WAY_NAT64 },
};

static void test_way(void)
{
	for (size_t i = 0; i < sizeof(way_rows) / sizeof(way_rows[0]); i++) {
		const struct way_row *r = &way_rows[i];

		CHECK_INT(tname("way: %s", r->name),
			  policy_way(r->call, r->st, &r->s), r->want);
	}
}

/* ---------------------------------------------------------- outcomes */

struct after_row {
	enum policy_call call;
	long r;                 /* result, >= 0 or -errno */
	int want;               /* state, or -1 unchanged */
};

static const struct after_row after_rows[] = {
	{ C, 0, W }, { C, -EINPROGRESS, W }, { C, -ECONNREFUSED, W },
	{ C, -ETIMEDOUT, W }, { C, -EINTR, W }, { C, -EALREADY, W },
	{ C, -EISCONN, W }, { C, -ECONNRESET, W },
	{ C, -ENETUNREACH, D }, { C, -EHOSTUNREACH, D },
	{ C, -EADDRNOTAVAIL, D }, { C, -EAFNOSUPPORT, D },
	{ S, 0, W }, { S, 1200, W }, { S, -EINPROGRESS, W }, { S, -EAGAIN, W },
	{ S, -EWOULDBLOCK, W }, { S, -ENOBUFS, W }, { S, -EMSGSIZE, W },
	{ S, -ECONNREFUSED, W },
	{ S, -ENETUNREACH, D }, { S, -EHOSTUNREACH, D }, { S, -EADDRNOTAVAIL, D },
	{ S, -EAFNOSUPPORT, -1 }, { S, -EPERM, -1 }, { S, -EACCES, -1 },
	{ S, -EINTR, -1 }, { S, -EFAULT, -1 }, { S, -EINVAL, -1 },
};

static void test_outcomes(void)
{
	for (size_t i = 0; i < sizeof(after_rows) / sizeof(after_rows[0]); i++) {
		const struct after_row *r = &after_rows[i];
		const char *call = r->call == C ? "connect" : "send";

		CHECK_INT(tname("after NAT64: %s %ld", call, r->r),
			  policy_after_nat64(r->call, r->r), r->want);
		CHECK_INT(tname("NAT64 unreachable: %s %ld", call, r->r),
			  policy_nat64_unreachable(r->call, (int)r->r),
			  r->want == D);
	}
	/* Only "network unreachable" sends a direct attempt to NAT64. */
	CHECK("direct failed: ENETUNREACH", policy_direct_failed(-ENETUNREACH));
	CHECK("direct failed: not EHOSTUNREACH",
	      !policy_direct_failed(-EHOSTUNREACH));
	CHECK("direct failed: not ECONNREFUSED",
	      !policy_direct_failed(-ECONNREFUSED));
	CHECK("direct failed: not ETIMEDOUT", !policy_direct_failed(-ETIMEDOUT));
	CHECK("direct failed: not EINPROGRESS",
	      !policy_direct_failed(-EINPROGRESS));
	CHECK("direct failed: not success", !policy_direct_failed(0));
	CHECK("direct failed: not EACCES (broadcast)",
	      !policy_direct_failed(-EACCES));
}

/* When the cache flips, as the mechanisms see it over a run. */
static void test_cache(void)
{
	static struct policy_cache pc;
	struct policy_sock fresh = { false, false, true, POLICY_DEVICE_NONE };

	CHECK_INT("cache: starts direct first", policy_cache_get(&pc, 0), D);
	CHECK_INT("cache: first connect direct first",
		  policy_way(C, policy_cache_get(&pc, 0), &fresh),
		  POLICY_WAY_DIRECT_FIRST);
	CHECK_INT("cache: NAT64 connect in progress -> works",
		  policy_cache_after(&pc, 0, C, -EINPROGRESS), W);
	CHECK_INT("cache: slot 0 works", policy_cache_get(&pc, 0), W);
	CHECK_INT("cache: slot 1 untouched", policy_cache_get(&pc, 1), D);
	CHECK_INT("cache: next connect NAT64 at once",
		  policy_way(C, policy_cache_get(&pc, 0), &fresh),
		  POLICY_WAY_NAT64);
	CHECK_INT("cache: send EPERM changes nothing",
		  policy_cache_after(&pc, 0, S, -EPERM), -1);
	CHECK_INT("cache: still works", policy_cache_get(&pc, 0), W);
	CHECK_INT("cache: refused connect keeps it working",
		  policy_cache_after(&pc, 0, C, -ECONNREFUSED), W);
	CHECK_INT("cache: NAT64 route gone -> direct first",
		  policy_cache_after(&pc, 0, C, -ENETUNREACH), D);
	CHECK_INT("cache: flipped back", policy_cache_get(&pc, 0), D);
	CHECK_INT("cache: datagram sent -> works",
		  policy_cache_after(&pc, 0, S, 64), W);
	CHECK_INT("cache: datagram, no source address -> direct first",
		  policy_cache_after(&pc, 0, S, -EADDRNOTAVAIL), D);
	policy_cache_set(&pc, 3, W);
	policy_cache_forget(&pc, 3);
	CHECK_INT("cache: a slot whose prefix changed starts again",
		  policy_cache_get(&pc, 3), D);
	policy_cache_set(&pc, POLICY_SLOTS - 1, W);
	CHECK_INT("cache: last slot", policy_cache_get(&pc, POLICY_SLOTS - 1), W);
	policy_cache_set(&pc, POLICY_SLOTS, W);
	policy_cache_set(&pc, -1, W);
	CHECK_INT("cache: slot past the end reads direct first",
		  policy_cache_get(&pc, POLICY_SLOTS), D);
	CHECK_INT("cache: slot -1 (direct) reads direct first",
		  policy_cache_get(&pc, -1), D);
	CHECK_INT("cache: after NAT64 on slot -1 ignored",
		  (policy_cache_after(&pc, -1, C, 0),
		   policy_cache_get(&pc, -1)), D);
}

/* --------------------------------------------------- socket rules */

struct proto_row {
	int type, proto;
	bool want;
	const char *name;
};

static const struct proto_row proto_rows[] = {
	{ SOCK_STREAM, 0, true, "stream, default protocol" },
	{ SOCK_STREAM, IPPROTO_TCP, true, "TCP" },
	{ SOCK_STREAM, IPPROTO_MPTCP, true, "MPTCP" },
	{ SOCK_STREAM, IPPROTO_SCTP, false, "SCTP stream" },
	{ SOCK_STREAM, IPPROTO_UDP, false, "stream with UDP" },
	{ SOCK_DGRAM, 0, true, "datagram, default protocol" },
	{ SOCK_DGRAM, IPPROTO_UDP, true, "UDP" },
	{ SOCK_DGRAM, IPPROTO_UDPLITE, true, "UDP-Lite" },
	{ SOCK_DGRAM, IPPROTO_ICMP, false, "ICMP ping socket" },
	{ SOCK_DGRAM, IPPROTO_TCP, false, "datagram with TCP" },
	{ SOCK_RAW, 0, false, "raw" },
	{ SOCK_RAW, IPPROTO_UDP, false, "raw UDP" },
	{ SOCK_SEQPACKET, 0, false, "seqpacket" },
};

struct opt_row {
	int level, name;
	bool lib, sv;   /* needs a real AF_INET socket: library (control
			   messages rewritten), supervisor (not) */
	const char *label;
};

static const struct opt_row opt_rows[] = {
	{ SOL_IP, IP_TOS, false, false, "IP_TOS" },
	{ SOL_IP, IP_TTL, false, false, "IP_TTL" },
	{ SOL_IP, IP_RECVERR, false, false, "IP_RECVERR" },
	{ SOL_IP, IP_MTU_DISCOVER, false, false, "IP_MTU_DISCOVER" },
	{ SOL_IP, IP_FREEBIND, false, false, "IP_FREEBIND" },
	{ SOL_IP, IP_BIND_ADDRESS_NO_PORT, false, false,
	  "IP_BIND_ADDRESS_NO_PORT" },
	{ SOL_IP, IP_PKTINFO, false, true, "IP_PKTINFO" },
	{ SOL_IP, IP_RECVTOS, false, true, "IP_RECVTOS" },
	{ SOL_IP, IP_RECVTTL, false, true, "IP_RECVTTL" },
	{ SOL_IP, IP_MULTICAST_TTL, true, true, "IP_MULTICAST_TTL" },
	{ SOL_IP, IP_MULTICAST_IF, true, true, "IP_MULTICAST_IF" },
	{ SOL_IP, IP_MULTICAST_LOOP, true, true, "IP_MULTICAST_LOOP" },
	{ SOL_IP, IP_ADD_MEMBERSHIP, true, true, "IP_ADD_MEMBERSHIP" },
	{ SOL_IP, IP_OPTIONS, true, true, "IP_OPTIONS" },
	{ SOL_IP, IP_HDRINCL, true, true, "IP_HDRINCL" },
	{ SOL_IP, IP_TRANSPARENT, true, true, "IP_TRANSPARENT" },
	{ SOL_SOCKET, SO_BROADCAST, true, true, "SO_BROADCAST" },
	{ SOL_SOCKET, SO_REUSEADDR, false, false, "SO_REUSEADDR" },
	{ SOL_SOCKET, SO_BINDTODEVICE, false, false, "SO_BINDTODEVICE" },
	{ SOL_SOCKET, SO_RCVBUF, false, false, "SO_RCVBUF" },
	{ SOL_TCP, TCP_NODELAY, false, false, "TCP_NODELAY" },
	{ SOL_IPV6, IPV6_V6ONLY, false, false, "IPV6_V6ONLY" },
};

static void test_socket_rules(void)
{
	static const char *const dst_yes[] = {
		"224.0.0.1", "239.1.2.3", "239.255.255.255", "255.255.255.255",
	};
	static const char *const dst_no[] = {
		"198.51.100.10", "127.0.0.1", "192.0.2.255", "240.0.0.1",
		"0.0.0.0",
	};

	for (size_t i = 0; i < sizeof(proto_rows) / sizeof(proto_rows[0]); i++)
		CHECK_INT(tname("translatable: %s", proto_rows[i].name),
			  policy_translatable(proto_rows[i].type,
					      proto_rows[i].proto),
			  proto_rows[i].want);
	for (size_t i = 0; i < sizeof(dst_yes) / sizeof(dst_yes[0]); i++)
		CHECK(tname("stand-in to %s: AF_INET first", dst_yes[i]),
		      policy_dest_needs_inet(v4(dst_yes[i])));
	for (size_t i = 0; i < sizeof(dst_no) / sizeof(dst_no[0]); i++)
		CHECK(tname("stand-in to %s: stays", dst_no[i]),
		      !policy_dest_needs_inet(v4(dst_no[i])));
	for (size_t i = 0; i < sizeof(opt_rows) / sizeof(opt_rows[0]); i++) {
		const struct opt_row *r = &opt_rows[i];

		CHECK_INT(tname("option %s (library)", r->label),
			  policy_option_needs_inet(r->level, r->name, true),
			  r->lib);
		CHECK_INT(tname("option %s (supervisor)", r->label),
			  policy_option_needs_inet(r->level, r->name, false),
			  r->sv);
	}
}

/* ICMP sockets: which are, their IPv6 protocol, when they are born
 * ICMPv6, the family a destination needs, IP_HDRINCL. */
static void test_icmp_rules(void)
{
	static const struct {
		const char *name;
		int type, proto;
		bool icmp;
		int proto6;
	} rows[] = {
		{ "ping socket", SOCK_DGRAM, IPPROTO_ICMP, true, IPPROTO_ICMPV6 },
		{ "raw ICMP", SOCK_RAW, IPPROTO_ICMP, true, IPPROTO_ICMPV6 },
		{ "raw UDP", SOCK_RAW, IPPROTO_UDP, false, IPPROTO_UDP },
		{ "raw IPPROTO_RAW", SOCK_RAW, IPPROTO_RAW, false, IPPROTO_RAW },
		{ "UDP", SOCK_DGRAM, 0, false, 0 },
		{ "TCP", SOCK_STREAM, IPPROTO_TCP, false, IPPROTO_TCP },
		{ "stream ICMP (no such)", SOCK_STREAM, IPPROTO_ICMP, false,
		  IPPROTO_ICMP },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK_INT(tname("icmp: %s", rows[i].name),
			  policy_icmp(rows[i].type, rows[i].proto),
			  rows[i].icmp);
		CHECK_INT(tname("icmp: %s: IPv6 protocol", rows[i].name),
			  policy_proto6(rows[i].type, rows[i].proto),
			  rows[i].proto6);
		CHECK_INT(tname("icmp: %s: born ICMPv6 without IPv4 routes",
				rows[i].name),
			  policy_icmp_born_v6(rows[i].type, rows[i].proto,
					      true), rows[i].icmp);
		CHECK(tname("icmp: %s: AF_INET with IPv4 routes", rows[i].name),
		      !policy_icmp_born_v6(rows[i].type, rows[i].proto,
					   false));
		CHECK(tname("icmp: %s: translated traffic is not TCP/UDP's",
			    rows[i].name),
		      !(rows[i].icmp && policy_translatable(rows[i].type,
							    rows[i].proto)));
	}
	CHECK_INT("icmp: NAT64 destination needs ICMPv6",
		  policy_icmp_family(true), AF_INET6);
	CHECK_INT("icmp: direct destination needs AF_INET",
		  policy_icmp_family(false), AF_INET);
	CHECK("icmp: IP_HDRINCL keeps AF_INET",
	      policy_icmp_keeps_inet(SOL_IP, IP_HDRINCL));
	CHECK("icmp: IP_TTL does not",
	      !policy_icmp_keeps_inet(SOL_IP, IP_TTL));
	CHECK("icmp: SO_RCVBUF does not",
	      !policy_icmp_keeps_inet(SOL_SOCKET, SO_RCVBUF));
}

static void test_ioctls(void)
{
	static const unsigned long yes[] = {
		SIOCGIFADDR, SIOCSIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR,
		SIOCGIFDSTADDR, SIOCSIFFLAGS, SIOCADDRT, SIOCDELRT, SIOCGARP,
		SIOCSARP, SIOCDARP, SIOCGIFPFLAGS,
		/* the kernel reads an unsigned int: upper bits ignored */
		SIOCGIFADDR | 0xabcd00000000ul,
	};
	static const unsigned long no[] = {
		0, FIONREAD, SIOCGIFFLAGS, SIOCGIFINDEX, SIOCGIFNAME,
		SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFCONF, SIOCOUTQ, SIOCINQ,
		SIOCADDRT - 1, SIOCSARP + 1,
	};
	bool sorted = true;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK(tname("ioctl %#lx needs AF_INET", yes[i]),
		      policy_ioctl_needs_inet(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK(tname("ioctl %#lx any socket", no[i]),
		      !policy_ioctl_needs_inet(no[i]));
	for (unsigned int i = 0; i < policy_n_inet_ioctls; i++) {
		CHECK(tname("ioctl table entry %#x", policy_inet_ioctls[i]),
		      policy_ioctl_needs_inet(policy_inet_ioctls[i]));
		if (i && policy_inet_ioctls[i - 1] >= policy_inet_ioctls[i])
			sorted = false;
	}
	CHECK("ioctl table sorted (the filter relies on it)", sorted);
}

/* ------------------------------------ the interface, asked when needed */

static int n_get, n_ioctl, n_socket, last_socket = -1;
static const char *fake_dev;   /* NULL: no SO_BINDTODEVICE */
static int fake_ioctl_errno;   /* 0: the interface has an IPv4 address */

/* A real descriptor: the short-lived socket is closed by its identity
 * (fdid_close), not through the operations. */
static int fake_socket(int d, int t, int p)
{
	(void)d, (void)t, (void)p;
	n_socket++;
	last_socket = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return last_socket;
}

static int fake_close(int fd)
{
	(void)fd;
	return 0;
}

static int fake_get(int fd, int l, int n, void *v, socklen_t *len)
{
	(void)fd;
	n_get++;
	if (l != SOL_SOCKET || n != SO_BINDTODEVICE)
		return -1;
	memset(v, 0, *len);
	if (fake_dev)
		strncpy(v, fake_dev, *len - 1);
	*len = fake_dev ? (socklen_t)strlen(fake_dev) + 1 : 0;
	return 0;
}

static int fake_set(int fd, int l, int n, const void *v, socklen_t len)
{
	(void)fd, (void)l, (void)n, (void)v, (void)len;
	return 0;
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd, (void)arg;
	n_ioctl++;
	if (req != SIOCGIFADDR)
		return -1;
	if (fake_ioctl_errno) {
		errno = fake_ioctl_errno;
		return -1;
	}
	return 0;
}

static const struct sockopt_ops fake_ops = {
	.socket = fake_socket, .close = fake_close, .get = fake_get,
	.set = fake_set, .ioctl = fake_ioctl,
};

static void reset_fake(const char *dev, int err)
{
	n_get = n_ioctl = n_socket = 0;
	fake_dev = dev;
	fake_ioctl_errno = err;
}

/* One attempt through sockopt_way with the fake interface dev (NULL: no
 * SO_BINDTODEVICE; err: SIOCGIFADDR's errno, 0 = it has IPv4). */
struct device_row {
	const char *name;
	const char *dev;
	int err, family;
	enum policy_call call;
	enum policy_state st;
	struct policy_sock s;   /* bound_addr, bound, replace, device */
	enum policy_way want;
	enum policy_device found;  /* s.device afterwards */
	int queries;               /* getsockopt + ioctl calls */
	int sockets;               /* short-lived AF_INET sockets */
};

#define ASK POLICY_DEVICE_ASK

static const struct device_row device_rows[] = {
	{ "eth1 without IPv4, AF_INET socket asked itself", "eth1",
	  EADDRNOTAVAIL, AF_INET, C, D, { false, false, true, ASK },
	  POLICY_WAY_NAT64, POLICY_DEVICE_NO_IPV4, 2, 0 },
	{ "eth0 with IPv4, AF_INET6 socket: a short-lived AF_INET one",
	  "eth0", 0, AF_INET6, S, D, { false, false, false, ASK },
	  POLICY_WAY_DIRECT_FIRST, POLICY_DEVICE_IPV4, 2, 1 },
	{ "none set: no ioctl", NULL, 0, AF_INET6, C, D,
	  { false, false, false, ASK }, POLICY_WAY_DIRECT_FIRST,
	  POLICY_DEVICE_NONE, 1, 0 },
	{ "NAT64 works: not asked", "eth1", EADDRNOTAVAIL, AF_INET, C, W,
	  { false, false, true, ASK }, POLICY_WAY_NAT64, ASK, 0, 0 },
	{ "bound to an address: direct, not asked", "eth1", EADDRNOTAVAIL,
	  AF_INET, S, D, { true, true, true, ASK }, POLICY_WAY_DIRECT, ASK,
	  0, 0 },
	{ "never set (library record): not asked", "eth1", EADDRNOTAVAIL,
	  AF_INET, S, D, { false, false, true, POLICY_DEVICE_NONE },
	  POLICY_WAY_DIRECT_FIRST, POLICY_DEVICE_NONE, 0, 0 },
};

static void test_device(void)
{
	for (size_t i = 0; i < sizeof(device_rows) / sizeof(device_rows[0]);
	     i++) {
		const struct device_row *r = &device_rows[i];
		struct policy_sock s = r->s;
		enum policy_way w;

		reset_fake(r->dev, r->err);
		errno = 1234;
		w = sockopt_way(7, r->family, r->call, r->st, &s, &fake_ops);
		CHECK_INT(tname("device: %s", r->name), w, r->want);
		CHECK_INT(tname("device: %s (found)", r->name), s.device,
			  r->found);
		CHECK_INT(tname("device: %s (queries)", r->name),
			  n_get + n_ioctl, r->queries);
		CHECK_INT(tname("device: %s (sockets)", r->name), n_socket,
			  r->sockets);
		CHECK_INT(tname("device: %s (errno kept)", r->name), errno,
			  1234);
		if (r->sockets)
			CHECK(tname("device: %s (closed again)", r->name),
			      last_socket >= 0 &&
			      fcntl(last_socket, F_GETFD) < 0);
	}
}

/* A stand-in that cannot become an AF_INET socket goes on as it is only
 * when descriptors or memory ran out. */
static void test_unstand_short(void)
{
	static const int yes[] = { EMFILE, ENFILE, ENOBUFS, ENOMEM };
	static const int no[] = { 0, 1, EPERM, EACCES, EAFNOSUPPORT, EINVAL,
				  EBADF, EINTR, ENOTSOCK };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK(tname("unstand short: -%d", yes[i]),
		      policy_unstand_short(-yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK(tname("unstand not short: -%d", no[i]),
		      !policy_unstand_short(-no[i]));
	CHECK("unstand not short: positive EMFILE", !policy_unstand_short(EMFILE));
}

int main(void)
{
	test_route();
	test_way();
	test_outcomes();
	test_cache();
	test_socket_rules();
	test_ioctls();
	test_device();
	test_icmp_rules();
	test_unstand_short();
	return check_exit();
}
