/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "confimg.h"
#include "confload.h"
#include "fdid.h"
#include "log.h"
#include "pfxdisc.h"
#include "prefix.h"
#include "rawsys.h"

#ifndef TNAT64_CONF_FILE_DEFAULT
#define TNAT64_CONF_FILE_DEFAULT "/etc/tnat64.conf"
#endif

/* What tnconf_capture_env* keep.  All but conf_path (written only when
 * TNAT64_CONF_FILE is set) are written by the library's constructor in
 * every process, hence TN_LOAD_DATA (loadtime.h). */
static char conf_path[4096];
static char prefix_text[128] TN_LOAD_DATA, xdg_dir[PFX_PATH_MAX] TN_LOAD_DATA;
static int captured TN_LOAD_DATA, have_conf_path TN_LOAD_DATA,
	have_prefix TN_LOAD_DATA, have_xdg TN_LOAD_DATA;
/* of values too long */
static size_t conf_path_len TN_LOAD_DATA, prefix_len TN_LOAD_DATA,
	xdg_len TN_LOAD_DATA;

/* Copy v into buf if it fits: 1; 0 when v is NULL; -1 with *len set
 * when it is too long to be usable (reported when it would be used).
 * No libc calls (tnconf_capture_envp). */
TN_LOAD_TEXT static int keep(char *buf, size_t size, const char *v,
			     size_t *len)
{
	size_t n;

	if (!v)
		return 0;
	for (n = 0; n < size && v[n]; n++)
		buf[n] = v[n];
	if (n == size) {
		while (v[n])
			n++;
		*len = n;
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	return 1;
}

TN_LOAD_TEXT static void capture(const char *conf, const char *prefix, const char *xdg)
{
	have_conf_path = keep(conf_path, sizeof(conf_path), conf,
			      &conf_path_len);
	have_prefix = keep(prefix_text, sizeof(prefix_text), prefix,
			   &prefix_len);
	/* where the compiled configuration may be kept (pfxcache.h) */
	have_xdg = keep(xdg_dir, sizeof(xdg_dir), xdg, &xdg_len);
	captured = 1;
}

void tnconf_capture_env(void)
{
	capture(tnconf_env("TNAT64_CONF_FILE", 1),
		tnconf_env("TNAT64_NAT64_PREFIX", 1),
		tnconf_env("XDG_RUNTIME_DIR", 1));
}

/* The names tnconf_capture_envp looks for.  Beside the variables it
 * writes, not in .rodata: a page of constants read at load time would be
 * a page fault in every process. */
enum { N_CONF, N_PREFIX, N_XDG, N_DEBUG, N_OURS };
static char env_names[][24] TN_LOAD_DATA = {
	[N_CONF] = "TNAT64_CONF_FILE=",
	[N_PREFIX] = "TNAT64_NAT64_PREFIX=",
	[N_XDG] = "XDG_RUNTIME_DIR=",
	[N_DEBUG] = "TNAT64_DEBUG",
	[N_OURS] = "TNAT64_",
};

/* e without its leading name, or NULL when it does not start so. */
TN_LOAD_TEXT static const char *after(const char *e, const char *name)
{
	for (; *name; name++, e++)
		if (*e != *name)
			return NULL;
	return e;
}

TN_LOAD_TEXT unsigned int tnconf_capture_envp(char *const *envp, bool secure)
{
	const char *v[N_DEBUG] = { NULL };
	unsigned int found = 0;

	for (; *envp; envp++) {
		const char *e = *envp;

		if (!after(e, env_names[N_OURS])) {
			if (!v[N_XDG]) /* as getenv(3): the first counts */
				v[N_XDG] = after(e, env_names[N_XDG]);
			continue;
		}
		found |= TNCONF_ENV_OURS;
		for (int i = N_CONF; i <= N_PREFIX; i++)
			if (!v[i])
				v[i] = after(e, env_names[i]);
		if (after(e, env_names[N_DEBUG]))
			found |= TNCONF_ENV_DEBUG;
	}
	if (secure)
		capture(NULL, NULL, NULL);
	else
		capture(v[N_CONF], v[N_PREFIX], v[N_XDG]);
	return found;
}

const char *tnconf_xdg_runtime_dir(void)
{
	const char *v = captured ? (have_xdg > 0 ? xdg_dir : NULL)
				 : tnconf_env("XDG_RUNTIME_DIR", 1);

	return v && *v ? v : NULL;
}

const char *tnconf_env(const char *name, int trusted_only)
{
	/* asked once: it never changes in a process (-1: not asked yet) */
	static _Atomic int secure = -1;
	int s = atomic_load_explicit(&secure, memory_order_relaxed);

	if (trusted_only && s < 0) {
		s = getauxval(AT_SECURE) != 0;
		atomic_store_explicit(&secure, s, memory_order_relaxed);
	}
	if (trusted_only && s)
		return NULL;
	return getenv(name);
}

static int is_number(const char *s)
{
	char *end;

	errno = 0;
	strtol(s, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return end != s && !*end && !errno;
}

void tnconf_setup_logging(const char *progname)
{
	int saved = errno;
	const char *lvl = tnconf_env("TNAT64_DEBUG", 0);
	const char *file = tnconf_env("TNAT64_DEBUG_FILE", 1);
	int level = log_level_from_env(lvl);
	int err = 0;

	if (level > 0 && file && *file) {
		/* Never blocks the program: a FIFO that nobody reads fails
		 * at once (ENXIO) instead of waiting for a reader, and
		 * writes to a full one drop the message (log.c). */
		err = -log_setup_file(level, file, progname);
	}
	if (level < 1 || !file || !*file || err)
		log_setup(level, 2, progname);
	if (lvl && *lvl && !is_number(lvl))
		log_msg(LOG_ERR, "TNAT64_DEBUG=%s is not a number; showing "
			"errors only", lvl);
	if (err)
		log_msg(LOG_ERR, "cannot open TNAT64_DEBUG_FILE=%s: %s (errno "
			"%d); messages go to standard error", file,
			log_errno_text(err), err);
	errno = saved;
}

#define NOT_REGULAR TNCONF_NOT_REGULAR

/* What the file type of a st_mode is, for messages. */
static const char *file_type(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	       S_ISCHR(m) ? "a character device" :
	       S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" :
	       "not a regular file";
}

/* ------------------------------------------------- compiled form */

static const char *cache_run_user, *cache_tmp, *cache_sysdir;

void tnconf_set_cache_dirs(const char *run_user, const char *tmp,
			   const char *sysdir)
{
	cache_run_user = run_user;
	cache_tmp = tmp;
	cache_sysdir = sysdir;
}

static int raw_close(int fd)
{
	return (int)syscall(SYS_close, fd);
}

/* The cache functions' system calls: libc's, but close(2) raw (never
 * the library's own hook). */
static const struct disc_ops *cache_ops(void)
{
	static struct disc_ops ops;
	static int made;

	if (!made) {
		ops = disc_libc_ops;
		ops.close = raw_close;
		made = 1;
	}
	return &ops;
}

/* Who this process is, for the cache rules: nothing from the
 * environment in secure-execution processes (tnconf_env). */
static void cache_env(struct disc_env *e)
{
	memset(e, 0, sizeof(*e));
	e->euid = geteuid();
	e->secure = getauxval(AT_SECURE) != 0;
	if (!e->secure)
		e->xdg = captured ? (have_xdg > 0 ? xdg_dir : NULL)
				  : getenv("XDG_RUNTIME_DIR");
	e->run_user = cache_run_user;
	e->tmp = cache_tmp;
	e->sysdir = cache_sysdir;
}

/* "conf-DEV-INO": the compiled form of the file with that identity. */
static void cache_name(const struct conf_stamp *st, char out[48])
{
	static const char hx[] = "0123456789abcdef";
	uint64_t v[2] = { st->dev, st->ino };
	size_t n = 0;

	memcpy(out, "conf", 4);
	n = 4;
	for (int k = 0; k < 2; k++) {
		int started = 0;

		out[n++] = '-';
		for (int sh = 60; sh >= 0; sh -= 4) {
			unsigned d = (unsigned)(v[k] >> sh) & 15;

			if (d || started || sh == 0) {
				out[n++] = hx[d];
				started = 1;
			}
		}
	}
	out[n] = '\0';
}

/* Map the compiled form of the file with stamp st, if a trusted one of
 * this build exists for it: 1 with out filled, 0 otherwise. */
static int image_map(const struct conf_stamp *st, const char *path,
		     struct tnconf *out)
{
	const struct disc_ops *ops = cache_ops();
	struct pfx_dir d[2];
	struct disc_env env;
	char name[48];
	size_t n;

	cache_env(&env);
	cache_name(st, name);
	n = disc_cache_dirs(ops, &env, d);
	for (size_t i = 0; i < n; i++) {
		struct stat ist;
		struct fdid id;
		void *img, *view;
		struct config *c;
		int fd = disc_cache_open(ops, &d[i], name, &ist,
					 "configuration cache");

		if (fd < 0)
			continue;
		id = fdid_of_stat(&ist);
		img = ist.st_size > 0 ? mmap(NULL, (size_t)ist.st_size,
					     PROT_READ, MAP_PRIVATE, fd, 0)
				      : MAP_FAILED;
		fdid_close(fd, &id);
		if (img == MAP_FAILED)
			continue;
		view = mmap(NULL, sizeof(struct confimg_view),
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		c = view == MAP_FAILED ? NULL
			: confimg_open(img, (size_t)ist.st_size, st, path,
				       view);
		if (!c) {
			/* another build's, or for an older version of the
			 * file: parse and write a new one */
			if (view != MAP_FAILED)
				munmap(view, sizeof(struct confimg_view));
			munmap(img, (size_t)ist.st_size);
			continue;
		}
		out->config = c;
		out->arena = view;
		out->arena_size = sizeof(struct confimg_view);
		out->image = img;
		out->image_size = (size_t)ist.st_size;
		return 1;
	}
	return 0;
}

/* Keep the compiled form of c (just parsed from the file with stamp st)
 * for the next processes.  Not for a file changed in the last seconds:
 * a change within the file system's timestamp granularity after we read
 * it could leave the stamp as it was (the racy case git knows). */
static void image_keep(const struct config *c, const struct conf_stamp *st)
{
	struct confimg_hdr hdr;
	struct iovec iov[CONFIMG_IOV_MAX];
	struct disc_env env;
	struct timespec now;
	char name[48];
	size_t total;
	int n, e;

	cache_env(&env);
	if (env.secure || clock_gettime(CLOCK_REALTIME, &now) < 0 ||
	    now.tv_sec - st->ctime_sec < TNCONF_SETTLE_SECONDS)
		return;
	n = confimg_build(c, st, &hdr, iov, &total);
	if (n < 0)
		return;
	cache_name(st, name);
	e = disc_cache_put(cache_ops(), &env, name, iov, n, NULL, 0);
	if (e < 0)
		log_msg(LOG_WARN, "%s: compiled form not kept: %s (errno %d)",
			c->filename, log_errno_text(-e), -e);
}

/* What read_file found besides the text. */
struct source {
	mode_t mode;              /* NOT_REGULAR: its file type */
	struct conf_stamp stamp;  /* regular file */
	int cacheable;            /* stamp the same after reading */
	int mapped;               /* a compiled form is in *out instead */
};

/* The whole regular file in an anonymous mapping: its length, or -errno,
 * or NOT_REGULAR with src->mode set.  buf and maplen receive the mapping,
 * for munmap.  Opened without waiting (a FIFO would wait for a writer)
 * and never read unless it is a regular file (a directory reads as
 * nothing, a terminal or a FIFO would wait for input, /dev/zero never
 * ends); /dev/null is an empty file (0, nothing mapped).  A file of
 * TNCONF_CACHE_MIN bytes or more whose compiled form is kept is not read
 * at all: src->mapped, with out filled.  No size limit but memory. */
static long read_file(const char *path, char **buf, size_t *maplen,
		      struct source *src, struct tnconf *out)
{
	/* out NULL: the text only (tnconf_read_text), never the compiled
	 * form. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st, st2;
	struct fdid id;
	size_t len = 0, cap;
	char *b;
	int e;

	if (fd < 0)
		return -errno;
	e = (int)TN_FSTAT(fd, &st);
	if (e < 0) {
		syscall(SYS_close, fd);
		return e;
	}
	/* From here on, close only what is still the file we opened. */
	id = fdid_of_stat(&st);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
		/* /dev/null: the usual way to say "an empty file" */
		fdid_close(fd, &id);
		return 0;
	} else if (!S_ISREG(st.st_mode)) {
		src->mode = st.st_mode;
		e = NOT_REGULAR;
	} else if ((uint64_t)st.st_size >= SIZE_MAX / 2) {
		e = -EFBIG;
	} else {
		e = 0;
	}
	if (e) {
		fdid_close(fd, &id);
		return e;
	}
	conf_stamp_of(&st, &src->stamp);
	if (out && st.st_size >= TNCONF_CACHE_MIN &&
	    image_map(&src->stamp, path, out)) {
		fdid_close(fd, &id);
		src->mapped = 1;
		return 0;
	}
	cap = (size_t)st.st_size + 1;
	b = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED) {
		fdid_close(fd, &id);
		return -ENOMEM;
	}
	while (len < cap) {
		ssize_t n = read(fd, b + len, cap - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	/* Changed while we read it (it grew, or another stamp): used as
	 * read, but its compiled form is not kept. */
	if (out && st.st_size >= TNCONF_CACHE_MIN &&
	    len == (size_t)st.st_size &&
	    TN_FSTAT(fd, &st2) == 0) {
		struct conf_stamp again;

		conf_stamp_of(&st2, &again);
		src->cacheable = !memcmp(&again, &src->stamp, sizeof(again));
	}
	fdid_close(fd, &id);
	*buf = b;
	*maplen = cap;
	return (long)len;
}

long tnconf_read_text(const char *path, char **buf, size_t *maplen,
		      mode_t *mode)
{
	struct source src = { 0 };
	long len;

	*buf = NULL;
	*maplen = 0;
	len = read_file(path, buf, maplen, &src, NULL);
	if (len == NOT_REGULAR)
		*mode = src.mode;
	return len;
}

const char *tnconf_file_type(mode_t m)
{
	return file_type(m);
}

int tnconf_load(struct tnconf *out)
{
	int saved = errno;
	const char *path = captured ? (have_conf_path > 0 ? conf_path : NULL)
				    : tnconf_env("TNAT64_CONF_FILE", 1);
	const char *p = captured ? (have_prefix > 0 ? prefix_text : NULL)
				 : tnconf_env("TNAT64_NAT64_PREFIX", 1);
	struct nat64_prefix over;
	char *text = NULL;
	size_t maplen = 0, asize;
	void *arena;
	long len;
	struct source src = { 0 };
	bool named = path && *path; /* by TNAT64_CONF_FILE */

	memset(out, 0, sizeof(*out));

	if (!named)
		path = TNAT64_CONF_FILE_DEFAULT;
	if (captured && have_conf_path < 0) {
		log_msg(LOG_ERR, "TNAT64_CONF_FILE is %lu bytes long, longer "
			"than a file name can be; using the built-in "
			"configuration", (unsigned long)conf_path_len);
		len = -ENAMETOOLONG;
	} else {
		len = read_file(path, &text, &maplen, &src, out);
		if (len == NOT_REGULAR)
			log_msg(LOG_ERR, "cannot read %s: it is %s, not a "
				"file; using the built-in configuration", path,
				file_type(src.mode));
		else if (len == -ENOMEM)
			log_msg(LOG_ERR, "cannot read %s: not enough memory "
				"for its %llu bytes; using the built-in "
				"configuration", path,
				(unsigned long long)src.stamp.size);
		else if (len < 0 && (len != -ENOENT || named))
			/* only the default file may be missing silently */
			log_msg(LOG_ERR, "cannot read %s: %s (errno %d); using "
				"the built-in configuration", path,
				log_errno_text((int)-len), (int)-len);
	}
	if (src.mapped)
		goto loaded;
	asize = config_arena_size(len > 0 ? (size_t)len : 0);
	arena = asize == SIZE_MAX ? MAP_FAILED
		: mmap(NULL, asize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED) {
		if (text) {
			munmap(text, maplen);
			log_msg(LOG_ERR, "cannot read %s: not enough memory "
				"for its %ld bytes; using the built-in "
				"configuration", path, len);
		}
		errno = saved;
		return -ENOMEM;
	}
	out->config = len >= 0
		? config_parse(text, (size_t)len, path, arena, asize)
		: config_builtin(arena, asize);
	out->arena = arena;
	out->arena_size = asize;
	if (text)
		munmap(text, maplen);
	if (!out->config) { /* cannot happen: the arena size is a bound */
		tnconf_free(out);
		errno = saved;
		return -ENOMEM;
	}
	if (src.cacheable)
		image_keep(out->config, &src.stamp);
loaded:
	if (captured && have_prefix < 0)
		log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX is %lu bytes long, not a "
			"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
			(unsigned long)prefix_len);
	if (p && *p) {
		if (nat64_prefix_parse(p, &over) == 0)
			config_set_default(out->config, &over);
		else
			log_msg(LOG_ERR, "TNAT64_NAT64_PREFIX=%s is not a valid "
				"NAT64 prefix (/32 /40 /48 /56 /64 /96), ignored",
				p);
	}
	errno = saved;
	return 0;
}

void tnconf_free(struct tnconf *c)
{
	if (c->arena)
		munmap(c->arena, c->arena_size);
	if (c->image)
		munmap(c->image, c->image_size);
	c->arena = NULL;
	c->image = NULL;
	c->config = NULL;
}

void tnconf_report(const struct config *c)
{
	size_t shown = c->nerrors_stored < TNCONF_REPORT_MAX ?
		       c->nerrors_stored : TNCONF_REPORT_MAX;

	for (size_t i = 0; i < shown; i++)
		log_msg(LOG_ERR, "%s:%d: %s", c->filename, c->errors[i].line,
			c->errors[i].msg);
	if (c->nerrors > shown)
		log_msg(LOG_ERR, "%s: %lu more error%s; tnat64-validateconf "
			"-f %s lists them", c->filename,
			(unsigned long)(c->nerrors - shown),
			c->nerrors - shown == 1 ? "" : "s", c->filename);
}
