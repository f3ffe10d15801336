/* SPDX-License-Identifier: GPL-2.0-or-later */
/* systemd-networkd's PREF64 (RFC 8781) list: varlink
 * io.systemd.Network.Describe and its JSON (systemd's networkd-json.c
 * writes Interfaces[].NDisc.PREF64[] with Prefix, PrefixLength,
 * LifetimeUSec, ConfigProvider when UsePREF64= is on). */
#include "discover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define VARLINK_REPLY_MAX (16u << 20)

void svc_add_hit(struct svc_report *r, const uint8_t addr[16], unsigned len,
		 const char *where, long long lifetime_s)
{
	char text[64];
	struct nat64_prefix p;
	struct pref64_hit *h;

	if (!inet_ntop(AF_INET6, addr, text, sizeof(text)))
		return;
	snprintf(text + strlen(text), sizeof(text) - strlen(text), "/%u", len);
	if (nat64_prefix_parse(text, &p) < 0) {
		r->ninvalid++;
		return;
	}
	for (size_t i = 0; i < r->nhits; i++)
		if (nat64_prefix_equal(&r->hits[i].prefix, &p))
			return;
	if (r->nhits == SVC_MAX_HITS)
		return;
	h = &r->hits[r->nhits++];
	h->prefix = p;
	snprintf(h->where, sizeof(h->where), "%s", where);
	h->lifetime_s = lifetime_s;
}

static int prefix_bytes(json_object *v, uint8_t out[16])
{
	if (json_object_is_type(v, json_type_string))
		return inet_pton(AF_INET6, json_object_get_string(v), out) == 1
			? 0 : -1;
	if (!json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) != 16)
		return -1;
	for (size_t i = 0; i < 16; i++) {
		json_object *b = json_object_array_get_idx(v, i);
		int64_t x;

		if (!json_object_is_type(b, json_type_int))
			return -1;
		x = json_object_get_int64(b);
		if (x < 0 || x > 255)
			return -1;
		out[i] = (uint8_t)x;
	}
	return 0;
}

int networkd_parse(const char *json, size_t len, uint64_t boot_usec,
		   struct svc_report *r)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *root, *ifs, *params;
	size_t n, npref = 0;

	memset(r, 0, sizeof(*r));
	if (!tok) {
		snprintf(r->msg, sizeof(r->msg), "out of memory");
		return -1;
	}
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		/* json-c stops at the end of the first value: anything
		 * after it but white space is junk */
		size_t off = root ? (size_t)tok->char_offset : 0;

		while (root && off < len && (json[off] == ' ' ||
					     json[off] == '\n' ||
					     json[off] == '\t' ||
					     json[off] == '\r'))
			off++;
		if (!root || off != len) {
			json_object_put(root);
			json_tokener_free(tok);
			snprintf(r->msg, sizeof(r->msg),
				 "unreadable reply (not JSON)");
			return -1;
		}
	}
	json_tokener_free(tok);
	if (json_object_object_get_ex(root, "parameters", &params))
		ifs = json_object_object_get_ex(params, "Interfaces", &ifs)
			? ifs : NULL;
	else if (!json_object_object_get_ex(root, "Interfaces", &ifs))
		ifs = NULL;
	if (!ifs || !json_object_is_type(ifs, json_type_array)) {
		json_object_put(root);
		snprintf(r->msg, sizeof(r->msg),
			 "reply without an Interfaces list");
		return -1;
	}
	n = json_object_array_length(ifs);
	for (size_t i = 0; i < n; i++) {
		json_object *li = json_object_array_get_idx(ifs, i);
		json_object *nd, *pl, *name;
		char where[48];
		size_t m;

		if (!json_object_object_get_ex(li, "NDisc", &nd) ||
		    !json_object_object_get_ex(nd, "PREF64", &pl) ||
		    !json_object_is_type(pl, json_type_array))
			continue;
		snprintf(where, sizeof(where), "networkd/%s",
			 json_object_object_get_ex(li, "Name", &name) &&
			 json_object_is_type(name, json_type_string)
			 ? json_object_get_string(name) : "?");
		m = json_object_array_length(pl);
		for (size_t k = 0; k < m; k++) {
			json_object *e = json_object_array_get_idx(pl, k);
			json_object *pv, *lv, *tv;
			uint8_t a[16];
			long long life = -1;
			int64_t plen;

			npref++;
			if (!json_object_object_get_ex(e, "Prefix", &pv) ||
			    !json_object_object_get_ex(e, "PrefixLength", &lv) ||
			    !json_object_is_type(lv, json_type_int) ||
			    prefix_bytes(pv, a) < 0) {
				r->ninvalid++;
				continue;
			}
			plen = json_object_get_int64(lv);
			if (json_object_object_get_ex(e, "LifetimeUSec", &tv) &&
			    json_object_is_type(tv, json_type_int)) {
				uint64_t until = (uint64_t)json_object_get_int64(tv);

				if (until <= boot_usec)
					continue; /* expired */
				life = (long long)((until - boot_usec) / 1000000);
			}
			if (plen < 0 || plen > 128) {
				r->ninvalid++;
				continue;
			}
			svc_add_hit(r, a, (unsigned)plen, where, life);
		}
	}
	json_object_put(root);
	if (r->nhits) {
		r->state = SVC_FOUND;
		snprintf(r->msg, sizeof(r->msg), "PREF64 from %s",
			 r->hits[0].where);
	} else {
		r->state = SVC_NONE;
		snprintf(r->msg, sizeof(r->msg), "%s",
			 npref ? "PREF64 entries, none usable (expired or not "
				 "RFC 6052)"
			       : "no PREF64 (none advertised, or UsePREF64= "
				 "is off)");
	}
	return 0;
}

static uint64_t boottime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void networkd_query(const char *path, int timeout_ms, struct svc_report *r)
{
	static const char call[] =
		"{\"method\":\"io.systemd.Network.Describe\",\"parameters\":{}}";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *buf = NULL;
	size_t len = 0, cap = 0;
	long long end = now_ms() + timeout_ms;
	int fd;

	memset(r, 0, sizeof(*r));
	if (!path)
		path = NETWORKD_VARLINK;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		r->state = SVC_ERROR;
		snprintf(r->msg, sizeof(r->msg), "socket path too long");
		return;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		r->state = e == ENOENT || e == ECONNREFUSED ? SVC_ABSENT
							    : SVC_ERROR;
		if (r->state == SVC_ABSENT)
			snprintf(r->msg, sizeof(r->msg), "not running (no "
				 "varlink socket %s)", path);
		else
			snprintf(r->msg, sizeof(r->msg), "cannot connect to "
				 "its varlink socket %s", path);
		/* a networkd that writes its state files but has no
		 * varlink socket predates io.systemd.Network (Debian 12's
		 * systemd 252) */
		if (r->state == SVC_ABSENT && strcmp(path, NETWORKD_VARLINK) == 0 &&
		    access("/run/systemd/netif/state", F_OK) == 0) {
			r->state = SVC_TOO_OLD;
			snprintf(r->msg, sizeof(r->msg), "too old: it runs but "
				 "has no varlink interface (PREF64 needs "
				 "io.systemd.Network.Describe)");
		}
		if (r->state == SVC_ERROR)
			snprintf(r->msg + strlen(r->msg),
				 sizeof(r->msg) - strlen(r->msg), " (%s)",
				 strerror(e));
		return;
	}
	if (send(fd, call, sizeof(call), MSG_NOSIGNAL) != (ssize_t)sizeof(call)) {
		close(fd);
		r->state = SVC_ERROR;
		snprintf(r->msg, sizeof(r->msg), "varlink call failed");
		return;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			r->state = SVC_ERROR;
			snprintf(r->msg, sizeof(r->msg), "no varlink reply in "
				 "%d ms", timeout_ms);
			break;
		}
		if (len + 65536 > cap) {
			char *nb;

			if (cap >= VARLINK_REPLY_MAX) {
				r->state = SVC_ERROR;
				snprintf(r->msg, sizeof(r->msg),
					 "varlink reply too large");
				break;
			}
			nb = realloc(buf, cap + 65536);
			if (!nb) {
				r->state = SVC_ERROR;
				snprintf(r->msg, sizeof(r->msg), "out of memory");
				break;
			}
			buf = nb;
			cap += 65536;
		}
		n = recv(fd, buf + len, cap - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->state = SVC_ERROR;
			snprintf(r->msg, sizeof(r->msg), "varlink connection "
				 "closed without a reply");
			break;
		}
		len += (size_t)n;
		if (memchr(buf + len - (size_t)n, '\0', (size_t)n)) {
			size_t mlen = strlen(buf);
			struct json_object *root =
				json_tokener_parse(buf);
			struct json_object *err;

			if (root && json_object_object_get_ex(root, "error",
							      &err)) {
				const char *e = json_object_get_string(err);

				if (strstr(e, "MethodNotFound") ||
				    strstr(e, "InterfaceNotFound")) {
					r->state = SVC_TOO_OLD;
					snprintf(r->msg, sizeof(r->msg),
						 "too old: it lacks io.systemd."
						 "Network.Describe (PREF64 needs "
						 "it)");
				} else {
					r->state = SVC_ERROR;
					snprintf(r->msg, sizeof(r->msg),
						 "varlink error %s", e);
				}
				json_object_put(root);
				break;
			}
			json_object_put(root);
			if (networkd_parse(buf, mlen, boottime_usec(), r) < 0)
				r->state = SVC_ERROR;
			break;
		}
	}
	free(buf);
	close(fd);
}
