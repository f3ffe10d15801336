/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdid.h"
#include "loadtime.h"
#include "rawsys.h"

TN_LOAD_TEXT int fdid_get(int fd, struct fdid *id)
{
	struct stat st;
	long r;

	if (fd < 0)
		return -EBADF;
	/* fstat(2) by number, not libc's fstat (an fstatat with a path ""
	 * in libc's constant data): the library asks this about standard
	 * error at load time in every process (log.c) */
	r = TN_FSTAT(fd, &st);
	if (r < 0)
		return r >= -4095 ? (int)r : -EIO;
	id->dev = (uint64_t)st.st_dev;
	id->ino = (uint64_t)st.st_ino;
	id->mode = (uint32_t)st.st_mode;
	return 0;
}

bool fdid_same(int fd, const struct fdid *id)
{
	struct fdid now;

	return fdid_get(fd, &now) == 0 && now.dev == id->dev &&
	       now.ino == id->ino && (now.mode & S_IFMT) == (id->mode & S_IFMT);
}

int fdid_close(int fd, const struct fdid *id)
{
	int saved = errno, r;

	if (!fdid_same(fd, id))
		return -EBADF;
	r = syscall(SYS_close, fd) < 0 ? -errno : 0;
	errno = saved;
	return r;
}

/* The lowest number we take for a descriptor we keep: half the soft
 * RLIMIT_NOFILE, at most 512 (under the usual soft limit of 1024, the
 * numbers 512..1023: far from what programs get by open(), still usable
 * by select()-era code that checks nothing of ours). */
static int high_floor(void)
{
	struct rlimit rl;
	rlim_t f = 512;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur / 2 < f)
		f = rl.rlim_cur / 2;
	return f < 3 ? 3 : (int)f;
}

int fdid_move_high(int fd)
{
	int saved = errno, lowest = high_floor(), nfd;

	if (fd < 0 || fd >= lowest)
		return fd;
	nfd = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, lowest);
	if (nfd < 0) {
		errno = saved;
		return fd;
	}
	syscall(SYS_close, fd);
	errno = saved;
	return nfd;
}
