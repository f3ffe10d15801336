/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --want FILE: which mechanism reaches FILE, for the launcher.
 *   0  the supervisor: a static, Go or foreign-loader program, or a
 *      script whose interpreter is one (src/common/execkind.c)
 *   1  the library: a program of glibc's dynamic loader (or something
 *      neither recognises: it runs as it is)
 *   2  FILE cannot be found (PATH searched) or read
 *   3  FILE gains privileges when this user starts it (set-user-ID,
 *      set-group-ID or file capabilities): the dynamic loader then runs
 *      it in secure-execution mode and ignores LD_PRELOAD; one line on
 *      standard output says why ("has file capabilities (cap_net_raw)").
 * The privilege test follows the kernel's (fs/exec.c, commoncap.c): the
 * bits count only on a mount without nosuid and without no_new_privs;
 * set-user-ID only for an owner other than our real user, set-group-ID
 * (with group execute) only for a group other than our real group, file
 * capabilities only for users other than root. */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "execkind.h"
#include "sv.h"

static int find_in_path(const char *file, char *out, size_t outlen)
{
	const char *path = getenv("PATH");
	const char *p, *e;

	if (strchr(file, '/')) {
		if ((size_t)snprintf(out, outlen, "%s", file) >= outlen)
			return -1;
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = e + 1) {
		size_t dl;

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		dl = (size_t)(e - p);
		if ((size_t)snprintf(out, outlen, "%.*s%s%s", (int)dl, p,
				     dl ? "/" : "", file) < outlen &&
		    access(out, X_OK) == 0) {
			struct stat st;

			if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
				return 0;
		}
		if (!*e)
			break;
	}
	return -1;
}

/* The name of user (field 3 = id) or group from /etc/passwd or
 * /etc/group, else the number.  No NSS: this program may be static. */
static void id_name(const char *file, unsigned long id, char *out,
		    size_t size)
{
	FILE *f = fopen(file, "re");
	char line[1024];

	snprintf(out, size, "%lu", id);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = line, *c1 = strchr(line, ':'), *c2, *end;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c1 = '\0';
		if (strtoul(c2 + 1, &end, 10) == id && *end == ':' &&
		    end != c2 + 1) {
			size_t len = strlen(name);

			if (len < size) {
				memcpy(out, name, len + 1);
				break;
			}
		}
	}
	fclose(f);
}

static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
	"kill", "setgid", "setuid", "setpcap", "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot",
	"sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
	"audit_write", "audit_control", "setfcap", "mac_override",
	"mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read",
	"perfmon", "bpf", "checkpoint_restore",
};

/* The capabilities the file grants (security.capability), as
 * "cap_a,cap_b" in out; false when it grants none. */
static bool file_caps(const char *path, char *out, size_t size)
{
	struct vfs_cap_data d;
	ssize_t n;
	uint64_t perm;
	size_t len = 0;

	memset(&d, 0, sizeof(d));
	n = getxattr(path, "security.capability", &d, sizeof(d));
	if (n < (ssize_t)XATTR_CAPS_SZ_1)
		return false;
	perm = le32toh(d.data[0].permitted);
	if ((le32toh(d.magic_etc) & VFS_CAP_REVISION_MASK) !=
	    VFS_CAP_REVISION_1 && n >= (ssize_t)XATTR_CAPS_SZ_2)
		perm |= (uint64_t)le32toh(d.data[1].permitted) << 32;
	if (!perm && !(le32toh(d.magic_etc) & VFS_CAP_FLAGS_EFFECTIVE))
		return false;
	out[0] = '\0';
	for (unsigned i = 0; i < 64; i++) {
		char num[16];
		const char *name = num;

		if (!(perm >> i & 1))
			continue;
		if (i < sizeof(cap_names) / sizeof(cap_names[0]))
			name = cap_names[i];
		else
			snprintf(num, sizeof(num), "%u", i);
		len += (size_t)snprintf(out + len, len < size ? size - len : 0,
					"%scap_%s", len ? "," : "", name);
	}
	return true;
}

/* Why starting path runs it with privileges this process does not have
 * (secure execution): a phrase in why, or false. */
static bool privileged(const char *path, char *why, size_t size)
{
	struct stat st;
	struct statvfs vfs;
	char name[256], caps[512];

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ||
	    stat(path, &st) < 0 ||
	    (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)))
		return false;
	if ((st.st_mode & S_ISUID) && st.st_uid != getuid()) {
		id_name("/etc/passwd", st.st_uid, name, sizeof(name));
		snprintf(why, size, "is set-user-ID %s", name);
		return true;
	}
	if ((st.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
	    st.st_gid != getgid()) {
		id_name("/etc/group", st.st_gid, name, sizeof(name));
		snprintf(why, size, "is set-group-ID %s", name);
		return true;
	}
	if (getuid() != 0 && file_caps(path, caps, sizeof(caps))) {
		snprintf(why, size, "has file capabilities (%s)", caps);
		return true;
	}
	return false;
}

int sv_want(const char *file)
{
	char path[PATH_MAX], why[600];
	int k;

	if (find_in_path(file, path, sizeof(path)) < 0)
		return 2;
	if (privileged(path, why, sizeof(why))) {
		printf("%s\n", why);
		return 3;
	}
	k = execkind_path(path, false);
	if (k < 0)
		return 2;
	return execkind_supervised((enum execkind)k) ? 0 : 1;
}
