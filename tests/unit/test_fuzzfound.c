/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: defects the fuzz targets (fuzz/fuzz_*.c) found, one test
 * each, with the input that showed it reduced by hand. */
#include "check.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>

static void *arena;

static struct config *parse(const char *text)
{
	size_t len = strlen(text), size = config_arena_size(len);
	struct config *c;

	free(arena);
	arena = malloc(size);
	if (!arena)
		abort();
	c = config_parse(text, len, "f.conf", arena, size);
	if (!c)
		abort();
	return c;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* fuzz_config: messages about a directive quoted the rest of the line as
 * its name ("expected '=' after 'nat64_prefix x= 64:ff9b::'"). */
static void test_directive_name_in_messages(void)
{
	struct config *c = parse("nat64_prefix x= 64:ff9b::\n");

	CHECK_INT("name: one error", c->nerrors, 1);
	CHECK_STR("name: expected '='", c->errors[0].msg,
		  "expected '=' after 'nat64_prefix'");
	c = parse("local =\n");
	CHECK_STR("name: missing value", c->errors[0].msg,
		  "missing value after 'local ='");
	c = parse("local = 192.0.2.0/24 junk\n");
	CHECK_STR("name: text after the value", c->errors[0].msg,
		  "unexpected text 'junk' after the value of 'local'");
}

/* fuzz_config: whitespace control characters inside a line (form feed,
 * vertical tab, carriage return) reached the messages, which end up on
 * terminals. */
static void test_no_control_characters_in_messages(void)
{
	static const char *const lines[] = {
		"nat64_prefix\f\f= 64:ff9b::\v/96\n",
		"local = 192.0.2.0/24\rjunk\n",
		"nat64_prefix \v 64:ff9b::\n",
		"bogus\fdirective = 1\n",
		"path {\r\n subnet = 192.0.2.0/24\f}\n}\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct config *c = parse(lines[i]);
		bool clean = c->nerrors_stored > 0;

		for (size_t k = 0; k < c->nerrors_stored; k++)
			clean = clean && !has_control(c->errors[k].msg);
		CHECK_MSG(tname("control characters: line %zu", i), clean,
			  "%zu errors, first \"%s\"", c->nerrors_stored,
			  c->nerrors_stored ? c->errors[0].msg : "");
	}
	/* they still separate words, as spaces do */
	struct config *c = parse("local\f=\v192.0.2.0/24\r\n");

	CHECK("control characters: still whitespace",
	      c->nerrors == 0 && c->nlocals == 1);
}

int main(void)
{
	test_directive_name_in_messages();
	test_no_control_characters_in_messages();
	free(arena);
	return check_exit();
}
