/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Identity of an open file, to tell whether a descriptor number still
 * refers to the file we opened.  Programs close descriptors they do not
 * own (closefrom, close_range, dup2 onto them, raw system calls no hook
 * sees) and then get the same numbers for their own files and sockets;
 * code running inside them checks a descriptor's identity before every
 * use instead of trusting its number.  Async-signal-safe. */
#ifndef TNAT64_FDID_H
#define TNAT64_FDID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct fdid {
	uint64_t dev;  /* st_dev */
	uint64_t ino;  /* st_ino */
	uint32_t mode; /* st_mode (file type bits) */
};

/* Identity of what fd refers to now (one fstat(2)): 0 or -errno
 * (-EBADF when fd is not open). */
int fdid_get(int fd, struct fdid *id);

/* The identity of a file whose stat the caller already has. */
static inline struct fdid fdid_of_stat(const struct stat *st)
{
	struct fdid id = { (uint64_t)st->st_dev, (uint64_t)st->st_ino,
			   (uint32_t)st->st_mode };

	return id;
}

/* True when fd is open and refers to the same file as id (one fstat(2)). */
bool fdid_same(int fd, const struct fdid *id);

/* Close fd only if it still refers to the file id names: a number the
 * program took over is left alone.  Raw close(2), never a hook.
 * 0, or -errno (-EBADF also when fd is now another file). */
int fdid_close(int fd, const struct fdid *id);

/* Move a descriptor we just opened above the numbers programs expect to
 * get from their own open() calls (a program that closed 0..2 or
 * everything above 2 counts on the lowest free numbers): the copy is
 * close-on-exec and fd is closed (raw fcntl(2) and close(2), never a
 * hook).  Returns the new number, or fd itself
 * when no higher number is available. */
int fdid_move_high(int fd);

#endif
