/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TNAT64_FDOPS_H
#define TNAT64_FDOPS_H

#include <stdbool.h>
#include <sys/socket.h>

#include "fdtab.h"
#include "sockopt.h"

/* Record fd, just made by socket(domain, type, proto) (as a stand-in:
 * emu): an IP stream, datagram or ICMP socket gets its record (FD_PLAIN,
 * FD_EMU or FD_ICMP6), anything else a cleared one.  False when it got
 * none (no memory for the table, or no such socket).  Leaves errno
 * alone. */
bool tn_socket_record(int fd, int domain, int type, int proto, bool emu);
/* socket(domain, type, proto) as asked, recorded: libc's result and
 * errno (when tn_socket_as_asked). */
int tn_socket_plain(int domain, int type, int proto);
int tn_socketpair(int domain, int type, int proto, int sv[2]);
int tn_accept(int fd, struct sockaddr *addr, socklen_t *len, int flags,
	      int use4);
int tn_close_range(unsigned int first, unsigned int last, int flags);
void tn_closefrom(int lowfd);
int tn_dup(int oldfd);
int tn_dup3(int oldfd, int newfd, int flags, int use3);
int tn_fcntl(int fd, int cmd, void *arg, int use64);
int tn_unfresh(int fd, struct fdrec *rec);
int tn_listen(int fd, int backlog);
int tn_ioctl(int fd, unsigned long req, void *arg);

#endif
