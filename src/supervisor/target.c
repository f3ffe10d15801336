/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Access to the target (seccomp_unotify(2): the program whose call a
 * notification stands for): its thread's pidfd, its descriptors
 * (pidfd_getfd, /proc/TID/fdinfo), its memory (process_vm_readv/writev),
 * and descriptors of ours installed in it (SECCOMP_IOCTL_NOTIF_ADDFD).
 *
 * The right process: a thread id names the program's thread only while
 * that thread lives.  Whatever we read of the program is used only after
 * a proof, newer than the read, that the thread still waits for us: a
 * SECCOMP_IOCTL_NOTIF_ID_VALID check, or a pidfd_getfd through the
 * thread's own pidfd (it fails once the thread is gone), or an ADDFD
 * (refused once the notification is gone).  Before writing into its
 * memory we make sure the call is still pending (sv_writev): ID_VALID,
 * unless a proof newer than the last read says so already (an ADDFD, an
 * ID_VALID, or with killable waits a pidfd_getfd through the thread's
 * pidfd: such a thread leaves its wait only by our answer or by dying).
 * Every step costs a system call, so a handler reads what it needs
 * first, then proves, then acts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sv.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static atomic_int thread_pidfd_ok = 1;
static atomic_bool waits_killable;

void sv_target_killable(bool killable)
{
	atomic_store(&waits_killable, killable);
}

bool sv_id_valid(const struct call *c)
{
	uint64_t id = c->id;

	return ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int sv_confirm(struct call *c)
{
	if (c->live)
		return 0;
	if (!sv_id_valid(c))
		return -ENOENT;
	c->live = c->write_ok = true;
	return 0;
}

static int tgid_of(pid_t tid)
{
	char path[64], buf[512];
	int fd, tgid = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	{
		char *p = strstr(buf, "\nTgid:");

		if (p)
			tgid = (int)strtol(p + 6, NULL, 10);
	}
	return tgid > 0 ? tgid : -1;
}

/* Thread pidfds of the threads this worker served lately.  A cached
 * pidfd still names a live thread with that id, which can only be the
 * one waiting for us (thread ids are unique among live tasks); once that
 * thread is gone, pidfd_getfd fails with ESRCH and the entry is
 * refreshed.  Process pidfds (kernels without PIDFD_THREAD) are not
 * cached: the process of a dead thread's reused id may be another. */
#define PIDFD_CACHE 16
struct pidfd_entry {
	pid_t tid;
	int fd;
};
static _Thread_local struct pidfd_entry pidfd_cache[PIDFD_CACHE];
static _Thread_local unsigned pidfd_next;

static int pidfd_cached(pid_t tid)
{
	for (unsigned i = 0; i < PIDFD_CACHE; i++)
		if (pidfd_cache[i].tid == tid && pidfd_cache[i].fd > 0)
			return pidfd_cache[i].fd;
	return -1;
}

static void pidfd_forget(pid_t tid)
{
	for (unsigned i = 0; i < PIDFD_CACHE; i++) {
		if (pidfd_cache[i].tid == tid && pidfd_cache[i].fd > 0) {
			close(pidfd_cache[i].fd);
			pidfd_cache[i].tid = 0;
			pidfd_cache[i].fd = 0;
		}
	}
}

static void pidfd_remember(pid_t tid, int fd)
{
	struct pidfd_entry *e = &pidfd_cache[pidfd_next++ % PIDFD_CACHE];

	if (e->fd > 0)
		close(e->fd);
	e->tid = tid;
	e->fd = fd;
}

static int sv_pidfd(struct call *c)
{
	int fd = -1;
	bool thread = false;

	if (c->pidfd >= 0)
		return c->pidfd;
	fd = pidfd_cached(c->tid);
	if (fd >= 0) {
		c->pidfd = fd;
		c->pidfd_cached = true;
		return fd;
	}
	if (atomic_load(&thread_pidfd_ok)) {
		fd = (int)syscall(SYS_pidfd_open, c->tid, PIDFD_THREAD);
		if (fd < 0 && errno == EINVAL)
			atomic_store(&thread_pidfd_ok, 0);
		thread = fd >= 0;
	}
	if (fd < 0) {
		int tgid = tgid_of(c->tid);

		if (tgid < 0)
			return -ESRCH;
		fd = (int)syscall(SYS_pidfd_open, tgid, 0);
	}
	if (fd < 0)
		return -errno;
	/* The thread could have died and its id been reused before the
	 * open: the notification still pending proves it did not. */
	if (!sv_id_valid(c)) {
		close(fd);
		return -ENOENT;
	}
	c->live = c->write_ok = true;
	c->pidfd = fd;
	if (thread && fd > 0) {
		pidfd_remember(c->tid, fd);
		c->pidfd_cached = true;
	}
	return fd;
}

void sv_call_done(struct call *c)
{
	if (c->pidfd >= 0 && !c->pidfd_cached)
		close(c->pidfd);
	c->pidfd = -1;
}

int sv_getfd(struct call *c, int fd)
{
	int p = sv_pidfd(c), r;

	if (p < 0)
		return p;
	r = (int)syscall(SYS_pidfd_getfd, p, fd, 0);
	if (r < 0 && errno == ESRCH && c->pidfd_cached) {
		/* The cached thread is gone: this one reuses its id. */
		pidfd_forget(c->tid);
		c->pidfd = -1;
		c->pidfd_cached = false;
		p = sv_pidfd(c);
		if (p < 0)
			return p;
		r = (int)syscall(SYS_pidfd_getfd, p, fd, 0);
	}
	if (r < 0)
		return -errno;
	/* Through the thread's own pidfd: it lives, so what we read of it
	 * before came from the right process, and with killable waits it
	 * still waits for our answer. */
	if (c->pidfd_cached) {
		c->live = true;
		if (atomic_load_explicit(&waits_killable, memory_order_relaxed))
			c->write_ok = true;
	}
	return r;
}

/* ---------------------------------------------------------- fdinfo */

/* Open /proc/TID/fdinfo/FD files of this worker, read again with pread
 * for every use: the kernel looks the descriptor up at each read, so one
 * system call tells the inode, status flags and close-on-exec flag of
 * whatever the program holds under that number now.  A file stays bound
 * to the thread it was opened for: once that thread is gone its reads
 * fail (ENOENT, ESRCH), even if another thread gets the same id. */
#define FDINFO_CACHE 32
struct fdinfo_entry {
	pid_t tid;
	int fd;          /* the program's descriptor number */
	int file;        /* ours, > 0 when used */
};
static _Thread_local struct fdinfo_entry fdinfo_cache[FDINFO_CACHE];
static _Thread_local unsigned fdinfo_next;

static struct fdinfo_entry *fdinfo_find(pid_t tid, int fd)
{
	for (unsigned i = 0; i < FDINFO_CACHE; i++)
		if (fdinfo_cache[i].file > 0 && fdinfo_cache[i].tid == tid &&
		    fdinfo_cache[i].fd == fd)
			return &fdinfo_cache[i];
	return NULL;
}

bool sv_fdinfo_cached(const struct call *c, int fd)
{
	return fdinfo_find(c->tid, fd) != NULL;
}

static void fdinfo_drop(struct fdinfo_entry *e)
{
	close(e->file);
	memset(e, 0, sizeof(*e));
}

/* "flags:\t0NNN" (octal, O_CLOEXEC included) and "ino:\tNNN". */
static int fdinfo_parse(char *buf, struct sv_fdinfo *out)
{
	char *f = strstr(buf, "flags:"), *i = strstr(buf, "\nino:"), *end;
	unsigned long long ino;
	long fl;

	if (!f || !i)
		return -EIO;
	errno = 0;
	fl = strtol(f + 6, &end, 8);
	if (errno || end == f + 6)
		return -EIO;
	ino = strtoull(i + 5, &end, 10);
	if (errno || end == i + 5)
		return -EIO;
	out->flags = (int)fl & ~O_CLOEXEC;
	out->cloexec = (fl & O_CLOEXEC) != 0;
	out->ino = ino;
	return 0;
}

int sv_fdinfo(struct call *c, int fd, struct sv_fdinfo *out)
{
	struct fdinfo_entry *e = fdinfo_find(c->tid, fd);
	char buf[256];
	ssize_t n;
	int tries;

	if (fd < 0)
		return -EBADF;
	for (tries = 0; tries < 2; tries++) {
		if (!e) {
			char path[64];
			int f;

			snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d",
				 (int)c->tid, fd);
			f = open(path, O_RDONLY | O_CLOEXEC);
			if (f < 0) {
				if (errno == EACCES || errno == EPERM)
					return SV_NOT_INSPECTABLE;
				/* No such descriptor, or the thread is gone
				 * (then the notification is too). */
				return errno == ENOENT ? -EBADF : -errno;
			}
			e = &fdinfo_cache[fdinfo_next++ % FDINFO_CACHE];
			if (e->file > 0)
				close(e->file);
			e->tid = c->tid;
			e->fd = fd;
			e->file = f;
		}
		n = pread(e->file, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			return fdinfo_parse(buf, out);
		}
		/* The descriptor was closed (ENOENT), or the entry's thread
		 * is gone (another one has its id now): open it again. */
		fdinfo_drop(e);
		e = NULL;
	}
	return -EBADF;
}

/* ---------------------------------------------------------- memory */

ssize_t sv_read_into(struct call *c, const struct iovec *liov, size_t ln,
		    const struct iovec *riov, size_t rn)
{
	ssize_t r;

	c->live = c->write_ok = false;
	r = process_vm_readv(c->tid, liov, ln, riov, rn, 0);
	if (r >= 0)
		return r;
	if (errno == ESRCH)
		return -ENOENT;
	/* A process that made itself non-dumpable: we may not look. */
	return errno == EPERM || errno == EACCES ? -EPERM : -EFAULT;
}

ssize_t sv_readv(struct call *c, void *buf, size_t len,
		 const struct iovec *riov, size_t n)
{
	struct iovec l = { buf, len };

	return len ? sv_read_into(c, &l, 1, riov, n) : 0;
}

ssize_t sv_write_into(struct call *c, const struct iovec *liov, size_t ln,
		      const struct iovec *riov, size_t rn)
{
	ssize_t r;

	/* The first write since our last read: the thread must still be
	 * ours right now. */
	if (!c->write_ok) {
		if (!sv_id_valid(c))
			return -ENOENT;
		c->live = c->write_ok = true;
	}
	r = process_vm_writev(c->tid, liov, ln, riov, rn, 0);
	if (r < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	return r;
}

ssize_t sv_writev(struct call *c, const void *buf, size_t len,
		  const struct iovec *riov, size_t n)
{
	struct iovec l = { (void *)buf, len };

	return len ? sv_write_into(c, &l, 1, riov, n) : 0;
}

int sv_read(struct call *c, uint64_t addr, void *buf, size_t len)
{
	struct iovec r = { (void *)(uintptr_t)addr, len };
	ssize_t n = sv_readv(c, buf, len, &r, 1);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EFAULT;
}

int sv_write(struct call *c, uint64_t addr, const void *buf, size_t len)
{
	struct iovec r = { (void *)(uintptr_t)addr, len };
	ssize_t n = sv_writev(c, buf, len, &r, 1);

	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* ---------------------------------------------------------- ADDFD */

int sv_install(struct call *c, int srcfd, int fd, bool cloexec)
{
	struct seccomp_notif_addfd a;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = c->id;
	a.flags = SECCOMP_ADDFD_FLAG_SETFD;
	a.srcfd = (uint32_t)srcfd;
	a.newfd = (uint32_t)fd;
	a.newfd_flags = cloexec ? O_CLOEXEC : 0;
	r = ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	if (r < 0)
		return -errno;
	/* The program's thread took it: it still waits for us. */
	c->live = c->write_ok = true;
	return r;
}

void sv_target_thread_done(void)
{
	for (unsigned i = 0; i < PIDFD_CACHE; i++)
		if (pidfd_cache[i].fd > 0)
			close(pidfd_cache[i].fd);
	for (unsigned i = 0; i < FDINFO_CACHE; i++)
		if (fdinfo_cache[i].file > 0)
			close(fdinfo_cache[i].file);
}
