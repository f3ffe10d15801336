/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --want FILE: is FILE a program the preloaded library cannot reach?
 * Yes (0) for an x86_64 ELF executable without PT_INTERP (static, static
 * PIE) and for any x86_64 Go binary (Go makes its socket calls itself,
 * with or without cgo): a ".note.go.buildid" / ".go.buildinfo" section or
 * a "Go" note.  No (1) for everything else (dynamic C programs, scripts,
 * other architectures).  2 when FILE cannot be found or read. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sv.h"

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got,
				  off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Look for a note named "Go" in [off, off+size). */
static int has_go_note(int fd, off_t off, uint64_t size)
{
	char buf[4096];
	size_t n, pos = 0;

	if (size > sizeof(buf))
		size = sizeof(buf);
	n = (size_t)size;
	if (pread_all(fd, buf, n, off) < 0)
		return 0;
	while (pos + sizeof(Elf64_Nhdr) <= n) {
		Elf64_Nhdr nh;
		size_t name_at = pos + sizeof(nh);

		memcpy(&nh, buf + pos, sizeof(nh));
		if (nh.n_namesz == 3 && name_at + 3 <= n &&
		    memcmp(buf + name_at, "Go", 3) == 0)
			return 1;
		pos = name_at + ((nh.n_namesz + 3u) & ~3u) +
		      ((nh.n_descsz + 3u) & ~3u);
	}
	return 0;
}

static int find_in_path(const char *file, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	const char *p, *e;

	if (strchr(file, '/')) {
		if ((size_t)snprintf(out, outlen, "%s", file) >= outlen)
			return -1;
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		size_t dl;

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		dl = (size_t)(e - p);
		if ((size_t)snprintf(out, outlen, "%.*s%s%s", (int)dl, p,
				     dl ? "/" : "", file) < outlen &&
		    access(out, X_OK) == 0) {
			struct stat st;

			if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		}
		if (!*e)
			break;
	}
	return -1;
}

int sv_want(const char *file)
{
	char path[PATH_MAX];
	Elf64_Ehdr eh;
	int fd, dynamic = 0, go = 0;

	if (find_in_path(file, path, sizeof(path)) < 0)
		return 2;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 2;
	if (pread_all(fd, &eh, sizeof(eh), 0) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 4096) {
		close(fd);
		return 1;
	}
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (pread_all(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff +
				i * sizeof(ph))) < 0)
			break;
		if (ph.p_type == PT_INTERP)
			dynamic = 1;
		else if (ph.p_type == PT_NOTE && !go)
			go = has_go_note(fd, (off_t)ph.p_offset, ph.p_filesz);
	}
	if (!go && eh.e_shentsize == sizeof(Elf64_Shdr) && eh.e_shnum > 0 &&
	    eh.e_shnum < 65280 && eh.e_shstrndx < eh.e_shnum) {
		Elf64_Shdr strsh;

		if (pread_all(fd, &strsh, sizeof(strsh), (off_t)(eh.e_shoff +
				eh.e_shstrndx * sizeof(strsh))) == 0) {
			for (unsigned i = 0; i < eh.e_shnum && !go; i++) {
				Elf64_Shdr sh;
				char name[32];

				if (pread_all(fd, &sh, sizeof(sh),
					      (off_t)(eh.e_shoff +
						      i * sizeof(sh))) < 0)
					break;
				if (sh.sh_name >= strsh.sh_size)
					continue;
				memset(name, 0, sizeof(name));
				if (pread(fd, name, sizeof(name) - 1,
					  (off_t)(strsh.sh_offset +
						  sh.sh_name)) <= 0)
					continue;
				if (!strcmp(name, ".note.go.buildid") ||
				    !strcmp(name, ".go.buildinfo") ||
				    !strcmp(name, ".gopclntab"))
					go = 1;
			}
		}
	}
	close(fd);
	return (!dynamic || go) ? 0 : 1;
}
