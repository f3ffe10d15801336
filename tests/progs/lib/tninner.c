/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Found only through libtnrp.so's RUNPATH (tests/progs/lib/tnrp.c). */
int tninner_answer(void);

int tninner_answer(void)
{
	return 42;
}
