/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Translated sockets, by socket inode number: the identity of the socket
 * itself, whatever descriptor numbers (dup, fork, SCM_RIGHTS) the program
 * uses for it.  We keep no reference to the socket (the program's close
 * must really close it), so entries of closed sockets are swept from time
 * to time: a NETLINK_SOCK_DIAG dump of our network namespace's IPv6 TCP
 * and UDP sockets lists the inodes still open, and for the others (a TCP
 * socket whose connect failed is in no table of the kernel's) the
 * descriptors of the processes. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "sv.h"

#define SWEEP_MIN 8192

struct slot {
	struct xsock x;
	int state;  /* 0 empty, 1 used, 2 deleted */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *tab;
static size_t cap, used, live;   /* used counts deleted slots too */
/* live, for socktab_empty without the lock */
static atomic_size_t live_now;
static size_t sweep_at = SWEEP_MIN;

static size_t hash(uint64_t ino)
{
	ino ^= ino >> 33;
	ino *= 0xff51afd7ed558ccdULL;
	ino ^= ino >> 33;
	return (size_t)ino;
}

static struct slot *find(uint64_t ino)
{
	if (!cap)
		return NULL;
	for (size_t i = hash(ino) & (cap - 1), n = 0; n < cap;
	     i = (i + 1) & (cap - 1), n++) {
		if (tab[i].state == 0)
			return NULL;
		if (tab[i].state == 1 && tab[i].x.ino == ino)
			return &tab[i];
	}
	return NULL;
}

static int grow(size_t want)
{
	size_t ncap = 64, ocap = cap;
	struct slot *old = tab, *n;

	while (ncap < want * 2)
		ncap *= 2;
	n = calloc(ncap, sizeof(*n));
	if (!n)
		return -1;
	tab = n;
	cap = ncap;
	used = live = 0;
	for (size_t i = 0; i < ocap; i++) {
		if (old[i].state != 1)
			continue;
		for (size_t j = hash(old[i].x.ino) & (cap - 1); ;
		     j = (j + 1) & (cap - 1)) {
			if (tab[j].state == 0) {
				tab[j] = old[i];
				used++;
				live++;
				break;
			}
		}
	}
	free(old);
	return 0;
}

/* ---- sweep */

struct inoset {
	uint64_t *v;
	size_t n, cap;
};

static void inoset_add(struct inoset *s, uint64_t ino)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024;
		uint64_t *nv = realloc(s->v, nc * sizeof(*nv));

		if (!nv)
			return;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = ino;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* qsort and bsearch must not be given a null array, even an empty one
 * (an empty dump: no IPv6 socket bound or connected at the time). */
static void inoset_sort(struct inoset *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
}

static bool inoset_has(const struct inoset *s, uint64_t ino)
{
	return s->n && bsearch(&ino, s->v, s->n, sizeof(*s->v), cmp_u64);
}

/* Inodes of every open AF_INET6 socket of protocol proto; 0 or -1. */
static int diag_dump(int proto, struct inoset *s)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	char buf[16384];
	int fd, done = 0, ret = -1;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = AF_INET6;
	req.r.sdiag_protocol = (unsigned char)proto;
	req.r.idiag_states = ~0u;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
		   sizeof(nl)) < 0)
		goto out;
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				goto out;
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
				struct inet_diag_msg *m = NLMSG_DATA(h);

				if (m->idiag_inode)
					inoset_add(s, m->idiag_inode);
			}
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

/* Inodes of the sockets open in the processes we may look at (the
 * program's are ours, or their own user's: the same as ours). */
static void proc_sockets(struct inoset *s)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;

	if (!proc)
		return;
	while ((p = readdir(proc))) {
		char path[sizeof(p->d_name) + 16];
		DIR *fd;
		struct dirent *f;

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fd = opendir(path);
		if (!fd)
			continue;
		while ((f = readdir(fd))) {
			char link[64];
			unsigned long long ino;
			ssize_t n;
			char *end;

			if (f->d_name[0] == '.')
				continue;
			n = readlinkat(dirfd(fd), f->d_name, link,
				       sizeof(link) - 1);
			if (n <= 8)
				continue;
			link[n] = '\0';
			if (strncmp(link, "socket:[", 8))
				continue;
			errno = 0;
			ino = strtoull(link + 8, &end, 10);
			if (!errno && *end == ']')
				inoset_add(s, ino);
		}
		closedir(fd);
	}
	closedir(proc);
}

/* Called with lock held. */
static void sweep(void)
{
	struct inoset s = { 0 }, fds = { 0 };
	size_t dropped = 0;
	bool fds_read = false;

	if (diag_dump(IPPROTO_TCP, &s) < 0 || diag_dump(IPPROTO_UDP, &s) < 0) {
		free(s.v);
		sweep_at = live * 2 + SWEEP_MIN;
		return;
	}
	inoset_sort(&s);
	for (size_t i = 0; i < cap; i++) {
		if (tab[i].state != 1)
			continue;
		if (!inoset_has(&s, tab[i].x.ino)) {
			/* Closed, or in no table of the kernel's (a TCP
			 * socket whose connect failed, unbound again): look
			 * for it in the processes' descriptors. */
			if (!fds_read) {
				proc_sockets(&fds);
				inoset_sort(&fds);
				fds_read = true;
			}
			if (inoset_has(&fds, tab[i].x.ino))
				continue;
			tab[i].state = 2;
			live--;
			dropped++;
		}
	}
	free(s.v);
	free(fds.v);
	log_msg(LOG_DEBUG, "socket table: %lu closed sockets forgotten, %lu "
		"kept", (unsigned long)dropped, (unsigned long)live);
	grow(live > 32 ? live : 32);
	sweep_at = live * 2 > SWEEP_MIN ? live * 2 : SWEEP_MIN;
	atomic_store(&live_now, live);
}

bool socktab_get(uint64_t ino, struct xsock *out)
{
	struct slot *s;
	bool found = false;

	pthread_mutex_lock(&lock);
	s = find(ino);
	if (s) {
		*out = s->x;
		found = true;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

void socktab_put(const struct xsock *x)
{
	struct slot *s;

	pthread_mutex_lock(&lock);
	s = find(x->ino);
	if (s) {
		s->x = *x;
		pthread_mutex_unlock(&lock);
		return;
	}
	if (live + 1 > sweep_at)
		sweep();
	if ((used + 1) * 2 > cap && grow(live + 1) < 0) {
		pthread_mutex_unlock(&lock);
		return;
	}
	for (size_t i = hash(x->ino) & (cap - 1); ; i = (i + 1) & (cap - 1)) {
		if (tab[i].state != 1) {
			if (tab[i].state == 0)
				used++;
			tab[i].x = *x;
			tab[i].state = 1;
			live++;
			atomic_store(&live_now, live);
			break;
		}
	}
	pthread_mutex_unlock(&lock);
}

void socktab_del(uint64_t ino)
{
	struct slot *s;

	pthread_mutex_lock(&lock);
	s = find(ino);
	if (s) {
		s->state = 2;
		live--;
		atomic_store(&live_now, live);
	}
	pthread_mutex_unlock(&lock);
}

bool socktab_empty(void)
{
	return atomic_load_explicit(&live_now, memory_order_relaxed) == 0;
}

size_t socktab_count(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = live;
	pthread_mutex_unlock(&lock);
	return n;
}
