/* SPDX-License-Identifier: GPL-2.0-or-later */
/* src/common/execkind.c: which programs need the supervisor, on ELF
 * images made here (static, dynamic, Go by note or by section, another
 * loader, glibc's loader itself, 32-bit, truncated) and on "#!" lines as
 * the kernel reads them; then on files of this system. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"
#include "execkind.h"

struct mem {
	const unsigned char *p;
	size_t n;
	unsigned reads;
};

/* preadv over the image: one read whatever the number of buffers. */
static long mem_preadv(void *ctx, const struct iovec *iov, int n,
		       uint64_t off)
{
	struct mem *m = ctx;
	long total = 0;

	m->reads++;
	for (int i = 0; i < n; i++) {
		size_t k;

		if (off >= m->n)
			break;
		k = m->n - off < iov[i].iov_len ? m->n - off : iov[i].iov_len;
		memcpy(iov[i].iov_base, m->p + off, k);
		off += k;
		total += (long)k;
		if (k < iov[i].iov_len)
			break;
	}
	return total;
}

static enum execkind kind_of(const void *img, size_t n, char *interp,
			     unsigned *reads)
{
	struct mem m = { img, n, 0 };
	char scratch[EXECKIND_SCRIPT_HEAD];
	enum execkind k = execkind_read(mem_preadv, &m, interp ? interp : scratch,
					interp ? EXECKIND_SCRIPT_HEAD : sizeof(scratch));

	if (reads)
		*reads = m.reads;
	return k;
}

/* An ELF image: header, program headers at 64, then data. */
struct img {
	unsigned char b[16384];
	size_t n;
	Elf64_Ehdr *eh;
	unsigned nph;
};

static void img_init(struct img *im, int cls, int machine)
{
	memset(im, 0, sizeof(*im));
	im->eh = (Elf64_Ehdr *)im->b;
	memcpy(im->eh->e_ident, ELFMAG, SELFMAG);
	im->eh->e_ident[EI_CLASS] = (unsigned char)cls;
	im->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh->e_type = ET_DYN;
	im->eh->e_machine = (Elf64_Half)machine;
	im->eh->e_phoff = sizeof(Elf64_Ehdr);
	im->eh->e_phentsize = sizeof(Elf64_Phdr);
	im->n = 64 + 8 * sizeof(Elf64_Phdr);
}

static size_t img_put(struct img *im, const void *data, size_t len, size_t at)
{
	if (!at)
		at = (im->n + 7) & ~(size_t)7;
	memcpy(im->b + at, data, len);
	if (at + len > im->n)
		im->n = at + len;
	return at;
}

static Elf64_Phdr *img_ph(struct img *im, uint32_t type, uint64_t off,
			  uint64_t size)
{
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->b + 64) + im->nph++;

	ph->p_type = type;
	ph->p_offset = off;
	ph->p_filesz = size;
	ph->p_vaddr = off;
	im->eh->e_phnum = (Elf64_Half)im->nph;
	return ph;
}

static void img_interp(struct img *im, const char *path)
{
	size_t at = img_put(im, path, strlen(path) + 1, 0);

	img_ph(im, PT_INTERP, at, strlen(path) + 1);
}

static void img_note(struct img *im, const char *name, size_t at)
{
	unsigned char buf[64];
	Elf64_Nhdr nh = { (Elf64_Word)(strlen(name) + 1), 4, 4 };
	size_t len = sizeof(nh);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &nh, sizeof(nh));
	memcpy(buf + len, name, nh.n_namesz);
	len += (nh.n_namesz + 3u) & ~3u;
	len += 4; /* descriptor */
	at = img_put(im, buf, len, at);
	img_ph(im, PT_NOTE, at, len);
}

/* nsec section headers (at most 64), the last one the name table's,
 * which holds names and is put at at; the headers at shoff (0: just
 * after the table, where linkers put them). */
static void img_sections(struct img *im, const char *names, size_t nlen,
			 size_t at, size_t shoff, unsigned nsec)
{
	Elf64_Shdr sh[64];
	size_t tab = img_put(im, names, nlen, at);

	memset(sh, 0, sizeof(sh));
	for (unsigned i = 1; i < nsec; i++)
		sh[i].sh_type = SHT_PROGBITS;
	sh[nsec - 1].sh_type = SHT_STRTAB;
	sh[nsec - 1].sh_offset = tab;
	sh[nsec - 1].sh_size = nlen;
	shoff = img_put(im, sh, nsec * sizeof(Elf64_Shdr), shoff);
	im->eh->e_shoff = shoff;
	im->eh->e_shentsize = sizeof(Elf64_Shdr);
	im->eh->e_shnum = (Elf64_Half)nsec;
	im->eh->e_shstrndx = (Elf64_Half)(nsec - 1);
}

/* A dynamic program (glibc's loader) with nsec section headers at the
 * end and the section-name table names at offset at. */
static void img_dynamic(struct img *im, const char *names, size_t nlen,
			size_t at, unsigned nsec)
{
	img_init(im, ELFCLASS64, EM_X86_64);
	img_interp(im, "/lib64/ld-linux-x86-64.so.2");
	img_sections(im, names, nlen, at, 0, nsec);
}

static void img_shstrtab(struct img *im, const char *names, size_t nlen,
			 size_t at, size_t shoff)
{
	img_sections(im, names, nlen, at, shoff, 2);
}

static void test_elf(void)
{
	static const char c_names[] = "\0.text\0.data\0.shstrtab\0.note.gnu.build-id";
	static const char go_names[] = "\0.text\0.gopclntab\0.shstrtab";
	static struct img im;
	unsigned reads;
	Elf64_Dyn dyn[3];

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_ph(&im, PT_LOAD, 0, 4096);
	CHECK_INT("elf/static", kind_of(im.b, im.n, NULL, &reads),
		  EXECKIND_STATIC);
	CHECK_INT("elf/static: one read", reads, 1);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_shstrtab(&im, c_names, sizeof(c_names), 2000, 0);
	CHECK_INT("elf/dynamic", kind_of(im.b, im.n, NULL, &reads),
		  EXECKIND_DYNAMIC);
	CHECK_INT("elf/dynamic: the head, then the name table and its header "
		  "in one read", reads, 2);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_shstrtab(&im, c_names, sizeof(c_names), 2000, 12000);
	CHECK_INT("elf/dynamic, the name table far from the section headers",
		  kind_of(im.b, im.n, NULL, &reads), EXECKIND_DYNAMIC);
	CHECK_INT("elf/dynamic, the name table far: one more read", reads, 3);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_shstrtab(&im, go_names, sizeof(go_names), 1500, 12000);
	CHECK_INT("elf/cgo without its note, the name table far from the "
		  "section headers", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_GO);

	/* As a usual program has them: some 30 to 60 section headers, the
	 * name table's last. */
	img_dynamic(&im, c_names, sizeof(c_names), 2000, 49);
	CHECK_INT("elf/dynamic, 49 sections", kind_of(im.b, im.n, NULL, &reads),
		  EXECKIND_DYNAMIC);
	CHECK_INT("elf/dynamic, 49 sections: the name table and its header "
		  "in one read", reads, 2);
	img_dynamic(&im, go_names, sizeof(go_names), 2000, 49);
	CHECK_INT("elf/cgo without its note, 49 sections",
		  kind_of(im.b, im.n, NULL, &reads), EXECKIND_GO);
	CHECK_INT("elf/cgo without its note, 49 sections: one read for the "
		  "names", reads, 2);
	/* So many headers before the table's that they are not read. */
	img_dynamic(&im, go_names, sizeof(go_names), 2000, 64);
	CHECK_INT("elf/cgo without its note, 64 sections",
		  kind_of(im.b, im.n, NULL, &reads), EXECKIND_GO);
	CHECK_INT("elf/cgo without its note, 64 sections: the table's header, "
		  "then the table", reads, 3);
	img_dynamic(&im, c_names, sizeof(c_names), 2000, 64);
	CHECK_INT("elf/dynamic, 64 sections", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_DYNAMIC);
	{
		/* Each of Go's names, alone, at the end of a table. */
		static const char *const go[] = {
			".gopclntab", ".go.buildinfo", ".note.go.buildid",
		};
		char t[64];

		for (size_t i = 0; i < sizeof(go) / sizeof(go[0]); i++) {
			size_t l = strlen(go[i]) + 1;

			memcpy(t, "\0.text\0.rela.dyn\0", 17);
			memcpy(t + 17, go[i], l);
			img_dynamic(&im, t, 17 + l, 1500, 30);
			CHECK_INT(tname("elf/cgo without its note: %s", go[i]),
				  kind_of(im.b, im.n, NULL, NULL), EXECKIND_GO);
			/* One letter less: not Go's. */
			t[17 + l - 2] = '\0';
			img_dynamic(&im, t, 17 + l - 1, 1500, 30);
			CHECK_INT(tname("elf/dynamic: %s cut short", go[i]),
				  kind_of(im.b, im.n, NULL, NULL),
				  EXECKIND_DYNAMIC);
		}
	}

	/* A Go note beyond the first KB of a dynamic program, and its
	 * interpreter's name. */
	img_init(&im, ELFCLASS64, EM_X86_64);
	img_ph(&im, PT_INTERP, img_put(&im, "/lib64/ld-linux-x86-64.so.2", 28,
				       1100), 28);
	img_note(&im, "Go", 3000);
	img_shstrtab(&im, c_names, sizeof(c_names), 5000, 0);
	CHECK_INT("elf/cgo: Go note and interpreter beyond the first KB",
		  kind_of(im.b, im.n, NULL, &reads), EXECKIND_GO);
	CHECK_INT("elf/cgo: Go note and interpreter beyond the first KB: "
		  "three reads", reads, 3);
	img_init(&im, ELFCLASS64, EM_X86_64);
	img_ph(&im, PT_INTERP, img_put(&im, "/lib/ld-musl-x86_64.so.1", 25,
				       1100), 25);
	CHECK_INT("elf/foreign loader, its name beyond the first KB",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_FOREIGN);

	/* Program headers beyond the first KB. */
	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_note(&im, "Go", 0);
	memcpy(im.b + 4096, im.b + 64, im.nph * sizeof(Elf64_Phdr));
	memset(im.b + 64, 0, im.nph * sizeof(Elf64_Phdr));
	im.eh->e_phoff = 4096;
	if (im.n < 4096 + im.nph * sizeof(Elf64_Phdr))
		im.n = 4096 + im.nph * sizeof(Elf64_Phdr);
	CHECK_INT("elf/cgo: program headers beyond the first KB",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_GO);

	/* The ABI byte of e_ident is not looked at (glibc's programs with
	 * GNU IFUNCs have ELFOSABI_GNU). */
	img_init(&im, ELFCLASS64, EM_X86_64);
	im.eh->e_ident[EI_OSABI] = ELFOSABI_GNU;
	img_ph(&im, PT_LOAD, 0, 4096);
	CHECK_INT("elf/static, ELFOSABI_GNU", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_STATIC);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/nix/store/x-glibc/lib/ld-linux-x86-64.so.2");
	CHECK_INT("elf/dynamic, another path to glibc's loader",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_DYNAMIC);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib/ld-musl-x86_64.so.1");
	CHECK_INT("elf/foreign loader (musl)", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_FOREIGN);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_note(&im, "GNU", 0);
	img_note(&im, "Go", 0);
	CHECK_INT("elf/cgo: Go note", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_GO);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_ph(&im, PT_LOAD, 0, 4096);
	img_note(&im, "Go", 3000);
	CHECK_INT("elf/static Go: note beyond the first KB",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_GO);

	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	img_shstrtab(&im, go_names, sizeof(go_names), 5000, 0);
	CHECK_INT("elf/cgo without its note: .gopclntab",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_GO);

	{
		/* A name table larger than one window, the name across the
		 * windows' seam. */
		static char big[9000];

		memset(big, 'x', sizeof(big));
		for (size_t i = 0; i < sizeof(big); i += 50)
			big[i] = '\0';
		memcpy(big + 4088, ".go.buildinfo", sizeof(".go.buildinfo"));
		big[4087] = '\0';
		img_init(&im, ELFCLASS64, EM_X86_64);
		img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
		img_shstrtab(&im, big, sizeof(big), 1200, 0);
		CHECK_INT("elf/cgo: .go.buildinfo across a window seam",
			  kind_of(im.b, im.n, NULL, NULL), EXECKIND_GO);
	}

	/* glibc's loader: no PT_INTERP, DT_SONAME ld-linux-x86-64.so.2. */
	img_init(&im, ELFCLASS64, EM_X86_64);
	{
		static const char str[] = "\0ld-linux-x86-64.so.2";
		size_t s = img_put(&im, str, sizeof(str), 0), d;
		Elf64_Phdr *load;

		dyn[0].d_tag = DT_STRTAB;
		dyn[0].d_un.d_ptr = s;
		dyn[1].d_tag = DT_SONAME;
		dyn[1].d_un.d_val = 1;
		dyn[2].d_tag = DT_NULL;
		d = img_put(&im, dyn, sizeof(dyn), 0);
		img_ph(&im, PT_DYNAMIC, d, sizeof(dyn));
		load = img_ph(&im, PT_LOAD, 0, im.n);
		load->p_vaddr = 0;
	}
	CHECK_INT("elf/glibc's loader run as a program",
		  kind_of(im.b, im.n, NULL, NULL), EXECKIND_DYNAMIC);

	img_init(&im, ELFCLASS32, EM_386);
	CHECK_INT("elf/32-bit", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_OTHER);
	img_init(&im, ELFCLASS64, EM_AARCH64);
	CHECK_INT("elf/another machine", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_OTHER);
	img_init(&im, ELFCLASS64, EM_X86_64);
	im.eh->e_type = ET_REL;
	CHECK_INT("elf/object file", kind_of(im.b, im.n, NULL, NULL),
		  EXECKIND_OTHER);
	img_init(&im, ELFCLASS64, EM_X86_64);
	img_interp(&im, "/lib64/ld-linux-x86-64.so.2");
	CHECK_INT("elf/truncated program headers", kind_of(im.b, 80, NULL, NULL),
		  EXECKIND_OTHER);
	CHECK_INT("elf/empty file", kind_of("", 0, NULL, NULL), EXECKIND_OTHER);
	CHECK_INT("elf/data", kind_of("hello, world\n", 13, NULL, NULL),
		  EXECKIND_OTHER);
}

static void script(const char *name, const char *text, enum execkind want,
		   const char *want_interp)
{
	char interp[EXECKIND_SCRIPT_HEAD] = "";
	enum execkind k = kind_of(text, strlen(text), interp, NULL);

	CHECK_INT(tname("script/%s: kind", name), k, want);
	if (k == want && want == EXECKIND_SCRIPT)
		CHECK_MSG(tname("script/%s: interpreter", name),
			  strcmp(interp, want_interp) == 0, "got '%s', want '%s'",
			  interp, want_interp);
}

static void test_script(void)
{
	char longline[400];

	script("plain", "#!/bin/busybox sh\necho hi\n", EXECKIND_SCRIPT,
	       "/bin/busybox");
	script("spaces before", "#!  \t/bin/sh -e\n", EXECKIND_SCRIPT, "/bin/sh");
	script("no argument", "#!/usr/bin/env\n", EXECKIND_SCRIPT,
	       "/usr/bin/env");
	script("no newline", "#!/bin/sh", EXECKIND_SCRIPT, "/bin/sh");
	script("relative", "#!busybox sh\n", EXECKIND_SCRIPT, "busybox");
	script("empty", "#!\n", EXECKIND_OTHER, "");
	script("blank", "#!   \n", EXECKIND_OTHER, "");
	/* The interpreter's name runs past the kernel's 256 bytes. */
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "#!/", 3);
	longline[sizeof(longline) - 1] = '\0';
	script("name cut by the kernel's limit", longline, EXECKIND_OTHER, "");
	/* Past 256 bytes, but the name ended before: the kernel runs it. */
	memset(longline, ' ', sizeof(longline));
	memcpy(longline, "#!/bin/sh ", 10);
	longline[sizeof(longline) - 1] = '\0';
	script("long argument", longline, EXECKIND_SCRIPT, "/bin/sh");
}

/* Files of this system. */
static void test_files(void)
{
	char dir[] = "/tmp/tnat64-execkind.XXXXXX", path[128];
	const char *busybox = access("/bin/busybox", X_OK) == 0 ? "/bin/busybox"
								 : NULL;
	bool script;
	int fd, k;

	CHECK_INT("files//bin/true", execkind_path("/bin/true", false),
		  EXECKIND_DYNAMIC);
	CHECK_INT("files/glibc's loader",
		  execkind_path("/lib64/ld-linux-x86-64.so.2", false),
		  EXECKIND_DYNAMIC);
	CHECK_INT("files/missing", execkind_path("/nonexistent/x", false),
		  -ENOENT);
	CHECK_INT("files/directory", execkind_path("/tmp", false), -EACCES);
	{
		int kfd = -1;

		CHECK_INT("files/keep: /bin/true",
			  execkind_path_keep("/bin/true", false, &kfd),
			  EXECKIND_DYNAMIC);
		CHECK("files/keep: the file left open, close-on-exec",
		      kfd >= 0 && (fcntl(kfd, F_GETFD) & FD_CLOEXEC));
		if (kfd >= 0)
			close(kfd);
		kfd = 7;
		CHECK_INT("files/keep: missing",
			  execkind_path_keep("/nonexistent/x", false, &kfd),
			  -ENOENT);
		CHECK_INT("files/keep: nothing open for a missing file", kfd, -1);
	}
	if (!mkdtemp(dir)) {
		CHECK_MSG("files/tmpdir", false, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	if (mkfifo(path, 0700) == 0)
		CHECK_INT("files/a FIFO is never opened",
			  execkind_path(path, false), -EACCES);
	unlink(path);
	if (busybox) {
		CHECK_INT("files/busybox-static", execkind_path(busybox, false),
			  EXECKIND_STATIC);
		snprintf(path, sizeof(path), "%s/s.sh", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		if (fd >= 0) {
			(void)!write(fd, "#!/bin/busybox sh\necho hi\n", 26);
			close(fd);
		}
		CHECK_INT("files/script of a static interpreter",
			  execkind_path(path, false), EXECKIND_STATIC);
		fd = open(path, O_RDONLY);
		k = execkind_fd(fd, &script);
		CHECK_INT("files/the same through a descriptor", k,
			  EXECKIND_STATIC);
		CHECK("files/the same through a descriptor: a script", script);
		close(fd);
		fd = open(path, O_PATH);
		CHECK_INT("files/the same through an O_PATH descriptor",
			  execkind_fd(fd, &script), EXECKIND_STATIC);
		close(fd);
		chmod(path, 0644);
		CHECK_INT("files/a script that may not run: as it is",
			  execkind_path(path, false), EXECKIND_OTHER);
		unlink(path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
		if (fd >= 0) {
			(void)!write(fd, "#!/bin/sh\necho hi\n", 18);
			close(fd);
		}
		CHECK_INT("files/script of a dynamic interpreter",
			  execkind_path(path, false), EXECKIND_DYNAMIC);
		unlink(path);
		snprintf(path, sizeof(path), "%s/link", dir);
		if (symlink(busybox, path) == 0) {
			CHECK_INT("files/symbolic link followed",
				  execkind_path(path, false), EXECKIND_STATIC);
			CHECK_INT("files/symbolic link not followed (nofollow)",
				  execkind_path(path, true), -ELOOP);
		}
		unlink(path);
	} else {
		printf("SKIP: files/busybox-static: /bin/busybox not installed\n");
	}
	rmdir(dir);
}

int main(void)
{
	test_elf();
	test_script();
	test_files();
	return check_exit();
}
