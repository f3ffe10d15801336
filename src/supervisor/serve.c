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
 * Calls in a blocking region and the watchdog: watchdog.c; the target's
 * memory and descriptors: target.c; what each call does: handle.c. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sv.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#define MAX_IDLE 4

int sv_listener = -1;
static atomic_int idle_workers, n_workers;
static size_t notif_size;
/* The receive turn: only one worker waits in NOTIF_RECV at a time (a
 * notification wakes every waiter on the listener). */
static sem_t turn;
static int gone_fd = -1;

static int start_worker(void);

/* Notifications received per system call number, and how many we let
 * the kernel run as they were: logged at TNAT64_DEBUG 3 when the last
 * supervised task is gone (bench/run.sh counts trapped calls so). */
#define STAT_NR 512
static atomic_ulong stat_calls[STAT_NR], stat_continued;

void sv_serve_end(void)
{
	static const struct {
		int nr;
		const char *name;
	} names[] = {
		{ SYS_connect, "connect" }, { SYS_sendto, "sendto" },
		{ SYS_recvfrom, "recvfrom" }, { SYS_sendmsg, "sendmsg" },
		{ SYS_recvmsg, "recvmsg" }, { SYS_sendmmsg, "sendmmsg" },
		{ SYS_recvmmsg, "recvmmsg" },
		{ SYS_getsockname, "getsockname" },
		{ SYS_getpeername, "getpeername" },
		{ SYS_setsockopt, "setsockopt" },
		{ SYS_getsockopt, "getsockopt" },
	};
	char buf[400];
	size_t n = 0;
	unsigned long all = 0;

	if (log_level() < LOG_DEBUG)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned long v = atomic_load(&stat_calls[names[i].nr]);
		int k;

		all += v;
		if (!v)
			continue;
		k = snprintf(buf + n, sizeof(buf) - n, " %s=%lu",
			     names[i].name, v);
		if (k > 0 && (size_t)k < sizeof(buf) - n)
			n += (size_t)k;
	}
	buf[n] = '\0';
	log_msg(LOG_DEBUG, "notifications: %lu (continued %lu):%s", all,
		atomic_load(&stat_continued), buf);
}

/* SCHED_BATCH: our wake-ups do not preempt the program.  Most of them
 * come while the program's thread is running on after we answered it
 * (the end of SECCOMP_IOCTL_NOTIF_ADDFD, which waits for the program to
 * take the descriptor; the watchdog's tick): preempting it there costs
 * two context switches for nothing.  When the program waits for us, we
 * run at once as before: with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP we are
 * woken on the CPU it gives up.  Without that flag (before Linux 6.6) we
 * may be woken on a busy CPU, where not preempting would delay the
 * answer by a tick: then we stay SCHED_OTHER.  Same share of the CPU as
 * any process; unprivileged. */
static atomic_int sync_wakeups;

void sv_batch_policy(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	if (atomic_load(&sync_wakeups))
		pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
}

void sv_pass_turn(struct call *c)
{
	if (atomic_exchange(&c->receiver, 0)) {
		if (atomic_load(&idle_workers) == 0)
			start_worker();
		sem_post(&turn);
	}
}

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
	if (ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 &&
	    errno != ENOENT)
		log_msg(LOG_WARN, "NOTIF_SEND: errno %d", errno);
}

static void *worker(void *arg)
{
	void *buf = calloc(1, notif_size);

	(void)arg;
	sv_batch_policy();
	sv_watch_join();
	if (!buf) {
		sv_watch_leave();
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
		r = ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_RECV, req);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOENT) {
				/* A notification that went away, or (recent
				 * kernels) no supervised task is left: then
				 * nothing can come any more. */
				struct pollfd p = { .fd = sv_listener };

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
		atomic_init(&c.signalled, 0);
		atomic_init(&c.receiver, 1);
		if ((unsigned)c.nr < STAT_NR)
			atomic_fetch_add_explicit(&stat_calls[c.nr], 1,
						  memory_order_relaxed);
		r = sv_handle(&c);
		if (r == SV_CONTINUE)
			atomic_fetch_add_explicit(&stat_continued, 1,
						  memory_order_relaxed);
		if (r != SV_REPLIED)
			reply(&c, r);
		sv_call_done(&c);
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
	sv_target_thread_done();
	sv_uring_thread_done();
	sv_watch_leave();
	free(buf);
	return NULL;
}

static int start_worker(void)
{
	pthread_attr_t at;
	pthread_t t;
	int r;

	if (atomic_fetch_add(&n_workers, 1) >= SV_MAX_WORKERS) {
		atomic_fetch_sub(&n_workers, 1);
		log_msg(LOG_WARN, "%d calls blocked at once; not starting "
			"more threads", SV_MAX_WORKERS);
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

void sv_serve_start(int fd, int gone, bool killable)
{
	struct seccomp_notif_sizes sz;

	sv_listener = fd;
	gone_fd = gone;
	/* Each worker keeps pidfds and fdinfo files open (target.c): our
	 * own descriptor limit as high as allowed (the program, started
	 * already, keeps its own). */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
		    rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	/* Linux 6.6: switch to the supervisor on the same CPU. */
#ifndef SV_NO_SYNC
	if (ioctl(sv_listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
		atomic_store(&sync_wakeups, 1);
#endif
	notif_size = sizeof(struct seccomp_notif);
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0 &&
	    sz.seccomp_notif > notif_size)
		notif_size = sz.seccomp_notif;

	sem_init(&turn, 0, 1);
	sv_target_killable(killable);
	sv_watchdog_start(killable);
	start_worker();
}
