/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: resolv.conf parsing (resolvconf.c). */
#include "check.h"
#include "resolvconf.h"

#include <arpa/inet.h>
#include <string.h>

static const struct {
	const char *name;
	const char *text;
	const char *servers; /* formatted, space separated */
	unsigned timeout, attempts;
	int nerrors;
	int first_error_line; /* 0: unchecked */
} table[] = {
	{ "empty", "", "127.0.0.1", 5, 2, 0, 0 },
	{ "one IPv4", "nameserver 192.0.2.53\n", "192.0.2.53", 5, 2, 0, 0 },
	{ "IPv6 and IPv4, comments",
	  "# generated\n; also a comment\nsearch example.org\n"
	  "nameserver 2001:db8::53   # primary\n\tnameserver\t192.0.2.53\n",
	  "2001:db8::53 192.0.2.53", 5, 2, 0, 0 },
	{ "scoped by name", "nameserver fe80::1%eth0\n", "fe80::1%eth0", 5, 2,
	  0, 0 },
	{ "scoped by number", "nameserver fe80::1%2\n", "fe80::1%2", 5, 2, 0,
	  0 },
	{ "no final newline", "nameserver 192.0.2.1", "192.0.2.1", 5, 2, 0,
	  0 },
	{ "CRLF", "nameserver 192.0.2.1\r\noptions timeout:1\r\n",
	  "192.0.2.1", 1, 2, 0, 0 },
	{ "four servers: three kept",
	  "nameserver 192.0.2.1\nnameserver 192.0.2.2\n"
	  "nameserver 192.0.2.3\nnameserver 192.0.2.4\n",
	  "192.0.2.1 192.0.2.2 192.0.2.3", 5, 2, 0, 0 },
	{ "options", "options ndots:2 timeout:3 rotate attempts:4 edns0\n"
	  "nameserver ::1\n", "::1", 3, 4, 0, 0 },
	{ "options clamped", "options timeout:99 attempts:9\n", "127.0.0.1",
	  30, 5, 0, 0 },
	{ "bad timeout", "options timeout:x attempts:0\n", "127.0.0.1", 5, 2,
	  2, 1 },
	{ "timeout without value", "\noptions timeout:\n", "127.0.0.1", 5, 2,
	  1, 2 },
	{ "bad address",
	  "nameserver 192.0.2.1\nnameserver 192.0.2.300\n"
	  "nameserver 2001:db8::53\n",
	  "192.0.2.1 2001:db8::53", 5, 2, 1, 2 },
	{ "address with junk", "nameserver 192.0.2.1x\n", "127.0.0.1", 5, 2,
	  1, 1 },
	{ "two addresses", "nameserver 192.0.2.1 192.0.2.2\n", "127.0.0.1", 5,
	  2, 1, 1 },
	{ "nameserver without address", "nameserver\n", "127.0.0.1", 5, 2, 1,
	  1 },
	{ "unknown keyword", "nameserver 192.0.2.1\nfrobnicate yes\n",
	  "192.0.2.1", 5, 2, 1, 2 },
	{ "bad scope", "nameserver fe80::1%eth0/x\n", "127.0.0.1", 5, 2, 1,
	  1 },
	{ "empty scope", "nameserver fe80::1%\n", "127.0.0.1", 5, 2, 1, 1 },
	{ "NUL in a line", "nameserver 192.0.2.1\nname\0server 1.2.3.4\n",
	  "192.0.2.1", 5, 2, 1, 2 },
};

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct resolv_conf c;
		char got[256] = "";
		size_t len = strlen(table[i].text);

		if (strcmp(table[i].name, "NUL in a line") == 0)
			len = sizeof("nameserver 192.0.2.1\nname\0server "
				     "1.2.3.4\n") - 1;
		resolv_conf_parse(table[i].text, len, &c);
		for (size_t k = 0; k < c.nns; k++) {
			char one[64];

			resolv_ns_format(&c.ns[k], one, sizeof(one));
			if (k)
				strcat(got, " ");
			strcat(got, one);
		}
		CHECK_STR(tname("resolv %s: servers", table[i].name), got,
			  table[i].servers);
		CHECK_INT(tname("resolv %s: timeout", table[i].name),
			  c.timeout_s, table[i].timeout);
		CHECK_INT(tname("resolv %s: attempts", table[i].name),
			  c.attempts, table[i].attempts);
		CHECK_INT(tname("resolv %s: errors", table[i].name),
			  c.nerrors, table[i].nerrors);
		if (table[i].first_error_line && c.nerrors)
			CHECK_INT(tname("resolv %s: error line", table[i].name),
				  c.errors[0].line, table[i].first_error_line);
	}
}

static void test_details(void)
{
	struct resolv_conf c;
	const char *t = "nameserver 2001:db8::53\nnameserver fe80::1%eth0\n"
			"nameserver 1.2.3.4\nnameserver 5.6.7.8\n";

	resolv_conf_parse(t, strlen(t), &c);
	CHECK("port 53", c.ns[0].sa.v6.sin6_port == htons(53) &&
	      c.ns[2].sa.v4.sin_port == htons(53));
	CHECK("families", c.ns[0].family == AF_INET6 &&
	      c.ns[2].family == AF_INET);
	CHECK_STR("scope name kept", c.ns[1].scope_name, "eth0");
	CHECK_INT("scope id left for the caller", c.ns[1].sa.v6.sin6_scope_id,
		  0);
	CHECK_INT("line numbers", c.ns[2].line, 3);
	CHECK_INT("ignored past three", c.nns_ignored, 1);
	CHECK("not defaulted", !c.ns_default);
	resolv_conf_parse(NULL, 0, &c);
	CHECK("no text: loopback default", c.ns_default && c.nns == 1);
	resolv_conf_parse("frobnicate\n", 11, &c);
	CHECK("error message names the word",
	      strstr(c.errors[0].msg, "frobnicate") != NULL);
}

int main(void)
{
	test_table();
	test_details();
	return check_exit();
}
