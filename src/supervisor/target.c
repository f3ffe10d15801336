/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Access to the target (seccomp_unotify(2): the program whose call a
 * notification stands for): its thread's pidfd, its descriptors
 * (pidfd_getfd), its memory (process_vm_readv/writev, checked with
 * SECCOMP_IOCTL_NOTIF_ID_VALID so that we read the right process), and
 * descriptors of ours installed in it (SECCOMP_IOCTL_NOTIF_ADDFD). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
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

bool sv_id_valid(const struct call *c)
{
	uint64_t id = c->id;

	return ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
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
	return r < 0 ? -errno : r;
}

/* With CAP_SYS_PTRACE (a supervisor run by root) every process we serve
 * can be inspected, dumpable or not, unless Yama forbids all attaching
 * (ptrace_scope 3). */
static bool may_inspect_all(void)
{
	static atomic_int v = -1;
	int x = atomic_load(&v);

	if (x < 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		char b[8] = "";
		int fd;

		memset(d, 0, sizeof(d));
		x = syscall(SYS_capget, &h, d) == 0 &&
		    (d[CAP_TO_INDEX(CAP_SYS_PTRACE)].effective &
		     CAP_TO_MASK(CAP_SYS_PTRACE));
		fd = open("/proc/sys/kernel/yama/ptrace_scope",
			  O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (read(fd, b, sizeof(b) - 1) > 0 && b[0] == '3')
				x = 0;
			close(fd);
		}
		atomic_store(&v, x);
	}
	return x;
}

bool sv_inspectable(struct call *c)
{
	int p, r;

	if (may_inspect_all())
		return true;
	p = sv_pidfd(c);
	if (p < 0)
		return false;
	/* Access is checked before the descriptor number: EBADF = allowed. */
	r = (int)syscall(SYS_pidfd_getfd, p, -1, 0);
	if (r >= 0) {
		close(r);
		return true;
	}
	if (errno == ESRCH && c->pidfd_cached) {
		pidfd_forget(c->tid);
		c->pidfd = -1;
		c->pidfd_cached = false;
		return sv_inspectable(c);
	}
	return errno != EPERM && errno != EACCES;
}

ssize_t sv_readv(struct call *c, void *buf, size_t len,
		 const struct iovec *riov, size_t n)
{
	struct iovec l = { buf, len };
	ssize_t r;

	if (len == 0)
		return 0;
	r = process_vm_readv(c->tid, &l, 1, riov, n, 0);
	if (r < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	/* Read from the right process: it still waits for our answer. */
	if (!sv_id_valid(c))
		return -ENOENT;
	return r;
}

ssize_t sv_writev(struct call *c, const void *buf, size_t len,
		  const struct iovec *riov, size_t n)
{
	struct iovec l = { (void *)buf, len };
	ssize_t r;

	if (len == 0)
		return 0;
	if (!sv_id_valid(c))
		return -ENOENT;
	r = process_vm_writev(c->tid, &l, 1, riov, n, 0);
	if (r < 0)
		return errno == ESRCH ? -ENOENT : -EFAULT;
	return r;
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

/* Close-on-exec of the program's fd, from /proc/TID/fdinfo/FD. */
static int remote_cloexec(pid_t tid, int fd)
{
	char path[64], buf[256];
	int f, v = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return 0;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n > 0) {
		char *p;

		buf[n] = '\0';
		p = strstr(buf, "flags:");
		if (p)
			v = (strtol(p + 6, NULL, 8) & O_CLOEXEC) != 0;
	}
	return v;
}

int sv_install(struct call *c, int srcfd, int fd)
{
	struct seccomp_notif_addfd a;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = c->id;
	a.flags = SECCOMP_ADDFD_FLAG_SETFD;
	a.srcfd = (uint32_t)srcfd;
	a.newfd = (uint32_t)fd;
	a.newfd_flags = remote_cloexec(c->tid, fd) ? O_CLOEXEC : 0;
	r = ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	return r < 0 ? -errno : r;
}

static atomic_int addfd_send_ok = 1;

int64_t sv_install_result(struct call *c, int srcfd, bool cloexec)
{
	struct seccomp_notif_addfd a;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = c->id;
	a.srcfd = (uint32_t)srcfd;
	a.newfd_flags = cloexec ? O_CLOEXEC : 0;
	if (atomic_load(&addfd_send_ok)) {
		a.flags = SECCOMP_ADDFD_FLAG_SEND;
		r = ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		if (r >= 0)
			return SV_REPLIED;
		if (errno != EINVAL)
			return -errno;
		atomic_store(&addfd_send_ok, 0);   /* before Linux 5.14 */
	}
	a.flags = 0;
	r = ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	return r < 0 ? -errno : r;
}

void sv_target_thread_done(void)
{
	for (unsigned i = 0; i < PIDFD_CACHE; i++)
		if (pidfd_cache[i].fd > 0)
			close(pidfd_cache[i].fd);
}
