// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: a fault-injection sweep with /proc/thread-self/fail-nth.
 *
 * For each operation (mkdir, rmdir, rename, a write to each control file,
 * open+read of tasks, a second mount, fork inside a container) the 1st,
 * 2nd, ... fault-injection point hit by the operation's system call(s) is
 * made to fail, until the operation succeeds without the fault firing
 * (fail-nth reads back non-zero). Every failed attempt must give ENOMEM
 * (fork: ENOMEM or EAGAIN) and leave the state exactly as it was; an
 * attempt that succeeds must leave the new state (if the fault fired and
 * was absorbed, the change is undone and the sweep goes on). Leaks are
 * found by the kmemleak scan of the debug run.
 *
 * Needs CONFIG_FAULT_INJECTION with FAILSLAB/FAIL_PAGE_ALLOC and debugfs:
 * the knobs ignore-gfp-wait are set to N (so that GFP_KERNEL allocations
 * can fail) and verbose to 0 for the duration of the test, then restored.
 * Without /proc/thread-self/fail-nth the test is skipped.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "containers_util.h"

#define DEBUGFS "/sys/kernel/debug"
#define MAX_NTH 400
#define MAX_NTH_FORK 3000
#define NSLEEPERS 10
#define NREADERS 8

static int nth_fd = -1;
static char base[64];			/* "fault_test.<pid>" */
static char bpath[128];		/* CROOT "/" base */
static char mnt[256];		/* second mount point */
static bool mounted;
static char old_agent[PATH_MAX + 2];
static bool agent_saved;
static pid_t sleepers[NSLEEPERS];
static bool in_container;

struct knob {
	const char *path;
	const char *value;
	char old[32];
	bool saved;
};

static struct knob knobs[] = {
	{ DEBUGFS "/failslab/ignore-gfp-wait", "N" },
	{ DEBUGFS "/failslab/verbose", "0" },
	{ DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
	{ DEBUGFS "/fail_page_alloc/verbose", "0" },
};

/* ---------- helpers ---------- */

static ssize_t read_fd_all(int fd, char *buf, size_t size, size_t chunk)
{
	size_t off = 0;
	ssize_t n;

	while (off < size - 1) {
		size_t want = size - 1 - off;

		if (chunk && want > chunk)
			want = chunk;
		n = read(fd, buf + off, want);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	return off;
}

/* CROOT/base/rel[/file] */
static void bp(char *out, size_t n, const char *rel, const char *file)
{
	snprintf(out, n, "%s%s%s%s%s", bpath, rel ? "/" : "", rel ? rel : "",
		 file ? "/" : "", file ? file : "");
}

static int attach(const char *dir, pid_t pid)
{
	char w[32];
	int l = snprintf(w, sizeof(w), "%d\n", pid);
	ssize_t r = write_path(dir, w, l);

	return r == l ? 0 : (r < 0 ? (int)r : -EIO);
}

static int attach_rel(const char *rel, pid_t pid)
{
	char p[PATH_MAX];

	bp(p, sizeof(p), rel, "tasks");
	return attach(p, pid);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool absent(const char *p)
{
	struct stat st;

	return stat(p, &st) < 0 && errno == ENOENT;
}

/* Is NAME an entry of directory DIR? -1 on error. */
static int listed(const char *dir, const char *name)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int found = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strcmp(de->d_name, name))
			found = 1;
	closedir(d);
	return found;
}

static bool expect_str(const char *what, const char *path, const char *exp)
{
	static char got[8192];
	ssize_t n = read_path(path, got, sizeof(got));

	if (n < 0) {
		ksft_print_msg("%s: read %s: %s\n", what, path, strerror(-n));
		return false;
	}
	if (strcmp(got, exp)) {
		ksft_print_msg("%s: %s reads '%.200s', expected '%.200s'\n",
			       what, path, got, exp);
		return false;
	}
	return true;
}

static void proc_ct(char *out, size_t n, pid_t pid)
{
	snprintf(out, n, "/proc/%d/container", pid);
}

/* ---------- fail-nth ---------- */

static void fault_arm(unsigned int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, l, 0) != l)
		ksft_exit_fail_msg("arming fail-nth: %s\n", strerror(errno));
}

/* Disarm; true if the armed fault was injected (fail-nth reads 0). */
static bool fault_fired(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		ksft_exit_fail_msg("reading fail-nth: %s\n",
				   n < 0 ? strerror(errno) : "empty");
	b[n] = '\0';
	if (atoi(b) == 0)
		return true;
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		ksft_exit_fail_msg("disarming fail-nth: %s\n", strerror(errno));
	return false;
}

static void fault_disarm_quiet(void)
{
	if (nth_fd >= 0 && pwrite(nth_fd, "0", 1, 0) != 1)
		ksft_print_msg("disarming fail-nth: %s\n", strerror(errno));
}

/* ---------- setup and cleanup ---------- */

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (!knobs[i].saved)
			continue;
		if (write_path(knobs[i].path, knobs[i].old, strlen(knobs[i].old)) < 0)
			ksft_print_msg("cleanup: cannot restore %s\n", knobs[i].path);
		knobs[i].saved = false;
	}
}

static int knobs_set(void)
{
	unsigned int i;

	if (access(DEBUGFS "/failslab", F_OK) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY) {
		ksft_print_msg("mount debugfs: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ssize_t n = read_path(knobs[i].path, knobs[i].old,
				      sizeof(knobs[i].old));

		if (n < 0) {
			ksft_print_msg("read %s: %s\n", knobs[i].path, strerror(-n));
			return -1;
		}
		knobs[i].saved = true;
		if (write_path(knobs[i].path, knobs[i].value,
			       strlen(knobs[i].value)) < 0) {
			ksft_print_msg("write %s: %s\n", knobs[i].path,
				       strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void rm_tree(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	char p[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		rm_tree(p);
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		ksft_print_msg("cleanup: rmdir %s: %s\n", dir, strerror(errno));
}

static void cleanup_all(void)
{
	int i;

	if (getpid() != main_pid)
		return;
	fault_disarm_quiet();
	knobs_restore();
	if (agent_saved) {
		if (write_path(CROOT "/release_agent", old_agent,
			       strlen(old_agent)) < 0)
			ksft_print_msg("cleanup: cannot restore release_agent\n");
		agent_saved = false;
	}
	if (in_container) {
		attach(CROOT "/tasks", 0);
		in_container = false;
	}
	for (i = 0; i < NSLEEPERS; i++) {
		if (sleepers[i] > 0) {
			attach(CROOT "/tasks", sleepers[i]);
			kill(sleepers[i], SIGKILL);
			waitpid(sleepers[i], NULL, 0);
			sleepers[i] = 0;
		}
	}
	if (mounted) {
		if (umount2(mnt, MNT_DETACH))
			ksft_print_msg("cleanup: umount %s: %s\n", mnt, strerror(errno));
		mounted = false;
	}
	if (mnt[0]) {
		rmdir(mnt);
		mnt[0] = '\0';
	}
	if (bpath[0]) {
		rm_tree(bpath);
		bpath[0] = '\0';
	}
}

static pid_t start_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* ---------- the operations ---------- */

struct op {
	const char *name;
	int (*setup)(void);
	/*
	 * Arms the fault with fault_arm(n), runs the syscall(s), returns
	 * 0 or -errno; *fired says whether the fault was injected.
	 */
	int (*act)(unsigned int n, bool *fired);
	bool (*check_old)(void);
	bool (*check_new)(void);
	int (*undo)(void);
	void (*teardown)(void);
	int errs[2];
	unsigned int max;
};

/* mkdir: B/mk (notify_on_release 1) gets the child m. */
static char mk_p[256], mk_parent[256];

static int mkdir_setup(void)
{
	char p[PATH_MAX];

	bp(mk_parent, sizeof(mk_parent), "mk", NULL);
	bp(mk_p, sizeof(mk_p), "mk/m", NULL);
	if (mkdir(mk_parent, 0755))
		return -errno;
	bp(p, sizeof(p), "mk", "notify_on_release");
	return write_path(p, "1\n", 2) == 2 ? 0 : -EIO;
}

static int mkdir_act(unsigned int n, bool *fired)
{
	int r, e;

	fault_arm(n);
	r = mkdir(mk_p, 0755);
	e = errno;
	*fired = fault_fired();
	return r ? -e : 0;
}

static bool mkdir_old(void)
{
	bool ok = absent(mk_p);

	if (!ok)
		ksft_print_msg("mkdir failed but %s exists\n", mk_p);
	if (listed(mk_parent, "m") != 0) {
		ksft_print_msg("mkdir failed but 'm' is listed in %s\n", mk_parent);
		ok = false;
	}
	return ok;
}

static bool mkdir_new(void)
{
	char p[PATH_MAX];
	bool ok = is_dir(mk_p) && listed(mk_parent, "m") == 1;

	if (!ok)
		ksft_print_msg("mkdir succeeded but %s is not a listed directory\n", mk_p);
	snprintf(p, sizeof(p), "%s/tasks", mk_p);
	ok &= expect_str("new container", p, "");
	snprintf(p, sizeof(p), "%s/notify_on_release", mk_p);
	ok &= expect_str("new container", p, "1\n");
	return ok;
}

static int mkdir_undo(void)
{
	return rmdir(mk_p) ? -errno : 0;
}

static void mkdir_teardown(void)
{
	rmdir(mk_p);
	rmdir(mk_parent);
}

/* rmdir: B/r */
static char rm_p[256];

static int rmdir_setup(void)
{
	bp(rm_p, sizeof(rm_p), "r", NULL);
	return mkdir(rm_p, 0755) ? -errno : 0;
}

static int rmdir_act(unsigned int n, bool *fired)
{
	int r, e;

	fault_arm(n);
	r = rmdir(rm_p);
	e = errno;
	*fired = fault_fired();
	return r ? -e : 0;
}

static bool rmdir_old(void)
{
	char p[PATH_MAX];
	bool ok = is_dir(rm_p) && listed(bpath, "r") == 1;

	if (!ok)
		ksft_print_msg("rmdir failed but %s is gone\n", rm_p);
	snprintf(p, sizeof(p), "%s/tasks", rm_p);
	ok &= expect_str("after failed rmdir", p, "");
	snprintf(p, sizeof(p), "%s/notify_on_release", rm_p);
	ok &= expect_str("after failed rmdir", p, "0\n");
	return ok;
}

static bool rmdir_new(void)
{
	bool ok = absent(rm_p) && listed(bpath, "r") == 0;

	if (!ok)
		ksft_print_msg("rmdir succeeded but %s is still there\n", rm_p);
	return ok;
}

static int rmdir_undo(void)
{
	return mkdir(rm_p, 0755) ? -errno : 0;
}

static void rmdir_teardown(void)
{
	rmdir(rm_p);
}

/* rename: B/ra -> B/rb, with sleeper 0 inside. */
static char ra_p[256], rb_p[256];

static int rename_setup(void)
{
	bp(ra_p, sizeof(ra_p), "ra", NULL);
	bp(rb_p, sizeof(rb_p), "rb", NULL);
	if (mkdir(ra_p, 0755))
		return -errno;
	return attach_rel("ra", sleepers[0]);
}

static int rename_act(unsigned int n, bool *fired)
{
	int r, e;

	fault_arm(n);
	r = rename(ra_p, rb_p);
	e = errno;
	*fired = fault_fired();
	return r ? -e : 0;
}

static bool rename_state(const char *here, const char *gone, const char *name)
{
	char p[PATH_MAX], exp[PATH_MAX];
	bool ok = is_dir(here) && absent(gone);

	if (!ok)
		ksft_print_msg("expected %s to exist and %s not to\n", here, gone);
	snprintf(p, sizeof(p), "%s/tasks", here);
	snprintf(exp, sizeof(exp), "%d\n", sleepers[0]);
	ok &= expect_str("rename", p, exp);
	proc_ct(p, sizeof(p), sleepers[0]);
	snprintf(exp, sizeof(exp), "/%s/%s\n", base, name);
	ok &= expect_str("rename", p, exp);
	return ok;
}

static bool rename_old(void)
{
	return rename_state(ra_p, rb_p, "ra");
}

static bool rename_new(void)
{
	return rename_state(rb_p, ra_p, "rb");
}

static int rename_undo(void)
{
	return rename(rb_p, ra_p) ? -errno : 0;
}

static void rename_teardown(void)
{
	attach(CROOT "/tasks", sleepers[0]);
	rmdir(ra_p);
	rmdir(rb_p);
}

/* tasks write: sleeper 1 from B/ta to B/tb. */
static int tasks_setup(void)
{
	char p[PATH_MAX];

	bp(p, sizeof(p), "ta", NULL);
	if (mkdir(p, 0755))
		return -errno;
	bp(p, sizeof(p), "tb", NULL);
	if (mkdir(p, 0755))
		return -errno;
	return attach_rel("ta", sleepers[1]);
}

static int tasks_act(unsigned int n, bool *fired)
{
	char p[PATH_MAX], w[32];
	int fd, l, e = 0;
	ssize_t r;

	bp(p, sizeof(p), "tb", "tasks");
	l = snprintf(w, sizeof(w), "%d\n", sleepers[1]);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		*fired = false;
		return -errno;
	}
	fault_arm(n);
	r = write(fd, w, l);
	e = errno;
	*fired = fault_fired();
	close(fd);
	if (r < 0)
		return -e;
	if (r != l) {
		ksft_print_msg("tasks write returned %zd, expected %d\n", r, l);
		return -EIO;
	}
	return 0;
}

static bool tasks_state(const char *in, const char *out)
{
	char p[PATH_MAX], exp[PATH_MAX];
	bool ok;

	bp(p, sizeof(p), in, "tasks");
	snprintf(exp, sizeof(exp), "%d\n", sleepers[1]);
	ok = expect_str("tasks write", p, exp);
	bp(p, sizeof(p), out, "tasks");
	ok &= expect_str("tasks write", p, "");
	proc_ct(p, sizeof(p), sleepers[1]);
	snprintf(exp, sizeof(exp), "/%s/%s\n", base, in);
	ok &= expect_str("tasks write", p, exp);
	return ok;
}

static bool tasks_old(void)
{
	return tasks_state("ta", "tb");
}

static bool tasks_new(void)
{
	return tasks_state("tb", "ta");
}

static int tasks_undo(void)
{
	return attach_rel("ta", sleepers[1]);
}

static void tasks_teardown(void)
{
	char p[PATH_MAX];

	attach(CROOT "/tasks", sleepers[1]);
	bp(p, sizeof(p), "ta", NULL);
	rmdir(p);
	bp(p, sizeof(p), "tb", NULL);
	rmdir(p);
}

/* Write VAL to the file PATH through an fd opened before arming. */
static int write_armed(const char *path, const char *val, unsigned int n,
		       bool *fired)
{
	size_t l = strlen(val);
	ssize_t r;
	int fd, e;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		*fired = false;
		return -errno;
	}
	fault_arm(n);
	r = write(fd, val, l);
	e = errno;
	*fired = fault_fired();
	close(fd);
	if (r < 0)
		return -e;
	if ((size_t)r != l) {
		ksft_print_msg("write to %s returned %zd, expected %zu\n", path, r, l);
		return -EIO;
	}
	return 0;
}

/* notify_on_release: B/n from 0 to 1. */
static char nr_p[PATH_MAX];

static int notify_setup(void)
{
	char p[PATH_MAX];

	bp(p, sizeof(p), "n", NULL);
	bp(nr_p, sizeof(nr_p), "n", "notify_on_release");
	return mkdir(p, 0755) ? -errno : 0;
}

static int notify_act(unsigned int n, bool *fired)
{
	return write_armed(nr_p, "1\n", n, fired);
}

static bool notify_old(void)
{
	return expect_str("notify_on_release", nr_p, "0\n");
}

static bool notify_new(void)
{
	return expect_str("notify_on_release", nr_p, "1\n");
}

static int notify_undo(void)
{
	return write_path(nr_p, "0\n", 2) == 2 ? 0 : -EIO;
}

static void notify_teardown(void)
{
	char p[PATH_MAX];

	bp(p, sizeof(p), "n", NULL);
	rmdir(p);
}

/* release_agent: the saved value -> a test path. */
static char new_agent[PATH_MAX];

static int agent_setup(void)
{
	ssize_t n = read_path(CROOT "/release_agent", old_agent, sizeof(old_agent));

	if (n < 0)
		return n;
	if (n == 0 || old_agent[n - 1] != '\n') {
		ksft_print_msg("release_agent reads '%s' without a newline\n", old_agent);
		return -EIO;
	}
	agent_saved = true;
	snprintf(new_agent, sizeof(new_agent), "/tmp/%s.agent.does.not.exist\n", base);
	return 0;
}

static int agent_act(unsigned int n, bool *fired)
{
	return write_armed(CROOT "/release_agent", new_agent, n, fired);
}

static bool agent_old(void)
{
	return expect_str("release_agent", CROOT "/release_agent", old_agent);
}

static bool agent_new(void)
{
	return expect_str("release_agent", CROOT "/release_agent", new_agent);
}

static int agent_undo(void)
{
	size_t l = strlen(old_agent);

	return write_path(CROOT "/release_agent", old_agent, l) == (ssize_t)l ?
		0 : -EIO;
}

static void agent_teardown(void)
{
	if (agent_undo())
		ksft_print_msg("cannot restore release_agent\n");
	else
		agent_saved = false;
}

/* open + read of B/rd/tasks with NREADERS tasks, in 7-byte reads. */
static char rd_exp[256], rd_got[4096];
static bool rd_got_bad;

static int read_setup(void)
{
	char p[PATH_MAX];
	int i, r, off = 0;
	pid_t s[NREADERS], t;

	bp(p, sizeof(p), "rd", NULL);
	if (mkdir(p, 0755))
		return -errno;
	for (i = 0; i < NREADERS; i++) {
		s[i] = sleepers[2 + i];
		r = attach_rel("rd", s[i]);
		if (r)
			return r;
	}
	/* Ascending: the sleepers are not necessarily in pid order. */
	for (i = 1; i < NREADERS; i++) {
		int j;

		for (j = i; j > 0 && s[j - 1] > s[j]; j--) {
			t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	}
	for (i = 0; i < NREADERS; i++)
		off += snprintf(rd_exp + off, sizeof(rd_exp) - off, "%d\n", s[i]);
	return 0;
}

static int read_act(unsigned int n, bool *fired)
{
	char p[PATH_MAX];
	ssize_t r;
	int fd, e;

	bp(p, sizeof(p), "rd", "tasks");
	memset(rd_got, 0, sizeof(rd_got));	/* no page faults while armed */
	rd_got_bad = false;
	fault_arm(n);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		*fired = fault_fired();
		return -e;
	}
	r = read_fd_all(fd, rd_got, sizeof(rd_got), 7);
	*fired = fault_fired();
	close(fd);
	if (r < 0)
		return r;
	if (strcmp(rd_got, rd_exp))
		rd_got_bad = true;
	return 0;
}

static bool read_state(void)
{
	char p[PATH_MAX];

	bp(p, sizeof(p), "rd", "tasks");
	return expect_str("tasks content", p, rd_exp);
}

static bool read_new(void)
{
	if (rd_got_bad) {
		ksft_print_msg("the read under fault injection gave '%s', expected '%s'\n",
			       rd_got, rd_exp);
		return false;
	}
	return read_state();
}

static int read_undo(void)
{
	return 0;
}

static void read_teardown(void)
{
	char p[PATH_MAX];
	int i;

	for (i = 0; i < NREADERS; i++)
		attach(CROOT "/tasks", sleepers[2 + i]);
	bp(p, sizeof(p), "rd", NULL);
	rmdir(p);
}

/* mount of a second mount point. */
static int mount_count(void)
{
	static char buf[1 << 16];
	char *line, *save = NULL;
	int n = 0;
	size_t ml = strlen(mnt);

	if (read_path("/proc/self/mountinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* id parent maj:min root mountpoint ... */
		char *f = line;
		int i;

		for (i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			if (f)
				f++;
		}
		if (f && !strncmp(f, mnt, ml) && f[ml] == ' ')
			n++;
	}
	return n;
}

static int mount_setup(void)
{
	snprintf(mnt, sizeof(mnt), "/tmp/%s.mnt", base);
	if (mkdir(mnt, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static int mount_act(unsigned int n, bool *fired)
{
	int r, e;

	fault_arm(n);
	r = mount("none", mnt, "container", 0, NULL);
	e = errno;
	*fired = fault_fired();
	if (!r)
		mounted = true;
	return r ? -e : 0;
}

static bool mount_old(void)
{
	char p[PATH_MAX];
	int c = mount_count();

	if (c != 0) {
		ksft_print_msg("failed mount: %d mount(s) at %s\n", c, mnt);
		return false;
	}
	snprintf(p, sizeof(p), "%s/tasks", mnt);
	if (!absent(p)) {
		ksft_print_msg("failed mount: %s exists\n", p);
		return false;
	}
	return true;
}

static bool mount_new(void)
{
	char p[PATH_MAX];
	int c = mount_count();

	if (c != 1) {
		ksft_print_msg("mount: %d mount(s) at %s, expected 1\n", c, mnt);
		return false;
	}
	snprintf(p, sizeof(p), "%s/%s", mnt, base);
	if (!is_dir(p)) {
		ksft_print_msg("mount: %s does not show the tree (%s missing)\n",
			       mnt, p);
		return false;
	}
	return true;
}

static int mount_undo(void)
{
	if (umount(mnt))
		return -errno;
	mounted = false;
	return 0;
}

static void mount_teardown(void)
{
	if (mounted && !umount(mnt))
		mounted = false;
	if (!mounted) {
		rmdir(mnt);
		mnt[0] = '\0';
	}
}

/* fork inside B/f: the test process itself is moved there. */
static char fork_path[PATH_MAX];
static char fork_child_ct[PATH_MAX];

static int fork_setup(void)
{
	char p[PATH_MAX];
	int r;

	bp(p, sizeof(p), "f", NULL);
	if (mkdir(p, 0755))
		return -errno;
	r = attach_rel("f", 0);
	if (!r)
		in_container = true;
	snprintf(fork_path, sizeof(fork_path), "/%s/f\n", base);
	return r;
}

static int fork_act(unsigned int n, bool *fired)
{
	int pfd[2], e, st;
	pid_t pid;
	ssize_t r;

	if (pipe(pfd))
		return -EIO;
	memset(fork_child_ct, 0, sizeof(fork_child_ct));
	fault_arm(n);
	pid = fork();
	e = errno;
	if (pid == 0) {
		char b[PATH_MAX];
		ssize_t l = read_path("/proc/self/container", b, sizeof(b));

		if (l < 0)
			l = snprintf(b, sizeof(b), "error %zd\n", l);
		if (write(pfd[1], b, l) != l)
			_exit(2);
		_exit(0);
	}
	*fired = fault_fired();
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -e;
	}
	r = read_fd_all(pfd[0], fork_child_ct, sizeof(fork_child_ct), 0);
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		ksft_print_msg("fork child: status 0x%x\n", st);
		return -EIO;
	}
	if (r < 0)
		return r;
	return 0;
}

static bool fork_state(void)
{
	char p[PATH_MAX], exp[64];
	bool ok;

	bp(p, sizeof(p), "f", "tasks");
	snprintf(exp, sizeof(exp), "%d\n", getpid());
	ok = expect_str("fork", p, exp);
	ok &= expect_str("fork", "/proc/self/container", fork_path);
	return ok;
}

static bool fork_new(void)
{
	bool ok = true;

	if (strcmp(fork_child_ct, fork_path)) {
		ksft_print_msg("the child of fork saw its container as '%s', expected '%s'\n",
			       fork_child_ct, fork_path);
		ok = false;
	}
	return fork_state() && ok;
}

static int fork_undo(void)
{
	return 0;
}

static void fork_teardown(void)
{
	char p[PATH_MAX];

	if (!attach(CROOT "/tasks", 0))
		in_container = false;
	bp(p, sizeof(p), "f", NULL);
	rmdir(p);
}

static struct op ops[] = {
	{ "mkdir", mkdir_setup, mkdir_act, mkdir_old, mkdir_new, mkdir_undo,
	  mkdir_teardown, { ENOMEM }, MAX_NTH },
	{ "rmdir", rmdir_setup, rmdir_act, rmdir_old, rmdir_new, rmdir_undo,
	  rmdir_teardown, { ENOMEM }, MAX_NTH },
	{ "rename", rename_setup, rename_act, rename_old, rename_new, rename_undo,
	  rename_teardown, { ENOMEM }, MAX_NTH },
	{ "write tasks (move a task)", tasks_setup, tasks_act, tasks_old, tasks_new,
	  tasks_undo, tasks_teardown, { ENOMEM }, MAX_NTH },
	{ "write notify_on_release", notify_setup, notify_act, notify_old,
	  notify_new, notify_undo, notify_teardown, { ENOMEM }, MAX_NTH },
	{ "write release_agent", agent_setup, agent_act, agent_old, agent_new,
	  agent_undo, agent_teardown, { ENOMEM }, MAX_NTH },
	{ "open+read tasks", read_setup, read_act, read_state, read_new,
	  read_undo, read_teardown, { ENOMEM }, MAX_NTH },
	{ "mount a second mount point", mount_setup, mount_act, mount_old,
	  mount_new, mount_undo, mount_teardown, { ENOMEM }, MAX_NTH },
	{ "fork inside a container", fork_setup, fork_act, fork_state, fork_new,
	  fork_undo, fork_teardown, { ENOMEM, EAGAIN }, MAX_NTH_FORK },
};

static void sweep(struct op *op)
{
	unsigned int n, injected = 0, absorbed = 0;
	bool ok = true, done = false;
	int r;

	r = op->setup();
	if (r) {
		ksft_print_msg("%s: setup: %s\n", op->name, strerror(-r));
		op->teardown();
		ksft_test_result_fail("%s: setup failed\n", op->name);
		return;
	}
	if (!op->check_old()) {
		op->teardown();
		ksft_test_result_fail("%s: bad state after setup\n", op->name);
		return;
	}
	for (n = 1; n <= op->max && ok; n++) {
		bool fired = false;

		r = op->act(n, &fired);
		if (r < 0) {
			if (!fired) {
				ksft_print_msg("%s: fail-nth %u: %s without an injected fault\n",
					       op->name, n, strerror(-r));
				ok = false;
				break;
			}
			injected++;
			if (-r != op->errs[0] && (!op->errs[1] || -r != op->errs[1])) {
				ksft_print_msg("%s: fail-nth %u: errno %d (%s), expected %s%s%s\n",
					       op->name, n, -r, strerror(-r),
					       strerror(op->errs[0]),
					       op->errs[1] ? " or " : "",
					       op->errs[1] ? strerror(op->errs[1]) : "");
				ok = false;
			}
			if (!op->check_old()) {
				ct_info("%s: fail-nth %u: the state changed although the call failed (%s)\n",
					op->name, n, strerror(-r));
				ok = false;
			}
			continue;
		}
		if (!op->check_new()) {
			ksft_print_msg("%s: fail-nth %u (%s): success without the new state\n",
				       op->name, n, fired ? "fault injected" : "no fault");
			ok = false;
			break;
		}
		if (!fired) {
			done = true;
			break;
		}
		/* The fault fired but the call coped: undo and go on. */
		absorbed++;
		r = op->undo();
		if (r || !op->check_old()) {
			ksft_print_msg("%s: undoing an absorbed fault failed (%s)\n",
				       op->name, strerror(-r));
			ok = false;
		}
	}
	if (ok && !done)
		ksft_print_msg("%s: no success within %u faults\n", op->name, op->max);
	if (ok && done && injected == 0)
		ksft_print_msg("%s: no attempt failed: fault injection is not working\n",
			       op->name);
	op->teardown();
	ksft_test_result(ok && done && injected > 0,
			 "%s: %u injected failures (%u absorbed), then success\n",
			 op->name, injected, absorbed);
}

int main(void)
{
	char p[64];
	unsigned int i;

	main_pid = getpid();
	snprintf(base, sizeof(base), "fault_test.%d", main_pid);

	ksft_print_header();
	require_containers(CROOT "/tasks");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		snprintf(p, sizeof(p), "/proc/self/task/%ld/fail-nth",
			 (long)syscall(SYS_gettid));
		nth_fd = open(p, O_RDWR | O_CLOEXEC);
	}
	if (nth_fd < 0)
		ksft_exit_skip("no fail-nth\n");

	ksft_set_plan(ARRAY_SIZE(ops));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	if (knobs_set())
		ksft_exit_fail_msg("cannot configure fault injection in " DEBUGFS "\n");

	snprintf(bpath, sizeof(bpath), CROOT "/%s", base);
	if (mkdir(bpath, 0755))
		ksft_exit_fail_msg("mkdir %s: %s\n", bpath, strerror(errno));
	for (i = 0; i < NSLEEPERS; i++) {
		sleepers[i] = start_sleeper();
		if (sleepers[i] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	}

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		sweep(&ops[i]);

	cleanup_all();
	ksft_finished();
}
