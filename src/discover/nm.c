/* SPDX-License-Identifier: GPL-2.0-or-later */
/* NetworkManager's PREF64 (RFC 8781), which it learns for its CLAT
 * (NetworkManager 1.58 and later): D-Bus org.freedesktop.NetworkManager,
 * property Version, then Devices, each device's Ip6Config and Interface,
 * and on the IP6Config object the ClatPref64 property, read here as a
 * string "PREFIX/LEN" ("" when the device has none).  Older versions are
 * reported as too old without asking further. */
#include "discover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define NM_BUS "org.freedesktop.NetworkManager"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define NM_IFACE "org.freedesktop.NetworkManager"
#define NM_DEV_IFACE "org.freedesktop.NetworkManager.Device"
#define NM_IP6_IFACE "org.freedesktop.NetworkManager.IP6Config"
#define NM_PREF64_PROP "ClatPref64"

int nm_version_at_least(const char *v, unsigned major, unsigned minor)
{
	unsigned a = 0, b = 0;
	char *end;

	if (!v || *v < '0' || *v > '9')
		return 0;
	a = (unsigned)strtoul(v, &end, 10);
	if (*end == '.' && end[1] >= '0' && end[1] <= '9')
		b = (unsigned)strtoul(end + 1, &end, 10);
	return a > major || (a == major && b >= minor);
}

static void one_device(sd_bus *bus, const char *dev, struct svc_report *r)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	char *ip6 = NULL, *ifname = NULL;
	char where[48];

	{
		const char *o = NULL;

		/* Ip6Config is an object path ("o"), "/" when there is none */
		if (sd_bus_get_property(bus, NM_BUS, dev, NM_DEV_IFACE,
					"Ip6Config", &err, &reply, "o") < 0 ||
		    sd_bus_message_read(reply, "o", &o) < 0 || !o ||
		    strcmp(o, "/") == 0)
			goto out;
		ip6 = strdup(o);
		reply = sd_bus_message_unref(reply);
		if (!ip6)
			goto out;
	}
	sd_bus_error_free(&err);
	if (sd_bus_get_property_string(bus, NM_BUS, dev, NM_DEV_IFACE,
				       "Interface", &err, &ifname) < 0)
		ifname = NULL;
	sd_bus_error_free(&err);
	snprintf(where, sizeof(where), "NetworkManager/%s",
		 ifname ? ifname : "?");
	{
		char *v = NULL;
		struct nat64_prefix p;
		int rc = sd_bus_get_property_string(bus, NM_BUS, ip6,
						    NM_IP6_IFACE, NM_PREF64_PROP,
						    &err, &v);

		if (rc < 0) {
			/* no such property (before 1.58): no PREF64; a value
			 * of another type: counted as unusable */
			if (rc == -ENXIO || rc == -EBADMSG)
				r->ninvalid++;
			goto out;
		}
		if (*v && (nat64_prefix_parse(v, &p) < 0 || !strchr(v, '/')))
			r->ninvalid++;
		else if (*v)
			svc_add_hit(r, p.addr, p.len, where, -1);
		free(v);
	}
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	free(ip6);
	free(ifname);
}

void nm_query(int timeout_ms, struct svc_report *r)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	sd_bus *bus = NULL;
	char *version = NULL;
	const char *dev;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = sd_bus_open_system(&bus);
	if (rc < 0) {
		r->state = SVC_ABSENT;
		snprintf(r->msg, sizeof(r->msg), "not running (no D-Bus system "
			 "bus)");
		return;
	}
	sd_bus_set_method_call_timeout(bus, (uint64_t)timeout_ms * 1000);
	rc = sd_bus_get_property_string(bus, NM_BUS, NM_PATH, NM_IFACE,
					"Version", &err, &version);
	if (rc < 0) {
		if (sd_bus_error_has_name(&err, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		    sd_bus_error_has_name(&err, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
			r->state = SVC_ABSENT;
			snprintf(r->msg, sizeof(r->msg), "not running");
		} else {
			r->state = SVC_ERROR;
			snprintf(r->msg, sizeof(r->msg), "D-Bus error: %s",
				 err.message ? err.message : "no reply");
		}
		goto out;
	}
	if (!nm_version_at_least(version, 1, 58)) {
		r->state = SVC_TOO_OLD;
		snprintf(r->msg, sizeof(r->msg), "version %s is too old (its "
			 "CLAT PREF64 needs 1.58 or later)", version);
		goto out;
	}
	sd_bus_error_free(&err);
	rc = sd_bus_get_property(bus, NM_BUS, NM_PATH, NM_IFACE, "Devices",
				 &err, &reply, "ao");
	if (rc < 0 || sd_bus_message_enter_container(reply, 'a', "o") < 0) {
		r->state = SVC_ERROR;
		snprintf(r->msg, sizeof(r->msg), "cannot list its devices");
		goto out;
	}
	while (sd_bus_message_read(reply, "o", &dev) > 0)
		one_device(bus, dev, r);
	if (r->nhits) {
		r->state = SVC_FOUND;
		snprintf(r->msg, sizeof(r->msg), "%s: PREF64 from %s", version,
			 r->hits[0].where);
	} else {
		r->state = SVC_NONE;
		snprintf(r->msg, sizeof(r->msg), "%s: no PREF64 (no CLAT "
			 "running)%s", version,
			 r->ninvalid ? ", unusable ClatPref64 values seen" : "");
	}
out:
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	free(version);
	sd_bus_flush_close_unref(bus);
}
