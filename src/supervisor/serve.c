/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The notification loop.  One worker at a time holds the receive turn
 * (a semaphore): it waits in SECCOMP_IOCTL_NOTIF_RECV, handles what it
 * gets and goes on receiving, with no hand-off between threads (on a
 * virtual machine a cross-CPU wake-up costs more than the whole call).
 * Before a call it handles can block for long (a slow connect, a
 * recvfrom waiting for data), it passes the turn to another worker
 * (sv_pass_turn, starting one if none is idle), so a blocking call never
 * holds up the others.
 *
 * A watchdog thread checks SECCOMP_IOCTL_NOTIF_ID_VALID for every call in
 * a blocking region; once the program's thread has left the call (a
 * signal, or it died), the worker is interrupted with SV_SIGNAL so that
 * its own system call returns EINTR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sv.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define SV_SIGNAL SIGUSR1
#define MAX_IDLE 4
#define MAX_WORKERS 4096
#define WATCH_TICK_MS 20   /* NOTIF_ID_VALID checks of blocked calls */

static int listener = -1;
static atomic_int idle_workers, n_workers;
static size_t notif_size;
static atomic_int thread_pidfd_ok = 1;
/* The receive turn: only one worker waits in NOTIF_RECV at a time (a
 * notification wakes every waiter on the listener). */
static sem_t turn;
static int gone_fd = -1;

static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t block_cond = PTHREAD_COND_INITIALIZER;
static struct call *blocking;

static void on_signal(int sig)
{
	(void)sig;
}

bool sv_id_valid(const struct call *c)
{
	uint64_t id = c->id;

	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

void sv_block_begin(struct call *c)
{
	pthread_mutex_lock(&block_lock);
	c->next = blocking;
	blocking = c;
	pthread_cond_signal(&block_cond);
	pthread_mutex_unlock(&block_lock);
}

void sv_block_end(struct call *c)
{
	pthread_mutex_lock(&block_lock);
	for (struct call **p = &blocking; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&block_lock);
}

static int start_worker(void);

void sv_pass_turn(struct call *c)
{
	if (atomic_exchange(&c->receiver, 0)) {
		if (atomic_load(&idle_workers) == 0)
			start_worker();
		sem_post(&turn);
	}
}

/* Only wakes up (at most every WATCH_TICK_MS) while calls are blocked. */
static void *watchdog(void *arg)
{
	struct timespec tick = { 0, WATCH_TICK_MS * 1000000L };

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&block_lock);
		while (!blocking)
			pthread_cond_wait(&block_cond, &block_lock);
		pthread_mutex_unlock(&block_lock);
		nanosleep(&tick, NULL);
		pthread_mutex_lock(&block_lock);
		for (struct call *c = blocking; c; c = c->next) {
			if (!atomic_load(&c->cancelled) && !sv_id_valid(c))
				atomic_store(&c->cancelled, 1);
			if (atomic_load(&c->cancelled))
				pthread_kill(c->thread, SV_SIGNAL);
		}
		pthread_mutex_unlock(&block_lock);
	}
	return NULL;
}

/* ---------------------------------------------------------- target access */

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

static int sv_pidfd(struct call *c)
{
	int fd = -1;

	if (c->pidfd >= 0)
		return c->pidfd;
	if (atomic_load(&thread_pidfd_ok)) {
		fd = (int)syscall(SYS_pidfd_open, c->tid, PIDFD_THREAD);
		if (fd < 0 && errno == EINVAL)
			atomic_store(&thread_pidfd_ok, 0);
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
	return fd;
}

int sv_getfd(struct call *c, int fd)
{
	int p = sv_pidfd(c), r;

	if (p < 0)
		return p;
	r = (int)syscall(SYS_pidfd_getfd, p, fd, 0);
	return r < 0 ? -errno : r;
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
	r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	return r < 0 ? -errno : r;
}

/* ---------------------------------------------------------- workers */

static void reply(struct call *c, int64_t r)
{
	struct seccomp_notif_resp resp;

	memset(&resp, 0, sizeof(resp));
	resp.id = c->id;
	if (r == SV_CONTINUE) {
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else if (r < 0) {
		resp.error = (int32_t)r;
	} else {
		resp.val = r;
	}
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 &&
	    errno != ENOENT)
		log_msg(LOG_WARN, "NOTIF_SEND: errno %d", errno);
}

static void *worker(void *arg)
{
	void *buf = calloc(1, notif_size);

	(void)arg;
	if (!buf) {
		atomic_fetch_sub(&idle_workers, 1);
		atomic_fetch_sub(&n_workers, 1);
		return NULL;
	}
	/* Idle (counted in idle_workers by start_worker) until our turn. */
	while (sem_wait(&turn) < 0)
		;
	atomic_fetch_sub(&idle_workers, 1);
	for (;;) {
		struct seccomp_notif *req = buf;
		struct call c;
		int64_t r;

		memset(buf, 0, notif_size);
		r = ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOENT) {
				/* A notification that went away, or (recent
				 * kernels) no supervised task is left: then
				 * nothing can come any more. */
				struct pollfd p = { .fd = listener };

				if (poll(&p, 1, 0) == 1 &&
				    (p.revents & POLLHUP)) {
					uint64_t one = 1;

					if (write(gone_fd, &one, sizeof(one)) < 0)
						log_msg(LOG_DEBUG, "eventfd");
					sem_post(&turn);
					atomic_fetch_sub(&n_workers, 1);
					break;
				}
				continue;
			}
			log_msg(LOG_ERR, "NOTIF_RECV: errno %d", errno);
			sleep(1);
			continue;
		}

		memset(&c, 0, sizeof(c));
		c.id = req->id;
		c.tid = (pid_t)req->pid;
		c.nr = req->data.nr;
		memcpy(c.args, req->data.args, sizeof(c.args));
		c.pidfd = -1;
		c.thread = pthread_self();
		atomic_init(&c.cancelled, 0);
		atomic_init(&c.receiver, 1);
		r = sv_handle(&c);
		reply(&c, r);
		if (c.pidfd >= 0)
			close(c.pidfd);
		if (atomic_exchange(&c.receiver, 0))
			continue;   /* still our turn: receive the next one */

		/* The watchdog passed our turn on while we were blocked. */
		if (atomic_fetch_add(&idle_workers, 1) >= MAX_IDLE) {
			atomic_fetch_sub(&idle_workers, 1);
			atomic_fetch_sub(&n_workers, 1);
			break;
		}
		while (sem_wait(&turn) < 0)
			;
		atomic_fetch_sub(&idle_workers, 1);
	}
	free(buf);
	return NULL;
}

static int start_worker(void)
{
	pthread_attr_t at;
	pthread_t t;
	int r;

	if (atomic_fetch_add(&n_workers, 1) >= MAX_WORKERS) {
		atomic_fetch_sub(&n_workers, 1);
		log_msg(LOG_WARN, "%d calls blocked at once; not starting "
			"more threads", MAX_WORKERS);
		return -1;
	}
	atomic_fetch_add(&idle_workers, 1);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	r = pthread_create(&t, &at, worker, NULL);
	pthread_attr_destroy(&at);
	if (r) {
		atomic_fetch_sub(&idle_workers, 1);
		atomic_fetch_sub(&n_workers, 1);
		log_msg(LOG_ERR, "cannot start a thread (errno %d)", r);
		return -1;
	}
	return 0;
}

void sv_serve_start(int fd, int gone)
{
	struct seccomp_notif_sizes sz;
	struct sigaction sa;
	pthread_t t;
	sigset_t set;

	listener = fd;
	gone_fd = gone;
	/* Linux 6.6: switch to the supervisor on the same CPU. */
#ifndef SV_NO_SYNC
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	      SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
#endif
	notif_size = sizeof(struct seccomp_notif);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 &&
	    sz.seccomp_notif > notif_size)
		notif_size = sz.seccomp_notif;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: interrupt the call */
	sigemptyset(&sa.sa_mask);
	sigaction(SV_SIGNAL, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SV_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	sem_init(&turn, 0, 1);
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
	start_worker();
}
