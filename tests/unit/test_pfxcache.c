/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: the prefix cache record, lifetimes, trust rule and
 * locations (pfxcache.c). */
#include "check.h"
#include "pfxcache.h"

#include <errno.h>
#include <string.h>

#define NOW 1764540000LL

static const char *good =
	"tnat64-prefix-cache 1\n"
	"prefix 64:ff9b::/96\n"
	"source rfc7050 2001:db8::53\n"
	"obtained 1764540000\n"
	"expires 1764543600\n";

static void test_roundtrip(void)
{
	struct nat64_prefix p;
	struct pfx_record r, back;
	char buf[PFX_RECORD_MAX];
	int n;

	nat64_prefix_parse("64:ff9b::/96", &p);
	pfx_record_make(&r, &p, PFX_SRC_RFC7050, "2001:db8::53", NOW, 86400);
	CHECK_INT("make: TTL clamped to the ceiling", r.expires - r.obtained,
		  PFX_TTL_MAX);
	n = pfx_record_format(&r, buf, sizeof(buf));
	CHECK_STR("format", n > 0 ? buf : "(error)", good);
	CHECK_INT("parse back", pfx_record_parse(buf, (size_t)n, &back), 0);
	CHECK("parse back: same", back.have_prefix &&
	      nat64_prefix_equal(&back.prefix, &p) &&
	      back.source == PFX_SRC_RFC7050 &&
	      strcmp(back.origin, "2001:db8::53") == 0 &&
	      back.obtained == NOW && back.expires == NOW + PFX_TTL_MAX);

	pfx_record_make(&r, NULL, PFX_SRC_RFC7050, NULL, NOW, -1);
	n = pfx_record_format(&r, buf, sizeof(buf));
	CHECK_STR("negative: format", n > 0 ? buf : "(error)",
		  "tnat64-prefix-cache 1\nprefix none\nsource none\n"
		  "obtained 1764540000\nexpires 1764540060\n");
	CHECK("negative: parse back",
	      pfx_record_parse(buf, (size_t)n, &back) == 0 &&
	      !back.have_prefix && back.source == PFX_SRC_NONE);

	nat64_prefix_parse("2001:db8:64::/64", &p);
	nat64_suffix_parse("::5", &p);
	pfx_record_make(&r, &p, PFX_SRC_PREF64, "networkd/eth0", NOW, 1800);
	n = pfx_record_format(&r, buf, sizeof(buf));
	CHECK("suffix: round trip", n > 0 &&
	      pfx_record_parse(buf, (size_t)n, &back) == 0 &&
	      nat64_prefix_equal(&back.prefix, &p) &&
	      strstr(buf, "prefix 2001:db8:64::/64 suffix ::5\n") &&
	      back.expires - back.obtained == 1800);

	pfx_record_make(&r, &p, PFX_SRC_PREF64, "bad origin\n", NOW, 0);
	CHECK_STR("origin: odd characters replaced", r.origin, "bad_origin_");
	CHECK_INT("make: TTL 0 raised to the floor", r.expires - r.obtained,
		  PFX_TTL_MIN);
	pfx_record_make(&r, NULL, PFX_SRC_NONE, NULL, NOW, 5);
	CHECK_INT("negative TTL floor", r.expires - r.obtained, PFX_NEG_MIN);
	pfx_record_make(&r, NULL, PFX_SRC_NONE, NULL, NOW, 86400);
	CHECK_INT("negative TTL ceiling", r.expires - r.obtained, PFX_NEG_MAX);
}

static const struct {
	const char *name;
	const char *text;
} junk[] = {
	{ "empty", "" },
	{ "other magic", "tnat64-prefix-cache 2\nprefix 64:ff9b::/96\n"
	  "source rfc7050 x\nobtained 1\nexpires 2\n" },
	{ "no final newline", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764543600" },
	{ "trailing line", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764543600\n\n" },
	{ "two spaces", "tnat64-prefix-cache 1\nprefix  64:ff9b::/96\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764543600\n" },
	{ "prefix without length", "tnat64-prefix-cache 1\nprefix 64:ff9b::\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764543600\n" },
	{ "prefix /80", "tnat64-prefix-cache 1\nprefix 2001:db8::/80\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764543600\n" },
	{ "prefix none with rfc7050", "tnat64-prefix-cache 1\nprefix none\n"
	  "source rfc7050 2001:db8::53\nobtained 1764540000\n"
	  "expires 1764540060\n" },
	{ "prefix with source none", "tnat64-prefix-cache 1\n"
	  "prefix 64:ff9b::/96\nsource none\nobtained 1764540000\n"
	  "expires 1764540060\n" },
	{ "rfc7050 without origin", "tnat64-prefix-cache 1\n"
	  "prefix 64:ff9b::/96\nsource rfc7050\nobtained 1764540000\n"
	  "expires 1764540060\n" },
	{ "unknown source", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source dhcp x\nobtained 1764540000\nexpires 1764540060\n" },
	{ "origin with space", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source pref64 a b\nobtained 1764540000\nexpires 1764540060\n" },
	{ "negative number", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source pref64 a\nobtained -1764540000\nexpires 1764540060\n" },
	{ "number with junk", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source pref64 a\nobtained 1764540000x\nexpires 1764540060\n" },
	{ "leading zero", "tnat64-prefix-cache 1\nprefix 64:ff9b::/96\n"
	  "source pref64 a\nobtained 01764540000\nexpires 1764540060\n" },
	{ "expires before obtained", "tnat64-prefix-cache 1\n"
	  "prefix 64:ff9b::/96\nsource pref64 a\nobtained 1764540000\n"
	  "expires 1764540000\n" },
	{ "lifetime over the ceiling", "tnat64-prefix-cache 1\n"
	  "prefix 64:ff9b::/96\nsource pref64 a\nobtained 1764540000\n"
	  "expires 1764543601\n" },
	{ "negative lifetime over its ceiling", "tnat64-prefix-cache 1\n"
	  "prefix none\nsource none\nobtained 1764540000\n"
	  "expires 1764540301\n" },
	{ "lines swapped", "tnat64-prefix-cache 1\nsource pref64 a\n"
	  "prefix 64:ff9b::/96\nobtained 1764540000\nexpires 1764540060\n" },
	{ "zero suffix", "tnat64-prefix-cache 1\n"
	  "prefix 2001:db8::/64 suffix ::\nsource pref64 a\n"
	  "obtained 1764540000\nexpires 1764540060\n" },
	{ "binary garbage", "\x7f" "ELF\x02\x01\x01" },
};

static void test_junk(void)
{
	struct pfx_record r;

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		CHECK_INT(tname("junk: %s", junk[i].name),
			  pfx_record_parse(junk[i].text, strlen(junk[i].text),
					   &r), -EINVAL);
	{
		char big[PFX_RECORD_MAX + 10];

		memset(big, 'a', sizeof(big));
		CHECK_INT("junk: too long",
			  pfx_record_parse(big, sizeof(big), &r), -EINVAL);
	}
	{
		char nul[128];
		size_t l = strlen(good);

		memcpy(nul, good, l);
		nul[20] = '\0';
		CHECK_INT("junk: NUL inside", pfx_record_parse(nul, l, &r),
			  -EINVAL);
	}
	/* every truncation of a good record is refused */
	{
		int bad = 0;

		for (size_t l = 0; l < strlen(good); l++)
			if (pfx_record_parse(good, l, &r) != -EINVAL)
				bad++;
		CHECK_INT("junk: every truncation", bad, 0);
	}
}

static void test_fresh_pick(void)
{
	struct nat64_prefix p;
	struct pfx_record a, b, neg;

	nat64_prefix_parse("2001:db8:64::/96", &p);
	pfx_record_make(&a, &p, PFX_SRC_RFC7050, "192.0.2.53", NOW, 600);
	CHECK("fresh now", pfx_record_fresh(&a, NOW));
	CHECK("fresh before expiry", pfx_record_fresh(&a, NOW + 599));
	CHECK("stale at expiry", !pfx_record_fresh(&a, NOW + 600));
	CHECK("obtained a little ahead: fresh",
	      pfx_record_fresh(&a, NOW - PFX_SKEW));
	CHECK("obtained far ahead: stale",
	      !pfx_record_fresh(&a, NOW - PFX_SKEW - 1));

	pfx_record_make(&b, &p, PFX_SRC_PREF64, "networkd/eth0", NOW - 100,
			600);
	pfx_record_make(&neg, NULL, PFX_SRC_NONE, NULL, NOW + 10, 100);
	CHECK("pick: PREF64 beats RFC 7050", pfx_record_pick(&a, &b, NOW + 20) == &b);
	CHECK("pick: positive beats negative",
	      pfx_record_pick(&neg, &a, NOW + 20) == &a);
	CHECK("pick: stale one dropped",
	      pfx_record_pick(&b, &a, NOW + 550) == &a);
	CHECK("pick: both stale", pfx_record_pick(&b, &a, NOW + 5000) == NULL);
	CHECK("pick: one NULL", pfx_record_pick(NULL, &neg, NOW + 20) == &neg);
	{
		struct pfx_record c = a;

		c.obtained = NOW + 5;
		CHECK("pick: newer of equals", pfx_record_pick(&a, &c, NOW + 20) == &c);
	}
}

static void test_trust(void)
{
	static const struct {
		const char *name;
		mode_t mode;
		uid_t uid;
		bool dir;
		uid_t owner;
		enum pfx_trust want;
	} t[] = {
		{ "own file 0644", S_IFREG | 0644, 1000, false, 1000, PFX_TRUSTED },
		{ "root file 0644", S_IFREG | 0644, 0, false, 1000, PFX_TRUSTED },
		{ "other user's file", S_IFREG | 0644, 1001, false, 1000,
		  PFX_FOREIGN_OWNER },
		{ "world-writable file", S_IFREG | 0666, 1000, false, 1000,
		  PFX_WRITABLE_BY_OTHERS },
		{ "group-writable file", S_IFREG | 0664, 1000, false, 1000,
		  PFX_WRITABLE_BY_OTHERS },
		{ "symlink", S_IFLNK | 0777, 1000, false, 1000, PFX_NOT_REGULAR },
		{ "fifo", S_IFIFO | 0600, 1000, false, 1000, PFX_NOT_REGULAR },
		{ "directory as file", S_IFDIR | 0700, 1000, false, 1000,
		  PFX_NOT_REGULAR },
		{ "own dir 0700", S_IFDIR | 0700, 1000, true, 1000, PFX_TRUSTED },
		{ "sticky /tmp-like dir", S_IFDIR | 01777, 0, true, 1000,
		  PFX_WRITABLE_BY_OTHERS },
		{ "other user's dir", S_IFDIR | 0700, 1001, true, 1000,
		  PFX_FOREIGN_OWNER },
		{ "file as dir", S_IFREG | 0700, 1000, true, 1000, PFX_NOT_DIR },
		{ "system: user-owned file", S_IFREG | 0644, 1000, false, 0,
		  PFX_FOREIGN_OWNER },
		{ "system: root file", S_IFREG | 0644, 0, false, 0, PFX_TRUSTED },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct stat st;

		memset(&st, 0, sizeof(st));
		st.st_mode = t[i].mode;
		st.st_uid = t[i].uid;
		CHECK_INT(tname("trust: %s", t[i].name),
			  pfx_trust_check(&st, t[i].dir, t[i].owner), t[i].want);
	}
	CHECK_STR("trust reason", pfx_trust_reason(PFX_FOREIGN_OWNER),
		  "owned by another user");
}

static void test_dirs(void)
{
	struct pfx_dir d[4];
	size_t n;

	n = pfx_dirs(1000, false, "/run/user/1000", NULL, NULL, NULL, d);
	CHECK_INT("dirs user: count", n, 4);
	CHECK_STR("dirs user: xdg", d[0].dir, "/run/user/1000/tnat64");
	CHECK_STR("dirs user: xdg parent", d[0].parent, "/run/user/1000");
	CHECK_STR("dirs user: run/user", d[1].dir, "/run/user/1000/tnat64");
	CHECK_STR("dirs user: tmp", d[2].dir, "/tmp/tnat64-1000");
	CHECK_STR("dirs user: tmp has no parent check", d[2].parent, "");
	CHECK("dirs user: system read-only", d[3].system && !d[3].writable &&
	      strcmp(d[3].dir, "/run/tnat64") == 0 && d[3].owner == 0);
	CHECK("dirs user: user ones writable, owned by the user",
	      d[0].writable && d[2].writable && d[0].owner == 1000);

	n = pfx_dirs(1000, false, "relative/dir", NULL, NULL, NULL, d);
	CHECK("dirs: relative XDG_RUNTIME_DIR ignored", n == 3 &&
	      strcmp(d[0].dir, "/run/user/1000/tnat64") == 0);
	n = pfx_dirs(1000, false, "/run/user/../../etc", NULL, NULL, NULL, d);
	CHECK("dirs: XDG_RUNTIME_DIR with .. ignored", n == 3);
	n = pfx_dirs(1000, false, "/run/user/1000..x", NULL, NULL, NULL, d);
	CHECK("dirs: dots inside a name are fine", n == 4);
	n = pfx_dirs(1000, true, NULL, NULL, NULL, NULL, d);
	CHECK("dirs secure: system only, read-only", n == 1 && d[0].system &&
	      !d[0].writable);
	n = pfx_dirs(0, false, "/run/user/0", NULL, NULL, NULL, d);
	CHECK("dirs root: system only, writable", n == 1 && d[0].system &&
	      d[0].writable);
	n = pfx_dirs(0, true, NULL, NULL, NULL, NULL, d);
	CHECK("dirs secure root: not writable", n == 1 && !d[0].writable);
	n = pfx_dirs(65534, false, NULL, "/x/run/user", "/x/tmp", "/x/sys", d);
	CHECK("dirs: test locations", n == 3 &&
	      strcmp(d[0].dir, "/x/run/user/65534/tnat64") == 0 &&
	      strcmp(d[1].dir, "/x/tmp/tnat64-65534") == 0 &&
	      strcmp(d[2].dir, "/x/sys") == 0);
}

int main(void)
{
	test_roundtrip();
	test_junk();
	test_fresh_pick();
	test_trust();
	test_dirs();
	return check_exit();
}
