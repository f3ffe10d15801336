/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A TCP connect through io_uring (IORING_OP_CONNECT), with the raw
 * system calls (no liburing): the escape tnat64(8) documents.  Prints
 * one line and exits with
 *   0  "connected"
 *   1  "connect: <error>"   (the kernel's answer to the ring's connect)
 *   3  "io_uring_setup: <error>" (the supervisor refuses io_uring: ENOSYS)
 *
 *   t_iouring ADDR PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct io_uring_params p;
	struct sockaddr_in sin;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	unsigned char *sq, *cq;
	unsigned *tail, *mask, *array, *chead, *ctail, *cmask;
	int ring, s, res;

	if (argc != 3) {
		fprintf(stderr, "usage: t_iouring ADDR PORT\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "t_iouring: bad address %s\n", argv[1]);
		return 2;
	}
	memset(&p, 0, sizeof(p));
	ring = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (ring < 0) {
		printf("io_uring_setup: %s\n", strerror(errno));
		return 3;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(*cqes),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		printf("mmap: %s\n", strerror(errno));
		return 2;
	}
	tail = (unsigned *)(sq + p.sq_off.tail);
	mask = (unsigned *)(sq + p.sq_off.ring_mask);
	array = (unsigned *)(sq + p.sq_off.array);
	chead = (unsigned *)(cq + p.cq_off.head);
	ctail = (unsigned *)(cq + p.cq_off.tail);
	cmask = (unsigned *)(cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) {
		printf("socket: %s\n", strerror(errno));
		return 2;
	}
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_CONNECT;
	sqes[0].fd = s;
	sqes[0].addr = (uint64_t)(uintptr_t)&sin;
	sqes[0].off = sizeof(sin);
	array[*tail & *mask] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0) {
		printf("io_uring_enter: %s\n", strerror(errno));
		return 2;
	}
	if (__atomic_load_n(ctail, __ATOMIC_ACQUIRE) == *chead) {
		printf("no completion\n");
		return 2;
	}
	res = cqes[*chead & *cmask].res;
	if (res < 0) {
		printf("connect: %s\n", strerror(-res));
		return 1;
	}
	printf("connected\n");
	return 0;
}
