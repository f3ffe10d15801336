/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TNAT64_EPOLL_H
#define TNAT64_EPOLL_H

#include <sys/epoll.h>

struct epoll_saved {
	int epfd;
	struct epoll_event ev;
};

#define EPOLL_SAVED_MAX 8

int tn_epoll_create(int size, int flags, int use1);
/* The epoll registrations of fd (at most max), before it is replaced:
 * how many, or -1 when fd is registered somewhere but /proc cannot say
 * how (then it must not be replaced). */
int tn_epoll_save(int fd, struct epoll_saved *sv, int max);
/* Register the new socket behind fd the same way. */
void tn_epoll_restore(int fd, const struct epoll_saved *sv, int n);

#endif
