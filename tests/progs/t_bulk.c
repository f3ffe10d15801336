/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bulk data through a translated connection.
 *  bulk_checksum: BYTES of pseudo-random data to the checksum service
 *    (srv.c), which answers with the byte count and FNV-1a 64; compared
 *    with the client's own.  write(), send() and sendmsg() alternate.
 *  bulk_echo: BYTES/5 through the echo service in both directions at
 *    once (a writer thread), the bytes read back compared.
 *
 *   t_bulk [-a ADDR4] [-e ECHOPORT] [-s SUMPORT] [-n BYTES]
 *
 * Runs under the library in the IPv6-only client namespace. */
#include "progs.h"

#include <sys/uio.h>

#define CHUNK 65536

static uint64_t xs_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void fill(uint64_t *state, unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = xs_next(state);
		memcpy(buf + i, &v, len - i < 8 ? len - i : 8);
	}
}

static void bulk_checksum(const struct progs_opts *o)
{
	static unsigned char buf[CHUNK];
	uint64_t state = 0x9e3779b97f4a7c15ULL, h = FNV64_OFFSET, rh;
	unsigned long long left = o->bytes, rn;
	unsigned n = 0;
	char line[80];
	int fd;

	fd = tcp_connect4(o->addr, o->sum_port);
	if (fd < 0) {
		fail("bulk_checksum", "connect %s:%u: %s", o->addr, o->sum_port,
		     strerror(errno));
		return;
	}
	set_timeouts(fd, 60);
	while (left) {
		size_t len = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = 0;
		size_t done = 0;

		fill(&state, buf, len);
		h = fnv1a64(h, buf, len);
		while (done < len) {
			switch (n++ % 3) {
			case 0:
				w = write(fd, buf + done, len - done);
				break;
			case 1:
				w = send(fd, buf + done, len - done, 0);
				break;
			default: {
				struct iovec iov = { buf + done, len - done };
				struct msghdr m;
				memset(&m, 0, sizeof m);
				m.msg_iov = &iov;
				m.msg_iovlen = 1;
				w = sendmsg(fd, &m, 0);
			}
			}
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fail("bulk_checksum", "sending, %llu bytes "
				     "left: %s", left,
				     w < 0 ? strerror(errno) : "wrote 0");
				close(fd);
				return;
			}
			done += (size_t)w;
		}
		left -= len;
	}
	if (shutdown(fd, SHUT_WR) < 0) {
		fail("bulk_checksum", "shutdown: %s", strerror(errno));
		close(fd);
		return;
	}
	if (read_line(fd, line, sizeof line) < 0) {
		fail("bulk_checksum", "reading the checksum: %s",
		     errno ? strerror(errno) : "EOF");
	} else if (sscanf(line, "%llu %" SCNx64, &rn, &rh) != 2) {
		fail("bulk_checksum", "bad answer \"%s\"", line);
	} else {
		check("bulk_checksum", rn == o->bytes && rh == h,
		      "server got %llu bytes hash %016llx, sent %llu hash "
		      "%016llx", rn, (unsigned long long)rh, o->bytes,
		      (unsigned long long)h);
	}
	close(fd);
}

struct writer {
	int fd;
	unsigned long long bytes;
	int err;
};

static void *echo_writer(void *arg)
{
	struct writer *w = arg;
	unsigned char buf[CHUNK];
	uint64_t state = 12345;
	unsigned long long left = w->bytes;

	while (left) {
		size_t len = left < CHUNK ? (size_t)left : CHUNK;
		fill(&state, buf, len);
		if (write_all(w->fd, buf, len) < 0) {
			w->err = errno;
			return NULL;
		}
		left -= len;
	}
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

static void bulk_echo(const struct progs_opts *o)
{
	static unsigned char got[CHUNK], want[CHUNK];
	struct writer w;
	struct greeting g;
	pthread_t t;
	uint64_t state = 12345;
	unsigned long long left;
	char err[256];
	int fd;

	w.bytes = o->bytes / 5;
	w.err = 0;
	fd = tcp_connect4(o->addr, o->echo_port);
	if (fd < 0) {
		fail("bulk_echo", "connect: %s", strerror(errno));
		return;
	}
	set_timeouts(fd, 60);
	if (read_greeting(fd, &g, err, sizeof err) < 0) {
		fail("bulk_echo", "%s", err);
		close(fd);
		return;
	}
	w.fd = fd;
	if (pthread_create(&t, NULL, echo_writer, &w)) {
		fail("bulk_echo", "pthread_create failed");
		close(fd);
		return;
	}
	for (left = w.bytes; left;) {
		size_t len = left < CHUNK ? (size_t)left : CHUNK;
		fill(&state, want, len);
		if (read_all(fd, got, len) < 0) {
			fail("bulk_echo", "reading, %llu bytes left: %s", left,
			     errno ? strerror(errno) : "EOF");
			break;
		}
		if (memcmp(got, want, len)) {
			fail("bulk_echo", "data differs at offset %llu",
			     w.bytes - left);
			break;
		}
		left -= len;
	}
	if (left)
		shutdown(fd, SHUT_RDWR); /* unblock the writer */
	pthread_join(t, NULL);
	if (!left) {
		char c;
		ssize_t n = read(fd, &c, 1);
		check("bulk_echo", w.err == 0 && n == 0,
		      "writer error %s, EOF read gives %zd",
		      strerror(w.err), n);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	struct progs_opts o;

	progs_getopt(argc, argv, &o);
	bulk_checksum(&o);
	bulk_echo(&o);
	return progs_exit();
}
