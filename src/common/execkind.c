/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kind of program a file is (execkind.h).
 *
 * A file is read with a handful of system calls: its first KB (the ELF
 * header, the program headers, the interpreter's name and, in practice,
 * the notes all live there), then for a dynamic program the section
 * header of the section-name table and that table, in one read when the
 * table comes just before the section headers as linkers put it (Go
 * binaries built with cgo are dynamic programs of glibc's loader: only
 * their ".go.*" sections or "Go" note tell).  An ELF file without PT_INTERP that is
 * glibc's dynamic loader itself (run as "ld.so PROGRAM") is DYNAMIC:
 * the loader honours LD_PRELOAD for the program it runs. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "execkind.h"

#define HEAD 1024

struct src {
	execkind_pread rd;
	void *ctx;
	const unsigned char *head; /* the first hlen bytes of the file */
	size_t hlen;
};

/* len bytes at off, from the head when they are in it: 0 or -1. */
static int get(const struct src *s, void *buf, size_t len, uint64_t off)
{
	long n;

	if (off <= s->hlen && len <= s->hlen - off) {
		memcpy(buf, s->head + off, len);
		return 0;
	}
	n = s->rd(s->ctx, buf, len, off);
	return n >= 0 && (size_t)n == len ? 0 : -1;
}

/* Up to len bytes at off (fewer at the end of the file): how many, or
 * -1. */
static long get_some(const struct src *s, void *buf, size_t len,
		     uint64_t off)
{
	if (s->hlen < HEAD) {
		/* The head is the whole file. */
		size_t n;

		if (off >= s->hlen)
			return 0;
		n = s->hlen - off < len ? s->hlen - off : len;
		memcpy(buf, s->head + off, n);
		return (long)n;
	}
	if (off <= s->hlen && len <= s->hlen - off) {
		memcpy(buf, s->head + off, len);
		return (long)len;
	}
	return s->rd(s->ctx, buf, len, off);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* binfmt_script's reading of "#!interpreter [arg]": the first 255
 * bytes, NULs past the end of a short file. */
static enum execkind script(const struct src *s, char *interp, size_t size)
{
	size_t n = s->hlen < EXECKIND_SCRIPT_HEAD - 1 ? s->hlen
						       : EXECKIND_SCRIPT_HEAD - 1;
	const char *b = (const char *)s->head, *end = b + n, *p, *e;
	const char *nl = memchr(b, '\n', n);

	p = b + 2;
	while (p < end && is_space(*p))
		p++;
	if (nl) {
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
	memcpy(interp, p, (size_t)(e - p));
	interp[e - p] = '\0';
	return EXECKIND_SCRIPT;
}

static bool basename_is(const char *path, const char *name)
{
	const char *b = strrchr(path, '/');

	return strcmp(b ? b + 1 : path, name) == 0;
}

/* A note named "Go" in the note segment ph. */
static bool go_note(const struct src *s, const Elf64_Phdr *ph)
{
	unsigned char buf[512];
	size_t n = ph->p_filesz < sizeof(buf) ? (size_t)ph->p_filesz
					       : sizeof(buf);
	size_t pos = 0;

	if (get(s, buf, n, ph->p_offset) < 0)
		return false;
	while (pos + sizeof(Elf64_Nhdr) <= n) {
		Elf64_Nhdr nh;
		size_t name_at = pos + sizeof(nh);

		memcpy(&nh, buf + pos, sizeof(nh));
		if (nh.n_namesz == 3 && name_at + 3 <= n &&
		    memcmp(buf + name_at, "Go", 3) == 0)
			return true;
		pos = name_at + ((nh.n_namesz + 3u) & ~3u) +
		      ((nh.n_descsz + 3u) & ~3u);
	}
	return false;
}

static bool has_bytes(const unsigned char *b, size_t n, const char *s,
		      size_t sl)
{
	for (size_t i = 0; i + sl <= n; i++)
		if (b[i] == (unsigned char)s[0] && memcmp(b + i, s, sl) == 0)
			return true;
	return false;
}

/* Does names[0..n) (a piece of a section-name table) hold one of Go's
 * section names? */
static bool go_names(const unsigned char *names, size_t n)
{
	static const char *const go[] = {
		".gopclntab", ".go.buildinfo", ".note.go.buildid",
	};

	for (size_t i = 0; i < sizeof(go) / sizeof(go[0]); i++)
		if (has_bytes(names, n, go[i], strlen(go[i]) + 1))
			return true;
	return false;
}

/* One of Go's sections, by its name in the section-name table (64 KB of
 * it at most).  GNU ld, gold and lld put that table just before the
 * section headers, so one read of the GO_WINDOW bytes that end with the
 * table's own header usually holds both: one system call for a dynamic
 * program of a usual size.  Otherwise the table is read in windows that
 * overlap by more than the longest name. */
#define GO_WINDOW 4096
static bool go_sections(const struct src *s, const Elf64_Ehdr *eh,
			unsigned char buf[GO_WINDOW])
{
	Elf64_Shdr sh;
	uint64_t at, start, off = 0, size;
	long n;

	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum ||
	    eh->e_shoff > UINT64_MAX / 2)
		return false;
	at = eh->e_shoff + (uint64_t)eh->e_shstrndx * sizeof(sh);
	start = at + sizeof(sh) > GO_WINDOW ? at + sizeof(sh) - GO_WINDOW : 0;
	n = s->rd(s->ctx, buf, (size_t)(at + sizeof(sh) - start), start);
	if (n < 0 || (uint64_t)n != at + sizeof(sh) - start)
		return false;
	memcpy(&sh, buf + (at - start), sizeof(sh));
	if (sh.sh_type != SHT_STRTAB)
		return false;
	size = sh.sh_size < 65536 ? sh.sh_size : 65536;
	if (sh.sh_offset >= start && sh.sh_offset <= at &&
	    size <= at - sh.sh_offset)
		return go_names(buf + (sh.sh_offset - start), (size_t)size);
	while (off < size) {
		size_t want = size - off < GO_WINDOW ? (size_t)(size - off)
						    : GO_WINDOW;

		n = get_some(s, buf, want, sh.sh_offset + off);
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
static bool glibc_loader(const struct src *s, const Elf64_Phdr *ph,
			 unsigned n)
{
	static const char want[] = "ld-linux-x86-64.so.2";
	Elf64_Dyn dyn[64];
	uint64_t strtab = 0, soname = 0, off;
	size_t nd = 0;
	bool have_soname = false;
	char name[sizeof(want)];

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
	       memcmp(name, want, sizeof(want)) == 0;
}

enum execkind execkind_read(execkind_pread rd, void *ctx, char *interp,
			    size_t interp_size)
{
	unsigned char head[HEAD];
	/* The program headers, and then the window go_sections reads (no
	 * longer needed together): the exec hooks run this in a forked
	 * child, where every stack page written is a page fault. */
	union {
		Elf64_Phdr ph[64];
		unsigned char win[GO_WINDOW];
	} b;
	Elf64_Phdr *ph = b.ph;
	Elf64_Ehdr eh;
	struct src s = { rd, ctx, head, 0 };
	long n = rd(ctx, head, sizeof(head), 0);
	bool dynamic = false, go = false;
	unsigned nph;

	if (n < 2)
		return EXECKIND_OTHER;
	s.hlen = (size_t)n;
	if (head[0] == '#' && head[1] == '!')
		return script(&s, interp, interp_size);
	if ((size_t)n < sizeof(eh))
		return EXECKIND_OTHER;
	memcpy(&eh, head, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0)
		return EXECKIND_OTHER;
	nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
	if (get(&s, ph, nph * sizeof(Elf64_Phdr), eh.e_phoff) < 0)
		return EXECKIND_OTHER;
	for (unsigned i = 0; i < nph; i++) {
		if (ph[i].p_type == PT_INTERP) {
			char path[256];
			size_t len = ph[i].p_filesz;

			if (len == 0 || len > sizeof(path) ||
			    get(&s, path, len, ph[i].p_offset) < 0)
				return EXECKIND_OTHER;
			path[len - 1] = '\0';
			if (!basename_is(path, "ld-linux-x86-64.so.2"))
				return EXECKIND_FOREIGN;
			dynamic = true;
		} else if (ph[i].p_type == PT_NOTE && !go) {
			go = go_note(&s, &ph[i]);
		}
	}
	if (go)
		return EXECKIND_GO;
	if (!dynamic)
		return glibc_loader(&s, ph, nph) ? EXECKIND_DYNAMIC
						 : EXECKIND_STATIC;
	return go_sections(&s, &eh, b.win) ? EXECKIND_GO : EXECKIND_DYNAMIC;
}

/* ---------------------------------------------------------- files */

static long neg(long r)
{
	return r < 0 ? -errno : r;
}

static long fd_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	long r;

	do {
		r = neg(syscall(SYS_pread64, *(int *)ctx, buf, len, (off_t)off));
	} while (r == -EINTR);
	return r;
}

/* May this process execute what fd (or dir + path) names?  faccessat2
 * with AT_EACCESS, as execve checks (noexec mounts included); on kernels
 * without it (before 5.8), access with the real ids. */
static bool executable(int dirfd, const char *path)
{
	long r = syscall(SYS_faccessat2, dirfd, path, X_OK,
			 AT_EACCESS | (*path ? 0 : AT_EMPTY_PATH));

	if (r < 0 && errno == ENOSYS && *path)
		r = syscall(SYS_faccessat, dirfd, path, X_OK);
	return r == 0 || (r < 0 && errno == ENOSYS);
}

/* Classify the open regular file fd: a script's interpreter goes into
 * interp. */
static enum execkind classify_fd(int fd, char *interp, size_t size)
{
	return execkind_read(fd_pread, &fd, interp, size);
}

static int open_regular(int dirfd, const char *path, bool nofollow)
{
	struct stat st;
	int flags = nofollow ? AT_SYMLINK_NOFOLLOW : 0;
	long fd;

	/* Never open what is not a regular file: a FIFO would block, a
	 * device would act; exec fails on them by itself. */
	if (syscall(SYS_newfstatat, dirfd, path, &st, flags) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	fd = syscall(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC |
		     O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
	return fd < 0 ? -errno : (int)fd;
}

/* Follow a script's interpreter from kind k (interp filled): the final
 * kind, or OTHER when a file of the chain may not be run. */
static int follow(enum execkind k, char *interp, size_t size)
{
	for (int depth = 0; k == EXECKIND_SCRIPT; depth++) {
		char next[EXECKIND_SCRIPT_HEAD];
		int fd;

		if (depth >= EXECKIND_MAX_DEPTH)
			return EXECKIND_OTHER;
		memcpy(next, interp, size < sizeof(next) ? size : sizeof(next));
		next[sizeof(next) - 1] = '\0';
		fd = open_regular(AT_FDCWD, next, false);
		if (fd < 0)
			return fd;
		k = classify_fd(fd, interp, size);
		syscall(SYS_close, fd);
		if ((k == EXECKIND_SCRIPT || execkind_supervised(k)) &&
		    !executable(AT_FDCWD, next))
			return EXECKIND_OTHER;
	}
	return (int)k;
}

int execkind_path(const char *path, bool nofollow)
{
	char interp[EXECKIND_SCRIPT_HEAD];
	int fd = open_regular(AT_FDCWD, path, nofollow);
	enum execkind k;

	if (fd < 0)
		return fd;
	k = classify_fd(fd, interp, sizeof(interp));
	syscall(SYS_close, fd);
	if ((k == EXECKIND_SCRIPT || execkind_supervised(k)) &&
	    !executable(AT_FDCWD, path))
		return EXECKIND_OTHER;
	return follow(k, interp, sizeof(interp));
}

int execkind_fd(int fd, bool *is_script)
{
	char interp[EXECKIND_SCRIPT_HEAD];
	struct stat st;
	enum execkind k;
	int rfd = fd;

	*is_script = false;
	if (syscall(SYS_fstat, fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	/* An O_PATH descriptor cannot be read: its /proc/self/fd link can. */
	if (syscall(SYS_pread64, fd, interp, 0, (off_t)0) < 0) {
		char p[32] = "/proc/self/fd/", digits[12];
		size_t nd = 0, at = strlen(p);

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
		syscall(SYS_close, rfd);
	*is_script = k == EXECKIND_SCRIPT;
	if ((k == EXECKIND_SCRIPT || execkind_supervised(k)) &&
	    !executable(fd, ""))
		return EXECKIND_OTHER;
	return follow(k, interp, sizeof(interp));
}
