/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls in a blocking region and the watchdog.  A worker marks the call
 * it blocks in (sv_block_begin/sv_block_end, no system call); a watchdog
 * thread passes the receive turn of a worker blocked for SV_RECEIVER_MS
 * on to another worker, checks SECCOMP_IOCTL_NOTIF_ID_VALID for every
 * call blocked for long, and once the program's thread has left the call
 * (it died, or without killable waits a signal ended it) interrupts the
 * worker with SV_SIGNAL, so that its own system call returns EINTR.
 *
 * Killable waits (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): a signal no
 * longer ends a call we received, so we look for it ourselves, every
 * WATCH_SIG_MS, in /proc/TID/status of the threads whose calls we hold,
 * and end the call as the kernel's own interrupted call would end
 * (sv_interrupted: -ERESTARTSYS, which the kernel turns into EINTR, or a
 * restart under SA_RESTART).  That answer needs the signal to be the
 * thread's own (the kernel then has it marked pending for the thread):
 * sent to the thread, or to a process of one thread.  A signal for a
 * process of several threads that another thread does not take within
 * two checks ends the held call with EINTR. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sv.h"

#define SV_SIGNAL SIGUSR1
#define WATCH_TICK_MS 1     /* watchdog tick while calls come */
#define WATCH_IDLE_TICKS 100 /* quiet ticks before it sleeps for good */
#define WATCH_CHECK_MS 20   /* NOTIF_ID_VALID checks of blocked calls */
#define WATCH_SIG_MS 5      /* killable waits: signals of held threads */
/* The kernel's ERESTARTSYS (include/linux/errno.h, not for userspace):
 * "interrupted; restart if the handler has SA_RESTART". */
#define SV_ERESTARTSYS 512

/* Calls in a blocking region: one slot per worker, filled by the worker
 * without a system call and read by the watchdog. */
struct slot {
	pthread_mutex_t lock;          /* the watchdog signals under it; */
	_Atomic(struct call *) call;   /* cleared under it */
	atomic_llong since;            /* CLOCK_MONOTONIC ns at begin */
	long long checked;             /* watchdog: last ID_VALID check */
	long long sig_checked;         /* watchdog: last signal check */
	long long sig_since;           /* the call (since) it was for */
	int shared_seen;               /* a process signal seen pending */
	int status;                    /* watchdog: /proc/TID/status open */
	pid_t status_tid;
	pthread_t thread;
	atomic_int used;
};
static struct slot slots[SV_MAX_WORKERS];
static atomic_int slot_hwm;
static _Thread_local struct slot *my_slot;

static bool killable;
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cond;      /* CLOCK_MONOTONIC, sv_serve_start */
enum { WD_FAST, WD_SLOW, WD_ASLEEP };
static atomic_int wd_mode;          /* WD_FAST: no need to wake it */

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct slot *slot_claim(void)
{
	for (int i = 0; i < SV_MAX_WORKERS; i++) {
		int expected = 0;

		if (atomic_compare_exchange_strong(&slots[i].used, &expected,
						   1)) {
			int h = atomic_load(&slot_hwm);

			while (h < i + 1 &&
			       !atomic_compare_exchange_weak(&slot_hwm, &h,
							     i + 1))
				;
			slots[i].thread = pthread_self();
			return &slots[i];
		}
	}
	return NULL;
}

static void slot_release(struct slot *s)
{
	if (s)
		atomic_store(&s->used, 0);
}

void sv_block_begin(struct call *c)
{
	struct slot *s = my_slot;

	if (!s)
		return;
	atomic_store(&s->since, now_ns());
	atomic_store(&s->call, c);
	if (atomic_load(&wd_mode) != WD_FAST) {
		pthread_mutex_lock(&wd_lock);
		pthread_cond_signal(&wd_cond);
		pthread_mutex_unlock(&wd_lock);
	}
}

void sv_block_end(struct call *c)
{
	struct slot *s = my_slot;

	(void)c;
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->call, NULL);
	pthread_mutex_unlock(&s->lock);
}

/* A number of a status text: key "\nSigPnd:\t" and its hexadecimal
 * mask, "\nThreads:\t" and its decimal count; 0 when it is not there. */
static unsigned long long status_num(const char *buf, const char *key,
				     int base)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, base) : 0;
}

/* Killable waits: does a signal wait for the thread of c, the call slot s
 * holds?  0 no, 1 one that is the thread's own (sent to it, or to a
 * process of one thread), 2 one for its process of several threads that
 * stayed pending since the last check, -1 the thread is gone. */
static int signal_waits(struct slot *s, struct call *c)
{
	char buf[4096];
	unsigned long long blk, deliverable, own, shared;
	ssize_t n;

	if (s->status_tid != c->tid) {
		char path[64];

		if (s->status >= 0)
			close(s->status);
		snprintf(path, sizeof(path), "/proc/%d/status", (int)c->tid);
		s->status = open(path, O_RDONLY | O_CLOEXEC);
		s->status_tid = c->tid;
		s->shared_seen = 0;
	}
	if (s->status < 0)
		return 0;
	n = pread(s->status, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	blk = status_num(buf, "\nSigBlk:\t", 16);
	deliverable = ~blk & ~status_num(buf, "\nSigIgn:\t", 16);
	own = status_num(buf, "\nSigPnd:\t", 16) & deliverable;
	shared = status_num(buf, "\nShdPnd:\t", 16) & deliverable;
	if (own || (shared && status_num(buf, "\nThreads:\t", 10) == 1))
		return 1;
	if (!shared) {
		s->shared_seen = 0;
		return 0;
	}
	return s->shared_seen++ ? 2 : 0;
}

static bool any_blocked(void)
{
	int h = atomic_load(&slot_hwm);

	for (int i = 0; i < h; i++)
		if (atomic_load(&slots[i].call))
			return true;
	return false;
}

/* Calls in blocking regions: how many, and how many of their workers
 * still hold the receive turn.  Passes the turn of those blocked for
 * SV_RECEIVER_MS, checks every WATCH_CHECK_MS that the notification is
 * still there and interrupts the worker of a call that went away.  The
 * slot lock keeps the call (on its worker's stack) alive meanwhile. */
static void scan(long long now, int *active, int *holding)
{
	int h = atomic_load(&slot_hwm);

	*active = *holding = 0;
	for (int i = 0; i < h; i++) {
		struct slot *s = &slots[i];
		struct call *c;
		long long since;

		if (!atomic_load(&s->call))
			continue;
		pthread_mutex_lock(&s->lock);
		c = atomic_load(&s->call);
		if (!c) {
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		(*active)++;
		since = atomic_load(&s->since);
		if (now && now - since >= SV_RECEIVER_MS * 1000000LL)
			sv_pass_turn(c);
		if (now && now - since >= WATCH_CHECK_MS * 1000000LL &&
		    now - s->checked >= WATCH_CHECK_MS * 1000000LL) {
			s->checked = now;
			if (!atomic_load(&c->cancelled) && !sv_id_valid(c))
				atomic_store(&c->cancelled, 1);
		}
		if (killable && now && !atomic_load(&c->cancelled) &&
		    now - since >= WATCH_SIG_MS * 1000000LL &&
		    now - s->sig_checked >= WATCH_SIG_MS * 1000000LL) {
			int w;

			if (s->sig_since != since) {
				s->sig_since = since;
				s->shared_seen = 0;
			}
			w = signal_waits(s, c);
			s->sig_checked = now;
			if (w == 1)
				atomic_store(&c->signalled, 1);
			if (w)
				atomic_store(&c->cancelled, 1);
		}
		if (now && atomic_load(&c->cancelled))
			pthread_kill(s->thread, SV_SIGNAL);
		if (atomic_load(&c->receiver))
			(*holding)++;
		pthread_mutex_unlock(&s->lock);
	}
}

/* The watchdog ticks every WATCH_TICK_MS while a blocked call holds the
 * receive turn or calls keep coming (then sv_block_begin costs no system
 * call), every WATCH_CHECK_MS while blocked calls only wait (a daemon in
 * recvfrom does not wake it 1000 times a second), and sleeps for good
 * after WATCH_IDLE_TICKS quiet ticks; sv_block_begin wakes it from the
 * two slow modes. */
static void *watchdog(void *arg)
{
	int quiet = 0, slow_ms;

	(void)arg;
	sv_batch_policy();
	for (;;) {
		int active, holding, mode;
		struct timespec dl;
		long long ms;

		scan(now_ns(), &active, &holding);
		quiet = active ? 0 : quiet + 1;
		if (holding || (!active && quiet < WATCH_IDLE_TICKS))
			mode = WD_FAST;
		else
			mode = active ? WD_SLOW : WD_ASLEEP;
		/* Held calls wait for their signals' checks. */
		slow_ms = killable ? WATCH_SIG_MS : WATCH_CHECK_MS;
		pthread_mutex_lock(&wd_lock);
		atomic_store(&wd_mode, mode);
		if (mode != WD_FAST) {
			/* A call that began before the store above did not
			 * wake us: look again. */
			scan(0, &active, &holding);
			if (holding)
				mode = WD_FAST;
			else if (active)
				mode = WD_SLOW;
			atomic_store(&wd_mode, mode);
		}
		if (mode == WD_ASLEEP) {
			while (!any_blocked())
				pthread_cond_wait(&wd_cond, &wd_lock);
			quiet = 0;
		} else {
			ms = mode == WD_FAST ? WATCH_TICK_MS : slow_ms;
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_nsec += ms * 1000000L;
			if (dl.tv_nsec >= 1000000000L) {
				dl.tv_sec++;
				dl.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&wd_cond, &wd_lock, &dl);
		}
		atomic_store(&wd_mode, WD_FAST);   /* awake: no need to wake us */
		pthread_mutex_unlock(&wd_lock);
	}
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
}

int sv_interrupted(struct call *c, int d, int opt)
{
	struct timeval tv = { 0, 0 };
	socklen_t l = sizeof(tv);

	if (!atomic_load(&c->signalled))
		return -EINTR;
	/* A socket with a timeout gives EINTR whatever SA_RESTART says
	 * (sock_intr_errno). */
	if (getsockopt(d, SOL_SOCKET, opt, &tv, &l) == 0 &&
	    (tv.tv_sec || tv.tv_usec))
		return -EINTR;
	return -SV_ERESTARTSYS;
}

void sv_watchdog_start(bool k)
{
	struct sigaction sa;
	pthread_condattr_t ca;
	pthread_t t;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;  /* no SA_RESTART: interrupt the call */
	sigemptyset(&sa.sa_mask);
	sigaction(SV_SIGNAL, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SV_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wd_cond, &ca);
	pthread_condattr_destroy(&ca);
	killable = k;
	for (int i = 0; i < SV_MAX_WORKERS; i++) {
		pthread_mutex_init(&slots[i].lock, NULL);
		slots[i].status = -1;
	}
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
}

void sv_watch_join(void)
{
	my_slot = slot_claim();
}

void sv_watch_leave(void)
{
	slot_release(my_slot);
	my_slot = NULL;
}
