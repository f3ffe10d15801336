/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ICMP sockets through NAT64 as an IPv4 program sees them (ip(7), raw(7),
 * icmp(7)), under the library or the supervisor, in the testbed with an
 * IPv4 router (lib.sh TB_ROUTER=1).
 *
 *   t_icmp [-S] SERVER4
 *
 * Raw socket (skipped without CAP_NET_RAW): an echo reply read with its
 * IPv4 header (version, length, TTL, protocol, source, header and ICMP
 * checksums) and IP_TTL only when IP_RECVTTL asked it; a socket filter
 * written for IPv4 offsets (iputils ping's) keeping its meaning
 * (SO_ATTACH_FILTER, SO_GET_FILTER, SO_DETACH_FILTER); ICMP_FILTER; time
 * exceeded from an IPv6-only hop (192.0.0.8) with the quoted echo in
 * ICMPv4 form; IPv4-level options (IP_TTL, IP_MTU_DISCOVER), SO_DOMAIN,
 * getsockname; an error-queue entry (IP_RECVERR); connect + send() +
 * recv().  Datagram ("ping") socket (skipped when ping_group_range
 * forbids): echo reply without header, the kernel's identifier, IP_TTL
 * with IP_RECVTTL, the error queue.  Whatever is read must be ICMPv4
 * echo, unreachable, time exceeded or parameter problem: neighbour
 * discovery and MLD never reach the program.
 *
 * -S: under the supervisor, whose filter traps neither send() nor
 * setsockopt/getsockopt outside SOL_IP: those checks are SKIP. */
#include "progs.h"

#include <linux/filter.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>

#ifndef ICMP_FILTER   /* <linux/icmp.h> clashes with libc's headers */
#define ICMP_FILTER 1
#endif

static bool supervised;
static struct sockaddr_in server;
static uint16_t ident;

static uint16_t cksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An ICMPv4 echo request of 8 + 32 bytes. */
static size_t echo_req(uint8_t *b, uint16_t id, uint16_t seq)
{
	uint16_t c;

	memset(b, 0, 40);
	b[0] = ICMP_ECHO;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(seq >> 8);
	b[7] = (uint8_t)seq;
	for (int i = 8; i < 40; i++)
		b[i] = (uint8_t)(0x40 + i);
	c = cksum(b, 40);
	b[2] = (uint8_t)(c >> 8);
	b[3] = (uint8_t)c;
	return 40;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Every ICMP message read must be one an IPv4 program can get for its
 * traffic: never neighbour discovery, MLD or router messages. */
static int n_seen, n_foreign;

static void seen(const uint8_t *icmp)
{
	n_seen++;
	if (icmp[0] != ICMP_ECHOREPLY && icmp[0] != ICMP_DEST_UNREACH &&
	    icmp[0] != ICMP_TIME_EXCEEDED && icmp[0] != ICMP_PARAMETERPROB) {
		n_foreign++;
		note("unexpected ICMP type %u", icmp[0]);
	}
}

/* The next echo reply or error on raw socket fd with our identifier
 * (another test's or program's are passed over, as ping does). */
static int raw_next(int fd, struct progs_msg *r)
{
	for (int i = 0; i < 50; i++) {
		const uint8_t *ic;
		size_t hl;

		if (progs_recv(fd, 0, r) < 0)
			return -1;
		if (r->n < 28)
			return 0;
		hl = (size_t)(r->data[0] & 0xf) * 4;
		ic = r->data + hl;
		seen(ic);
		if (ic[0] == ICMP_ECHOREPLY && get16(ic + 4) == ident)
			return 0;
		/* an error quoting our echo: IPv4 header + 8 + IPv4 + 8 */
		if (ic[0] != ICMP_ECHOREPLY && r->n >= (ssize_t)(hl + 8 + 28) &&
		    get16(ic + 8 + 20 + 4) == ident)
			return 0;
	}
	errno = EAGAIN;
	return -1;
}

static int send_echo(int fd, uint16_t id, uint16_t seq)
{
	uint8_t b[64];
	size_t n = echo_req(b, id, seq);

	return sendto(fd, b, n, 0, (struct sockaddr *)&server,
		      sizeof(server)) == (ssize_t)n ? 0 : -1;
}

static void check_reply_packet(const char *name, const struct progs_msg *r,
			       uint16_t id, uint16_t seq)
{
	const uint8_t *ip = r->data, *ic = r->data + 20;
	char n[96];
	uint8_t req[64];

	echo_req(req, id, seq);
	snprintf(n, sizeof(n), "%s/IPv4 header", name);
	check(n, r->n == 60 && ip[0] == 0x45 && get16(ip + 2) == r->n &&
	      ip[9] == IPPROTO_ICMP && cksum(ip, 20) == 0 &&
	      memcmp(ip + 12, &server.sin_addr, 4) == 0,
	      "%zd bytes, %02x, length %u, protocol %u, header checksum %s",
	      r->n, ip[0], get16(ip + 2), ip[9], cksum(ip, 20) ? "bad" : "ok");
	snprintf(n, sizeof(n), "%s/TTL plausible", name);
	check(n, ip[8] > 32 && ip[8] <= 64, "TTL %u", ip[8]);
	snprintf(n, sizeof(n), "%s/echo reply", name);
	check(n, ic[0] == ICMP_ECHOREPLY && ic[1] == 0 && get16(ic + 4) == id &&
	      get16(ic + 6) == seq && memcmp(ic + 8, req + 8, 32) == 0 &&
	      cksum(ic, 40) == 0,
	      "type %u code %u id %u seq %u checksum %s", ic[0], ic[1],
	      get16(ic + 4), get16(ic + 6), cksum(ic, 40) ? "bad" : "ok");
	snprintf(n, sizeof(n), "%s/source", name);
	check(n, r->namelen == sizeof(struct sockaddr_in) &&
	      progs_sin(r)->sin_family == AF_INET &&
	      progs_sin(r)->sin_addr.s_addr == server.sin_addr.s_addr,
	      "family %d, length %u", progs_sin(r)->sin_family,
	      (unsigned)r->namelen);
}

/* iputils ping's filter: skip the IPv4 header (MSH), keep echo replies
 * with our identifier and anything that is no echo reply. */
static void ping_filter(struct sock_filter f[8], uint16_t id)
{
	const struct sock_filter p[8] = {
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, id, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ~0u),
		BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ICMP_ECHOREPLY, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xfffffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	memcpy(f, p, sizeof(p));
}

/* An echo (id, seq) with TTL 1 on fd: its error-queue entry is time
 * exceeded from the gateway's IPv6 side (192.0.0.8), in IPv4 form, with
 * the echo sent, in ICMPv4 form, and the destination. */
static void errq_ttl1(const char *name, int fd, uint16_t id, uint16_t seq)
{
	struct progs_msg r;
	int one = 1;

	if (setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &one, sizeof(one)) < 0 ||
	    send_echo(fd, id, seq) < 0 ||
	    progs_recv(fd, MSG_ERRQUEUE, &r) < 0) {
		fail(name, "%s", strerror(errno));
		return;
	}
	check(name, r.have_ee && !r.ipv6_cmsg &&
	      r.ee.ee_origin == SO_EE_ORIGIN_ICMP &&
	      r.ee.ee_type == ICMP_TIME_EXCEEDED &&
	      r.ee.ee_errno == EHOSTUNREACH && r.off.sin_family == AF_INET &&
	      r.off.sin_addr.s_addr == htonl(0xc0000008) &&
	      progs_sin(&r)->sin_addr.s_addr == server.sin_addr.s_addr &&
	      r.n >= 8 && r.data[0] == ICMP_ECHO && get16(r.data + 6) == seq,
	      "ee %d origin %u type %u errno %u, data type %u seq %u",
	      r.have_ee, r.ee.ee_origin, r.ee.ee_type, r.ee.ee_errno,
	      r.data[0], get16(r.data + 6));
}

static void raw_tests(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), one = 1, v;
	struct progs_msg r;
	struct sock_filter f[8], got[8];
	struct sock_fprog fp = { 8, f };
	socklen_t l;
	uint32_t mask;

	if (fd < 0) {
		skip("raw", "socket(SOCK_RAW): %s", strerror(errno));
		return;
	}
	/* echo without IP_RECVTTL: no IP_TTL, no IPv6 control messages */
	if (send_echo(fd, ident, 1) < 0 || raw_next(fd, &r) < 0) {
		fail("raw/echo", "%s", strerror(errno));
		close(fd);
		return;
	}
	check_reply_packet("raw/echo", &r, ident, 1);
	check("raw/no IP_TTL unless asked", r.ttl < 0 && !r.ipv6_cmsg,
	      "IP_TTL %d, IPv6 control messages %d", r.ttl, r.ipv6_cmsg);
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0)
		fail("raw/IP_RECVTTL", "%s", strerror(errno));
	if (send_echo(fd, ident, 2) == 0 && raw_next(fd, &r) == 0)
		check("raw/IP_RECVTTL: the header's TTL",
		      r.ttl == r.data[8] && !r.ipv6_cmsg,
		      "IP_TTL %d, header %u, IPv6 control messages %d",
		      r.ttl, r.data[8], r.ipv6_cmsg);
	else
		fail("raw/IP_RECVTTL", "%s", strerror(errno));

	/* a filter for another identifier: our reply to it is dropped, so
	 * the first one read is the reply to the accepted identifier */
	ping_filter(f, (uint16_t)(ident + 1));
	if (supervised) {
		skip("raw/SO_ATTACH_FILTER", "setsockopt(SOL_SOCKET) is not "
		     "trapped by the supervisor's filter");
	} else if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
			      sizeof(fp)) < 0) {
		fail("raw/SO_ATTACH_FILTER", "%s", strerror(errno));
	} else {
		l = 8;
		check("raw/SO_GET_FILTER", getsockopt(fd, SOL_SOCKET,
			SO_GET_FILTER, got, &l) == 0 && l == 8 &&
		      memcmp(got, f, sizeof(got)) == 0, "%s, %u instructions",
		      strerror(errno), (unsigned)l);
		if (send_echo(fd, ident, 3) == 0 &&
		    send_echo(fd, (uint16_t)(ident + 1), 4) == 0 &&
		    progs_recv(fd, 0, &r) == 0 && r.n >= 28)
			check("raw/SO_ATTACH_FILTER: IPv4 offsets kept",
			      r.data[20] == ICMP_ECHOREPLY &&
			      get16(r.data + 24) == ident + 1 &&
			      get16(r.data + 26) == 4,
			      "type %u id %u seq %u", r.data[20],
			      get16(r.data + 24), get16(r.data + 26));
		else
			fail("raw/SO_ATTACH_FILTER", "%s", strerror(errno));
		check("raw/SO_DETACH_FILTER", setsockopt(fd, SOL_SOCKET,
			SO_DETACH_FILTER, &one, sizeof(one)) == 0, "%s",
		      strerror(errno));
		if (send_echo(fd, ident, 5) == 0 && raw_next(fd, &r) == 0)
			check("raw/detached: ours again",
			      get16(r.data + 26) == 5, "seq %u",
			      get16(r.data + 26));
		else
			fail("raw/detached", "%s", strerror(errno));
	}

	/* ICMP_FILTER blocking echo replies: the time exceeded of a TTL-1
	 * echo (from the gateway, an IPv6-only hop) is what is read */
	mask = 1u << ICMP_ECHOREPLY;
	v = 1;
	if (supervised) {
		skip("raw/ICMP_FILTER", "setsockopt(SOL_RAW) is not trapped by "
		     "the supervisor's filter");
	} else if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask,
			      sizeof(mask)) < 0) {
		fail("raw/ICMP_FILTER", "%s", strerror(errno));
	} else {
		uint32_t back = 0;

		l = sizeof(back);
		check("raw/ICMP_FILTER read back", getsockopt(fd, SOL_RAW,
			ICMP_FILTER, &back, &l) == 0 && back == mask,
		      "%s, %#x", strerror(errno), back);
		if (send_echo(fd, ident, 6) < 0)
			fail("raw/ICMP_FILTER", "%s", strerror(errno));
	}
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &v, sizeof(v)) == 0 &&
	    send_echo(fd, ident, 7) == 0 && raw_next(fd, &r) == 0 &&
	    r.n >= 20 + 8 + 28) {
		const uint8_t *ic = r.data + 20, *in = ic + 8;

		if (!supervised)
			check("raw/ICMP_FILTER: echo reply blocked",
			      ic[0] == ICMP_TIME_EXCEEDED, "type %u", ic[0]);
		check("raw/time exceeded from 192.0.0.8",
		      ic[0] == ICMP_TIME_EXCEEDED &&
		      memcmp(r.data + 12, "\xc0\x00\x00\x08", 4) == 0 &&
		      progs_sin(&r)->sin_addr.s_addr == htonl(0xc0000008) &&
		      cksum(ic, (size_t)r.n - 20) == 0,
		      "type %u from %08x", ic[0],
		      ntohl(progs_sin(&r)->sin_addr.s_addr));
		check("raw/time exceeded quotes the IPv4 echo",
		      in[0] == 0x45 && in[9] == IPPROTO_ICMP &&
		      memcmp(in + 16, &server.sin_addr, 4) == 0 &&
		      in[20] == ICMP_ECHO && get16(in + 24) == ident &&
		      get16(in + 26) == 7 && cksum(in, 20) == 0,
		      "inner %02x proto %u type %u seq %u", in[0], in[9],
		      in[20], get16(in + 26));
	} else {
		fail("raw/time exceeded", "%s", strerror(errno));
	}
	if (!supervised) {
		mask = 0;
		setsockopt(fd, SOL_RAW, ICMP_FILTER, &mask, sizeof(mask));
	}

	/* IPv4-level options and what the socket says of itself */
	v = 0;
	l = sizeof(v);
	check("raw/IP_TTL read back", supervised ||
	      (getsockopt(fd, IPPROTO_IP, IP_TTL, &v, &l) == 0 && v == 1),
	      "%d %s", v, strerror(errno));
	v = IP_PMTUDISC_DO;
	check("raw/IP_MTU_DISCOVER", setsockopt(fd, IPPROTO_IP,
		IP_MTU_DISCOVER, &v, sizeof(v)) == 0, "%s", strerror(errno));
	v = -1;
	l = sizeof(v);
	check("raw/SO_DOMAIN", getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) ==
	      0 && v == AF_INET, "%d", v);
	{
		struct sockaddr_in me;

		l = sizeof(me);
		check("raw/getsockname", getsockname(fd, (struct sockaddr *)&me,
			&l) == 0 && l == sizeof(me) && me.sin_family == AF_INET &&
		      ntohs(me.sin_port) == IPPROTO_ICMP, "family %d port %u",
		      me.sin_family, ntohs(me.sin_port));
	}

	/* error queue: the TTL-1 echo again, with IP_RECVERR */
	errq_ttl1("raw/error queue", fd, ident, 8);
	close(fd);

	/* connected: send() and recv() */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (supervised) {
		skip("raw/connected send", "send() is not trapped by the "
		     "supervisor's filter");
	} else if (fd < 0 || connect(fd, (struct sockaddr *)&server,
				     sizeof(server)) < 0) {
		fail("raw/connected", "%s", strerror(errno));
	} else {
		uint8_t b[64];
		size_t n = echo_req(b, ident, 9);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t got_n = -1;

		if (send(fd, b, n, 0) == (ssize_t)n) {
			for (int i = 0; i < 20; i++) {
				if (poll(&p, 1, 5000) != 1)
					break;
				got_n = recv(fd, r.data, sizeof(r.data), 0);
				/* every echo reply reaches a raw socket: a
				 * late one to an earlier test is skipped */
				if (got_n >= 28 && get16(r.data + 24) == ident &&
				    get16(r.data + 26) == 9)
					break;
			}
		}
		check("raw/connected send() and recv()", got_n == 60 &&
		      r.data[0] == 0x45 && r.data[20] == ICMP_ECHOREPLY &&
		      get16(r.data + 26) == 9, "%zd bytes, version/IHL %#x, "
		      "type %u, sequence %u (%s)", got_n, r.data[0],
		      r.data[20], get16(r.data + 26), strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

static void dgram_tests(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), one = 1;
	struct sockaddr_in me;
	socklen_t l = sizeof(me);
	struct progs_msg r;
	uint8_t req[64];
	uint16_t id;

	if (fd < 0) {
		skip("dgram", "socket(SOCK_DGRAM, IPPROTO_ICMP): %s",
		     strerror(errno));
		return;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0 ||
	    send_echo(fd, 0, 1) < 0 || progs_recv(fd, 0, &r) < 0) {
		fail("dgram/echo", "%s", strerror(errno));
		close(fd);
		return;
	}
	seen(r.data);
	echo_req(req, 0, 1);
	/* the kernel sets the identifier: the socket's "port" */
	id = getsockname(fd, (struct sockaddr *)&me, &l) == 0
	     ? ntohs(me.sin_port) : 0;
	check("dgram/echo reply", r.n == 40 && r.data[0] == ICMP_ECHOREPLY &&
	      get16(r.data + 4) == id && get16(r.data + 6) == 1 &&
	      memcmp(r.data + 8, req + 8, 32) == 0 && cksum(r.data, 40) == 0,
	      "%zd bytes, type %u id %u (socket %u) seq %u checksum %s", r.n,
	      r.data[0], get16(r.data + 4), id, get16(r.data + 6),
	      cksum(r.data, 40) ? "bad" : "ok");
	check("dgram/source", progs_sin(&r)->sin_family == AF_INET &&
	      progs_sin(&r)->sin_addr.s_addr == server.sin_addr.s_addr,
	      "family %d", progs_sin(&r)->sin_family);
	check("dgram/IP_TTL", r.ttl > 32 && r.ttl <= 64 &&
	      !r.ipv6_cmsg, "IP_TTL %d, IPv6 control messages %d",
	      r.ttl, r.ipv6_cmsg);
	errq_ttl1("dgram/error queue", fd, 0, 2);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-S") == 0) {
		supervised = true;
		argv++;
		argc--;
	}
	if (argc != 2 || inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
		fprintf(stderr, "usage: t_icmp [-S] SERVER4\n");
		return 2;
	}
	server.sin_family = AF_INET;
	ident = (uint16_t)(getpid() | 0x8000);
	raw_tests();
	dgram_tests();
	check("never ND, MLD or router messages", n_seen > 0 && n_foreign == 0,
	      "%d of %d messages read were of other types", n_foreign,
	      n_seen);
	return progs_exit();
}
