/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests: classic BPF checker and interpreter (kernel semantics). */
#include "check.h"
#include "cbpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ST(c, k) { (uint16_t)(c), 0, 0, (uint32_t)(k) }
#define JU(c, k, t, f) { (uint16_t)(c), (uint8_t)(t), (uint8_t)(f), (uint32_t)(k) }
#define N(p) (sizeof(p) / sizeof((p)[0]))

/* An IPv4 packet (20-byte header) carrying an ICMP message. */
static size_t icmp_packet(uint8_t *b, uint8_t type, uint16_t ident)
{
	memset(b, 0, 36);
	b[0] = 0x45;
	b[9] = 1;
	b[20] = type;
	b[24] = (uint8_t)(ident >> 8);
	b[25] = (uint8_t)ident;
	return 36;
}

static long run(const struct sock_filter *f, size_t n, const uint8_t *d,
		size_t len)
{
	struct cbpf_pkt p = { d, len, d, len, 0x0800 };

	return cbpf_run(f, n, &p);
}

/* The shape of a ping's filter: skip the IP header (MSH), accept echo
 * replies with our identifier and anything that is not an echo reply. */
static void test_ping_filter(void)
{
	static const struct sock_filter f[] = {
		ST(BPF_LDX | BPF_B | BPF_MSH, 0),
		ST(BPF_LD | BPF_H | BPF_IND, 4),
		JU(BPF_JMP | BPF_JEQ | BPF_K, 0x4d2, 0, 1),
		ST(BPF_RET | BPF_K, 0xffffffffu),
		ST(BPF_LD | BPF_B | BPF_IND, 0),
		JU(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		ST(BPF_RET | BPF_K, 0xfffffff),
		ST(BPF_RET | BPF_K, 0),
	};
	uint8_t b[64];
	size_t n;

	CHECK_INT("ping/check", cbpf_check(f, N(f)), 0);
	n = icmp_packet(b, 0, 0x4d2);
	CHECK_INT("ping/our reply kept whole", run(f, N(f), b, n), (long)n);
	n = icmp_packet(b, 0, 0x4d3);
	CHECK_INT("ping/another ping's reply dropped", run(f, N(f), b, n), 0);
	n = icmp_packet(b, 11, 0);
	CHECK_INT("ping/time exceeded kept", run(f, N(f), b, n), (long)n);
	/* IPv4 options: header of 24 bytes */
	memmove(b + 4, b, 36);
	b[0] = 0x46;
	b[24] = 0;
	b[28] = 0x04;
	b[29] = 0xd2;
	CHECK_INT("ping/header with options", run(f, N(f), b, 40), 40);
	CHECK_INT("ping/truncated packet: load out of range drops",
		  run(f, N(f), b, 10), 0);
}

static void test_alu_and_memory(void)
{
	/* ((7 + 5) * 3 - 6) / 5 = 6; 6 % 4 = 2; 2 | 8 = 10; 10 & 14 = 10;
	 * 10 ^ 3 = 9; 9 << 2 = 36; 36 >> 1 = 18; -18; stored and reloaded */
	static const struct sock_filter f[] = {
		ST(BPF_LD | BPF_IMM, 7),
		ST(BPF_ALU | BPF_ADD | BPF_K, 5),
		ST(BPF_LDX | BPF_IMM, 3),
		ST(BPF_ALU | BPF_MUL | BPF_X, 0),
		ST(BPF_ALU | BPF_SUB | BPF_K, 6),
		ST(BPF_ALU | BPF_DIV | BPF_K, 5),
		ST(BPF_ALU | BPF_MOD | BPF_K, 4),
		ST(BPF_ALU | BPF_OR | BPF_K, 8),
		ST(BPF_ALU | BPF_AND | BPF_K, 14),
		ST(BPF_ALU | BPF_XOR | BPF_K, 3),
		ST(BPF_ALU | BPF_LSH | BPF_K, 2),
		ST(BPF_ALU | BPF_RSH | BPF_K, 1),
		ST(BPF_ALU | BPF_NEG, 0),
		ST(BPF_ST, 3),
		ST(BPF_LD | BPF_IMM, 0),
		ST(BPF_LDX | BPF_MEM, 3),
		ST(BPF_MISC | BPF_TXA, 0),
		JU(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)-18, 0, 1),
		ST(BPF_RET | BPF_K, 1000),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter divx[] = {
		ST(BPF_LDX | BPF_IMM, 0),
		ST(BPF_LD | BPF_IMM, 9),
		ST(BPF_ALU | BPF_DIV | BPF_X, 0),
		ST(BPF_RET | BPF_K, 5),
	};
	static const struct sock_filter len_a[] = {
		ST(BPF_LD | BPF_W | BPF_LEN, 0),
		ST(BPF_ALU | BPF_SUB | BPF_K, 2),
		ST(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter words[] = {
		ST(BPF_LD | BPF_W | BPF_ABS, 0),
		JU(BPF_JMP | BPF_JEQ | BPF_K, 0x45000024, 0, 3),
		ST(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		JU(BPF_JMP | BPF_JSET | BPF_K, 0x0800, 0, 1),
		ST(BPF_RET | BPF_K, 0xffff),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter ll[] = {
		ST(BPF_LD | BPF_B | BPF_ABS, SKF_LL_OFF + 12),
		ST(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter net[] = {
		ST(BPF_LD | BPF_B | BPF_ABS, SKF_NET_OFF + 9),
		JU(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
		ST(BPF_RET | BPF_K, 0xffff),
		ST(BPF_RET | BPF_K, 0),
	};
	uint8_t b[64];
	size_t n = icmp_packet(b, 0, 1);

	b[2] = 0;
	b[3] = 0x24;
	CHECK_INT("alu/check", cbpf_check(f, N(f)), 0);
	CHECK_INT("alu/result", run(f, N(f), b, n), 36);
	CHECK_INT("alu/division by X = 0 drops", run(divx, N(divx), b, n), 0);
	CHECK_INT("alu/return A trims", run(len_a, N(len_a), b, n), 34);
	CHECK_INT("ld/words and protocol", run(words, N(words), b, n), 36);
	CHECK_INT("ld/link layer: unknown, fail open", run(ll, N(ll), b, n), -1);
	{
		/* a datagram socket: data is the ICMP message, the network
		 * view has the IPv4 header in front */
		struct cbpf_pkt p = { b + 20, 16, b, 36, 0x0800 };

		CHECK_INT("ld/SKF_NET_OFF reads the network view",
			  cbpf_run(net, N(net), &p), 16);
	}
}

static void test_check(void)
{
	static const struct sock_filter no_ret[] = { ST(BPF_LD | BPF_IMM, 1) };
	static const struct sock_filter jump_out[] = {
		JU(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter ja_out[] = {
		ST(BPF_JMP | BPF_JA, 1),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter div0[] = {
		ST(BPF_ALU | BPF_DIV | BPF_K, 0),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter shift32[] = {
		ST(BPF_ALU | BPF_LSH | BPF_K, 32),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter mem16[] = {
		ST(BPF_ST, 16),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter badop[] = {
		ST(0xffff, 0),
		ST(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter ok[] = { ST(BPF_RET | BPF_K, 0) };

	CHECK_INT("check/no return", cbpf_check(no_ret, 1), -EINVAL);
	CHECK_INT("check/jump out", cbpf_check(jump_out, 2), -EINVAL);
	CHECK_INT("check/ja out", cbpf_check(ja_out, 2), -EINVAL);
	CHECK_INT("check/division by 0", cbpf_check(div0, 2), -EINVAL);
	CHECK_INT("check/shift by 32", cbpf_check(shift32, 2), -EINVAL);
	CHECK_INT("check/memory index 16", cbpf_check(mem16, 2), -EINVAL);
	CHECK_INT("check/unknown opcode", cbpf_check(badop, 2), -EINVAL);
	CHECK_INT("check/empty", cbpf_check(ok, 0), -EINVAL);
	CHECK_INT("check/too long", cbpf_check(ok, BPF_MAXINSNS + 1), -EINVAL);
	CHECK_INT("check/minimal", cbpf_check(ok, 1), 0);
}

/* Never checked (a program read while being replaced): no access out of
 * the scratch memory or the packet, whatever the instructions. */
static void test_unchecked(void)
{
	static const struct sock_filter st[] = {
		ST(BPF_ST, 100), ST(BPF_RET | BPF_K, 1),
	};
	static const struct sock_filter ld[] = {
		ST(BPF_LD | BPF_MEM, 16), ST(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter ldx[] = {
		ST(BPF_LDX | BPF_MEM, 0xffffffffu), ST(BPF_RET | BPF_K, 1),
	};
	static const struct sock_filter ja[] = {
		ST(BPF_JMP | BPF_JA, 0x7fffffff), ST(BPF_RET | BPF_K, 1),
	};
	static const struct sock_filter div0[] = {
		ST(BPF_ALU | BPF_DIV | BPF_K, 0), ST(BPF_RET | BPF_K, 1),
	};
	uint8_t b[64];
	size_t n = icmp_packet(b, 0, 1);

	CHECK_INT("unchecked/store out of memory", run(st, N(st), b, n), -1);
	CHECK_INT("unchecked/load out of memory", run(ld, N(ld), b, n), -1);
	CHECK_INT("unchecked/ldx out of memory", run(ldx, N(ldx), b, n), -1);
	CHECK_INT("unchecked/jump past the end", run(ja, N(ja), b, n), 0);
	CHECK_INT("unchecked/division by constant 0", run(div0, N(div0), b, n),
		  0);
}

int main(void)
{
	test_ping_filter();
	test_alu_and_memory();
	test_check();
	test_unchecked();
	return check_exit();
}
