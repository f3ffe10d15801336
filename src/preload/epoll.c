/* SPDX-License-Identifier: GPL-2.0-or-later */
/* epoll registrations across a socket replacement.  An epoll set refers
 * to the open file, not the descriptor number: when dup3 puts a new
 * socket under the program's descriptor, the old socket's registrations
 * vanish with it, and a program that registered before connecting (nginx
 * does) would wait forever.  So we remember the epoll instances the
 * program creates, and before a replacement read from
 * /proc/self/fdinfo/EPFD which of them watch the descriptor, with which
 * events and data, to register the new socket the same way.  Only on the
 * replacement path; open/read/close only, async-signal-safe. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "addr.h"
#include "epoll.h"
#include "fdid.h"
#include "tnat64.h"

static void mark_epoll(int fd)
{
	struct fdrec *rec = fdtab_get(fd, 1);

	if (rec) {
		atomic_store_explicit(&rec->dst_seq, 0, memory_order_relaxed);
		atomic_store_explicit(&rec->kind, FD_EPOLL,
				      memory_order_release);
	}
}

int tn_epoll_create(int size, int flags, int use1)
{
	int fd = use1 ? real.epoll_create1(flags) : real.epoll_create(size);

	if (fd < 0)
		return neg_errno();
	mark_epoll(fd);
	return fd;
}

/* Parse a hexadecimal or decimal number after optional blanks. */
static const char *number(const char *p, const char *end, int base,
			  uint64_t *out)
{
	uint64_t v = 0;
	int any = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < end; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else
			break;
		v = v * (uint64_t)base + (uint64_t)d;
		any = 1;
	}
	*out = v;
	return any ? p : NULL;
}

/* One fdinfo line: "tfd: FD events: HEX data: HEX ..." */
static int parse_line(const char *p, const char *end, int fd,
		      struct epoll_event *ev)
{
	uint64_t tfd, events, data;

	if (end - p < 4 || memcmp(p, "tfd:", 4))
		return 0;
	p = number(p + 4, end, 10, &tfd);
	if (!p || tfd != (uint64_t)fd)
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 7 || memcmp(p, "events:", 7))
		return 0;
	p = number(p + 7, end, 16, &events);
	if (!p)
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 5 || memcmp(p, "data:", 5))
		return 0;
	if (!number(p + 5, end, 16, &data))
		return 0;
	ev->events = (uint32_t)events;
	ev->data.u64 = data;
	return 1;
}

/* Is fd watched by epfd?  Reads /proc/self/fdinfo/EPFD line by line:
 * 1 or 0; -1 when it cannot be read (no /proc) while epfd is still an
 * epoll instance. */
static int find_in(int epfd, int fd, struct epoll_event *ev)
{
	char path[48] = "/proc/self/fdinfo/", buf[4096];
	size_t have = 0;
	int f, found = 0;
	struct fdid id;

	fmt_uint(path + strlen(path), (unsigned long long)epfd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0) {
		struct epoll_event probe = { 0 };

		/* No /proc to read (not mounted): ask the kernel whether fd
		 * is in epfd at all.  Adding it fails with EEXIST when it is
		 * (its events and data cannot be known then); when it was
		 * not, it is removed again at once. */
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &probe) == 0) {
			epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &probe);
			return 0;
		}
		return errno == EEXIST ? -1 : 0;
	}
	if (fdid_get(f, &id) < 0)
		return 0; /* the program has it already */
	for (;;) {
		ssize_t n = read(f, buf + have, sizeof(buf) - have);
		char *line = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		while ((nl = memchr(line, '\n', have - (size_t)(line - buf)))) {
			if (parse_line(line, nl, fd, ev)) {
				found = 1;
				goto out;
			}
			line = nl + 1;
		}
		/* Keep the partial last line; a line longer than the buffer
		 * cannot be a registration line: drop it. */
		have -= (size_t)(line - buf);
		if (have == sizeof(buf))
			have = 0;
		memmove(buf, line, have);
	}
out:
	fdid_close(f, &id);
	return found;
}

int tn_epoll_save(int fd, struct epoll_saved *sv, int max)
{
	int saved = errno, n = 0;

	for (int e = fdtab_next(0, FD_EPOLL); e >= 0 && n < max;
	     e = fdtab_next(e + 1, FD_EPOLL)) {
		int k = find_in(e, fd, &sv[n].ev);

		if (k < 0) {
			n = -1;
			break;
		}
		if (k) {
			sv[n].epfd = e;
			n++;
		}
	}
	errno = saved;
	return n;
}

void tn_epoll_restore(int fd, const struct epoll_saved *sv, int n)
{
	int saved = errno;

	for (int i = 0; i < n; i++) {
		struct epoll_event ev = sv[i].ev;

		/* The kernel adds these itself; they are not for the caller. */
		ev.events &= ~(uint32_t)(EPOLLERR | EPOLLHUP);
		if (epoll_ctl(sv[i].epfd, EPOLL_CTL_ADD, fd, &ev) < 0 &&
		    errno == EEXIST)
			epoll_ctl(sv[i].epfd, EPOLL_CTL_MOD, fd, &ev);
	}
	errno = saved;
}
