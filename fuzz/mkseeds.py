#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the binary seed inputs of fuzz/corpus/ (the text ones were written
# by hand).  Run from the repository: python3 fuzz/mkseeds.py
# Formats: see the comment at the top of each fuzz/fuzz_NAME.c.
import ipaddress
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def v4(s):
    return ipaddress.IPv4Address(s).packed


def v6(s):
    return ipaddress.IPv6Address(s).packed


# fuzz_prefix: v4(4) raw(16) sel(1) suffix(16) "PREFIX\nSUFFIX"
prefix_cases = [
    ("wkp", "192.0.2.33", "64:ff9b::c000:221", 5, "::", "64:ff9b::/96\n::"),
    ("nsp32", "198.51.100.7", "2001:db8:c633:6407::", 0, "::aa:bbcc",
     "2001:db8::/32\n::aa:bbcc"),
    ("nsp40", "203.0.113.9", "2001:db8:100:cb00:71:900::", 1, "::1",
     "2001:db8:100::/40\n::ff"),
    ("nsp48", "192.0.2.1", "2001:db8:122:c000:2:100::", 2, "::",
     "2001:db8:122::/48\n::1:0:0"),
    ("nsp56", "192.0.2.1", "2001:db8:122:3c0:0:201::", 3, "::",
     "2001:db8:122:300::/56\n::1"),
    ("nsp64", "192.0.2.1", "2001:db8:122:344:c0:2:100:0", 4, "::ff",
     "2001:db8:122:344::/64\n::aa"),
    ("nolen", "0.0.0.0", "::", 5, "::", "2001:db8:64::\n"),
    ("bad", "255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
     255, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
     "2001:db8::1/64\n1.2.3.4"),
    ("mapped", "127.0.0.1", "::ffff:127.0.0.1", 5, "::",
     "::ffff:0:0/96\n::ffff:1.2.3.4"),
]
for name, a4, a6, sel, sfx, text in prefix_cases:
    put("prefix", name, v4(a4) + v6(a6) + bytes([sel]) + v6(sfx) +
        text.encode())

# fuzz_addr: v4(4) v6(16) u64(8) len(4) then the rest (a sockaddr)
addr_cases = [
    ("zero", "0.0.0.0", "::", 0, 16),
    ("doc", "192.0.2.1", "2001:db8::1", 12345, 28),
    ("mapped", "203.0.113.255", "::ffff:203.0.113.255", 2**64 - 1, 8),
    ("compat", "10.1.2.3", "::10.1.2.3", 10, 0),
    ("runs", "100.64.0.1", "1:0:0:1:0:0:0:1", 99, 100),
    ("global", "8.8.8.8", "2001:db8:0:0:1::", 1000000, 7),
]
for name, a4, a6, u, ln in addr_cases:
    put("addr", name, v4(a4) + v6(a6) + struct.pack("<QI", u, ln) +
        bytes(range(28)))

# fuzz_cmsg: cap(2, little-endian) local_v4(4) then a control buffer:
# struct cmsghdr { size_t len; int level; int type; } + data, 8-aligned
SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6 = 1, 0, 41
IP_TOS, IP_TTL, IP_PKTINFO, IP_RECVERR = 1, 2, 8, 11
IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_RECVERR = 50, 52, 67, 25
SCM_RIGHTS, SO_TIMESTAMP = 1, 29


def cmsg(level, typ, data, pad=True):
    b = struct.pack("=Qii", 16 + len(data), level, typ) + data
    if pad:
        b += bytes(-len(b) % 8)
    return b


def i32(v):
    return struct.pack("=i", v)


pktinfo6 = v6("2001:db8:64::c000:201") + struct.pack("=I", 3)
pktinfo4 = struct.pack("=i", 3) + v4("192.0.2.1") + v4("192.0.2.1")
recv = [
    ("recv_all", [cmsg(IPPROTO_IPV6, IPV6_PKTINFO, pktinfo6),
                  cmsg(IPPROTO_IPV6, IPV6_TCLASS, i32(0xb8)),
                  cmsg(IPPROTO_IPV6, IPV6_HOPLIMIT, i32(63), pad=False)]),
    ("recv_dual", [cmsg(IPPROTO_IP, IP_PKTINFO, pktinfo4),
                   cmsg(IPPROTO_IPV6, IPV6_PKTINFO, pktinfo6),
                   cmsg(IPPROTO_IP, IP_TOS, b"\x10"),
                   cmsg(IPPROTO_IPV6, IPV6_TCLASS, i32(0x10))]),
    ("recv_other", [cmsg(SOL_SOCKET, SO_TIMESTAMP, struct.pack("=qq", 1, 2)),
                    cmsg(IPPROTO_IPV6, IPV6_RECVERR, bytes(16 + 28)),
                    cmsg(SOL_SOCKET, SCM_RIGHTS, i32(5) + i32(6))]),
    ("recv_short", [cmsg(IPPROTO_IPV6, IPV6_PKTINFO, bytes(8)),
                    cmsg(IPPROTO_IPV6, IPV6_TCLASS, b"\x01")]),
    ("send_all", [cmsg(IPPROTO_IP, IP_TOS, b"\x2e"),
                  cmsg(IPPROTO_IP, IP_TTL, i32(5)),
                  cmsg(IPPROTO_IP, IP_PKTINFO, pktinfo4)]),
    ("send_tos_int", [cmsg(IPPROTO_IP, IP_TOS, i32(0x48)),
                      cmsg(IPPROTO_IP, IP_RECVERR, b"", pad=False)]),
]
caps = [0, 16, 24, 40, 64, 256, 1024]
for i, (name, msgs) in enumerate(recv):
    put("cmsg", name, struct.pack("<H", caps[i % len(caps)]) +
        v4("192.0.2.7") + b"".join(msgs))
put("cmsg", "junk", struct.pack("<H", 100) + v4("0.0.0.0") +
    struct.pack("=Q", 2**64 - 1) + bytes(20))

# fuzz_log_format: size(2) number(8) v4(4) v6(16) string choice(1) format
log_cases = [
    ("plain", 512, 42, "192.0.2.1", "2001:db8::1", 1, "plain text"),
    ("all", 64, 2**64 - 1, "203.0.113.9", "64:ff9b::c000:221", 0,
     "%s|%d|%u|%x|%c|%%|%A|%B"),
    ("long", 7, 2**63, "0.0.0.0", "::", 3,
     "%ld %lu %lld %llu %lx %llx %zu %zd %zx"),
    ("edges", 0, 0, "255.255.255.255", "::ffff:192.0.2.1", 2,
     "%q %lq %zq %l %ll %z 100%"),
    ("conf", 160, 7, "198.51.100.1", "2001:db8:64::", 4,
     "local '%s': address has host bits set; using %A/%d"),
    ("nl", 1, 10, "192.0.2.255", "2001:db8::", 5, "line\n%s\n\n"),
]
for name, size, num, a4, a6, sel, fmt in log_cases:
    put("log_format", name, struct.pack("<HQ", size, num) + v4(a4) +
        v6(a6) + bytes([sel]) + fmt.encode())

# fuzz_sockaddr: sockaddr_in6(28) npfx(1) prefer(1)
#                4 x [addr(16) sel(1) suffix(16)] v4(4) port(2)
def sin6(addr, port):
    return struct.pack("=H", 10) + struct.pack(">H", port) + \
        struct.pack("=I", 0) + v6(addr) + struct.pack("=I", 0)


def pfx(addr, sel, sfx="::"):
    return v6(addr) + bytes([sel]) + v6(sfx)


four = (pfx("2001:db8:64::", 5) + pfx("2001:db8:100::", 1, "::1") +
        pfx("2001:db8::", 0) + pfx("64:ff9b::", 5))
sockaddr_cases = [
    ("wkp", sin6("64:ff9b::c000:221", 80), 4, 3, four, "192.0.2.33", 80),
    ("nsp", sin6("2001:db8:64::cb00:7109", 53), 4, 0xff, four,
     "203.0.113.9", 53),
    ("mapped", sin6("::ffff:198.51.100.1", 443), 2, 1, four,
     "198.51.100.1", 443),
    ("nested", sin6("2001:db8:100:c000:2:100::1", 1), 3, 1, four,
     "192.0.2.1", 65535),
    ("none", sin6("2001:db8:ffff::1", 9), 0, 0, four, "0.0.0.0", 0),
]
for name, sa, n, prefer, pf, a4, port in sockaddr_cases:
    put("sockaddr", name, sa + bytes([n, prefer]) + pf + v4(a4) +
        struct.pack("<H", port))

# fuzz_config: one big configuration (under the 8192-byte -max_len of
# fuzz/config.options) with nested, overlapping and port-limited subnets
# and locals, generated deterministically.
lines = ["nat64_prefix = 2001:db8:64::/96"]
for i in range(6):
    lines.append("local = 10.%d.0.0/%d" % (i * 40, 12 + i * 3))
for p in range(12):
    lines.append("path {")
    for k in range(10):
        n = (p * 37 + k * 11) % 256
        ln = [8, 16, 20, 24, 28, 32][(p + k) % 6]
        net = ipaddress.IPv4Network("%d.%d.%d.0/%d" % (
            198 if k % 2 else 203, n, (n * 3) % 256, min(ln, 24)),
            strict=False)
        ports = ["", ":53", ":1000-2000", ":1-65535", ":80-443"][(p + k) % 5]
        lines.append("  subnet = %s%s/%d" % (net.network_address, ports,
                                             net.prefixlen))
    plen = [32, 40, 48, 56, 64, 96][p % 6]
    pnet = ipaddress.IPv6Network("2001:db8:%x:%x::/%d" % (
        (p + 1) * 0x101, (p + 1) * 0x1001, plen), strict=False)
    lines.append("  nat64_prefix = %s/%d" % (pnet.network_address, plen))
    lines.append("}")
text = "\n".join(lines) + "\n"
assert len(text) < 8192
put("config", "big.conf", text.encode())

# fuzz_targetmsg: op(1) gone(1) 7 x u64, then the program's memory at
# 0x10000 (MEM_BASE in the target).
MB = 0x10000


def tmsg(op, vals, mem, gone=0):
    vals = list(vals) + [0] * (7 - len(vals))
    return bytes([op, gone]) + struct.pack("<7Q", *vals) + mem


sin = struct.pack("<HH", 2, 80) + v4("198.51.100.10") + bytes(8)
sin6 = (struct.pack("<HHI", 10, 80, 0) + v6("2001:db8:64::c633:640a") +
        struct.pack("<I", 0))
put("targetmsg", "read_sin", tmsg(0, [MB, 16], sin))
put("targetmsg", "read_sin6", tmsg(0, [MB, 28], sin6))
put("targetmsg", "read_gone", tmsg(0, [MB, 16], sin, gone=1))
put("targetmsg", "read_fault", tmsg(0, [MB + 8, 16], sin))
put("targetmsg", "write_short", tmsg(1, [MB, MB + 128, 28],
                                     bytes(128) + struct.pack("<i", 16)))
put("targetmsg", "write_full", tmsg(1, [MB, MB + 128, 16],
                                    bytes(128) + struct.pack("<i", 128)))
put("targetmsg", "write_neg", tmsg(1, [MB, MB + 128, 16],
                                   bytes(128) + struct.pack("<i", -1)))
data = b"GET / HTTP/1.0\r\n\r\n"
iovs = struct.pack("<QQQQ", MB + 32, 4, MB + 36, len(data) - 4)
put("targetmsg", "iov_list", tmsg(2, [MB, 2], iovs + data))
# sendmsg: name at MB, iovec list at MB+32, data at MB+64, control at
# MB+128 (an IP_TTL cmsg: len 20, level 0, type 2, value 1)
mem = bytearray(160)
mem[0:16] = sin
mem[32:64] = struct.pack("<QQQQ", MB + 64, 5, MB + 69, 13)
mem[64:64 + len(data)] = data
mem[128:148] = struct.pack("<QiiI", 20, 0, 2, 1)
put("targetmsg", "send_msg", tmsg(3, [MB, 16, MB + 32, 2, MB + 128, 24],
                                  bytes(mem)))
put("targetmsg", "send_noname", tmsg(3, [0, 0, MB + 32, 2, 0, 0],
                                     bytes(mem)))
