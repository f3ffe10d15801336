/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging from inside other programs.  Async-signal-safe: the message is
 * formatted on the stack by a small formatter of our own (no stdio, no
 * allocation, no locale) and handed to the kernel in a single write(2);
 * errno is preserved.  Nothing ever goes to stdout.
 *
 * Levels: 0 (or less) = silent, LOG_ERR .. LOG_DEBUG.  TNAT64_DEBUG
 * follows tnat64 0.06: unset means errors only, -1 silences everything,
 * 0 is errors only (0.06's MSGERR), 1 adds warnings, 2 adds one line per
 * translation, 3 and above show everything; see log_level_from_env().
 *
 * Where messages go (the destination): the program owns its descriptor
 * numbers and may close ours (closefrom, close_range, dup2 onto them, raw
 * system calls no hook sees) and get the same number for its own socket.
 * So the destination's identity (st_dev, st_ino) is checked with one
 * fstat(2) before every write, and a message never goes to a descriptor
 * that is no longer the file it was meant for:
 * - a debug file (log_setup_file) is opened again by its path when its
 *   descriptor was taken away, so its messages keep coming;
 * - standard error (log_setup) is used only while fd 2 is the file it was
 *   at set-up, and never when that is a socket other than AF_UNIX (the
 *   journal); otherwise messages are dropped. */
#include "log.h"
#include "addr.h"
#include "fdid.h"
#include "rawsys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LOG_LINE_MAX 512

static int cur_level TN_LOAD_DATA = LOG_ERR;
static char cur_prog[64] TN_LOAD_DATA;

/* The destination.  d_fd is -1 for none; with d_checked clear (our own
 * tools, which never call log_setup) it is fd 2, used unchecked.  The
 * identity fields are written before d_fd is published; a reader that
 * sees a mixture fails the identity check and the message is dropped or
 * the file reopened, never misdirected. */
static _Atomic int d_fd TN_LOAD_DATA = 2;
static _Atomic uint64_t d_dev TN_LOAD_DATA, d_ino TN_LOAD_DATA;
static _Atomic uint32_t d_mode TN_LOAD_DATA;
static bool d_checked TN_LOAD_DATA;
static bool d_has_path TN_LOAD_DATA;
static char d_path[4096];
/* Reopen lock: 0 when free, else pid << 32 | tid of the holder (a lock
 * held by a thread of the parent when it forked is stale in the child,
 * which tells by the pid). */
static _Atomic uint64_t d_lock;

/* Bytes that terminals act on (escape sequences, carriage return, line
 * feed...): never copied from a string argument into a message. */
TN_LOAD_TEXT static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

TN_LOAD_TEXT static void set_prog(const char *progname)
{
	size_t n = 0;

	if (progname) {
		/* keep only the last path component; no libc calls: this
		 * runs at load time in every process (lazy binding) */
		const char *base = progname;

		for (const char *q = progname; *q; q++)
			if (*q == '/' && q[1])
				base = q + 1;
		for (; base[n] && n < sizeof(cur_prog) - 1; n++)
			cur_prog[n] = is_control(base[n]) ? '?' : base[n];
	}
	cur_prog[n] = '\0';
}

TN_LOAD_TEXT static void publish(int fd, const struct fdid *id)
{
	atomic_store_explicit(&d_fd, -1, memory_order_release);
	if (id) {
		atomic_store_explicit(&d_dev, id->dev, memory_order_relaxed);
		atomic_store_explicit(&d_ino, id->ino, memory_order_relaxed);
		atomic_store_explicit(&d_mode, id->mode, memory_order_relaxed);
	}
	atomic_store_explicit(&d_fd, id ? fd : -1, memory_order_release);
}

/* A socket other than AF_UNIX: never a place for log lines (a program's
 * connection, or inetd's standard descriptors). */
TN_LOAD_TEXT static bool ip_socket(int fd, const struct fdid *id)
{
	int dom = -1;
	socklen_t len = sizeof(dom);

	if ((id->mode & S_IFMT) != S_IFSOCK)
		return false;
	/* the raw call (in the library getsockopt is a hook), inline: errno
	 * stays as it is (log_setup runs at load time: loadtime.h) */
	if (TN_SYS5(SYS_getsockopt, fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0)
		return true;
	return dom != AF_UNIX;
}

/* errno is never touched: an errno save here would bind __errno_location
 * lazily in every process, at load time. */
TN_LOAD_TEXT void log_setup(int level, int fd, const char *progname)
{
	struct fdid id;

	cur_level = level < 1 ? 0 : level;
	set_prog(progname);
	d_checked = true;
	d_has_path = false;
	if (cur_level > 0 && fdid_get(fd, &id) == 0 && !ip_socket(fd, &id))
		publish(fd, &id);
	else
		publish(-1, NULL);
}

/* Open the debug file (append, never blocking on a FIFO without reader,
 * never becoming a controlling terminal), above the low numbers. */
static int open_path(struct fdid *id)
{
	int fd = open(d_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			      O_NOCTTY | O_NONBLOCK, 0600);

	if (fd < 0)
		return -errno;
	fd = fdid_move_high(fd);
	if (fdid_get(fd, id) < 0 || ip_socket(fd, id)) {
		syscall(SYS_close, fd);
		return -EBADF;
	}
	return fd;
}

int log_setup_file(int level, const char *path, const char *progname)
{
	int saved = errno, fd;
	size_t n = path ? strlen(path) : 0, off = 0;
	struct fdid id;

	cur_level = level < 1 ? 0 : level;
	set_prog(progname);
	d_checked = true;
	d_has_path = false;
	publish(-1, NULL);
	if (!cur_level)
		return 0;
	if (!n)
		return -ENOENT;
	/* Reopened later perhaps from another working directory: keep an
	 * absolute path. */
	if (path[0] != '/' && getcwd(d_path, sizeof(d_path) - 1)) {
		off = strlen(d_path);
		if (off > 1)
			d_path[off++] = '/';
		else
			off = 1;
	}
	if (off + n >= sizeof(d_path)) {
		errno = saved;
		return -ENAMETOOLONG;
	}
	memcpy(d_path + off, path, n + 1);
	fd = open_path(&id);
	if (fd < 0) {
		errno = saved;
		return fd;
	}
	d_has_path = true;
	publish(fd, &id);
	errno = saved;
	return 0;
}

static bool lock_reopen(uint64_t me)
{
	uint64_t old = 0;

	if (atomic_compare_exchange_strong(&d_lock, &old, me))
		return true;
	/* held in the parent before fork: nobody here will release it */
	return (old >> 32) != (me >> 32) &&
	       atomic_compare_exchange_strong(&d_lock, &old, me);
}

static bool dest_same(int fd)
{
	struct fdid id = {
		atomic_load_explicit(&d_dev, memory_order_relaxed),
		atomic_load_explicit(&d_ino, memory_order_relaxed),
		atomic_load_explicit(&d_mode, memory_order_relaxed),
	};

	return fd >= 0 && fdid_same(fd, &id);
}

/* The debug file's descriptor was taken away: open the file again.  A
 * thread that finds another one doing it drops its message. */
static int reopen(void)
{
	uint64_t me = (uint64_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
	struct fdid id;
	int fd;

	if (!lock_reopen(me))
		return -1;
	fd = atomic_load_explicit(&d_fd, memory_order_acquire);
	if (!dest_same(fd)) {
		fd = open_path(&id);
		publish(fd, fd >= 0 ? &id : NULL);
	}
	atomic_store(&d_lock, 0);
	return fd;
}

/* The descriptor to write this message to, or -1. */
static int dest(void)
{
	int fd = atomic_load_explicit(&d_fd, memory_order_acquire);

	if (!d_checked || dest_same(fd))
		return fd;
	return d_has_path ? reopen() : -1;
}

int log_level(void)
{
	return cur_level;
}

int log_level_from_env(const char *value)
{
	char *end;
	long v;

	if (!value || !*value)
		return LOG_ERR;
	errno = 0;
	v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (end == value || *end != '\0' || errno)
		return LOG_ERR;
	if (v < 0)
		return 0;
	if (v == 0)
		return LOG_ERR;
	if (v == 1)
		return LOG_WARN;
	if (v == 2)
		return LOG_INFO;
	return LOG_DEBUG;
}

struct out {
	char *buf;
	size_t size; /* including the NUL */
	size_t n;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->size == 0)
		return;
	for (size_t i = 0; i < len && o->n + 1 < o->size; i++)
		o->buf[o->n++] = s[i];
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_plain(struct out *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = is_control(s[i]) ? '?' : s[i];

		put(o, &c, 1);
	}
}

/* A string from elsewhere (a variable, a file name, a line of a file):
 * control characters become '?', so a message stays one plain line, and
 * a huge one is shortened to its two ends, so the rest of the message
 * survives the 512-byte limit. */
static void put_text(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (n <= LOG_ARG_MAX) {
		put_plain(o, s, n);
		return;
	}
	put_plain(o, s, LOG_ARG_HEAD);
	put(o, "...", 3);
	put_plain(o, s + n - LOG_ARG_TAIL, LOG_ARG_TAIL);
}

static void put_unsigned(struct out *o, unsigned long long v)
{
	char tmp[24];

	put(o, tmp, fmt_uint(tmp, v));
}

static void put_signed(struct out *o, long long v)
{
	if (v < 0) {
		put(o, "-", 1);
		/* no overflow for LLONG_MIN */
		put_unsigned(o, (unsigned long long)(-(v + 1)) + 1);
	} else {
		put_unsigned(o, (unsigned long long)v);
	}
}

static void put_hex(struct out *o, unsigned long long v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	size_t n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	while (n)
		put(o, &tmp[--n], 1);
}

size_t log_format(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (const char *p = fmt; *p; p++) {
		int lmod = 0; /* 1 = l, 2 = ll, 3 = z */
		const char *start = p;

		if (*p != '%') {
			put(&o, p, 1);
			continue;
		}
		p++;
		if (*p == 'l') {
			lmod = 1;
			p++;
			if (*p == 'l') {
				lmod = 2;
				p++;
			}
		} else if (*p == 'z') {
			lmod = 3;
			p++;
		}
		switch (*p) {
		case 'd':
			if (lmod == 1)
				put_signed(&o, va_arg(ap, long));
			else if (lmod == 2)
				put_signed(&o, va_arg(ap, long long));
			else if (lmod == 3)
				put_signed(&o, (long long)va_arg(ap, size_t));
			else
				put_signed(&o, va_arg(ap, int));
			break;
		case 'u':
		case 'x': {
			unsigned long long v;

			if (lmod == 1)
				v = va_arg(ap, unsigned long);
			else if (lmod == 2)
				v = va_arg(ap, unsigned long long);
			else if (lmod == 3)
				v = va_arg(ap, size_t);
			else
				v = va_arg(ap, unsigned int);
			if (*p == 'u')
				put_unsigned(&o, v);
			else
				put_hex(&o, v);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			put_text(&o, s ? s : "(null)");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			put(&o, &c, 1);
			break;
		}
		case '%':
			put(&o, "%", 1);
			break;
		case 'A': {
			char tmp[16];
			uint32_t v4 = va_arg(ap, uint32_t);

			put(&o, tmp, fmt_ipv4(tmp, v4));
			break;
		}
		case 'B': {
			char tmp[46];
			const uint8_t *a = va_arg(ap, const uint8_t *);

			if (a)
				put(&o, tmp, fmt_ipv6(tmp, a));
			else
				put_str(&o, "(null)");
			break;
		}
		case '\0':
			/* lone '%' at the end: print what we saw and stop */
			put(&o, start, (size_t)(p - start));
			p--;
			break;
		default:
			/* unknown conversion: copy it literally */
			put(&o, start, (size_t)(p - start + 1));
			break;
		}
	}
	if (size)
		buf[o.n] = '\0';
	return o.n;
}

const char *log_errno_text(int err)
{
	switch (err) {
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case EPERM: return "operation not permitted";
	case EISDIR: return "it is a directory";
	case ENOTDIR: return "a component of the path is not a directory";
	case ELOOP: return "too many levels of symbolic links (a loop?)";
	case ENAMETOOLONG: return "file name too long";
	case EFBIG: return "file too large";
	case ENXIO: return "no such device, or a FIFO that nobody reads";
	case ENODEV: return "no such device";
	case EMFILE: return "too many open files in this process";
	case ENFILE: return "too many open files in the system";
	case ENOMEM: return "out of memory";
	case EIO: return "input/output error";
	case EROFS: return "read-only file system";
	case ENOSPC: return "no space left on device";
	case EDQUOT: return "disk quota exceeded";
	case ETXTBSY: return "text file busy";
	case EAGAIN: return "resource temporarily unavailable";
	case EINVAL: return "invalid argument";
	default: return "error";
	}
}

static void vlog(int level, bool may_reopen, const char *fmt, va_list ap)
{
	char buf[LOG_LINE_MAX];
	/* put() stops at 511 bytes, leaving room for the final newline */
	struct out o = { buf, sizeof(buf), 0 };
	int saved = errno;
	ssize_t r;
	int fd;

	if (cur_level < 1 || level > cur_level)
		return;

	put_str(&o, "tnat64[");
	put_unsigned(&o, (unsigned long long)getpid());
	put_str(&o, "]: ");
	if (cur_prog[0]) {
		put_str(&o, cur_prog);
		put_str(&o, ": ");
	}
	o.n += log_format(buf + o.n, o.size - o.n, fmt, ap);
	/* exactly one newline at the end, even for 0.06-style "...\n"
	 * messages */
	while (o.n > 0 && buf[o.n - 1] == '\n')
		o.n--;
	buf[o.n++] = '\n';

	fd = may_reopen ? dest()
			: atomic_load_explicit(&d_fd, memory_order_acquire);
	if (fd >= 0 && !may_reopen && d_checked && !dest_same(fd))
		fd = -1;
	if (fd >= 0) {
		do
			r = write(fd, buf, o.n);
		while (r < 0 && errno == EINTR);
	}
	errno = saved;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, true, fmt, ap);
	va_end(ap);
}

void log_msg_fixed(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, false, fmt, ap);
	va_end(ap);
}
