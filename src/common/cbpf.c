/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic BPF checker and interpreter; see cbpf.h. */
#include <errno.h>
#include <stdbool.h>

#include "cbpf.h"

#ifndef SKF_AD_PROTOCOL
#define SKF_AD_PROTOCOL 0
#endif
#ifndef SKF_AD_PKTTYPE
#define SKF_AD_PKTTYPE 4
#endif

static bool known(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS: case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_W | BPF_LEN: case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_IMM: case BPF_LDX | BPF_W | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN: case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_ST: case BPF_STX:
	case BPF_RET | BPF_K: case BPF_RET | BPF_A:
	case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
	case BPF_JMP | BPF_JA:
		return true;
	}
	if (BPF_CLASS(code) == BPF_ALU) {
		switch (BPF_OP(code)) {
		case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
		case BPF_OR: case BPF_AND: case BPF_LSH: case BPF_RSH:
		case BPF_MOD: case BPF_XOR:
			return (code & ~(BPF_OP(0xff) | BPF_SRC(0xff) | 0x07)) == 0;
		case BPF_NEG:
			return BPF_SRC(code) == BPF_K &&
			       code == (BPF_ALU | BPF_NEG);
		}
		return false;
	}
	if (BPF_CLASS(code) == BPF_JMP) {
		switch (BPF_OP(code)) {
		case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
			return (code & ~(BPF_OP(0xff) | BPF_SRC(0xff) | 0x07)) == 0;
		}
	}
	return false;
}

int cbpf_check(const struct sock_filter *prog, size_t n)
{
	if (!prog || n == 0 || n > BPF_MAXINSNS)
		return -EINVAL;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint16_t c = f->code;

		if (!known(c))
			return -EINVAL;
		switch (BPF_CLASS(c)) {
		case BPF_LD:
		case BPF_LDX:
			if (BPF_MODE(c) == BPF_MEM && f->k >= BPF_MEMWORDS)
				return -EINVAL;
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return -EINVAL;
			break;
		case BPF_ALU:
			if (BPF_SRC(c) == BPF_K &&
			    ((BPF_OP(c) == BPF_DIV || BPF_OP(c) == BPF_MOD) &&
			     f->k == 0))
				return -EINVAL;
			if (BPF_SRC(c) == BPF_K &&
			    (BPF_OP(c) == BPF_LSH || BPF_OP(c) == BPF_RSH) &&
			    f->k >= 32)
				return -EINVAL;
			break;
		case BPF_JMP:
			if (BPF_OP(c) == BPF_JA) {
				if (f->k >= n - pc - 1)
					return -EINVAL;
			} else if (pc + 1 + f->jt >= n || pc + 1 + f->jf >= n) {
				return -EINVAL;
			}
			break;
		}
	}
	return BPF_CLASS(prog[n - 1].code) == BPF_RET ? 0 : -EINVAL;
}

enum { LOAD_OK, LOAD_OUT, LOAD_UNKNOWN };

/* Load size bytes (1, 2, 4; big-endian) at offset off, the kernel's way:
 * non-negative offsets in the data, SKF_NET_OFF in the network view,
 * SKF_AD_OFF ancillary values. */
static int load(const struct cbpf_pkt *p, int64_t off, unsigned size,
		uint32_t *out)
{
	const uint8_t *base = p->data;
	size_t len = p->len;

	if (off < 0) {
		if (off >= SKF_AD_OFF && off < 0) {
			if (size != 4)
				return LOAD_UNKNOWN;
			if (off == SKF_AD_OFF + SKF_AD_PROTOCOL) {
				*out = p->protocol;
				return LOAD_OK;
			}
			if (off == SKF_AD_OFF + SKF_AD_PKTTYPE) {
				*out = 0; /* PACKET_HOST */
				return LOAD_OK;
			}
			return LOAD_UNKNOWN;
		}
		if (off >= SKF_NET_OFF && off < SKF_AD_OFF) {
			base = p->net;
			len = p->netlen;
			off -= SKF_NET_OFF;
		} else if (off >= SKF_LL_OFF && off < SKF_NET_OFF) {
			return LOAD_UNKNOWN;
		} else {
			return LOAD_OUT;
		}
	}
	if (!base || (uint64_t)off + size > len)
		return LOAD_OUT;
	*out = 0;
	for (unsigned i = 0; i < size; i++)
		*out = *out << 8 | base[off + i];
	return LOAD_OK;
}

static unsigned size_of(uint16_t code)
{
	return BPF_SIZE(code) == BPF_W ? 4 : BPF_SIZE(code) == BPF_H ? 2 : 1;
}

long cbpf_run(const struct sock_filter *prog, size_t n,
	      const struct cbpf_pkt *pkt)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 }, v;
	size_t pc = 0;

	while (pc < n) {
		const struct sock_filter *f = &prog[pc++];
		uint16_t c = f->code;
		int r;

		switch (BPF_CLASS(c)) {
		case BPF_LD:
			switch (BPF_MODE(c)) {
			case BPF_IMM: a = f->k; break;
			case BPF_MEM:
				if (f->k >= BPF_MEMWORDS)
					return -1;
				a = mem[f->k];
				break;
			case BPF_LEN: a = (uint32_t)pkt->len; break;
			case BPF_ABS:
			case BPF_IND:
				r = load(pkt, (int64_t)(int32_t)f->k +
					 (BPF_MODE(c) == BPF_IND ? (int64_t)x : 0),
					 size_of(c), &v);
				if (r == LOAD_UNKNOWN)
					return -1;
				if (r == LOAD_OUT)
					return 0;
				a = v;
				break;
			default:
				return -1;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(c)) {
			case BPF_IMM: x = f->k; break;
			case BPF_MEM:
				if (f->k >= BPF_MEMWORDS)
					return -1;
				x = mem[f->k];
				break;
			case BPF_LEN: x = (uint32_t)pkt->len; break;
			case BPF_MSH:
				r = load(pkt, (int64_t)(int32_t)f->k, 1, &v);
				if (r == LOAD_UNKNOWN)
					return -1;
				if (r == LOAD_OUT)
					return 0;
				x = (v & 0xf) << 2;
				break;
			default:
				return -1;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return -1;
			mem[f->k] = BPF_CLASS(c) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			v = BPF_SRC(c) == BPF_X ? x : f->k;
			switch (BPF_OP(c)) {
			case BPF_ADD: a += v; break;
			case BPF_SUB: a -= v; break;
			case BPF_MUL: a *= v; break;
			case BPF_DIV:
				if (!v)
					return 0;
				a /= v;
				break;
			case BPF_MOD:
				if (!v)
					return 0;
				a %= v;
				break;
			case BPF_OR: a |= v; break;
			case BPF_AND: a &= v; break;
			case BPF_XOR: a ^= v; break;
			case BPF_LSH: a <<= (v & 31); break;
			case BPF_RSH: a >>= (v & 31); break;
			case BPF_NEG: a = 0u - a; break;
			default: return -1;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(c) == BPF_JA) {
				pc += f->k;
				break;
			}
			v = BPF_SRC(c) == BPF_X ? x : f->k;
			switch (BPF_OP(c)) {
			case BPF_JEQ: r = a == v; break;
			case BPF_JGT: r = a > v; break;
			case BPF_JGE: r = a >= v; break;
			case BPF_JSET: r = (a & v) != 0; break;
			default: return -1;
			}
			pc += r ? f->jt : f->jf;
			break;
		case BPF_RET:
			v = BPF_RVAL(c) == BPF_A ? a : f->k;
			return (long)(v < pkt->len ? v : pkt->len);
		case BPF_MISC:
			if (BPF_MISCOP(c) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return -1;
		}
	}
	return 0; /* cannot happen for a checked program */
}
