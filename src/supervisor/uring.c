/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SOL_SOCKET getsockopt(2) of many options in one system call: an
 * io_uring of each worker thread, one IORING_OP_URING_CMD with
 * SOCKET_URING_OP_GETSOCKOPT per option (Linux 6.7; the kernel takes
 * only SOL_SOCKET there), all submitted and reaped by one io_uring_enter.
 * The kernel runs them at once in that call (no worker thread of its
 * own, nothing that waits).  A replaced socket's options (replace.c,
 * src/common/sockopt.c) are read so: 15 system calls become one.
 *
 * Where it cannot (an older kernel, io_uring disabled by
 * kernel.io_uring_disabled or a container's seccomp profile, any
 * surprise), sv_uring_getsockopts says so and the options are read one
 * by one, as before.  Our rings are our own: the program's io_uring is
 * refused by the filter (filter.c), ours is not under it.
 *
 * Written with raw system calls and our own view of the 64-byte
 * submission entry, so that it builds with older kernel headers. */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sv.h"

#define RING_ENTRIES 16
#define OP_URING_CMD 46               /* IORING_OP_URING_CMD (5.19) */
#define SOCKET_OP_GETSOCKOPT 2        /* SOCKET_URING_OP_GETSOCKOPT (6.7) */

/* struct io_uring_sqe as Linux 6.7 lays out a socket command. */
struct sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t ioprio;
	int32_t fd;
	uint32_t cmd_op;
	uint32_t pad1;
	uint32_t level;
	uint32_t optname;
	uint32_t len;
	uint32_t rw_flags;
	uint64_t user_data;
	uint16_t buf_index;
	uint16_t personality;
	uint32_t optlen;
	uint64_t optval;
	uint64_t pad3;
};
_Static_assert(sizeof(struct sqe) == 64, "io_uring_sqe is 64 bytes");
_Static_assert(offsetof(struct sqe, level) == 16, "sqe level");
_Static_assert(offsetof(struct sqe, user_data) == 32, "sqe user_data");
_Static_assert(offsetof(struct sqe, optlen) == 44, "sqe optlen");
_Static_assert(offsetof(struct sqe, optval) == 48, "sqe optval");

struct ring {
	int fd;                 /* > 0 when set up */
	void *sq_map, *cq_map;
	size_t sq_len, cq_len;
	struct sqe *sqes;
	_Atomic unsigned *sq_tail, *cq_head, *cq_tail;
	unsigned *sq_mask, *sq_array, *cq_mask;
	struct io_uring_cqe *cqes;
};

static _Thread_local struct ring ring;
static _Thread_local int ring_failed;   /* this thread gave up */
static atomic_int no_uring;             /* the kernel cannot */

static void ring_free(void)
{
	if (ring.sqes)
		munmap(ring.sqes, RING_ENTRIES * sizeof(struct sqe));
	if (ring.cq_map && ring.cq_map != ring.sq_map)
		munmap(ring.cq_map, ring.cq_len);
	if (ring.sq_map)
		munmap(ring.sq_map, ring.sq_len);
	if (ring.fd > 0)
		close(ring.fd);
	memset(&ring, 0, sizeof(ring));
}

static void *map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static int ring_setup(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(SYS_io_uring_setup, RING_ENTRIES, &p);
	if (fd < 0)
		return -errno;
	ring.fd = fd;
	if (p.sq_entries < RING_ENTRIES)
		goto fail;
	ring.sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	ring.cq_len = p.cq_off.cqes +
		      p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (ring.cq_len > ring.sq_len)
			ring.sq_len = ring.cq_len;
		ring.sq_map = map(fd, ring.sq_len, IORING_OFF_SQ_RING);
		ring.cq_map = ring.sq_map;
	} else {
		ring.sq_map = map(fd, ring.sq_len, IORING_OFF_SQ_RING);
		ring.cq_map = map(fd, ring.cq_len, IORING_OFF_CQ_RING);
	}
	ring.sqes = map(fd, p.sq_entries * sizeof(struct sqe), IORING_OFF_SQES);
	if (!ring.sq_map || !ring.cq_map || !ring.sqes)
		goto fail;
	ring.sq_tail = (void *)((char *)ring.sq_map + p.sq_off.tail);
	ring.sq_mask = (void *)((char *)ring.sq_map + p.sq_off.ring_mask);
	ring.sq_array = (void *)((char *)ring.sq_map + p.sq_off.array);
	ring.cq_head = (void *)((char *)ring.cq_map + p.cq_off.head);
	ring.cq_tail = (void *)((char *)ring.cq_map + p.cq_off.tail);
	ring.cq_mask = (void *)((char *)ring.cq_map + p.cq_off.ring_mask);
	ring.cqes = (void *)((char *)ring.cq_map + p.cq_off.cqes);
	return 0;
fail:
	ring_free();
	return -ENOMEM;
}

/* Give up on the batch: for this thread (a ring that misbehaved), or for
 * all (the kernel has no such command). */
static int give_up(bool kernel, int err)
{
	if (kernel) {
		if (!atomic_exchange(&no_uring, 1))
			log_msg(LOG_DEBUG, "io_uring socket commands: errno %d; "
				"options read one by one", err);
	} else {
		ring_failed = 1;
		log_msg(LOG_DEBUG, "io_uring: errno %d; options read one by "
			"one in this thread", err);
	}
	ring_free();
	return -1;
}

/* The n reads on this thread's ring (set up): 0 when each req has its
 * result, -1 when the ring failed (given up). */
static int batch(int fd, struct sockopt_req *req, unsigned n)
{
	unsigned tail, head, ctail, got = 0;
	long r;

	tail = atomic_load_explicit(ring.sq_tail, memory_order_relaxed);
	for (unsigned i = 0; i < n; i++) {
		unsigned idx = (tail + i) & *ring.sq_mask;
		struct sqe *e = &ring.sqes[idx];

		memset(e, 0, sizeof(*e));
		e->opcode = OP_URING_CMD;
		e->fd = fd;
		e->cmd_op = SOCKET_OP_GETSOCKOPT;
		e->level = SOL_SOCKET;
		e->optname = (uint32_t)req[i].name;
		e->optval = (uint64_t)(uintptr_t)req[i].val;
		e->optlen = req[i].len;
		e->user_data = i;
		ring.sq_array[idx] = idx;
		req[i].err = -1;
	}
	atomic_store_explicit(ring.sq_tail, tail + n, memory_order_release);
	r = syscall(SYS_io_uring_enter, ring.fd, n, n, IORING_ENTER_GETEVENTS,
		    NULL, 0);
	if (r != (long)n)
		return give_up(false, r < 0 ? errno : EIO);
	head = atomic_load_explicit(ring.cq_head, memory_order_relaxed);
	ctail = atomic_load_explicit(ring.cq_tail, memory_order_acquire);
	for (; head != ctail; head++) {
		const struct io_uring_cqe *q = &ring.cqes[head & *ring.cq_mask];

		if (q->user_data >= n || req[q->user_data].err != -1)
			continue;
		req[q->user_data].err = q->res < 0 ? -q->res : 0;
		if (q->res >= 0)
			req[q->user_data].len = (socklen_t)q->res;
		got++;
	}
	atomic_store_explicit(ring.cq_head, head, memory_order_release);
	if (got != n)
		return give_up(false, EIO);
	/* All refused as an operation the socket has no command for (a
	 * protocol without them: reading SO_REUSEADDR and the like never
	 * fails otherwise): read them one by one. */
	for (unsigned i = 0; i < n; i++)
		if (req[i].err != EOPNOTSUPP && req[i].err != EINVAL)
			return 0;
	return -1;
}

/* Whether this kernel has socket commands (6.7), asked once of a UDP
 * socket: before 6.7 a socket has none (EOPNOTSUPP), before 5.19 the
 * operation does not exist (EINVAL). */
static bool kernel_has_commands(void)
{
	static atomic_int known;   /* 0 unknown, 1 yes, -1 no */
	int k = atomic_load(&known), s, v = 0, r;
	struct sockopt_req q = { SO_TYPE, &v, sizeof(v), 0 };

	if (k)
		return k > 0;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	r = batch(s, &q, 1);
	close(s);
	if (r < 0)
		return false;
	k = q.err == EOPNOTSUPP || q.err == EINVAL ? -1 : 1;
	atomic_store(&known, k);
	if (k < 0)
		give_up(true, q.err);
	return k > 0;
}

int sv_uring_getsockopts(int fd, struct sockopt_req *req, unsigned n)
{
	if (n == 0)
		return 0;
	if (n > RING_ENTRIES || ring_failed ||
	    atomic_load_explicit(&no_uring, memory_order_relaxed))
		return -1;
	if (ring.fd <= 0) {
		int e = ring_setup();

		if (e < 0)
			return give_up(e == -ENOSYS || e == -EPERM, -e);
	}
	if (!kernel_has_commands())
		return -1;
	return batch(fd, req, n);
}

void sv_uring_thread_done(void)
{
	ring_free();
}
