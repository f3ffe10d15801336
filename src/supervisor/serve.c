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
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
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
#define WATCH_TICK_MS 1     /* watchdog tick while calls come */
#define WATCH_IDLE_TICKS 100 /* quiet ticks before it sleeps for good */
#define WATCH_CHECK_MS 20   /* NOTIF_ID_VALID checks of blocked calls */

static int listener = -1;
static atomic_int idle_workers, n_workers;
static size_t notif_size;
static atomic_int thread_pidfd_ok = 1;
/* The receive turn: only one worker waits in NOTIF_RECV at a time (a
 * notification wakes every waiter on the listener). */
static sem_t turn;
static int gone_fd = -1;

static void on_signal(int sig)
{
	(void)sig;
}

bool sv_id_valid(const struct call *c)
{
	uint64_t id = c->id;

	return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Calls in a blocking region: one slot per worker, filled by the worker
 * without a system call and read by the watchdog. */
struct slot {
	pthread_mutex_t lock;          /* the watchdog signals under it; */
	_Atomic(struct call *) call;   /* cleared under it */
	atomic_llong since;            /* CLOCK_MONOTONIC ns at begin */
	long long checked;             /* watchdog: last ID_VALID check */
	pthread_t thread;
	atomic_int used;
};
static struct slot slots[MAX_WORKERS];
static atomic_int slot_hwm;
static _Thread_local struct slot *my_slot;

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
	for (int i = 0; i < MAX_WORKERS; i++) {
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

static int start_worker(void);

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

static void batch_policy(void)
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
	int quiet = 0;

	(void)arg;
	batch_policy();
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
			ms = mode == WD_FAST ? WATCH_TICK_MS : WATCH_CHECK_MS;
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
	r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
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
		r = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		if (r >= 0)
			return SV_REPLIED;
		if (errno != EINVAL)
			return -errno;
		atomic_store(&addfd_send_ok, 0);   /* before Linux 5.14 */
	}
	a.flags = 0;
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
	batch_policy();
	my_slot = slot_claim();
	if (!buf) {
		slot_release(my_slot);
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
	for (unsigned i = 0; i < PIDFD_CACHE; i++)
		if (pidfd_cache[i].fd > 0)
			close(pidfd_cache[i].fd);
	slot_release(my_slot);
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
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		  SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
		atomic_store(&sync_wakeups, 1);
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

	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&wd_cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	for (int i = 0; i < MAX_WORKERS; i++)
		pthread_mutex_init(&slots[i].lock, NULL);
	sem_init(&turn, 0, 1);
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
	start_worker();
}
