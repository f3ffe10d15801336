/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dlopen under the library (tests/integration/t_exec.sh):
 *   runpath   a module found only through this program's RUNPATH
 *             ($ORIGIN/rpath), and by "$ORIGIN/rpath/..." (the library's
 *             dlopen hook must leave the caller the caller)
 *   caller    a dlopen made by that module finds what only its own RUNPATH
 *             names (and this program's does not)
 *   next      dlsym(RTLD_NEXT) from this program finds the next definition
 *   connect   the module's connect to ADDR:PORT works
 *   deepbind  the same module loaded with RTLD_DEEPBIND (libtnrpdeep.so):
 *             its connect still reaches the library's hook
 *   curl      libcurl loaded with RTLD_DEEPBIND fetches URL, whose body
 *             holds WANT
 *
 *   t_dlopen [-n] ADDR PORT [URL WANT]
 * -n: no RTLD_DEEPBIND (AddressSanitizer refuses it: SKIP lines).  In
 * an AddressSanitizer build its dlopen interceptor is every dlopen's
 * caller, whose RUNPATH and $ORIGIN are the sanitizer's (with or without
 * the library): runpath and caller are SKIP lines there, and the module
 * is opened by its full path.
 * Built with RUNPATH $ORIGIN/rpath (Makefile). */
#include <dlfcn.h>

#include "progs.h"

typedef int connect_fn(const char *, int);
typedef void *open_fn(const char *, int);

/* libcurl's ABI, declared here (no development headers needed). */
#define CURLOPT_WRITEDATA 10001
#define CURLOPT_URL 10002
#define CURLOPT_WRITEFUNCTION 20011
#define CURLOPT_TIMEOUT 13
#define CURLOPT_NOSIGNAL 99
typedef void *curl_init_fn(void);
typedef int curl_setopt_fn(void *, int, ...);
typedef int curl_perform_fn(void *);
typedef void curl_cleanup_fn(void *);
typedef const char *curl_strerror_fn(int);

struct body {
	char buf[4096];
	size_t n;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t len = size * nmemb, room = sizeof(b->buf) - 1 - b->n;

	memcpy(b->buf + b->n, p, len < room ? len : room);
	b->n += len < room ? len : room;
	b->buf[b->n] = '\0';
	return len;
}

static void *sym(void *h, const char *name)
{
	void *p = h ? dlsym(h, name) : NULL;

	if (!p)
		note("dlsym %s: %s", name, dlerror());
	return p;
}

static void try_connect(const char *name, void *h, const char *addr, int port)
{
	connect_fn *f;
	void *p = sym(h, "tnrp_connect");
	int r;

	if (!p) {
		fail(name, "no tnrp_connect");
		return;
	}
	memcpy(&f, &p, sizeof(f));
	r = f(addr, port);
	check(name, r == 0, "connect to %s:%d from the module: %s", addr, port,
	      strerror(r));
}

static void curl(const char *url, const char *want)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_DEEPBIND), *e, *p;
	curl_init_fn *init;
	curl_setopt_fn *setopt;
	curl_perform_fn *perform;
	curl_cleanup_fn *cleanup;
	curl_strerror_fn *str;
	struct body b = { "", 0 };
	size_t (*cb)(char *, size_t, size_t, void *) = on_data;
	int r;

	if (!h) {
		skip("curl", "libcurl.so.4: %s", dlerror());
		return;
	}
	if (!(p = sym(h, "curl_easy_init")) || (memcpy(&init, &p, sizeof(p)), 0) ||
	    !(p = sym(h, "curl_easy_setopt")) || (memcpy(&setopt, &p, sizeof(p)), 0) ||
	    !(p = sym(h, "curl_easy_perform")) || (memcpy(&perform, &p, sizeof(p)), 0) ||
	    !(p = sym(h, "curl_easy_cleanup")) || (memcpy(&cleanup, &p, sizeof(p)), 0) ||
	    !(p = sym(h, "curl_easy_strerror")) || (memcpy(&str, &p, sizeof(p)), 0)) {
		fail("curl", "libcurl's functions are missing");
		return;
	}
	e = init();
	setopt(e, CURLOPT_URL, url);
	setopt(e, CURLOPT_WRITEFUNCTION, cb);
	setopt(e, CURLOPT_WRITEDATA, &b);
	setopt(e, CURLOPT_TIMEOUT, 20L);
	setopt(e, CURLOPT_NOSIGNAL, 1L);
	r = perform(e);
	cleanup(e);
	check("curl: libcurl loaded with RTLD_DEEPBIND", r == 0 && strstr(b.buf, want),
	      "curl_easy_perform %s: %s; body '%.80s'", url, str(r), b.buf);
}

/* This program's directory + "/rpath/" + name, in out (PATH_MAX). */
static const char *beside(char *out, const char *name)
{
	ssize_t n = readlink("/proc/self/exe", out, PATH_MAX - 64);
	char *slash;

	if (n <= 0)
		return name;
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (!slash)
		return name;
	snprintf(slash, 64, "/rpath/%s", name);
	return out;
}

int main(int argc, char **argv)
{
	bool deep = true;
	int i = 1, port;
	void *h, *h2, *p, *inner;
	open_fn *op;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (i < argc && !strcmp(argv[i], "-n")) {
		deep = false;
		i++;
	}
	if (argc - i != 2 && argc - i != 4) {
		fprintf(stderr, "usage: t_dlopen [-n] ADDR PORT [URL WANT]\n");
		return 2;
	}
	port = (int)progs_arg_num(argv[i + 1], 65535);

	if (dlsym(RTLD_DEFAULT, "__asan_init")) {
		static const char why[] = "AddressSanitizer's dlopen "
			"interceptor is the caller of every dlopen";
		char path[PATH_MAX];

		skip("runpath", "%s", why);
		skip("caller", "%s", why);
		h = dlopen(beside(path, "libtnrp.so"), RTLD_NOW);
		check("dlopen by full path", h, "%s", dlerror());
	} else {
		h = dlopen("libtnrp.so", RTLD_NOW);
		check("runpath: a module found through the program's "
		      "RUNPATH", h, "dlopen libtnrp.so: %s", dlerror());
		h2 = dlopen("$ORIGIN/rpath/libtnrp.so", RTLD_NOW);
		check("runpath: $ORIGIN is the program's directory",
		      h2 && h2 == h, "dlopen $ORIGIN/rpath/libtnrp.so: %s",
		      h2 ? "another object" : dlerror());
		inner = dlopen("libtninner.so", RTLD_NOW);
		check("caller: the program cannot find what the module's "
		      "RUNPATH names", !inner, "it found libtninner.so");
		p = sym(h, "tnrp_open");
		if (p) {
			memcpy(&op, &p, sizeof(p));
			inner = op("libtninner.so", RTLD_NOW);
			check("caller: the module's own dlopen uses its "
			      "RUNPATH", inner, "%s", dlerror());
		} else {
			fail("caller: the module's own dlopen uses its RUNPATH",
			     "no tnrp_open");
		}
	}
	p = dlsym(RTLD_NEXT, "connect");
	check("next: dlsym(RTLD_NEXT) from the program", p &&
	      p == dlsym(RTLD_DEFAULT, "connect"), "%p", p);
	if (h)
		try_connect("connect: from a module", h, argv[i], port);
	if (!deep) {
		skip("deepbind", "RTLD_DEEPBIND not tried (-n)");
		if (argc - i == 4)
			skip("curl", "RTLD_DEEPBIND not tried (-n)");
		return progs_exit();
	}
	h2 = dlopen("libtnrpdeep.so", RTLD_NOW | RTLD_DEEPBIND);
	check("deepbind: found through the program's RUNPATH", h2, "%s",
	      dlerror());
	if (h2)
		try_connect("deepbind: connect from a module loaded with "
			    "RTLD_DEEPBIND", h2, argv[i], port);
	if (argc - i == 4)
		curl(argv[i + 2], argv[i + 3]);
	return progs_exit();
}
