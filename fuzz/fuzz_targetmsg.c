/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The supervisor's readers and writers of another process's memory
 * (src/supervisor/targetmsg.c): socket addresses, iovec lists and
 * message headers that a program hands to sendmsg, getsockname and the
 * like, read once into our copies and written back within the program's
 * lengths.  The program's memory is simulated: one block of bytes at
 * address MEM_BASE (the end of the input), everything else unmapped, as
 * process_vm_readv(2) would see it.
 *
 * Input: op(1) gone(1) a(8) b(8) c(8) d(8) e(8) f(8) g(8), then the
 * memory.  Ops (op % 4):
 *   0  sv_read_sockaddr(a, b)
 *   1  sv_write_sockaddr(a, b, sockaddr of c % 129 bytes)
 *   2  sv_read_iov_list(a, b % 1100)
 *   3  sv_read_send_msg(msghdr{ name a, namelen b, iov c, iovlen d %
 *      1100, control e, controllen f % 70000 })
 * gone & 1: the program went away (every access -ENOENT).
 *
 * Checks: the result is 0 or one of the errors each function documents;
 * every byte we copied is the program's byte at that address, read
 * independently here; lengths within the limits of sv.h; a write touches
 * nothing outside the program's sockaddr (at most its length) and the
 * length word; nothing leaks (ASan). */
#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "fuzz.h"
#include "../src/supervisor/sv.h"

#define MEM_BASE 0x10000u

static uint8_t *mem;
static size_t mem_len;
static bool gone;

static bool in_mem(uint64_t addr, size_t len)
{
	return addr >= MEM_BASE && addr - MEM_BASE <= mem_len &&
	       len <= mem_len - (addr - MEM_BASE);
}

/* The supervisor's accessors (target.c), over the simulated memory. */
int sv_read(struct call *c, uint64_t addr, void *buf, size_t len)
{
	(void)c;
	if (gone)
		return -ENOENT;
	if (!in_mem(addr, len))
		return -EFAULT;
	if (len)
		memcpy(buf, mem + (addr - MEM_BASE), len);
	return 0;
}

int sv_write(struct call *c, uint64_t addr, const void *buf, size_t len)
{
	(void)c;
	if (gone)
		return -ENOENT;
	if (!in_mem(addr, len))
		return -EFAULT;
	if (len)
		memcpy(mem + (addr - MEM_BASE), buf, len);
	return 0;
}

/* process_vm_readv/writev: pieces in order, a short count at the first
 * one that cannot be accessed, -EFAULT when that is the first. */
static ssize_t xfer(const struct iovec *liov, size_t ln,
		    const struct iovec *riov, size_t rn, bool write)
{
	size_t li = 0, lo = 0, done = 0;

	if (gone)
		return -ENOENT;
	for (size_t ri = 0; ri < rn; ri++) {
		uint64_t at = (uintptr_t)riov[ri].iov_base;
		size_t left = riov[ri].iov_len;

		if (!left)
			continue;   /* never looked at, as by the kernel */
		if (!in_mem(at, left))
			return done ? (ssize_t)done : -EFAULT;
		while (left && li < ln) {
			size_t k = liov[li].iov_len - lo;

			if (k > left)
				k = left;
			if (write)
				memcpy(mem + (at - MEM_BASE),
				       (uint8_t *)liov[li].iov_base + lo, k);
			else
				memcpy((uint8_t *)liov[li].iov_base + lo,
				       mem + (at - MEM_BASE), k);
			at += k;
			left -= k;
			lo += k;
			done += k;
			if (lo == liov[li].iov_len) {
				li++;
				lo = 0;
			}
		}
		if (li == ln)
			break;
	}
	return (ssize_t)done;
}

ssize_t sv_read_into(struct call *c, const struct iovec *liov, size_t ln,
		     const struct iovec *riov, size_t rn)
{
	(void)c;
	return xfer(liov, ln, riov, rn, false);
}

ssize_t sv_readv(struct call *c, void *buf, size_t len,
		 const struct iovec *riov, size_t n)
{
	struct iovec l = { buf, len };

	return sv_read_into(c, &l, 1, riov, n);
}

ssize_t sv_write_into(struct call *c, const struct iovec *liov, size_t ln,
		      const struct iovec *riov, size_t rn)
{
	(void)c;
	return xfer(liov, ln, riov, rn, true);
}

ssize_t sv_writev(struct call *c, const void *buf, size_t len,
		  const struct iovec *riov, size_t n)
{
	struct iovec l = { (void *)buf, len };

	return sv_write_into(c, &l, 1, riov, n);
}

static bool is_err(int r, int a, int b, int c, int d)
{
	return r == a || r == b || r == c || r == d;
}

static void op_read_sockaddr(struct call *c, uint64_t a, uint64_t b)
{
	struct sockaddr_storage ss;
	socklen_t len = 12345;
	int r = sv_read_sockaddr(c, a, b, &ss, &len);
	bool bad_len = (int)b < 0 || b > sizeof(ss);

	if (r < 0) {
		FUZZ_ASSERT(is_err(r, -EINVAL, -EFAULT, -ENOENT, -EINVAL));
		FUZZ_ASSERT((r == -EINVAL) == bad_len);
		if (r == -EFAULT)
			FUZZ_ASSERT(!gone && !in_mem(a, (size_t)b));
		return;
	}
	FUZZ_ASSERT(!bad_len && len == (socklen_t)b);
	FUZZ_ASSERT(len == 0 || memcmp(&ss, mem + (a - MEM_BASE), len) == 0);
	for (size_t i = len; i < sizeof(ss); i++)
		FUZZ_ASSERT(((uint8_t *)&ss)[i] == 0);
}

static void op_write_sockaddr(struct call *c, uint64_t a, uint64_t b,
			      uint64_t sel)
{
	uint8_t sa[128], *before = NULL;
	socklen_t salen = (socklen_t)(sel % 129);
	int ulen = -1;
	size_t put;
	bool can_read;
	int r;

	for (size_t i = 0; i < sizeof(sa); i++)
		sa[i] = (uint8_t)(0xa5 ^ i ^ sel);
	can_read = !gone && b && in_mem(b, sizeof(int));
	if (can_read)
		memcpy(&ulen, mem + (b - MEM_BASE), sizeof(ulen));
	if (mem_len) {
		before = malloc(mem_len);
		if (!before)
			abort();
		memcpy(before, mem, mem_len);
	}
	r = sv_write_sockaddr(c, a, b, sa, salen);
	if (r < 0) {
		FUZZ_ASSERT(is_err(r, -EFAULT, -EINVAL, -ENOENT, -EFAULT));
		if (r == -EINVAL)
			FUZZ_ASSERT(can_read && ulen < 0);
		if (r == -ENOENT)
			FUZZ_ASSERT(gone);
	} else {
		FUZZ_ASSERT(can_read && ulen >= 0);
	}
	/* Nothing written outside [a, a + put) and [b, b + 4). */
	put = can_read && ulen >= 0 ? ((size_t)ulen < salen ? (size_t)ulen
							    : salen) : 0;
	for (size_t i = 0; i < mem_len; i++) {
		uint64_t at = MEM_BASE + i;
		bool in_sa = at >= a && at - a < put;
		bool in_len = at >= b && at - b < sizeof(int);

		if (!in_sa && !in_len)
			FUZZ_ASSERT(mem[i] == before[i]);
	}
	/* Written as asked when the two do not overlap. */
	if (r == 0 && (a + put <= b || b + sizeof(int) <= a)) {
		int got;

		memcpy(&got, mem + (b - MEM_BASE), sizeof(got));
		FUZZ_ASSERT(got == (int)salen);
		FUZZ_ASSERT(put == 0 || memcmp(mem + (a - MEM_BASE), sa, put) == 0);
	}
	free(before);
}

/* The bytes of an iovec list, counted independently; *ok false when a
 * piece that is not empty lies outside the memory. */
static long long ref_total(const struct iovec *v, size_t n, bool *ok)
{
	unsigned long long t = 0;

	*ok = true;
	for (size_t i = 0; i < n; i++) {
		t += v[i].iov_len;
		if (v[i].iov_len &&
		    !in_mem((uintptr_t)v[i].iov_base, v[i].iov_len))
			*ok = false;
	}
	return (long long)t;
}

static void op_read_iov_list(struct call *c, uint64_t a, size_t n)
{
	struct iovec *v = (struct iovec *)1;
	size_t total = 77;
	int r = sv_read_iov_list(c, a, n, &v, &total);

	if (r < 0) {
		FUZZ_ASSERT(v == NULL);
		FUZZ_ASSERT(r == -EMSGSIZE || r == -EFAULT || r == -ENOENT ||
			    r == -EINVAL || r == -ENOMEM);
		FUZZ_ASSERT((r == -EMSGSIZE) == (n > SV_MMSG_MAX));
		return;
	}
	if (n == 0) {
		FUZZ_ASSERT(v == NULL && total == 0);
		return;
	}
	FUZZ_ASSERT(!gone && in_mem(a, n * sizeof(*v)));
	FUZZ_ASSERT(memcmp(v, mem + (a - MEM_BASE), n * sizeof(*v)) == 0);
	{
		size_t t = 0;

		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT((ssize_t)v[i].iov_len >= 0);
			t += v[i].iov_len;
			FUZZ_ASSERT(t >= v[i].iov_len);
		}
		FUZZ_ASSERT(t == total);
	}
	free(v);
}

static void op_read_send_msg(struct call *c, uint64_t a, uint64_t b,
			     uint64_t ciov, size_t n, uint64_t ctl,
			     size_t ctllen)
{
	struct msghdr m = {
		.msg_name = (void *)(uintptr_t)a,
		.msg_namelen = (socklen_t)b,
		.msg_iov = (struct iovec *)(uintptr_t)ciov,
		.msg_iovlen = n,
		.msg_control = (void *)(uintptr_t)ctl,
		.msg_controllen = ctllen,
	};
	struct sv_lmsg lm;
	int r = sv_read_send_msg(c, &m, &lm);
	const struct iovec *rv;
	size_t off = 0;
	bool ok;

	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL || r == -EFAULT || r == -ENOENT ||
			    r == -EMSGSIZE || r == -ENOBUFS || r == -ENOMEM);
		return;
	}
	FUZZ_ASSERT(!gone);
	/* the name, as sv_read_sockaddr reads it */
	if (a && (socklen_t)b) {
		FUZZ_ASSERT(lm.namelen == (socklen_t)b &&
			    lm.namelen <= sizeof(lm.name));
		FUZZ_ASSERT(memcmp(&lm.name, mem + (a - MEM_BASE),
				   lm.namelen) == 0);
	} else {
		FUZZ_ASSERT(lm.namelen == 0);
	}
	/* the data: every piece of the program's list, in order */
	if (n) {
		FUZZ_ASSERT(in_mem(ciov, n * sizeof(struct iovec)));
		rv = (const struct iovec *)(mem + (ciov - MEM_BASE));
		/* the list may be unaligned in the simulated memory */
		struct iovec *copy = malloc(n * sizeof(*copy));

		if (!copy)
			abort();
		memcpy(copy, rv, n * sizeof(*copy));
		FUZZ_ASSERT(ref_total(copy, n, &ok) == (long long)lm.iov.iov_len);
		FUZZ_ASSERT(ok && lm.iov.iov_len <= SV_SEND_MAX);
		for (size_t i = 0; i < n; i++) {
			if (copy[i].iov_len)
				FUZZ_ASSERT(memcmp((uint8_t *)lm.iov.iov_base + off,
						   mem + ((uintptr_t)copy[i].iov_base -
							  MEM_BASE),
						   copy[i].iov_len) == 0);
			off += copy[i].iov_len;
		}
		free(copy);
	} else {
		FUZZ_ASSERT(lm.iov.iov_len == 0);
	}
	/* the control messages, byte for byte */
	if (ctl && ctllen) {
		FUZZ_ASSERT(lm.ctllen == ctllen && ctllen <= SV_CTL_MAX);
		FUZZ_ASSERT(memcmp(lm.ctl, mem + (ctl - MEM_BASE), ctllen) == 0);
	} else {
		FUZZ_ASSERT(lm.ctl == NULL && lm.ctllen == 0);
	}
	sv_lmsg_free(&lm);
	FUZZ_ASSERT(lm.iov.iov_base == NULL && lm.ctl == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct call call;
	struct fuzz_in in = { data, size };
	uint8_t op = fuzz_u8(&in);
	uint64_t v[7];

	gone = fuzz_u8(&in) & 1;
	for (int i = 0; i < 7; i++) {
		uint32_t lo = fuzz_u32(&in), hi = fuzz_u32(&in);

		v[i] = (uint64_t)hi << 32 | lo;
	}
	mem = (uint8_t *)fuzz_rest(&in, &mem_len, 0);
	switch (op % 4) {
	case 0:
		op_read_sockaddr(&call, v[0], v[1]);
		break;
	case 1:
		op_write_sockaddr(&call, v[0], v[1], v[2]);
		break;
	case 2:
		op_read_iov_list(&call, v[0], (size_t)(v[1] % 1100));
		break;
	default:
		op_read_send_msg(&call, v[0], v[1], v[2], (size_t)(v[3] % 1100),
				 v[4], (size_t)(v[5] % 70000));
		break;
	}
	free(mem);
	mem = NULL;
	return 0;
}
