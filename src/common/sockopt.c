/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "fdid.h"
#include "sockopt.h"

struct optdesc {
	int level, name;
	unsigned levelbit;
	int only;        /* the one socket type it means something on, or 0 */
};

static const struct optdesc carried[] = {
	/* IPv4-level first: IP_TOS resets the priority, which the program
	 * may have set on purpose afterwards. */
	{ SOL_IP, IP_TOS, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_TTL, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_FREEBIND, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_TRANSPARENT, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_BIND_ADDRESS_NO_PORT, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_PKTINFO, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_IP, IP_RECVTOS, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_IP, IP_RECVTTL, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_IP, IP_MTU_DISCOVER, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_RECVERR, SOCKOPT_IP, 0 },
	{ SOL_IP, IP_MULTICAST_TTL, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_IP, IP_MULTICAST_LOOP, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_IP, IP_MULTICAST_IF, SOCKOPT_IP, SOCK_DGRAM },
	{ SOL_SOCKET, SO_REUSEADDR, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_REUSEPORT, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_KEEPALIVE, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_SNDBUF, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_RCVBUF, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_RCVTIMEO, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_SNDTIMEO, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_LINGER, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_PRIORITY, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_MARK, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_OOBINLINE, SOCKOPT_SOCKET, SOCK_STREAM },
	{ SOL_SOCKET, SO_BROADCAST, SOCKOPT_SOCKET, SOCK_DGRAM },
	{ SOL_SOCKET, SO_RCVLOWAT, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_TIMESTAMP, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_TIMESTAMPNS, SOCKOPT_SOCKET, 0 },
	{ SOL_SOCKET, SO_BINDTODEVICE, SOCKOPT_SOCKET, 0 },
	{ SOL_TCP, TCP_NODELAY, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_KEEPIDLE, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_KEEPINTVL, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_KEEPCNT, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_USER_TIMEOUT, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_MAXSEG, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_CONGESTION, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_NOTSENT_LOWAT, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_FASTOPEN_CONNECT, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_SYNCNT, SOCKOPT_TCP, SOCK_STREAM },
	{ SOL_TCP, TCP_WINDOW_CLAMP, SOCKOPT_TCP, SOCK_STREAM },
};
#define NCARRIED (sizeof(carried) / sizeof(carried[0]))

union optval {
	int i;
	struct timeval tv;
	struct linger l;
	char s[IFNAMSIZ + 16];
};

/* Defaults of a fresh AF_INET socket, per type (0 stream, 1 datagram),
 * read once.  state: 0 not read, 1 being read, 2 ready; while not ready
 * every option is compared with the new socket's own value instead. */
static _Atomic int def_state[2];
static union optval def_val[2][NCARRIED];
static socklen_t def_len[2][NCARRIED];
static bool def_ok[2][NCARRIED];

static bool defaults(int t, int type, const struct sockopt_ops *ops)
{
	int expected = 0, s;

	if (atomic_load_explicit(&def_state[t], memory_order_acquire) == 2)
		return true;
	if (!atomic_compare_exchange_strong(&def_state[t], &expected, 1))
		return false;
	s = ops->socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (s < 0) {
		atomic_store(&def_state[t], 0);
		return false;
	}
	for (size_t i = 0; i < NCARRIED; i++) {
		def_len[t][i] = sizeof(def_val[t][i]);
		def_ok[t][i] = ops->get(s, carried[i].level, carried[i].name,
					&def_val[t][i], &def_len[t][i]) == 0;
	}
	ops->close(s);
	atomic_store_explicit(&def_state[t], 2, memory_order_release);
	return true;
}

int sockopt_ip_twin(int name)
{
	switch (name) {
	case IP_TOS:
		return IPV6_TCLASS;
	case IP_TTL:
		return IPV6_UNICAST_HOPS;
	case IP_PKTINFO:
		return IPV6_RECVPKTINFO;
	case IP_RECVTOS:
		return IPV6_RECVTCLASS;
	case IP_RECVTTL:
		return IPV6_RECVHOPLIMIT;
	case IP_RECVERR:
		return IPV6_RECVERR;
	case IP_MTU_DISCOVER:   /* IP_PMTUDISC_* = IPV6_PMTUDISC_* */
		return IPV6_MTU_DISCOVER;
	case IP_MTU:
		return IPV6_MTU;
	case IP_MULTICAST_TTL:
		return IPV6_MULTICAST_HOPS;
	case IP_MULTICAST_LOOP:
		return IPV6_MULTICAST_LOOP;
	default:
		return -1;
	}
}

/* The value of an IPv4-level option as the kernel reads it: an int, or
 * one byte when optlen < 4.  false when len is 0. */
static bool ip_optval(const void *val, socklen_t len, int *v)
{
	if (len >= (socklen_t)sizeof(int))
		memcpy(v, val, sizeof(*v));
	else if (len >= 1)
		*v = *(const unsigned char *)val;
	else
		return false;
	return true;
}

void sockopt_mirror_ip(int fd, int name, const void *val, socklen_t len,
		       const struct sockopt_ops *ops)
{
	int v, v6name = sockopt_ip_twin(name);

	if (v6name < 0 || name == IP_MTU || !ip_optval(val, len, &v))
		return;
	if (name == IP_TOS)
		v &= 0xff;
	ops->set(fd, SOL_IPV6, v6name, &v, sizeof(v));
}

int sockopt_set_ip6(int fd, int name, const void *val, socklen_t len,
		    const struct sockopt_ops *ops)
{
	int v, v6name = sockopt_ip_twin(name);

	if (v6name < 0 || name == IP_MTU)
		return -ENOPROTOOPT;
	if (!val && len)
		return -EFAULT;
	if (!ip_optval(val, len, &v))
		return -EINVAL;
	switch (name) {
	case IP_TTL:
		if (len < (socklen_t)sizeof(int) ||
		    (v != -1 && (v < 1 || v > 255)))
			return -EINVAL;
		break;
	case IP_TOS:
		v &= 0xff;
		break;
	case IP_MULTICAST_TTL:
		if (v < -1 || v > 255)
			return -EINVAL;
		break;
	case IP_MTU_DISCOVER:
		if (v < IP_PMTUDISC_DONT || v > IP_PMTUDISC_OMIT)
			return -EINVAL;
		break;
	default:
		v = v != 0;
		break;
	}
	return ops->set(fd, SOL_IPV6, v6name, &v, sizeof(v)) < 0 ? -errno : 0;
}

int sockopt_get_ip6(int fd, int name, void *val, socklen_t *len,
		    const struct sockopt_ops *ops)
{
	int v, v6name = sockopt_ip_twin(name);
	socklen_t l = sizeof(v);

	if (v6name < 0)
		return -ENOPROTOOPT;
	if (!len || (int)*len < 0)
		return -EINVAL;
	if (ops->get(fd, SOL_IPV6, v6name, &v, &l) < 0)
		return -errno;
	if (name == IP_MTU)
		v = v > 20 ? v - 20 : v;
	else if (name == IP_TOS && v < 0)
		v = 0;
	if (*len < (socklen_t)sizeof(int) && *len > 0 && v >= 0 && v <= 255) {
		unsigned char b = (unsigned char)v;

		memcpy(val, &b, 1);
		*len = 1;
	} else {
		if (*len > (socklen_t)sizeof(int))
			*len = sizeof(int);
		memcpy(val, &v, *len);
	}
	return 0;
}

void sockopt_carry_back_ip(int from6, int to4, const struct sockopt_ops *ops)
{
	static const int names[] = {
		IP_TOS, IP_TTL, IP_RECVERR, IP_MTU_DISCOVER, IP_PKTINFO,
		IP_RECVTOS, IP_MULTICAST_TTL, IP_MULTICAST_LOOP,
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int v;
		socklen_t l = sizeof(v);

		if (sockopt_get_ip6(from6, names[i], &v, &l, ops) == 0 &&
		    l == sizeof(v) && !(names[i] == IP_TTL && v == 64))
			ops->set(to4, SOL_IP, names[i], &v, l);
	}
}

/* carried[i] means something on a socket of this type at these
 * levels: options a socket of this type has no use for (multicast on
 * TCP...) are left, since every one read costs a system call. */
static bool carried_here(size_t i, unsigned levels, int type)
{
	return (levels & carried[i].levelbit) &&
	       (!carried[i].only || carried[i].only == type);
}

/* The SOL_SOCKET options of carried[] that apply, read from `from` in
 * one batch into v[i] (len[i], -1 when the read failed): false when the
 * batch could not be made (each is read on its own then). */
static bool read_socket_batch(int from, unsigned levels, int type,
			      union optval *v, int *len,
			      const struct sockopt_ops *ops)
{
	struct sockopt_req req[SOCKOPT_BATCH_MAX];
	size_t at[SOCKOPT_BATCH_MAX];
	unsigned n = 0;

	if (!ops->get_socket_batch || !(levels & SOCKOPT_SOCKET))
		return false;
	for (size_t i = 0; i < NCARRIED; i++) {
		if (carried[i].level != SOL_SOCKET ||
		    !carried_here(i, levels, type))
			continue;
		if (n == SOCKOPT_BATCH_MAX)
			return false;
		memset(&v[i], 0, sizeof(v[i]));
		req[n] = (struct sockopt_req){ carried[i].name, &v[i],
					       sizeof(v[i]), 0 };
		at[n++] = i;
	}
	if (ops->get_socket_batch(from, req, n) < 0)
		return false;
	for (unsigned k = 0; k < n; k++)
		len[at[k]] = req[k].err ? -1 : (int)req[k].len;
	return true;
}

unsigned sockopt_carry(int from, int to, unsigned levels, int type,
		       const struct sockopt_ops *ops)
{
	int t = type == SOCK_STREAM ? 0 : 1;
	bool have_def = defaults(t, type, ops);
	union optval got[NCARRIED];
	int got_len[NCARRIED];
	bool batch = read_socket_batch(from, levels, type, got, got_len, ops);
	unsigned set = 0;

	for (size_t i = 0; i < NCARRIED; i++) {
		const struct optdesc *o = &carried[i];
		union optval v, d;
		socklen_t len = sizeof(v), dlen = sizeof(d);

		if (!carried_here(i, levels, type))
			continue;
		if (batch && o->level == SOL_SOCKET) {
			if (got_len[i] < 0)
				continue;
			v = got[i];
			len = (socklen_t)got_len[i];
		} else {
			memset(&v, 0, sizeof(v));
			if (ops->get(from, o->level, o->name, &v, &len) < 0)
				continue;
		}
		if (have_def) {
			if (def_ok[t][i] && def_len[t][i] == len &&
			    memcmp(&v, &def_val[t][i], len) == 0)
				continue;
		} else {
			memset(&d, 0, sizeof(d));
			if (ops->get(to, o->level, o->name, &d, &dlen) == 0 &&
			    dlen == len && memcmp(&v, &d, len) == 0)
				continue;
		}
		if (o->level == SOL_SOCKET &&
		    (o->name == SO_SNDBUF || o->name == SO_RCVBUF))
			v.i /= 2; /* the kernel doubles what it is given */
		if (o->level == SOL_SOCKET && o->name == SO_BINDTODEVICE)
			len = (socklen_t)strnlen(v.s, sizeof(v.s));
		if (ops->set(to, o->level, o->name, &v, len) == 0 &&
		    o->level == SOL_SOCKET && o->name == SO_SNDTIMEO)
			set |= SOCKOPT_SET_SNDTIMEO;
		if (o->level == SOL_IP)
			sockopt_mirror_ip(to, o->name, &v, len, ops);
	}
	return set;
}

enum policy_device sockopt_device(int fd, int family,
				  const struct sockopt_ops *ops)
{
	struct ifreq ifr;
	struct fdid id;
	socklen_t l = IFNAMSIZ;
	enum policy_device d = POLICY_DEVICE_NONE;
	int saved = errno, s = fd;

	memset(&ifr, 0, sizeof(ifr));
	if (ops->get(fd, SOL_SOCKET, SO_BINDTODEVICE, ifr.ifr_name, &l) < 0 ||
	    !ifr.ifr_name[0])
		goto out;
	/* Only an AF_INET socket answers SIOCGIFADDR. */
	if (family != AF_INET) {
		s = ops->socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0 || fdid_get(s, &id) < 0)
			goto out;
	}
	ifr.ifr_addr.sa_family = AF_INET;
	d = ops->ioctl(s, SIOCGIFADDR, &ifr) < 0 && errno == EADDRNOTAVAIL
	    ? POLICY_DEVICE_NO_IPV4 : POLICY_DEVICE_IPV4;
	/* only if the program did not take the number meanwhile */
	if (s != fd)
		fdid_close(s, &id);
out:
	errno = saved;
	return d;
}

int sockopt_bindv6only(void)
{
	static _Atomic int v = -1;
	int r = atomic_load_explicit(&v, memory_order_relaxed);

	if (r < 0) {
		/* Unknown (no /proc): 1, so that every stand-in is made
		 * dual-stack explicitly, which is right either way. */
		char c = '1';
		int saved = errno;
		int fd = open("/proc/sys/net/ipv6/bindv6only",
			      O_RDONLY | O_CLOEXEC);
		struct fdid id;

		if (fd >= 0 && fdid_get(fd, &id) == 0) {
			if (read(fd, &c, 1) != 1)
				c = '1';
			/* only if the program did not take the number meanwhile */
			fdid_close(fd, &id);
		}
		errno = saved;
		r = c == '1';
		atomic_store_explicit(&v, r, memory_order_relaxed);
	}
	return r;
}

bool sockopt_ipv4_unrouted(const struct sockopt_ops *ops)
{
	int saved = errno, fd = ops->socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC,
					    0);
	/* Any global address: only the route lookup matters. */
	struct sockaddr_in probe = { .sin_family = AF_INET,
				     .sin_port = htons(53),
				     .sin_addr.s_addr = htonl(0xc0000201) };
	struct fdid id;
	bool r = false;

	if (fd >= 0 && fdid_get(fd, &id) == 0) {
		r = ops->connect(fd, (struct sockaddr *)&probe,
				 sizeof(probe)) < 0 && errno == ENETUNREACH;
		/* only if the program did not take the number meanwhile */
		fdid_close(fd, &id);
	}
	errno = saved;
	return r;
}
