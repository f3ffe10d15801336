/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TNAT64_FDOPS_H
#define TNAT64_FDOPS_H

#include <sys/socket.h>

#include "fdtab.h"
#include "sockopt.h"

int tn_socketpair(int domain, int type, int proto, int sv[2]);
int tn_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags,
	      int use4);
int tn_close(int fd);
int tn_close_range(unsigned int first, unsigned int last, int flags);
void tn_closefrom(int lowfd);
int tn_dup(int oldfd);
int tn_dup3(int oldfd, int newfd, int flags, int use3);
int tn_fcntl(int fd, int cmd, void *arg, int use64);
int tn_unfresh(int fd, struct fdrec *rec);
int tn_listen(int fd, int backlog);
int tn_ioctl(int fd, unsigned long req, void *arg);

#endif
