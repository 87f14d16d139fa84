// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers beside control groups.
 *
 * Containers and cgroups are separate groupings of the same tasks: moving
 * a task in one must never move it in the other, and a cgroup controller
 * that makes fork() fail must leave the container of the failed child's
 * parent exactly as it was. Covered:
 *
 * mounts: cgroup v2 (the existing /sys/fs/cgroup, or a fresh mount in
 * /tmp) and a cgroup v1 named hierarchy (none,name=coexist) mount beside
 * the container filesystem, which keeps working.
 * moves: a task moved into container C and then into cgroup G stays in C
 * and shows G in /proc/<pid>/cgroup; moved on to container C2, it stays
 * in G. Once for cgroup v2, once for the v1 named hierarchy.
 * pids: a task in container C (notify_on_release 1) and in a cgroup v2
 * group with pids.max 8 tries 200 forks; some fail with EAGAIN. C's tasks
 * lists exactly the live tasks, no release is reported while they live;
 * once all are reaped C is empty, its release is reported exactly once,
 * and rmdir succeeds at the first attempt.
 * clone3: a child made with CLONE_INTO_CGROUP lands in the given cgroup
 * and in its parent's container, and the container can be removed at
 * once after the child and the parent are reaped.
 *
 * Needs a kernel with cgroups; without them (no "cgroup2" in
 * /proc/filesystems), without the pids controller, or without clone3 the
 * tests concerned are skipped.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/sched.h>

#include "../kselftest.h"

#define MAX_CTS 16
#define MAX_KIDS 4

#include "containers_util.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifdef CLONE_ARGS_SIZE_VER2
#define CLONE3_SIZE CLONE_ARGS_SIZE_VER2
#else
#define CLONE3_SIZE sizeof(struct clone_args)
#endif

#define V1_NAME "coexist"
#define V1_CTRL "name=" V1_NAME
#define CG2_SYS "/sys/fs/cgroup"
#define AGENT "/tmp/coexist_test_agent.sh"
#define AGENT_LOG "/tmp/coexist_test_agent.log"
/* The fork storm: attempts, and the pids.max of its cgroup. */
#define STORM 200
#define PIDS_MAX 8
/* Poll at most this long for the agent's record. */
#define AGENT_WAIT_MS 10000
/* After the first record, wait this long for an unexpected second one. */
#define AGENT_QUIET_MS 1000
/* How long to watch for a record that must not come. */
#define AGENT_NONE_MS 1000
#define MAX_CGS 8
#define MOUNT_V2 "cgroup2 mounts beside the container filesystem, both work"
#define MOUNT_V1 "cgroup v1 " V1_CTRL " mounts beside the container filesystem, both work"

/* A cgroup hierarchy the tests use. */
struct hier {
	const char *label;	/* for the messages */
	const char *ctrl;	/* the controllers field of /proc/<pid>/cgroup */
	bool avail;		/* the kernel has it; else its tests skip */
	const char *why;	/* why not, for the skip */
	bool ok;		/* mounted and checked by test_mount_* */
	bool ours;		/* mounted by this test: unmount it */
	char mnt[64];		/* where it is mounted */
};

static struct hier v2 = { .label = "cgroup2", .ctrl = "" };
static struct hier v1 = { .label = "cgroup v1 " V1_CTRL, .ctrl = V1_CTRL };

/* The test process's cgroup v2 path at the start, to go back to. */
static char orig_cg2[PATH_MAX - 128];
/* Cgroup directories still to remove, in creation order. */
static char *cgs[MAX_CGS];
static int ncgs;
/* The root's cgroup.subtree_control got "+pids" from this test. */
static bool pids_enabled;
static char saved_agent[PATH_MAX + 2];
static bool agent_saved;
/* The fork storm's leader, while it lives; its notify_on_release container. */
static pid_t storm_pid = -1;
static char storm_ct[64];

/* ---------- helpers ---------- */

/* Is FS a file system type listed in /proc/filesystems? */
static bool have_fs(const char *fs)
{
	static char buf[8192];
	char *line, *save = NULL;

	if (read_path("/proc/filesystems", buf, sizeof(buf)) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = strrchr(line, '\t');

		name = name ? name + 1 : line;
		if (!strcmp(name, fs))
			return true;
	}
	return false;
}

/* Does /proc/self/mounts have DIR mounted with type TYPE? */
static bool mounted_as(const char *dir, const char *type)
{
	static char buf[1 << 18];
	char *line, *save = NULL;

	if (read_path("/proc/self/mounts", buf, sizeof(buf)) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX], t[64];

		if (sscanf(line, "%*s %4095s %63s", mp, t) == 2 &&
		    !strcmp(mp, dir) && !strcmp(t, type))
			return true;
	}
	return false;
}

/* Does statfs(DIR) give MAGIC? Quietly. */
static bool is_fs_magic(const char *dir, long magic)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && (long)sf.f_type == magic;
}

/* Does statfs(DIR) give MAGIC? Say why not. */
static bool fs_magic_is(const char *dir, long magic)
{
	struct statfs sf;

	if (statfs(dir, &sf)) {
		ksft_print_msg("statfs %s: %s\n", dir, strerror(errno));
		return false;
	}
	if ((long)sf.f_type != magic) {
		ksft_print_msg("%s: file system magic %#lx, want %#lx\n", dir,
			       (long)sf.f_type, magic);
		return false;
	}
	return true;
}

/* Write S to PATH in one write(); say what went wrong. */
static bool put(const char *path, const char *s)
{
	ssize_t r = write_path(path, s, strlen(s));

	if (r != (ssize_t)strlen(s)) {
		ksft_print_msg("write '%s' to %s: %s\n", s, path,
			       r < 0 ? strerror(-r) : "short write");
		return false;
	}
	return true;
}

/* Is PID one of the ids listed, one per line, in PATH? -1 if unreadable. */
static int listed(const char *path, pid_t pid)
{
	/* The root's tasks may list every thread of the system. */
	static char buf[1 << 20];
	char *s, *e;

	ssize_t n = read_path(path, buf, sizeof(buf));

	if (n < 0) {
		ksft_print_msg("read %s: %s\n", path, strerror(-n));
		return -1;
	}
	for (s = buf; *s; s = e) {
		long v = strtol(s, &e, 10);

		if (e == s)
			break;
		if (v == pid)
			return 1;
	}
	return 0;
}

/* Read the ids of PATH into IDS (at most MAX); their number, or -1. */
static int read_ids(const char *path, pid_t *ids, int max)
{
	static char buf[1 << 16];
	ssize_t n = read_path(path, buf, sizeof(buf));
	char *s, *e;
	int cnt = 0;

	if (n < 0) {
		ksft_print_msg("read %s: %s\n", path, strerror(-n));
		return -1;
	}
	for (s = buf; *s; s = e) {
		long v = strtol(s, &e, 10);

		if (e == s) {
			ksft_print_msg("%s: unexpected text '%.20s'\n", path, s);
			return -1;
		}
		while (*e == '\n')
			e++;
		if (cnt < max)
			ids[cnt] = v;
		cnt++;
	}
	return cnt;
}

/*
 * The path of PID (0: the caller) in the cgroup hierarchy whose
 * controllers field in /proc/<pid>/cgroup is CTRL ("" for cgroup v2),
 * into OUT. Returns 0, or -1 if there is no such line.
 */
static int proc_cgroup(pid_t pid, const char *ctrl, char *out, size_t n)
{
	static char buf[8192];
	char p[64], *line, *save = NULL;

	if (pid)
		snprintf(p, sizeof(p), "/proc/%d/cgroup", pid);
	else
		snprintf(p, sizeof(p), "/proc/self/cgroup");
	if (read_path(p, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		if ((size_t)(c2 - c1 - 1) == strlen(ctrl) &&
		    !strncmp(c1 + 1, ctrl, c2 - c1 - 1)) {
			snprintf(out, n, "%s", c2 + 1);
			return 0;
		}
	}
	return -1;
}

/*
 * Is PID (0: the caller) in the cgroup NAME, a child of the root of
 * hierarchy H? The cgroup namespace may put the root anywhere, so only
 * the last component is compared.
 */
static bool in_cgroup(const struct hier *h, pid_t pid, const char *name)
{
	char got[PATH_MAX], who[16];
	size_t gl, nl = strlen(name);

	if (pid)
		snprintf(who, sizeof(who), "%d", pid);
	else
		snprintf(who, sizeof(who), "self");
	if (proc_cgroup(pid, h->ctrl, got, sizeof(got))) {
		ksft_print_msg("/proc/%s/cgroup: no %s line\n", who, h->label);
		return false;
	}
	gl = strlen(got);
	if (gl > nl && got[gl - nl - 1] == '/' && !strcmp(got + gl - nl, name))
		return true;
	ksft_print_msg("/proc/%s/cgroup: %s path '%s', want '.../%s'\n", who,
		       h->label, got, name);
	return false;
}

/* Does /proc/PID/container (0: self) read "/NAME\n" ("/\n" for "")? */
static bool in_container(pid_t pid, const char *name)
{
	char p[64], got[PATH_MAX + 8], want[PATH_MAX + 8];
	ssize_t n;

	if (pid)
		snprintf(p, sizeof(p), "/proc/%d/container", pid);
	else
		snprintf(p, sizeof(p), "/proc/self/container");
	snprintf(want, sizeof(want), "/%s\n", name);
	n = read_path(p, got, sizeof(got));
	if (n < 0 || strcmp(got, want)) {
		ksft_print_msg("%s: '%.*s' (%s), want '/%s'\n", p,
			       n > 0 ? (int)strcspn(got, "\n") : 0, n > 0 ? got : "",
			       n < 0 ? strerror(-n) : "read", name);
		return false;
	}
	return true;
}

/* Is PID listed in container NAME's tasks (WANT true) or not (false)? */
static bool ct_lists(const char *name, pid_t pid, bool want)
{
	char p[PATH_MAX];
	int r;

	ct_path(p, sizeof(p), name, "tasks");
	r = listed(p, pid);
	if (r != want)
		ksft_print_msg("%s %s %d\n", p, r < 0 ? "unreadable, looking for" :
			       r ? "lists" : "does not list", pid);
	return r == want;
}

/* Is PID listed in the cgroup.procs of the cgroup directory DIR? */
static bool cg_lists(const char *dir, pid_t pid)
{
	char p[PATH_MAX + 16];
	int r;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	r = listed(p, pid);
	if (r != 1)
		ksft_print_msg("%s does not list %d\n", p, pid);
	return r == 1;
}

/* Move process PID (0: the writer) into the cgroup directory DIR. */
static bool cg_attach(const char *dir, pid_t pid)
{
	char p[PATH_MAX + 16], w[32];

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	snprintf(w, sizeof(w), "%d\n", pid);
	return put(p, w);
}

/* DIR of hierarchy H for the cgroup NAME below its root. */
static void cg_dir(char *out, size_t n, const struct hier *h, const char *name)
{
	snprintf(out, n, "%s/%s", h->mnt, name);
}

/* mkdir the cgroup DIR and remember it for the cleanup. */
static bool cg_create(const char *dir)
{
	if (mkdir(dir, 0755)) {
		ksft_print_msg("mkdir %s: %s\n", dir, strerror(errno));
		return false;
	}
	if (ncgs < MAX_CGS)
		cgs[ncgs++] = strdup(dir);
	else
		ksft_print_msg("too many cgroups to track: %s\n", dir);
	return true;
}

/*
 * Remove the cgroup DIR: move what is left in it to the root of its
 * hierarchy ROOT first. Best effort, for the cleanup: the tests' own
 * tasks are reaped by now, but cgroup v2 may report a reaped task a
 * moment longer.
 */
static void cg_remove(const char *dir, const char *root)
{
	pid_t ids[64];
	char p[PATH_MAX];
	int i, n, tries;

	for (tries = 0; tries < 50; tries++) {
		if (access(dir, F_OK) && errno == ENOENT)
			break;
		snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
		n = read_ids(p, ids, ARRAY_SIZE(ids));
		for (i = 0; i < n && i < (int)ARRAY_SIZE(ids); i++)
			if (root)
				cg_attach(root, ids[i]);
		if (rmdir(dir) == 0 || errno == ENOENT)
			break;
		usleep(20000);
	}
	if (tries == 50)
		ksft_print_msg("cleanup: cannot remove %s: %s\n", dir, strerror(errno));
	for (i = 0; i < ncgs; i++) {
		if (cgs[i] && !strcmp(cgs[i], dir)) {
			free(cgs[i]);
			cgs[i] = NULL;
		}
	}
}

/* The root of the hierarchy the cgroup directory DIR is in. */
static const char *root_of(const char *dir)
{
	if (v2.mnt[0] && !strncmp(dir, v2.mnt, strlen(v2.mnt)))
		return v2.mnt;
	if (v1.mnt[0] && !strncmp(dir, v1.mnt, strlen(v1.mnt)))
		return v1.mnt;
	return NULL;
}

static bool set_notify(const char *name, int val)
{
	char p[PATH_MAX];

	ct_path(p, sizeof(p), name, "notify_on_release");
	return put(p, val ? "1\n" : "0\n");
}

/* The container filesystem still works: mkdir and rmdir of a container. */
static bool containers_work(const char *suffix)
{
	char name[64], p[PATH_MAX];

	name_of(name, sizeof(name), suffix);
	if (ct_create(name))
		return false;
	if (!ct_lists("", getpid(), true)) {
		ct_destroy(name);
		return false;
	}
	ct_path(p, sizeof(p), name, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		ct_destroy(name);
		return false;
	}
	ct_forget(name);
	return true;
}

/* ---------- the release agent ---------- */

static const char agent_script[] =
	"#!/bin/sh\n"
	"# coexist_test agent: one line per invocation, one write.\n"
	"printf '%s\\n' \"$1\" >>" AGENT_LOG "\n";

static bool install_agent(void)
{
	int fd = open(AGENT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	size_t l = strlen(agent_script);
	char w[PATH_MAX];

	if (fd < 0 || write(fd, agent_script, l) != (ssize_t)l) {
		ksft_perror("writing the agent script");
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	if (chmod(AGENT, 0755)) {
		ksft_perror("chmod agent");
		return false;
	}
	unlink(AGENT_LOG);
	snprintf(w, sizeof(w), "%s\n", AGENT);
	return put(CROOT "/release_agent", w);
}

/*
 * Complete lines of the agent's log that are exactly PATH; *ALL gets the
 * number of all lines. VERBOSE: show the lines for other paths.
 */
static int agent_records(const char *path, int *all, bool verbose)
{
	static char buf[1 << 16];
	ssize_t n = read_path(AGENT_LOG, buf, sizeof(buf));
	char *s, *e;
	int cnt = 0;

	*all = 0;
	if (n <= 0)
		return 0;
	for (s = buf; (e = strchr(s, '\n')); s = e + 1) {
		*e = '\0';
		(*all)++;
		if (!strcmp(s, path))
			cnt++;
		else if (verbose)
			ksft_print_msg("agent record for another container: '%.80s'\n", s);
	}
	return cnt;
}

/* ---------- cleanup ---------- */

static void cleanup_all(void)
{
	char p[PATH_MAX];
	int i;

	if (getpid() != main_pid)
		return;
	if (storm_pid > 0) {
		kill(storm_pid, SIGKILL);
		waitpid(storm_pid, NULL, 0);
		storm_pid = -1;
	}
	kids_kill_all();
	/* The test process back in the root container and its cgroups. */
	write_path(CROOT "/tasks", "0\n", 2);
	if (v2.mnt[0] && orig_cg2[0]) {
		snprintf(p, sizeof(p), "%s%s", v2.mnt,
			 strcmp(orig_cg2, "/") ? orig_cg2 : "");
		if (!cg_attach(p, 0))
			cg_attach(v2.mnt, 0);
	}
	if (v1.mnt[0])
		cg_attach(v1.mnt, 0);
	/* No release for what the cleanup empties. */
	if (storm_ct[0]) {
		set_notify(storm_ct, 0);
		storm_ct[0] = '\0';
	}
	ct_destroy_all();
	for (i = ncgs - 1; i >= 0; i--)
		if (cgs[i])
			cg_remove(cgs[i], root_of(cgs[i]));
	ncgs = 0;
	if (pids_enabled) {
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", v2.mnt);
		if (put(p, "-pids\n"))
			pids_enabled = false;
	}
	if (v1.ours) {
		if (umount2(v1.mnt, MNT_DETACH))
			ksft_print_msg("cleanup: umount %s: %s\n", v1.mnt, strerror(errno));
		rmdir(v1.mnt);
		v1.ours = false;
	}
	if (v2.ours) {
		if (umount2(v2.mnt, MNT_DETACH))
			ksft_print_msg("cleanup: umount %s: %s\n", v2.mnt, strerror(errno));
		rmdir(v2.mnt);
		v2.ours = false;
	}
	v1.mnt[0] = '\0';
	v2.mnt[0] = '\0';
	if (agent_saved) {
		/* An empty value is written as "\n". */
		char w[PATH_MAX + 2];
		int l = snprintf(w, sizeof(w), "%s\n", saved_agent);

		if (write_path(CROOT "/release_agent", w, l) != l)
			ksft_print_msg("cleanup: cannot restore release_agent '%s'\n",
				       saved_agent);
		agent_saved = false;
	}
	unlink(AGENT);
	unlink(AGENT_LOG);
}

/* ================= mounts ================= */

static void test_mount_v2(void)
{
	char p[PATH_MAX];
	bool ok = false;

	if (!v2.avail) {
		ksft_test_result_skip(MOUNT_V2 " (%s)\n", v2.why);
		return;
	}
	if (is_fs_magic(CG2_SYS, CGROUP2_SUPER_MAGIC)) {
		snprintf(v2.mnt, sizeof(v2.mnt), "%s", CG2_SYS);
		ksft_print_msg("reusing the cgroup2 mount at %s\n", CG2_SYS);
	} else {
		char tmpl[] = "/tmp/coexist_test_cg2.XXXXXX";

		if (!mkdtemp(tmpl)) {
			ksft_perror("mkdtemp");
			goto out;
		}
		if (mount("none", tmpl, "cgroup2", 0, NULL)) {
			ksft_print_msg("mount -t cgroup2 none %s: %s\n", tmpl,
				       strerror(errno));
			rmdir(tmpl);
			goto out;
		}
		snprintf(v2.mnt, sizeof(v2.mnt), "%s", tmpl);
		v2.ours = true;
	}
	snprintf(p, sizeof(p), "%s/cgroup.procs", v2.mnt);
	ok = fs_magic_is(v2.mnt, CGROUP2_SUPER_MAGIC) &&
	     mounted_as(v2.mnt, "cgroup2") && mounted_as(CROOT, "container") &&
	     access(p, W_OK) == 0 &&
	     proc_cgroup(0, "", orig_cg2, sizeof(orig_cg2)) == 0 &&
	     in_container(0, "") && containers_work("probe2");
	if (!ok)
		ksft_print_msg("cgroup2 at %s beside " CROOT ": checks failed\n", v2.mnt);
out:
	v2.ok = ok;
	ksft_test_result(ok, MOUNT_V2 "\n");
}

static void test_mount_v1(void)
{
	char tmpl[] = "/tmp/coexist_test_cg1.XXXXXX", cg[PATH_MAX];
	bool ok = false;

	if (!v1.avail) {
		ksft_test_result_skip(MOUNT_V1 " (%s)\n", v1.why);
		return;
	}
	if (!mkdtemp(tmpl)) {
		ksft_perror("mkdtemp");
		goto out;
	}
	if (mount("none", tmpl, "cgroup", 0, "none," V1_CTRL)) {
		int err = errno;

		rmdir(tmpl);
		if (err == ENOENT) {
			/* cgroup_no_v1=named on the command line. */
			v1.avail = false;
			v1.why = "named hierarchies disabled (cgroup_no_v1=named)";
			ksft_test_result_skip(MOUNT_V1 " (%s)\n", v1.why);
			return;
		}
		ksft_print_msg("mount -t cgroup -o none," V1_CTRL " none %s: %s\n",
			       tmpl, strerror(err));
		goto out;
	}
	snprintf(v1.mnt, sizeof(v1.mnt), "%s", tmpl);
	v1.ours = true;
	ok = fs_magic_is(v1.mnt, CGROUP_SUPER_MAGIC) &&
	     mounted_as(v1.mnt, "cgroup") && mounted_as(CROOT, "container") &&
	     proc_cgroup(0, V1_CTRL, cg, sizeof(cg)) == 0 &&
	     cg_lists(v1.mnt, getpid()) && in_container(0, "") &&
	     containers_work("probe1");
	if (!ok)
		ksft_print_msg("cgroup v1 at %s beside " CROOT ": checks failed\n", v1.mnt);
out:
	v1.ok = ok;
	ksft_test_result(ok, MOUNT_V1 "\n");
}

/* ================= moves ================= */

#define MOVES_FIRST "%s: moved into container C, then cgroup G: still in C, /proc/pid/cgroup shows G"
#define MOVES_SECOND "%s: then moved into container C2: in C2 only, still in cgroup G"

static void test_moves(struct hier *h, const char *tag)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char c[64], c2[64], g[64], gdir[PATH_MAX], s1[16], s2[16];
	bool first = false, second = false, made = false;

	if (!h->avail) {
		ksft_test_result_skip(MOVES_FIRST " (%s)\n", h->label, h->why);
		ksft_test_result_skip(MOVES_SECOND " (%s)\n", h->label, h->why);
		return;
	}
	snprintf(s1, sizeof(s1), "%s_C", tag);
	snprintf(s2, sizeof(s2), "%s_C2", tag);
	name_of(c, sizeof(c), s1);
	name_of(c2, sizeof(c2), s2);
	snprintf(g, sizeof(g), "%s_%s_G", prefix, tag);
	cg_dir(gdir, sizeof(gdir), h, g);
	if (!h->ok || ct_create(c) || ct_create(c2))
		goto out;
	made = cg_create(gdir);
	if (!made || kid_start(&k, -1))
		goto out;
	/* Container C first, then cgroup G: C must stay. */
	if (ct_attach(c, k.pid) || !in_container(k.pid, c)) {
		ksft_print_msg("moving %d into container %s failed\n", k.pid, c);
		goto out;
	}
	if (!cg_attach(gdir, k.pid))
		goto out;
	first = in_container(k.pid, c) && ct_lists(c, k.pid, true) &&
		ct_lists("", k.pid, false) && in_cgroup(h, k.pid, g) &&
		cg_lists(gdir, k.pid);
	/* Then container C2: G must stay. */
	if (ct_attach(c2, k.pid)) {
		ksft_print_msg("moving %d into container %s failed\n", k.pid, c2);
		goto out;
	}
	second = in_container(k.pid, c2) && ct_lists(c2, k.pid, true) &&
		 ct_lists(c, k.pid, false) && in_cgroup(h, k.pid, g) &&
		 cg_lists(gdir, k.pid);
out:
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(c2);
	ct_destroy(c);
	if (made)
		cg_remove(gdir, h->mnt);
	ksft_test_result(first, MOVES_FIRST "\n", h->label);
	ksft_test_result(second, MOVES_SECOND "\n", h->label);
}

static void test_moves_v2(void)
{
	test_moves(&v2, "v2");
}

static void test_moves_v1(void)
{
	test_moves(&v1, "v1");
}

/* ================= pids.max and a fork storm ================= */

struct storm_rep {
	int stage;	/* 0, or the setup step that failed: 1 container, 2 cgroup */
	int err;
	int quick;	/* children that exited at once, reaped */
	int eagain;	/* forks that failed with EAGAIN */
	int other;	/* forks that failed otherwise */
	int other_err;	/* the errno of the first of those */
	int n;		/* children alive, waiting */
	pid_t pids[STORM];
};

struct storm_arg {
	const char *ct;		/* the container */
	const char *cg;		/* the pids cgroup directory */
	int rep, go;		/* pipe ends: report to main, wait for main */
};

/*
 * The storm's leader: joins the container and the pids cgroup, tries
 * STORM forks (every fifth child exits at once and is reaped, the others
 * wait for the end of HOLD), reports, waits for main, lets its children
 * go and reaps them. Exit status 0 when every child was reaped.
 */
static __noreturn void storm_leader(struct storm_arg *a)
{
	static struct storm_rep rep;
	int hold[2], i, bad = 0;
	char c, p[PATH_MAX];
	ssize_t r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != main_pid)
		_exit(2);
	memset(&rep, 0, sizeof(rep));
	r = ct_attach(a->ct, 0);
	if (r) {
		rep.stage = 1;
		rep.err = -r;
		goto report;
	}
	snprintf(p, sizeof(p), "%s/cgroup.procs", a->cg);
	r = write_path(p, "0\n", 2);
	if (r != 2) {
		rep.stage = 2;
		rep.err = r < 0 ? -r : EIO;
		goto report;
	}
	if (pipe2(hold, O_CLOEXEC)) {
		rep.stage = 3;
		rep.err = errno;
		goto report;
	}
	for (i = 0; i < STORM; i++) {
		bool quick = i % 5 == 4;
		pid_t child = fork();

		if (child < 0) {
			if (errno == EAGAIN)
				rep.eagain++;
			else if (!rep.other++)
				rep.other_err = errno;
			continue;
		}
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(hold[1]);
			close(a->rep);
			close(a->go);
			if (!quick)
				while (read(hold[0], &c, 1) < 0 && errno == EINTR)
					;
			_exit(0);
		}
		if (quick) {
			int st;

			if (waitpid(child, &st, 0) != child || !WIFEXITED(st) ||
			    WEXITSTATUS(st))
				bad++;
			rep.quick++;
		} else {
			rep.pids[rep.n++] = child;
		}
	}
report:
	if (write(a->rep, &rep, sizeof(rep)) != sizeof(rep))
		_exit(3);
	if (rep.stage)
		_exit(4);
	while (read(a->go, &c, 1) < 0 && errno == EINTR)
		;
	close(hold[1]);
	for (i = 0; i < rep.n; i++) {
		int st;

		if (waitpid(rep.pids[i], &st, 0) != rep.pids[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st))
			bad++;
	}
	_exit(bad ? 1 : 0);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Do the tasks of container NAME read exactly the N ids of WANT (sorted
 * here)? The file lists them in ascending order.
 */
static bool tasks_exactly(const char *name, pid_t *want, int n)
{
	pid_t got[STORM + 8];
	char p[PATH_MAX];
	int cnt, i;

	ct_path(p, sizeof(p), name, "tasks");
	cnt = read_ids(p, got, ARRAY_SIZE(got));
	if (cnt < 0)
		return false;
	qsort(want, n, sizeof(*want), cmp_pid);
	if (cnt == n && !memcmp(got, want, n * sizeof(*want)))
		return true;
	ksft_print_msg("%s: %d ids, want %d:\n", p, cnt, n);
	for (i = 0; i < cnt && i < (int)ARRAY_SIZE(got); i++)
		ksft_print_msg("  listed %d%s\n", got[i],
			       bsearch(&got[i], want, n, sizeof(*want), cmp_pid) ?
			       "" : " (not a live task of the container)");
	for (i = 0; i < n; i++)
		if (!bsearch(&want[i], got, cnt < (int)ARRAY_SIZE(got) ? cnt :
			     (int)ARRAY_SIZE(got), sizeof(*got), cmp_pid))
			ksft_print_msg("  missing %d\n", want[i]);
	return false;
}

/* Is WORD one of the white-space separated words of PATH? -1: unreadable. */
static int has_word(const char *path, const char *word)
{
	static char buf[1024];
	char *t, *save = NULL;
	ssize_t n = read_path(path, buf, sizeof(buf));

	if (n < 0) {
		ksft_print_msg("read %s: %s\n", path, strerror(-n));
		return -1;
	}
	for (t = strtok_r(buf, "\n ", &save); t; t = strtok_r(NULL, "\n ", &save))
		if (!strcmp(t, word))
			return 1;
	return 0;
}

/*
 * The cgroup v2 group GDIR with pids.max PIDS_MAX, "+pids" in the root's
 * subtree_control first. *SKIP: the kernel has no pids controller.
 */
static bool pids_group(const char *gdir, bool *skip)
{
	char p[PATH_MAX], w[32];
	int r;

	snprintf(p, sizeof(p), "%s/cgroup.controllers", v2.mnt);
	r = has_word(p, "pids");
	if (r <= 0) {
		*skip = r == 0;
		return false;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", v2.mnt);
	r = has_word(p, "pids");
	if (r < 0)
		return false;
	if (r == 0) {
		if (!put(p, "+pids\n"))
			return false;
		pids_enabled = true;
	}
	if (!cg_create(gdir))
		return false;
	snprintf(p, sizeof(p), "%s/pids.max", gdir);
	snprintf(w, sizeof(w), "%d\n", PIDS_MAX);
	return put(p, w);
}

#define STR_(x) #x
#define STR(x) STR_(x)

static void test_pids(void)
{
	static const char *const what[] = {
		"pids: " STR(STORM) " forks in container C and pids.max " STR(PIDS_MAX)
		": some fail with EAGAIN, some succeed",
		"pids: while the survivors live, C's tasks lists exactly them, no release of C",
		"pids: all reaped: C's tasks is empty, its release is reported exactly once",
		"pids: then rmdir C succeeds at the first attempt",
	};
	static struct storm_rep rep;
	pid_t want[STORM + 1];
	char c[64], g[64], gdir[PATH_MAX], p[PATH_MAX], buf[64], cpath[80];
	bool res[4] = { false, false, false, false }, skip = false;
	const char *why = "no pids controller in cgroup.controllers";
	struct storm_arg a = { .rep = -1, .go = -1 };
	int rp[2] = { -1, -1 }, gp[2] = { -1, -1 }, i, n, st, all;
	long start;
	ssize_t r;

	name_of(c, sizeof(c), "pids");
	snprintf(cpath, sizeof(cpath), "/%s", c);
	snprintf(g, sizeof(g), "%s_P", prefix);
	gdir[0] = '\0';
	if (!v2.avail) {
		skip = true;
		why = v2.why;
		goto out;
	}
	if (!v2.ok)
		goto out;
	cg_dir(gdir, sizeof(gdir), &v2, g);
	if (!pids_group(gdir, &skip))
		goto out;
	if (!install_agent() || ct_create(c))
		goto out;
	snprintf(storm_ct, sizeof(storm_ct), "%s", c);
	if (!set_notify(c, 1))
		goto out;
	if (pipe2(rp, O_CLOEXEC) || pipe2(gp, O_CLOEXEC)) {
		ksft_perror("pipe");
		goto out;
	}
	a.ct = c;
	a.cg = gdir;
	a.rep = rp[1];
	a.go = gp[0];
	fflush(stdout);
	storm_pid = fork();
	if (storm_pid < 0) {
		ksft_perror("fork");
		goto out;
	}
	if (storm_pid == 0)
		storm_leader(&a);
	close(rp[1]);
	close(gp[0]);
	rp[1] = -1;
	gp[0] = -1;
	r = read(rp[0], &rep, sizeof(rep));
	if (r != sizeof(rep)) {
		ksft_print_msg("the storm's leader sent no report (%zd)\n", r);
		goto out;
	}
	if (rep.stage) {
		ksft_print_msg("the storm's leader: setup step %d failed: %s\n",
			       rep.stage, strerror(rep.err));
		goto out;
	}
	ct_info("%d forks: %d children waiting, %d exited at once, %d EAGAIN, %d other errors\n",
		STORM, rep.n, rep.quick, rep.eagain, rep.other);
	if (rep.other)
		ksft_print_msg("first other fork error: %s\n", strerror(rep.other_err));
	res[0] = rep.eagain >= 1 && rep.n + rep.quick >= 1 && !rep.other &&
		 rep.n <= PIDS_MAX - 1 && rep.n + rep.quick + rep.eagain == STORM;

	/* The leader and its waiting children, and nothing else, are in C. */
	want[0] = storm_pid;
	for (i = 0; i < rep.n; i++)
		want[i + 1] = rep.pids[i];
	res[1] = tasks_exactly(c, want, rep.n + 1) && in_container(storm_pid, c) &&
		 in_cgroup(&v2, storm_pid, g);
	for (i = 0; i < rep.n; i++)
		res[1] &= in_container(rep.pids[i], c) && in_cgroup(&v2, rep.pids[i], g);
	snprintf(p, sizeof(p), "%s/pids.current", gdir);
	n = read_path(p, buf, sizeof(buf));
	if (n < 0 || atoi(buf) != rep.n + 1) {
		ksft_print_msg("%s reads '%.*s', want %d\n", p,
			       n < 0 ? 0 : (int)strcspn(buf, "\n"), buf, rep.n + 1);
		res[1] = false;
	}
	start = now_ms();
	while (now_ms() - start < AGENT_NONE_MS) {
		if (agent_records(cpath, &all, false)) {
			ksft_print_msg("a release of %s was reported while it has tasks\n",
				       cpath);
			res[1] = false;
			break;
		}
		usleep(50000);
	}

	/* Let everything go: the leader reaps its children, we reap it. */
	if (write(gp[1], "x", 1) != 1) {
		ksft_perror("releasing the storm");
		goto out;
	}
	r = waitpid(storm_pid, &st, 0);
	storm_pid = -1;
	if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("the storm's leader: %s, status %#x\n",
			       r < 0 ? strerror(errno) : "reaped", r < 0 ? 0 : st);
		goto out;
	}
	ct_path(p, sizeof(p), c, "tasks");
	n = read_ids(p, want, ARRAY_SIZE(want));
	if (n != 0) {
		ksft_print_msg("%s lists %d ids after every task was reaped\n", p, n);
		goto out;
	}
	/* The release comes asynchronously: poll, then watch for a second. */
	start = now_ms();
	while (!agent_records(cpath, &all, false) && now_ms() - start < AGENT_WAIT_MS)
		usleep(50000);
	start = now_ms();
	while (now_ms() - start < AGENT_QUIET_MS)
		usleep(50000);
	n = agent_records(cpath, &all, true);
	res[2] = n == 1;
	if (n != 1)
		ct_info("the release of %s was reported %d times (%d records in all), want once\n",
			cpath, n, all);
	/* Nothing left of the failed forks holds C: no EBUSY, no retry. */
	ct_path(p, sizeof(p), c, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
	} else {
		res[3] = true;
		ct_forget(c);
		storm_ct[0] = '\0';
	}
out:
	if (storm_pid > 0) {
		/* A failure before the release: no orderly end. */
		kill(storm_pid, SIGKILL);
		waitpid(storm_pid, NULL, 0);
		storm_pid = -1;
	}
	for (i = 0; i < 2; i++) {
		if (rp[i] >= 0)
			close(rp[i]);
		if (gp[i] >= 0)
			close(gp[i]);
	}
	if (storm_ct[0]) {
		set_notify(storm_ct, 0);
		ct_destroy(storm_ct);
		storm_ct[0] = '\0';
	}
	if (gdir[0])
		cg_remove(gdir, v2.mnt);
	if (pids_enabled) {
		snprintf(p, sizeof(p), "%s/cgroup.subtree_control", v2.mnt);
		if (put(p, "-pids\n"))
			pids_enabled = false;
	}
	for (i = 0; i < 4; i++) {
		if (skip)
			ksft_test_result_skip("%s (%s)\n", what[i], why);
		else
			ksft_test_result(res[i], "%s\n", what[i]);
	}
}

/* ================= clone3 with CLONE_INTO_CGROUP ================= */

struct clone_rep {
	int stage;	/* 0, or the step that failed */
	int err;
	bool nosys;	/* the kernel has no clone3 */
	bool ok;	/* every check passed */
	pid_t child;
	char child_cg[256];	/* /proc/self/cgroup v2 path, read by the child */
	char child_ct[256];	/* /proc/self/container, read by the child */
};

struct clone_arg {
	const char *ct;		/* the container of the parent */
	const char *cg;		/* the cgroup v2 directory for the child */
	const char *cg_name;	/* its name */
};

/* clone3 refuses a size below its first version with EINVAL, if it exists. */
static bool have_clone3(void)
{
	return syscall(__NR_clone3, NULL, 0) < 0 && errno == EINVAL;
}

static int clone_parent(void *argv, void *repv)
{
	struct clone_arg *a = argv;
	struct clone_rep *rep = repv;
	struct clone_args args;
	char mine[PATH_MAX], now[PATH_MAX], c;
	int fd, rdy[2], hold[2], st = 0;
	bool ok;
	long pid;

	memset(rep, 0, sizeof(*rep));
	rep->stage = 1;
	if (ct_attach(a->ct, 0) || !in_container(0, a->ct))
		return 0;
	rep->stage = 2;
	if (proc_cgroup(0, "", mine, sizeof(mine)))
		return 0;
	rep->stage = 3;
	fd = open(a->cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || pipe2(rdy, O_CLOEXEC) || pipe2(hold, O_CLOEXEC)) {
		rep->err = errno;
		return 0;
	}
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = fd;
	rep->stage = 4;
	pid = syscall(__NR_clone3, &args, CLONE3_SIZE);
	if (pid < 0) {
		rep->err = errno;
		rep->nosys = !have_clone3();
		return 0;
	}
	if (pid == 0) {
		/* Raw clone3: only plain system calls from here on. */
		close(rdy[0]);
		close(hold[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (proc_cgroup(0, "", rep->child_cg, sizeof(rep->child_cg)))
			snprintf(rep->child_cg, sizeof(rep->child_cg), "(no cgroup2 line)");
		if (read_path("/proc/self/container", rep->child_ct,
			      sizeof(rep->child_ct)) < 0)
			snprintf(rep->child_ct, sizeof(rep->child_ct), "(unreadable)");
		if (write(rdy[1], rep, sizeof(*rep)) != sizeof(*rep))
			_exit(1);
		while (read(hold[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(rdy[1]);
	close(hold[0]);
	rep->child = pid;
	rep->stage = 5;
	if (read(rdy[0], rep, sizeof(*rep)) != sizeof(*rep)) {
		rep->err = EIO;
		close(hold[1]);
		waitpid(pid, NULL, 0);
		return 0;
	}
	rep->child = pid;
	/* Seen from the child and from here: in the cgroup, in my container. */
	ok = in_cgroup(&v2, pid, a->cg_name) && cg_lists(a->cg, pid) &&
	     in_container(pid, a->ct) && ct_lists(a->ct, pid, true) &&
	     ct_lists(a->ct, getpid(), true);
	/* The parent itself moved nowhere. */
	ok &= in_container(0, a->ct);
	if (proc_cgroup(0, "", now, sizeof(now)) || strcmp(now, mine)) {
		ksft_print_msg("the clone3 parent's cgroup changed from '%s'\n", mine);
		ok = false;
	}
	close(hold[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("the clone3 child: status %#x\n", st);
		ok = false;
	}
	rep->ok = ok;
	rep->stage = 0;
	return 0;
}

static void test_clone3(void)
{
	static const char *const what[] = {
		"clone3: CLONE_INTO_CGROUP child lands in the cgroup and in its parent's container",
		"clone3: after the child and its parent are reaped, the container is removed at once",
	};
	static struct clone_rep rep;
	struct clone_arg a;
	char c[64], g[64], gdir[PATH_MAX], want[80], p[PATH_MAX];
	bool res[2] = { false, false }, skip = false;
	const char *why = "";
	int rc;

	name_of(c, sizeof(c), "clone3");
	snprintf(g, sizeof(g), "%s_G2", prefix);
	gdir[0] = '\0';
	if (!v2.avail) {
		skip = true;
		why = v2.why;
		goto out;
	}
	if (!v2.ok || ct_create(c))
		goto out;
	cg_dir(gdir, sizeof(gdir), &v2, g);
	if (!cg_create(gdir)) {
		gdir[0] = '\0';
		goto out;
	}
	a.ct = c;
	a.cg = gdir;
	a.cg_name = g;
	rc = run_child(clone_parent, &a, &rep, sizeof(rep));
	if (rc == 0 && rep.nosys) {
		skip = true;
		why = "no clone3 system call";
		goto out;
	}
	if (rc || rep.stage) {
		ksft_print_msg("clone3 parent: rc %d, step %d failed: %s\n", rc,
			       rep.stage, strerror(rep.err));
		goto out;
	}
	snprintf(want, sizeof(want), "/%s\n", c);
	res[0] = rep.ok;
	if (strcmp(rep.child_ct, want)) {
		ksft_print_msg("the child read /proc/self/container '%.*s', want '/%s'\n",
			       (int)strcspn(rep.child_ct, "\n"), rep.child_ct, c);
		res[0] = false;
	}
	{
		size_t gl = strlen(rep.child_cg), nl = strlen(g);

		if (gl <= nl || rep.child_cg[gl - nl - 1] != '/' ||
		    strcmp(rep.child_cg + gl - nl, g)) {
			ksft_print_msg("the child read its cgroup2 path '%s', want '.../%s'\n",
				       rep.child_cg, g);
			res[0] = false;
		}
	}
	/* Both are reaped: nothing may hold the container any more. */
	if (ct_lists(c, rep.child, false)) {
		ct_path(p, sizeof(p), c, NULL);
		if (rmdir(p)) {
			ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		} else {
			ct_forget(c);
			res[1] = true;
		}
	}
out:
	ct_destroy(c);
	if (gdir[0])
		cg_remove(gdir, v2.mnt);
	for (rc = 0; rc < 2; rc++) {
		if (skip)
			ksft_test_result_skip("%s (%s)\n", what[rc], why);
		else
			ksft_test_result(res[rc], "%s\n", what[rc]);
	}
}

static const struct test tests[] = {
	{ test_mount_v2, 1 },
	{ test_mount_v1, 1 },
	{ test_moves_v2, 2 },
	{ test_moves_v1, 2 },
	{ test_pids, 4 },
	{ test_clone3, 2 },
};

int main(void)
{
	ssize_t n;

	main_pid = getpid();
	snprintf(prefix, sizeof(prefix), "coexist_test.%d", main_pid);

	ksft_print_header();
	require_containers(CROOT "/release_agent");
	v2.avail = have_fs("cgroup2");
	v2.why = "no cgroup2 in /proc/filesystems";
	v1.avail = have_fs("cgroup");
	v1.why = "no cgroup in /proc/filesystems";
	if (!v2.avail && !v1.avail)
		ksft_exit_skip("kernel without cgroups\n");
	n = read_path(CROOT "/release_agent", saved_agent, sizeof(saved_agent));
	if (n < 0)
		ksft_exit_fail_msg("cannot read " CROOT "/release_agent: %s\n",
				   strerror(-n));
	if (n > 0 && saved_agent[n - 1] == '\n')
		saved_agent[n - 1] = '\0';
	agent_saved = true;
	ksft_set_plan(tests_plan(tests, ARRAY_SIZE(tests)));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	umask(022);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
