/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Benchmark server: listens on ADDR PORT (IPv4 or IPv6 literal) with a
 * large backlog; THREADS threads (default 2) accept and close at once.
 * Runs until killed.
 *
 *   acceptor ADDR PORT [THREADS] */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench.h"

static int lfd;

static void *loop(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c >= 0)
			close(c);
		else if (errno != EINTR && errno != ECONNABORTED &&
			 errno != EMFILE && errno != ENFILE) {
			perror("acceptor: accept");
			exit(1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in s4;
	struct sockaddr_in6 s6;
	struct sockaddr *sa;
	socklen_t len;
	unsigned long port, threads = 2;
	int one = 1, family;

	if (argc < 3 || argc > 4 || parse_ul(argv[2], 65535, &port) ||
	    port == 0 ||
	    (argc == 4 && (parse_ul(argv[3], 64, &threads) || !threads))) {
		fprintf(stderr, "usage: acceptor ADDR PORT [THREADS]\n");
		return 2;
	}
	memset(&s4, 0, sizeof s4);
	memset(&s6, 0, sizeof s6);
	if (inet_pton(AF_INET, argv[1], &s4.sin_addr) == 1) {
		s4.sin_family = AF_INET;
		s4.sin_port = htons((unsigned short)port);
		sa = (struct sockaddr *)&s4;
		len = sizeof s4;
		family = AF_INET;
	} else if (inet_pton(AF_INET6, argv[1], &s6.sin6_addr) == 1) {
		s6.sin6_family = AF_INET6;
		s6.sin6_port = htons((unsigned short)port);
		sa = (struct sockaddr *)&s6;
		len = sizeof s6;
		family = AF_INET6;
	} else {
		fprintf(stderr, "acceptor: not an IP literal: %s\n", argv[1]);
		return 2;
	}
	lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("acceptor: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, sa, len) < 0 || listen(lfd, 65535) < 0) {
		perror("acceptor: bind/listen");
		return 1;
	}
	for (unsigned long i = 1; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, loop, NULL)) {
			fprintf(stderr, "acceptor: pthread_create failed\n");
			return 1;
		}
	}
	loop(NULL);
	return 0;
}
