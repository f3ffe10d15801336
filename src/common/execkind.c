/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kind of program a file is (execkind.h).
 *
 * A file is read with a handful of system calls: its first KB (the ELF
 * header, the program headers, the interpreter's name and, in practice,
 * the notes all live there), then for a dynamic program the section-name
 * table and its section header, in one read when the table comes just
 * before the section headers as linkers put it (Go binaries built with
 * cgo are dynamic programs of glibc's loader: only their ".go.*" sections
 * or "Go" note tell).  An ELF file without PT_INTERP that is glibc's
 * dynamic loader itself (run as "ld.so PROGRAM") is DYNAMIC: the loader
 * honours LD_PRELOAD for the program it runs.
 *
 * The exec hooks run this in a forked child, where each page touched for
 * the first time is a page fault (4-8 us, the price of 4-6 system calls):
 * the common path (a dynamic program) keeps to one buffer of HEAD bytes on
 * the stack, which the second read reuses, makes its system calls inline
 * (rawsys.h), calls nothing in libc (its byte copies are rawsys.h's
 * tn_copy, which compilers cannot make a call to memcpy) and compares
 * names with immediates, not with strings in read-only data.  What only other programs need is in functions of its
 * own (RARE), out of the common path's stack frame. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "execkind.h"
#include "rawsys.h"

#define HOT TN_EXEC_TEXT
#define RARE __attribute__((noinline))

/* The first read: the ELF header, program headers, interpreter, notes. */
#define HEAD 1024
/* The second read, into the same buffer: up to NAMES_WIN bytes before
 * the section headers (the name table), the headers up to the table's
 * own, which are not needed, into the rest of the buffer over and over
 * (at most DISCARD_IOV times), and the table's header. */
#define NAMES_WIN 640
#define SCRATCH (HEAD - NAMES_WIN)
#define DISCARD_IOV 10

struct src {
	execkind_preadv rd;
	void *ctx;
	const unsigned char *head; /* the first hlen bytes of the file */
	size_t hlen;
};

/* Words of a name, in the order of memory, for comparisons with
 * immediates. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define B_(c, i) ((uint64_t)(unsigned char)(c) << (8 * (i)))
#else
#define B_(c, i) ((uint64_t)(unsigned char)(c) << (8 * (7 - (i))))
#endif
#define W8(a, b, c, d, e, f, g, h) \
	(B_(a, 0) | B_(b, 1) | B_(c, 2) | B_(d, 3) | B_(e, 4) | B_(f, 5) | \
	 B_(g, 6) | B_(h, 7))

static inline uint64_t ld8(const unsigned char *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static HOT long rd1(const struct src *s, void *buf, size_t len, uint64_t off)
{
	struct iovec v = { buf, len };

	return s->rd(s->ctx, &v, 1, off);
}

/* Is [off, off + len) in the head? */
static inline bool in_head(const struct src *s, uint64_t off, uint64_t len)
{
	return off <= s->hlen && len <= s->hlen - off;
}

/* len bytes at off, from the head when they are in it: 0 or -1. */
static int get(const struct src *s, void *buf, size_t len, uint64_t off)
{
	long n;

	if (in_head(s, off, len)) {
		tn_copy(buf, s->head + off, len);
		return 0;
	}
	n = rd1(s, buf, len, off);
	return n >= 0 && (size_t)n == len ? 0 : -1;
}

static HOT bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* binfmt_script's reading of "#!interpreter [arg]": the first 255
 * bytes, NULs past the end of a short file. */
static HOT enum execkind script(const struct src *s, char *interp,
				size_t size)
{
	size_t n = s->hlen < EXECKIND_SCRIPT_HEAD - 1 ? s->hlen
						       : EXECKIND_SCRIPT_HEAD - 1;
	const char *b = (const char *)s->head, *end = b + n, *p, *e, *nl;

	for (nl = b; nl < end && *nl != '\n'; nl++)
		;
	p = b + 2;
	while (p < end && is_space(*p))
		p++;
	if (nl < end) {
		end = nl;
	} else {
		/* No end of line: the kernel runs the script only when the
		 * interpreter's name visibly ends (a blank, a NUL, the end
		 * of a short file). */
		for (e = p; e < end && !is_space(*e) && *e; e++)
			;
		if (e == end && s->hlen >= EXECKIND_SCRIPT_HEAD - 1)
			return EXECKIND_OTHER;
	}
	for (e = p; e < end && !is_space(*e) && *e; e++)
		;
	if (e == p || (size_t)(e - p) >= size)
		return EXECKIND_OTHER;
	tn_copy(interp, p, (size_t)(e - p));
	interp[e - p] = '\0';
	return EXECKIND_SCRIPT;
}

/* "ld-linux-x86-64.so.2" (20 bytes) at q. */
static HOT bool is_glibc_loader_name(const unsigned char *q)
{
	return ld8(q) == W8('l', 'd', '-', 'l', 'i', 'n', 'u', 'x') &&
	       ld8(q + 8) == W8('-', 'x', '8', '6', '-', '6', '4', '.') &&
	       q[16] == 's' && q[17] == 'o' && q[18] == '.' && q[19] == '2';
}

/* Is the interpreter's path p[0..len) (its last byte taken as its end)
 * glibc's loader, by its last component? */
static HOT bool glibc_interp(const unsigned char *p, size_t len)
{
	size_t end = 0, base = 0;

	while (end + 1 < len && p[end]) {
		if (p[end] == '/')
			base = end + 1;
		end++;
	}
	return end - base == 20 && is_glibc_loader_name(p + base);
}

/* An interpreter's path outside the head. */
static RARE int glibc_interp_far(const struct src *s, const Elf64_Phdr *ph)
{
	unsigned char path[256];

	if (get(s, path, ph->p_filesz, ph->p_offset) < 0)
		return -1;
	return glibc_interp(path, ph->p_filesz);
}

/* PT_INTERP ph: 1 for glibc's loader, 0 for another, -1 for none. */
static HOT int interp_kind(const struct src *s, const Elf64_Phdr *ph)
{
	if (ph->p_filesz == 0 || ph->p_filesz > 256)
		return -1;
	if (!in_head(s, ph->p_offset, ph->p_filesz))
		return glibc_interp_far(s, ph);
	return glibc_interp(s->head + ph->p_offset, ph->p_filesz);
}

/* A note named "Go" in notes b[0..n). */
static HOT bool go_in_notes(const unsigned char *b, size_t n)
{
	size_t pos = 0;

	while (pos + sizeof(Elf64_Nhdr) <= n) {
		Elf64_Nhdr nh;
		size_t name_at = pos + sizeof(nh);

		__builtin_memcpy(&nh, b + pos, sizeof(nh));
		if (nh.n_namesz == 3 && name_at + 3 <= n && b[name_at] == 'G' &&
		    b[name_at + 1] == 'o' && b[name_at + 2] == '\0')
			return true;
		pos = name_at + ((nh.n_namesz + 3u) & ~3u) +
		      ((nh.n_descsz + 3u) & ~3u);
	}
	return false;
}

#define NOTE_MAX 512

static RARE bool go_note_far(const struct src *s, const Elf64_Phdr *ph,
			     size_t n)
{
	unsigned char buf[NOTE_MAX];

	return get(s, buf, n, ph->p_offset) == 0 && go_in_notes(buf, n);
}

/* A note named "Go" in the (first NOTE_MAX bytes of the) note segment
 * ph. */
static HOT bool go_note(const struct src *s, const Elf64_Phdr *ph)
{
	size_t n = ph->p_filesz < NOTE_MAX ? (size_t)ph->p_filesz : NOTE_MAX;

	if (!in_head(s, ph->p_offset, n))
		return go_note_far(s, ph, n);
	return go_in_notes(s->head + ph->p_offset, n);
}

/* Is one of Go's section names (".gopclntab", ".go.buildinfo",
 * ".note.go.buildid", with its NUL) at p, which has n bytes? */
static HOT bool go_name_at(const unsigned char *p, size_t n)
{
	if (n < 11 || p[0] != '.')
		return false;
	if (ld8(p) == W8('.', 'g', 'o', 'p', 'c', 'l', 'n', 't'))
		return p[8] == 'a' && p[9] == 'b' && p[10] == '\0';
	if (n >= 14 && ld8(p) == W8('.', 'g', 'o', '.', 'b', 'u', 'i', 'l'))
		return ld8(p + 5) == W8('u', 'i', 'l', 'd', 'i', 'n', 'f', 'o') &&
		       p[13] == '\0';
	return n >= 17 && ld8(p) == W8('.', 'n', 'o', 't', 'e', '.', 'g', 'o') &&
	       ld8(p + 8) == W8('.', 'b', 'u', 'i', 'l', 'd', 'i', 'd') &&
	       p[16] == '\0';
}

/* Does names[0..n) (a piece of a section-name table) hold one of Go's
 * section names? */
static HOT bool go_names(const unsigned char *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (go_name_at(names + i, n - i))
			return true;
	return false;
}

/* The table of section names sh (size bytes of it), read in windows of
 * HEAD bytes into buf that overlap by more than the longest name. */
static HOT bool go_names_read(const struct src *s, const Elf64_Shdr *sh,
			      uint64_t size, unsigned char *buf)
{
	uint64_t off = 0;

	while (off < size) {
		size_t want = size - off < HEAD ? (size_t)(size - off) : HEAD;
		long n = rd1(s, buf, want, sh->sh_offset + off);

		if (n <= 0)
			return false;
		if (go_names(buf, (size_t)n))
			return true;
		if ((size_t)n < want || off + (uint64_t)n >= size)
			break;
		off += (uint64_t)n - 32;
	}
	return false;
}

/* One of Go's sections, by its name in the section-name table (64 KB of
 * it at most).  GNU ld, gold and lld put that table just before the
 * section headers: one read (preadv) takes the NAMES_WIN bytes before
 * the headers into buf, and the table's own header, the headers before
 * it going into the rest of buf, where nothing is kept.  buf: HEAD
 * bytes (the head's, no longer needed). */
static HOT bool go_sections(const struct src *s, const Elf64_Ehdr *eh,
			    unsigned char *buf)
{
	struct iovec iov[2 + DISCARD_IOV];
	Elf64_Shdr sh;
	uint64_t gap, start, want, size, names = 0;
	int k = 0;
	long n;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff > UINT64_MAX / 2)
		return false;
	gap = (uint64_t)eh->e_shstrndx * sizeof(sh);
	start = eh->e_shoff + gap;
	if (gap <= (uint64_t)SCRATCH * DISCARD_IOV) {
		names = eh->e_shoff < NAMES_WIN ? eh->e_shoff : NAMES_WIN;
		if (names)
			iov[k++] = (struct iovec){ buf, (size_t)names };
		for (uint64_t left = gap; left;) {
			size_t c = left < SCRATCH ? (size_t)left : SCRATCH;

			iov[k++] = (struct iovec){ buf + NAMES_WIN, c };
			left -= c;
		}
		start = eh->e_shoff - names;
	}
	iov[k++] = (struct iovec){ &sh, sizeof(sh) };
	want = (eh->e_shoff + gap + sizeof(sh)) - start;
	n = s->rd(s->ctx, iov, k, start);
	if (n < 0 || (uint64_t)n != want || sh.sh_type != SHT_STRTAB)
		return false;
	size = sh.sh_size < 65536 ? sh.sh_size : 65536;
	if (names && sh.sh_offset >= start && sh.sh_offset <= eh->e_shoff &&
	    size <= eh->e_shoff - sh.sh_offset)
		return go_names(buf + (sh.sh_offset - start), (size_t)size);
	return go_names_read(s, &sh, size, buf);
}

/* The file offset of virtual address va, through the PT_LOAD segments
 * ph[0..n): 0 when none holds it. */
static uint64_t va_to_off(const Elf64_Phdr *ph, unsigned n, uint64_t va)
{
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va - ph[i].p_vaddr < ph[i].p_filesz)
			return ph[i].p_offset + (va - ph[i].p_vaddr);
	return 0;
}

/* An ELF file without PT_INTERP whose DT_SONAME is glibc's loader. */
static RARE bool glibc_loader(const struct src *s, const unsigned char *tab,
			      unsigned n)
{
	Elf64_Phdr ph[64];
	Elf64_Dyn dyn[64];
	uint64_t strtab = 0, soname = 0, off;
	size_t nd = 0;
	bool have_soname = false;
	unsigned char name[21];

	tn_copy(ph, tab, n * sizeof(Elf64_Phdr));
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_type == PT_DYNAMIC) {
			nd = ph[i].p_filesz / sizeof(Elf64_Dyn);
			if (nd > 64)
				nd = 64;
			if (get(s, dyn, nd * sizeof(Elf64_Dyn),
				ph[i].p_offset) < 0)
				return false;
			break;
		}
	for (size_t i = 0; i < nd && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag == DT_STRTAB)
			strtab = dyn[i].d_un.d_ptr;
		else if (dyn[i].d_tag == DT_SONAME) {
			soname = dyn[i].d_un.d_val;
			have_soname = true;
		}
	}
	if (!have_soname || !strtab)
		return false;
	off = va_to_off(ph, n, strtab);
	return off && get(s, name, sizeof(name), off + soname) == 0 &&
	       is_glibc_loader_name(name) && name[20] == '\0';
}

/* Not a kind: a dynamic program of glibc's loader, whose sections are
 * still to be looked at. */
#define KIND_SECTIONS (-1)

/* The kind the program headers tab[0..nph) tell. */
static HOT int scan(const struct src *s, const unsigned char *tab,
		    unsigned nph)
{
	bool dynamic = false, go = false;

	for (unsigned i = 0; i < nph; i++) {
		Elf64_Phdr ph;

		__builtin_memcpy(&ph, tab + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP) {
			int g = interp_kind(s, &ph);

			if (g < 0)
				return EXECKIND_OTHER;
			if (g == 0)
				return EXECKIND_FOREIGN;
			dynamic = true;
		} else if (ph.p_type == PT_NOTE && !go) {
			go = go_note(s, &ph);
		}
	}
	if (go)
		return EXECKIND_GO;
	if (!dynamic)
		return glibc_loader(s, tab, nph) ? EXECKIND_DYNAMIC
						 : EXECKIND_STATIC;
	return KIND_SECTIONS;
}

/* Program headers outside the head. */
static RARE int scan_far(const struct src *s, const Elf64_Ehdr *eh,
			 unsigned nph)
{
	Elf64_Phdr ph[64];

	if (get(s, ph, nph * sizeof(Elf64_Phdr), eh->e_phoff) < 0)
		return EXECKIND_OTHER;
	return scan(s, (const unsigned char *)ph, nph);
}

HOT enum execkind execkind_read(execkind_preadv rd, void *ctx, char *interp,
				size_t interp_size)
{
	unsigned char head[HEAD];
	Elf64_Ehdr eh;
	struct src s = { rd, ctx, head, 0 };
	long n = rd1(&s, head, sizeof(head), 0);
	unsigned nph;
	int k;

	if (n < 2)
		return EXECKIND_OTHER;
	s.hlen = (size_t)n;
	if (head[0] == '#' && head[1] == '!')
		return script(&s, interp, interp_size);
	if ((size_t)n < sizeof(eh))
		return EXECKIND_OTHER;
	__builtin_memcpy(&eh, head, sizeof(eh));
	/* "\177ELF", 64-bit, little-endian (any version and ABI bytes). */
	if ((ld8(eh.e_ident) & W8(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0)) !=
		    W8(ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
		       ELFDATA2LSB, 0, 0) ||
	    eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return EXECKIND_OTHER;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	if (in_head(&s, eh.e_phoff, (uint64_t)nph * sizeof(Elf64_Phdr)))
		k = scan(&s, head + eh.e_phoff, nph);
	else
		k = scan_far(&s, &eh, nph);
	if (k != KIND_SECTIONS)
		return (enum execkind)k;
	/* The head is not needed any more: its buffer is the next read's. */
	s.head = NULL;
	s.hlen = 0;
	return go_sections(&s, &eh, head) ? EXECKIND_GO : EXECKIND_DYNAMIC;
}

/* ---------------------------------------------------------- files */

static HOT long fd_preadv(void *ctx, const struct iovec *iov, int n,
			  uint64_t off)
{
	long r;

	do {
		r = TN_SYS5(SYS_preadv, *(const int *)ctx, iov, n, off, 0);
	} while (r == -EINTR);
	return r;
}

/* May this process execute what fd (or dir + path) names?  faccessat2
 * with AT_EACCESS, as execve checks (noexec mounts included); on kernels
 * without it (before 5.8), access with the real ids. */
static bool executable(int dirfd, const char *path)
{
	long r = TN_SYS4(SYS_faccessat2, dirfd, path, X_OK,
			 AT_EACCESS | (*path ? 0 : AT_EMPTY_PATH));

	if (r == -ENOSYS && *path)
		r = TN_SYS3(SYS_faccessat, dirfd, path, X_OK);
	return r == 0 || r == -ENOSYS;
}

/* Classify the open regular file fd: a script's interpreter goes into
 * interp. */
static HOT enum execkind classify_fd(int fd, char *interp, size_t size)
{
	return execkind_read(fd_preadv, &fd, interp, size);
}

static HOT int open_regular(int dirfd, const char *path, bool nofollow)
{
	struct stat st;
	long r;

	/* Never open what is not a regular file: a FIFO would block, a
	 * device would act; exec fails on them by itself. */
	r = TN_SYS4(SYS_newfstatat, dirfd, path, &st,
		    nofollow ? AT_SYMLINK_NOFOLLOW : 0);
	if (r < 0)
		return (int)r;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	r = TN_SYS4(SYS_openat, dirfd, path,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
			    (nofollow ? O_NOFOLLOW : 0), 0);
	return (int)r;
}

/* Follow a script's interpreter from kind k (interp filled): the final
 * kind, or OTHER when a file of the chain may not be run. */
static RARE int follow(enum execkind k, char *interp, size_t size)
{
	for (int depth = 0; k == EXECKIND_SCRIPT; depth++) {
		char next[EXECKIND_SCRIPT_HEAD];
		int fd;

		if (depth >= EXECKIND_MAX_DEPTH)
			return EXECKIND_OTHER;
		tn_copy(next, interp,
			size < sizeof(next) ? size : sizeof(next));
		next[sizeof(next) - 1] = '\0';
		fd = open_regular(AT_FDCWD, next, false);
		if (fd < 0)
			return fd;
		k = classify_fd(fd, interp, size);
		TN_SYS1(SYS_close, fd);
		if ((k == EXECKIND_SCRIPT || execkind_supervised(k)) &&
		    !executable(AT_FDCWD, next))
			return EXECKIND_OTHER;
	}
	return (int)k;
}

HOT int execkind_path_keep(const char *path, bool nofollow, int *fdp)
{
	char interp[EXECKIND_SCRIPT_HEAD];
	int fd = open_regular(AT_FDCWD, path, nofollow);
	enum execkind k;

	*fdp = fd < 0 ? -1 : fd;
	if (fd < 0)
		return fd;
	k = classify_fd(fd, interp, sizeof(interp));
	if (k == EXECKIND_DYNAMIC || k == EXECKIND_OTHER)
		return (int)k;
	if (!executable(AT_FDCWD, path))
		return EXECKIND_OTHER;
	return k == EXECKIND_SCRIPT ? follow(k, interp, sizeof(interp))
				    : (int)k;
}

int execkind_path(const char *path, bool nofollow)
{
	int fd, k = execkind_path_keep(path, nofollow, &fd);

	if (fd >= 0)
		TN_SYS1(SYS_close, fd);
	return k;
}

int execkind_fd(int fd, bool *is_script)
{
	static const char proc[] = "/proc/self/fd/";
	char interp[EXECKIND_SCRIPT_HEAD];
	struct stat st;
	enum execkind k;
	long r;
	int rfd = fd;

	*is_script = false;
	r = TN_SYS2(SYS_fstat, fd, &st);
	if (r < 0)
		return (int)r;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	/* An O_PATH descriptor cannot be read: its /proc/self/fd link can. */
	if (TN_SYS4(SYS_pread64, fd, interp, 0, 0) < 0) {
		char p[32], digits[12];
		size_t nd = 0, at = sizeof(proc) - 1;

		tn_copy(p, proc, at);
		for (unsigned v = (unsigned)fd; nd == 0 || v; v /= 10)
			digits[nd++] = (char)('0' + v % 10);
		while (nd)
			p[at++] = digits[--nd];
		p[at] = '\0';
		rfd = open_regular(AT_FDCWD, p, false);
		if (rfd < 0)
			return rfd;
	}
	k = classify_fd(rfd, interp, sizeof(interp));
	if (rfd != fd)
		TN_SYS1(SYS_close, rfd);
	*is_script = k == EXECKIND_SCRIPT;
	if ((k == EXECKIND_SCRIPT || execkind_supervised(k)) &&
	    !executable(fd, ""))
		return EXECKIND_OTHER;
	return k == EXECKIND_SCRIPT ? follow(k, interp, sizeof(interp))
				    : (int)k;
}
