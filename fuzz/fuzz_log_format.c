/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the log formatter (log_format) and the line log_msg
 * writes.
 *
 * Input: 2 bytes buffer size (little-endian, modulo 1024), 8 bytes
 * number, 4 bytes IPv4 address, 16 bytes IPv6 address, 1 byte choosing
 * the string arguments, then the format.
 *
 * A format with several conversions cannot be given arguments of the
 * right types in C without knowing them in advance, so the format is cut
 * after each conversion that takes an argument and every piece is
 * formatted with one argument of the type its conversion reads (as the
 * rules in log.h say).  Checks, beyond "does not crash":
 *  - each piece gives what a reference formatter written here from the
 *    rules of log.h gives (snprintf for the numbers; control characters
 *    of string arguments shown as '?', long ones by their two ends);
 *  - with a buffer of any size (exactly that long), the output is the
 *    reference output cut to size - 1 bytes and NUL-terminated, and
 *    nothing is written past it; size 0 writes nothing;
 *  - log_msg writes one line of at most 512 bytes, ending in exactly one
 *    newline, with the same text. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "addr.h"
#include "log.h"

enum arg { A_NONE, A_INT, A_LONG, A_LLONG, A_SIZE, A_UINT, A_ULONG,
	   A_ULLONG, A_STR, A_CHAR, A_V4, A_V6 };

struct args {
	uint64_t num;
	uint32_t v4;
	uint8_t v6[16];
	const char *str;
};

struct ref {
	char *buf;
	size_t n, cap;
};

static void rput(struct ref *r, const char *s, size_t n)
{
	if (r->n + n > r->cap)
		abort(); /* cannot happen: pieces are short */
	memcpy(r->buf + r->n, s, n);
	r->n += n;
}

/* Length of the piece starting at fmt (up to and including its first
 * conversion that takes an argument) and that argument's type. */
static size_t next_piece(const char *fmt, enum arg *type)
{
	const char *p = fmt;

	*type = A_NONE;
	while (*p) {
		int lmod = 0;

		if (*p++ != '%')
			continue;
		if (*p == 'l') {
			lmod = 1;
			if (*++p == 'l') {
				lmod = 2;
				p++;
			}
		} else if (*p == 'z') {
			lmod = 3;
			p++;
		}
		switch (*p) {
		case 'd':
			*type = lmod == 1 ? A_LONG : lmod == 2 ? A_LLONG :
				lmod == 3 ? A_SIZE : A_INT;
			return (size_t)(p + 1 - fmt);
		case 'u':
		case 'x':
			*type = lmod == 1 ? A_ULONG : lmod == 2 ? A_ULLONG :
				lmod == 3 ? A_SIZE : A_UINT;
			return (size_t)(p + 1 - fmt);
		case 's':
			*type = A_STR;
			return (size_t)(p + 1 - fmt);
		case 'c':
			*type = A_CHAR;
			return (size_t)(p + 1 - fmt);
		case 'A':
			*type = A_V4;
			return (size_t)(p + 1 - fmt);
		case 'B':
			*type = A_V6;
			return (size_t)(p + 1 - fmt);
		case '\0':
			return (size_t)(p - fmt);
		default:
			p++;
			break;
		}
	}
	return (size_t)(p - fmt);
}

/* The rules of log.h, written out. */
static void ref_format(struct ref *r, const char *fmt, enum arg type,
		       const struct args *a)
{
	char tmp[64];
	int n;

	for (const char *p = fmt; *p; p++) {
		const char *start = p;
		char conv;
		bool lmod;

		if (*p != '%') {
			rput(r, p, 1);
			continue;
		}
		p++;
		lmod = *p == 'l' || *p == 'z';
		if (*p == 'l' && p[1] == 'l')
			p += 2;
		else if (lmod)
			p++;
		conv = *p;
		if (conv == '\0') {
			rput(r, start, (size_t)(p - start));
			break;
		}
		if (!strchr("duxscAB%", conv)) {
			rput(r, start, (size_t)(p + 1 - start));
			continue;
		}
		if (conv == '%') {
			rput(r, "%", 1);
			continue;
		}
		switch (type) {
		case A_INT:
			n = snprintf(tmp, sizeof(tmp), "%d", (int)a->num);
			break;
		case A_LONG:
			n = snprintf(tmp, sizeof(tmp), "%ld", (long)a->num);
			break;
		case A_LLONG:
			n = snprintf(tmp, sizeof(tmp), "%lld", (long long)a->num);
			break;
		case A_SIZE:
			if (conv == 'd')
				n = snprintf(tmp, sizeof(tmp), "%lld",
					     (long long)(size_t)a->num);
			else
				n = snprintf(tmp, sizeof(tmp),
					     conv == 'u' ? "%zu" : "%zx",
					     (size_t)a->num);
			break;
		case A_UINT:
			n = snprintf(tmp, sizeof(tmp), conv == 'u' ? "%u" : "%x",
				     (unsigned)a->num);
			break;
		case A_ULONG:
			n = snprintf(tmp, sizeof(tmp), conv == 'u' ? "%lu" : "%lx",
				     (unsigned long)a->num);
			break;
		case A_ULLONG:
			n = snprintf(tmp, sizeof(tmp), conv == 'u' ? "%llu" : "%llx",
				     (unsigned long long)a->num);
			break;
		case A_STR: {
			const char *s = a->str ? a->str : "(null)";
			size_t len = strlen(s);

			/* control characters of arguments are shown as
			 * '?', long ones by their ends */
			for (size_t i = 0; i < len; i++) {
				char c = (unsigned char)s[i] < 0x20 ||
					 s[i] == 0x7f ? '?' : s[i];

				if (len > LOG_ARG_MAX && i == LOG_ARG_HEAD) {
					rput(r, "...", 3);
					i = len - LOG_ARG_TAIL - 1;
					continue;
				}
				rput(r, &c, 1);
			}
			n = 0;
			break;
		}
		case A_CHAR:
			tmp[0] = (char)a->num;
			n = 1;
			break;
		case A_V4:
			n = (int)fmt_ipv4(tmp, a->v4);
			break;
		case A_V6:
			n = (int)fmt_ipv6(tmp, a->v6);
			break;
		default:
			abort();
		}
		rput(r, tmp, (size_t)n);
		/* one argument per piece: the rest is literal */
		type = A_NONE;
	}
}

static size_t call(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_format(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static size_t call_typed(char *buf, size_t size, const char *fmt,
			 enum arg type, const struct args *a)
{
	switch (type) {
	case A_NONE:
		return call(buf, size, fmt);
	case A_INT:
		return call(buf, size, fmt, (int)a->num);
	case A_LONG:
		return call(buf, size, fmt, (long)a->num);
	case A_LLONG:
		return call(buf, size, fmt, (long long)a->num);
	case A_SIZE:
		return call(buf, size, fmt, (size_t)a->num);
	case A_UINT:
		return call(buf, size, fmt, (unsigned)a->num);
	case A_ULONG:
		return call(buf, size, fmt, (unsigned long)a->num);
	case A_ULLONG:
		return call(buf, size, fmt, (unsigned long long)a->num);
	case A_STR:
		return call(buf, size, fmt, a->str);
	case A_CHAR:
		return call(buf, size, fmt, (int)(char)a->num);
	case A_V4:
		return call(buf, size, fmt, a->v4);
	case A_V6:
		return call(buf, size, fmt, (const uint8_t *)a->v6);
	}
	abort();
}

static int log_pipe[2] = { -1, -1 };

static void check_piece(const char *piece, enum arg type,
			const struct args *a, size_t size, bool via_log_msg)
{
	static char want[8192], got[8192], line[1024];
	struct ref r = { want, 0, sizeof(want) };
	char *small;
	size_t n, cut;

	ref_format(&r, piece, type, a);

	/* room for everything */
	memset(got, 'x', r.n + 2);
	n = call_typed(got, sizeof(got), piece, type, a);
	FUZZ_ASSERT(n == r.n && memcmp(got, want, n) == 0 && got[n] == '\0');

	/* a buffer of exactly size bytes */
	small = malloc(size ? size : 1);
	if (!small)
		abort();
	memset(small, 'x', size ? size : 1);
	n = call_typed(small, size, piece, type, a);
	if (size == 0) {
		FUZZ_ASSERT(n == 0 && small[0] == 'x');
	} else {
		cut = r.n < size - 1 ? r.n : size - 1;
		FUZZ_ASSERT(n == cut && memcmp(small, want, cut) == 0 &&
			    small[cut] == '\0');
	}
	free(small);

	if (!via_log_msg)
		return;

	/* one line through log_msg (three system calls: the first pieces
	 * only) */
	ssize_t got_n;
	char head[64];
	size_t hn = (size_t)snprintf(head, sizeof(head), "tnat64[%d]: fuzz: ",
				     (int)getpid());

	switch (type) {
	case A_NONE: log_msg(LOG_ERR, piece); break;
	case A_INT: log_msg(LOG_ERR, piece, (int)a->num); break;
	case A_LONG: log_msg(LOG_ERR, piece, (long)a->num); break;
	case A_LLONG: log_msg(LOG_ERR, piece, (long long)a->num); break;
	case A_SIZE: log_msg(LOG_ERR, piece, (size_t)a->num); break;
	case A_UINT: log_msg(LOG_ERR, piece, (unsigned)a->num); break;
	case A_ULONG: log_msg(LOG_ERR, piece, (unsigned long)a->num); break;
	case A_ULLONG: log_msg(LOG_ERR, piece, (unsigned long long)a->num); break;
	case A_STR: log_msg(LOG_ERR, piece, a->str); break;
	case A_CHAR: log_msg(LOG_ERR, piece, (int)(char)a->num); break;
	case A_V4: log_msg(LOG_ERR, piece, a->v4); break;
	case A_V6: log_msg(LOG_ERR, piece, (const uint8_t *)a->v6); break;
	}
	got_n = read(log_pipe[0], line, sizeof(line));
	FUZZ_ASSERT(got_n > 0 && (size_t)got_n <= 512);
	FUZZ_ASSERT(read(log_pipe[0], line + got_n, 1) < 0 && errno == EAGAIN);
	FUZZ_ASSERT(line[got_n - 1] == '\n' && memcmp(line, head, hn) == 0);
	cut = r.n < 511 - hn ? r.n : 511 - hn;
	while (cut > 0 && want[cut - 1] == '\n')
		cut--;
	FUZZ_ASSERT((size_t)got_n == hn + cut + 1 &&
		    memcmp(line + hn, want, cut) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char longstr[700], mid[LOG_ARG_MAX + 2];
	const char *strs[] = {
		"", "abc", NULL, longstr, "%s%d%B", "a\nb\n", "\x1b[31m\r\x7f\x80",
		mid, mid + 1,
	};
	struct fuzz_in in = { data, size };
	struct args a;
	size_t bufsize, n, off = 0;
	char *fmt;

	if (log_pipe[0] < 0) {
		if (pipe2(log_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
			abort();
		for (size_t i = 0; i + 1 < sizeof(longstr); i++)
			longstr[i] = (char)('a' + i % 26);
		/* LOG_ARG_MAX + 1 and LOG_ARG_MAX bytes */
		for (size_t i = 0; i + 1 < sizeof(mid); i++)
			mid[i] = (char)('A' + i % 26);
		log_setup(LOG_DEBUG, log_pipe[1], "/usr/bin/fuzz");
	}
	bufsize = fuzz_u16(&in) % 1024;
	a.num = (uint64_t)fuzz_u32(&in) | (uint64_t)fuzz_u32(&in) << 32;
	fuzz_bytes(&in, &a.v4, 4);
	fuzz_bytes(&in, a.v6, 16);
	a.str = strs[fuzz_u8(&in) % (sizeof(strs) / sizeof(strs[0]))];
	fmt = fuzz_rest(&in, &n, 1);
	if (n > 4096) /* the reference's buffers */
		fmt[n = 4096] = '\0';

	for (int k = 0; off < n && fmt[off]; k++) {
		enum arg type;
		size_t len = next_piece(fmt + off, &type);
		char saved = fmt[off + len];

		fmt[off + len] = '\0';
		check_piece(fmt + off, type, &a, bufsize, k < 4);
		fmt[off + len] = saved;
		off += len;
	}
	free(fmt);
	return 0;
}
