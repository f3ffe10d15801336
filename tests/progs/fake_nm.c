/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A stand-in for NetworkManager on a private D-Bus (tests/integration/
 * t_pref64.sh), answering what tnat64-discover asks, with the object
 * paths, interface and property names of NetworkManager's D-Bus API
 * (introspection/org.freedesktop.NetworkManager*.xml upstream: Version
 * "s", Devices "ao", Device.Interface "s", Device.Ip6Config "o") and the
 * CLAT prefix property ClatPref64 of IP6Config that NetworkManager 1.58
 * adds (read as "s", "PREFIX/LEN").
 *
 *   fake_nm VERSION PREF64     PREF64 "-": no ClatPref64 property at all
 *
 * Serves until killed; connects with sd_bus_open_system, so
 * DBUS_SYSTEM_BUS_ADDRESS chooses the bus.  Not a test by itself: it
 * prints "ready" on stdout once it owns the name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include <stddef.h>

/* getters read a (const char *) at userdata + the property's offset */
struct dev {
	const char *ifname;
	const char *ip6;
};

static const char *version, *pref64;
static struct dev devs[2] = {
	{ "eth0", "/org/freedesktop/NetworkManager/IP6Config/1" },
	{ "wlan0", "/" },   /* no IPv6 configuration */
};

static int get_str(sd_bus *bus, const char *path, const char *iface,
		   const char *prop, sd_bus_message *reply, void *ud,
		   sd_bus_error *err)
{
	(void)bus;
	(void)path;
	(void)iface;
	(void)prop;
	(void)err;
	return sd_bus_message_append(reply, "s", *(const char *const *)ud);
}

static int get_obj(sd_bus *bus, const char *path, const char *iface,
		   const char *prop, sd_bus_message *reply, void *ud,
		   sd_bus_error *err)
{
	(void)bus;
	(void)path;
	(void)iface;
	(void)prop;
	(void)err;
	return sd_bus_message_append(reply, "o", *(const char *const *)ud);
}

static int get_devices(sd_bus *bus, const char *path, const char *iface,
		       const char *prop, sd_bus_message *reply, void *ud,
		       sd_bus_error *err)
{
	(void)bus;
	(void)path;
	(void)iface;
	(void)prop;
	(void)ud;
	(void)err;
	return sd_bus_message_append(reply, "ao", 2,
				     "/org/freedesktop/NetworkManager/Devices/1",
				     "/org/freedesktop/NetworkManager/Devices/2");
}

static const sd_bus_vtable nm_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", get_str, 0, 0),
	SD_BUS_PROPERTY("Devices", "ao", get_devices, 0, 0),
	SD_BUS_VTABLE_END,
};

static const sd_bus_vtable dev_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Interface", "s", get_str, offsetof(struct dev, ifname),
			0),
	SD_BUS_PROPERTY("Ip6Config", "o", get_obj, offsetof(struct dev, ip6), 0),
	SD_BUS_VTABLE_END,
};

static const sd_bus_vtable ip6_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("ClatPref64", "s", get_str, 0, 0),
	SD_BUS_VTABLE_END,
};

static const sd_bus_vtable ip6_old_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Gateway", "s", get_str, 0, 0),
	SD_BUS_VTABLE_END,
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: fake_nm VERSION PREF64|-\n");
		return 2;
	}
	version = argv[1];
	pref64 = argv[2];
	r = sd_bus_open_system(&bus);
	if (r < 0) {
		fprintf(stderr, "fake_nm: no bus: %s\n", strerror(-r));
		return 1;
	}
	if (strcmp(pref64, "-") == 0)
		pref64 = "";
	if (sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/NetworkManager",
				     "org.freedesktop.NetworkManager", nm_vtable,
				     &version) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL,
				     "/org/freedesktop/NetworkManager/Devices/1",
				     "org.freedesktop.NetworkManager.Device",
				     dev_vtable, &devs[0]) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL,
				     "/org/freedesktop/NetworkManager/Devices/2",
				     "org.freedesktop.NetworkManager.Device",
				     dev_vtable, &devs[1]) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL,
				     "/org/freedesktop/NetworkManager/IP6Config/1",
				     "org.freedesktop.NetworkManager.IP6Config",
				     strcmp(argv[2], "-") ? ip6_vtable
							  : ip6_old_vtable,
				     &pref64) < 0) {
		fprintf(stderr, "fake_nm: cannot export objects\n");
		return 1;
	}
	r = sd_bus_request_name(bus, "org.freedesktop.NetworkManager", 0);
	if (r < 0) {
		fprintf(stderr, "fake_nm: cannot own the name: %s\n",
			strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return 1;
		if (r == 0 && sd_bus_wait(bus, (uint64_t)-1) < 0)
			return 1;
	}
}
