// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: the limits a delegating admin relies on.
 *
 * max_depth and max_descendants: the "max" default in the root and in a
 * new container, the accepted and refused writes (EINVAL, E2BIG), EAGAIN
 * for mkdir exactly at each limit and success just below it, removed
 * containers not counted, a limit lowered below the current count, an
 * ancestor's limit binding a grandchild whose own limit is "max", and
 * delegation (a user given a directory and its tasks cannot change the
 * limits, but may set them in the containers it creates).
 * rename: refused with ENAMETOOLONG when the path of any descendant would
 * pass PATH_MAX - 2 (4094) bytes, with nothing changed; 4094 is accepted.
 * Mounts: "ro" (MS_RDONLY or in the data) is EINVAL at mount and at
 * remount; a bind mount made read-only is the read-only view.
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
#include <sys/types.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_KIDS 4

#include "containers_util.h"

#define MNT "/tmp/limits_test_mnt"
#define USER1 1001
/* The deepest path of the rename chain; 10 bytes below PATH_MAX - 2. */
#define DEEP 4084
#define LIMIT_MAX (PATH_MAX - 2)

/* CROOT/limits_test.<pid>: every container of the test is below it. */
static char top[96];
/* Its container path ("/limits_test.<pid>"). */
static char top_ct[64];
static bool mounted;

/* ---------- helpers ---------- */

/* Remove the tree at PATH (short, absolute), children first, iteratively. */
static void rm_tree(const char *path)
{
	int depth = 0, guard = 0;

	if (chdir(path))
		return;
	while (guard++ < 20000) {
		struct dirent *e;
		bool down = false;
		DIR *d = opendir(".");

		if (!d)
			break;
		while ((e = readdir(d))) {
			if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
			    !strcmp(e->d_name, ".."))
				continue;
			if (rmdir(e->d_name) == 0)
				continue;
			if ((errno == EBUSY || errno == ENOTEMPTY) &&
			    !chdir(e->d_name)) {
				depth++;
				down = true;
				break;
			}
		}
		closedir(d);
		if (down)
			continue;
		/* No children left here (helper tasks are gone by now): up. */
		if (depth == 0 || chdir(".."))
			break;
		depth--;
	}
	if (chdir("/"))
		ksft_print_msg("cleanup: chdir /: %s\n", strerror(errno));
	if (rmdir(path) && errno != ENOENT)
		ksft_print_msg("cleanup: cannot remove %s: %s\n", path, strerror(errno));
}

static void cleanup_all(void)
{
	if (getpid() != main_pid)
		return;
	kids_kill_all();
	if (mounted) {
		umount2(MNT, MNT_DETACH);
		mounted = false;
	}
	rmdir(MNT);
	write_path(CROOT "/tasks", "0\n", 2);
	rm_tree(top);
}

/* TOP/REL[/FILE] */
static void tp(char *out, size_t n, const char *rel, const char *file)
{
	snprintf(out, n, "%s%s%s%s%s", top, *rel ? "/" : "", rel, file ? "/" : "",
		 file ? file : "");
}

/* Is GOT (0 or an errno) WANT? If not, say so about WHAT. */
static bool is(int got, int want, const char *what)
{
	if (got != want)
		ksft_print_msg("%s: %s, want %s\n", what, got ? strerror(got) : "success",
			       want ? strerror(want) : "success");
	return got == want;
}

/* mkdir or rmdir TOP/REL; returns 0 or errno. */
static int mk(const char *rel)
{
	char p[PATH_MAX];

	tp(p, sizeof(p), rel, NULL);
	return mkdir(p, 0755) ? errno : 0;
}

static int rm(const char *rel)
{
	char p[PATH_MAX];

	tp(p, sizeof(p), rel, NULL);
	return rmdir(p) ? errno : 0;
}

/* Expect mkdir TOP/REL to give WANT (0 or an errno). */
static bool mk_is(const char *rel, int want)
{
	int r = mk(rel);

	if (!r && want)
		rm(rel);
	return is(r, want, rel);
}

/* Write S to TOP/REL/FILE: 0, or the errno (EIO for a short write). */
static int put(const char *rel, const char *file, const char *s)
{
	char p[PATH_MAX];
	ssize_t r;

	tp(p, sizeof(p), rel, file);
	r = write_path(p, s, strlen(s));
	return r == (ssize_t)strlen(s) ? 0 : (r < 0 ? (int)-r : EIO);
}

static bool put_ok(const char *rel, const char *file, const char *s)
{
	return is(put(rel, file, s), 0, s);
}

/* Does TOP/REL/FILE (the root's FILE for a NULL REL) read exactly WANT? */
static bool reads_ok(const char *rel, const char *file, const char *want)
{
	static char got[PATH_MAX + 16];
	char p[PATH_MAX];
	ssize_t n;

	if (rel)
		tp(p, sizeof(p), rel, file);
	else
		ct_path(p, sizeof(p), "", file);
	n = read_path(p, got, sizeof(got));
	if (n < 0 || strcmp(got, want)) {
		ksft_print_msg("%s reads '%.40s' (%s), want '%.40s'\n", p,
			       n < 0 ? "" : got, n < 0 ? strerror(-n) : "ok", want);
		return false;
	}
	return true;
}

static void drop(const char *rel)
{
	char p[PATH_MAX];

	tp(p, sizeof(p), rel, NULL);
	rm_tree(p);
}

/* A fresh, empty test container REL (removing what a failed test left). */
static bool fresh(const char *rel)
{
	drop(rel);
	return mk_is(rel, 0);
}

static const char *const limit_files[] = { "max_depth", "max_descendants" };

/* ================= max_depth and max_descendants ================= */

static void test_defaults(void)
{
	bool ok = fresh("def");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(limit_files); i++) {
		char p[PATH_MAX];
		struct stat st;

		ok &= reads_ok(NULL, limit_files[i], "max\n") &&
		      reads_ok("def", limit_files[i], "max\n");
		tp(p, sizeof(p), "def", limit_files[i]);
		if (stat(p, &st) || (st.st_mode & 07777) != 0644) {
			ksft_print_msg("%s: mode %o, want 0644\n", p, st.st_mode & 07777);
			ok = false;
		}
	}
	drop("def");
	ksft_test_result(ok,
			 "max_depth, max_descendants read \"max\\n\" in the root and in a new container\n");
}

static void test_valid_writes(void)
{
	static const struct { const char *in, *out; } v[] = {
		{ "5", "5\n" }, { "0", "0\n" }, { "0x10", "16\n" }, { "010", "8\n" },
		{ "max", "max\n" }, { " 7\x20\n", "7\n" }, { "\t3\n", "3\n" },
		{ "max\n", "max\n" }, { "  max  ", "max\n" }, { "+9", "9\n" },
		{ "2147483647", "2147483647\n" }, { "0x7fffffff\n", "2147483647\n" },
		{ "12\n", "12\n" },
	};
	bool ok = fresh("valid");
	size_t i, j;

	for (i = 0; ok && i < ARRAY_SIZE(limit_files); i++)
		for (j = 0; j < ARRAY_SIZE(v); j++)
			if (!put_ok("valid", limit_files[i], v[j].in) ||
			    !reads_ok("valid", limit_files[i], v[j].out))
				ok = false;
	drop("valid");
	ksft_test_result(ok,
			 "limits: decimal, 0x hex, octal, \"max\", white space accepted and read back\n");
}

static void test_invalid_writes(void)
{
	static const char *const bad[] = {
		"abc", "-1", "-0", "2147483648", "4294967295", "4294967296",
		"0x80000000", "1 2", "0x", "max1", "maxx", "ma", "MAX", "1.5",
		"12abc", "08", "\n", " ", "--1", "+-1", "max max",
	};
	char big[80];
	bool ok = fresh("bad");
	size_t i, j;

	for (i = 0; ok && i < ARRAY_SIZE(limit_files); i++) {
		const char *f = limit_files[i];

		ok &= put_ok("bad", f, "42");
		for (j = 0; j < ARRAY_SIZE(bad); j++)
			ok &= is(put("bad", f, bad[j]), EINVAL, bad[j]);
		/* 64 bytes are the most a write may have. */
		memset(big, ' ', 64);
		big[64] = '1';
		big[65] = '\0';
		ok &= is(put("bad", f, big), E2BIG, "65-byte write");
		ok &= reads_ok("bad", f, "42\n");
		big[63] = '1';
		big[64] = '\0';
		ok &= put_ok("bad", f, big) && reads_ok("bad", f, "1\n");
	}
	drop("bad");
	ksft_test_result(ok,
			 "limits: garbage, negative, 2147483648 -> EINVAL; 65 bytes -> E2BIG; value unchanged\n");
}

static void test_depth(void)
{
	bool ok = fresh("d");

	ok = ok && put_ok("d", "max_depth", "0") && mk_is("d/a", EAGAIN) &&
	     put_ok("d", "max_depth", "1") && mk_is("d/a", 0) &&
	     mk_is("d/a/b", EAGAIN) && mk_is("d/c", 0) &&
	     put_ok("d", "max_depth", "2") && mk_is("d/a/b", 0) &&
	     mk_is("d/a/b/c", EAGAIN) && mk_is("d/c/x", 0) &&
	     reads_ok("d", "max_depth", "2\n") &&
	     put_ok("d", "max_depth", "max") && mk_is("d/a/b/c", 0);
	drop("d");
	ksft_test_result(ok,
			 "max_depth 0, 1, 2: mkdir EAGAIN one level too deep, success just above\n");
}

static void test_descendants(void)
{
	bool ok = fresh("n");

	ok = ok && put_ok("n", "max_descendants", "0") && mk_is("n/a", EAGAIN) &&
	     put_ok("n", "max_descendants", "3") && mk_is("n/a", 0) &&
	     mk_is("n/a/b", 0) && mk_is("n/c", 0) &&
	     /* 3 live descendants: neither a child nor a grandchild more. */
	     mk_is("n/d", EAGAIN) && mk_is("n/a/x", EAGAIN) &&
	     mk_is("n/a/b/y", EAGAIN) &&
	     /* Removed ones do not count. */
	     rm("n/c") == 0 && mk_is("n/d", 0) && mk_is("n/e", EAGAIN) &&
	     rm("n/a/b") == 0 && mk_is("n/a/b2", 0) && mk_is("n/f", EAGAIN);
	drop("n");
	ksft_test_result(ok,
			 "max_descendants 0, 3: mkdir EAGAIN at the limit; rmdir makes room again\n");
}

static void test_lowering(void)
{
	bool ok = fresh("low");

	ok = ok && mk_is("low/a", 0) && mk_is("low/a/b", 0) && mk_is("low/c", 0) &&
	     put_ok("low", "max_descendants", "1") &&
	     reads_ok("low", "max_descendants", "1\n") &&
	     mk_is("low/d", EAGAIN) && mk_is("low/a/b/e", EAGAIN) &&
	     reads_ok("low/a/b", "max_descendants", "max\n") &&
	     put_ok("low", "max_descendants", "max") &&
	     put_ok("low", "max_depth", "1") && mk_is("low/a/z", EAGAIN) &&
	     mk_is("low/a/b/e", EAGAIN) && mk_is("low/d", 0) &&
	     /* The existing deeper ones still work and can be removed. */
	     reads_ok("low/a/b", "tasks", "") && rm("low/a/b") == 0;
	drop("low");
	ksft_test_result(ok,
			 "limits lowered below the current count: allowed, only new mkdirs fail\n");
}

static void test_ancestor(void)
{
	bool ok = fresh("anc");

	/* A grandchild's own "max" or a larger limit never lets it escape. */
	ok = ok && mk_is("anc/a", 0) && put_ok("anc", "max_descendants", "2") &&
	     reads_ok("anc/a", "max_descendants", "max\n") &&
	     mk_is("anc/a/b", 0) && mk_is("anc/a/c", EAGAIN) &&
	     put_ok("anc/a", "max_descendants", "100") &&
	     mk_is("anc/a/b/c", EAGAIN) &&
	     put_ok("anc", "max_descendants", "max") &&
	     put_ok("anc", "max_depth", "2") &&
	     put_ok("anc/a", "max_depth", "100") &&
	     reads_ok("anc/a/b", "max_depth", "max\n") &&
	     mk_is("anc/a/b/c", EAGAIN) && mk_is("anc/a/c", 0) &&
	     put_ok("anc", "max_depth", "max") && mk_is("anc/a/b/c", 0);
	drop("anc");
	ksft_test_result(ok,
			 "an ancestor's limit binds a grandchild whose own limit is max or larger\n");
}

/* ---- delegation ---- */

struct deleg_rep {
	int stage;	/* the first check that failed, 0 for none */
	int err;	/* what it got */
	char what[64];	/* the check */
};

static int deleg_child(void *arg, void *repv)
{
	struct deleg_rep *rep = repv;
	bool failed = false;
	int r;

	(void)arg;
	memset(rep, 0, sizeof(*rep));
	rep->stage = 1;
	snprintf(rep->what, sizeof(rep->what), "setresuid");
	if (setresgid(USER1, USER1, USER1) || setresuid(USER1, USER1, USER1)) {
		rep->err = errno;
		return 0;
	}
	/* After a failed step, the ones that follow are not run. */
#define STEP(expr, want)						\
	do {								\
		if (!failed) {						\
			rep->stage++;					\
			r = (expr);					\
			if (r != (want)) {				\
				snprintf(rep->what, sizeof(rep->what),	\
					 #expr ", want " #want);	\
				rep->err = r;				\
				failed = true;				\
			}						\
		}							\
	} while (0)
	/* Stages 2 and 3: the limits of the delegated container. */
	STEP(put("dl", "max_depth", "100"), EACCES);
	STEP(put("dl", "max_descendants", "100"), EACCES);
	STEP(mk("dl/c"), 0);
	STEP(put("dl/c", "max_descendants", "1"), 0);
	STEP(mk("dl/c/x"), 0);
	STEP(mk("dl/c/y"), EAGAIN);
	STEP(mk("dl/c/x/y"), EAGAIN);
	STEP(put("dl/c", "max_depth", "0"), 0);
	STEP(put("dl/c", "max_descendants", "max"), 0);
	STEP(mk("dl/c/y"), EAGAIN);
	STEP(put("dl/c", "max_depth", "max"), 0);
	STEP(mk("dl/c/y"), 0);
	STEP(rm("dl/c/y"), 0);
	STEP(rm("dl/c/x"), 0);
#undef STEP
	if (!failed)
		rep->stage = 0;
	return 0;
}

static void test_delegation(void)
{
	struct deleg_rep rep = { .stage = -1 };
	bool denied = false, own = false;
	char p[PATH_MAX], q[PATH_MAX];
	int rc = -1;

	/* Root delegates dl: the directory and tasks, not the limits. */
	tp(p, sizeof(p), "dl", NULL);
	tp(q, sizeof(q), "dl", "tasks");
	if (fresh("dl") && !chown(p, USER1, USER1) && !chown(q, USER1, USER1))
		rc = run_child(deleg_child, NULL, &rep, sizeof(rep));
	else
		ksft_print_msg("delegation setup failed: %s\n", strerror(errno));
	if (rc == 0 && rep.stage != 0)
		ksft_print_msg("uid %d: %s: got %s\n", USER1, rep.what,
			       rep.err ? strerror(rep.err) : "success");
	else if (rc)
		ksft_print_msg("delegation child: rc %d\n", rc);
	denied = rc == 0 && (rep.stage == 0 || rep.stage > 3) &&
		 reads_ok("dl", "max_depth", "max\n") &&
		 reads_ok("dl", "max_descendants", "max\n");
	own = rc == 0 && rep.stage == 0 &&
	      reads_ok("dl/c", "max_descendants", "max\n");
	drop("dl");
	ksft_test_result(denied,
			 "delegation: uid 1001 owning dir and tasks only: limits of it -> EACCES\n");
	ksft_test_result(own,
			 "delegation: uid 1001 sets max_descendants/max_depth of its own child, enforced on its mkdirs\n");
}

/* ================= rename ================= */

static char *name_n(size_t n, char c)
{
	static char buf[NAME_MAX + 1];

	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* Does /proc/PID/container read WANT and a newline? */
static bool kid_path_is(pid_t pid, const char *want)
{
	static char got[PATH_MAX + 8];
	char p[64];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/container", pid);
	n = read_path(p, got, sizeof(got));
	if (n > 0 && got[n - 1] == '\n' && (size_t)n == strlen(want) + 1 &&
	    !strncmp(got, want, n - 1))
		return true;
	ksft_print_msg("/proc/%d/container: %s, %zd bytes '%.30s...', want %zu bytes '%.30s...'\n",
		       pid, n < 0 ? strerror(-n) : "read", n, n < 0 ? "" : got,
		       strlen(want) + 1, want);
	return false;
}

#define exists_at(dfd, name) (faccessat(dfd, name, F_OK, 0) == 0)

static void test_rename(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	static char want[PATH_MAX + 8], p[PATH_MAX + 8];
	bool built = false, refused = false, fits = false;
	int fd[24], n = 0, levels, f, i, r, rfd = -1;
	const char *t = "t";
	char w[32], nm[NAME_MAX + 1];
	size_t base, len;

	/*
	 * TOP/ren/t/<255>/.../<255>/<f>: the deepest path is DEEP bytes, with
	 * f from 1 to 255 ("tt" instead of "t" if it would be 256).
	 */
	base = strlen(top_ct) + strlen("/ren/t");
	levels = (DEEP - base - 2) / 256;
	f = DEEP - base - 1 - 256 * levels;
	if (f > NAME_MAX) {
		t = "tt";
		f--;
	}
	if (!fresh("ren"))
		goto out;
	tp(p, sizeof(p), "ren", NULL);
	rfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0 || mkdirat(rfd, t, 0755))
		goto out;
	fd[n++] = openat(rfd, t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A shorter second branch: the longest path below is what counts. */
	if (fd[0] < 0 || mkdirat(fd[0], "short", 0755))
		goto out;
	len = snprintf(want, sizeof(want), "%s/ren/%s", top_ct, t);
	for (i = 0; i <= levels; i++) {
		snprintf(nm, sizeof(nm), "%s",
			 i < levels ? name_n(NAME_MAX, 'a' + i % 26) : name_n(f, 'z'));
		fd[n] = -1;
		if (!mkdirat(fd[n - 1], nm, 0755))
			fd[n] = openat(fd[n - 1], nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd[n] < 0) {
			ksft_print_msg("chain level %d: %s\n", i, strerror(errno));
			goto out;
		}
		n++;
		len += snprintf(want + len, sizeof(want) - len, "/%s", nm);
	}
	if (len != DEEP) {
		ksft_print_msg("chain path is %zu bytes, want %d\n", len, DEEP);
		goto out;
	}
	/* A task in the deepest container. */
	i = kid_start(&k, -1) ? -1 : openat(fd[n - 1], "tasks", O_WRONLY | O_CLOEXEC);
	snprintf(w, sizeof(w), "%d\n", k.pid);
	built = i >= 0 && is(write_fd(i, w, strlen(w)) < 0 ? errno : 0, 0, "attach") &&
		kid_path_is(k.pid, want);
	if (i >= 0)
		close(i);
	if (!built)
		goto out;

	/* One byte too many (4095), and far too many: refused, nothing moves. */
	refused = true;
	for (i = 0; i < 2; i++) {
		size_t l = i ? 200 : LIMIT_MAX + 1 - DEEP + strlen(t);

		snprintf(nm, sizeof(nm), "%s", name_n(l, 'T'));
		r = renameat(rfd, t, rfd, nm) ? errno : 0;
		ksft_print_msg("rename to a %zu-byte name: deepest path %zu bytes\n", l,
			       DEEP - strlen(t) + l);
		if (!is(r, ENAMETOOLONG, "rename")) {
			refused = false;
			if (!r && renameat(rfd, nm, rfd, t))
				ksft_print_msg("rename back: %s\n", strerror(errno));
		} else if (exists_at(rfd, nm) || !exists_at(rfd, t)) {
			ksft_print_msg("the refused rename changed the names\n");
			refused = false;
		}
	}
	snprintf(nm, sizeof(nm), "%s", name_n(f, 'z'));
	refused = refused && kid_path_is(k.pid, want) &&
		  exists_at(fd[0], "short") && exists_at(fd[n - 2], nm);

	/* Exactly 4094 bytes, then within the limit, then back. */
	snprintf(nm, sizeof(nm), "%s", name_n(LIMIT_MAX - DEEP + strlen(t), 'T'));
	if (!is(renameat(rfd, t, rfd, nm) ? errno : 0, 0, "rename making a 4094-byte path"))
		goto out;
	snprintf(p, sizeof(p), "%s/ren/%s%s", top_ct, nm,
		 want + strlen(top_ct) + strlen("/ren/") + strlen(t));
	fits = strlen(p) == LIMIT_MAX && kid_path_is(k.pid, p);
	/* And back: a rename that shortens every path. */
	fits &= is(renameat(rfd, nm, rfd, t) ? errno : 0, 0, "rename back") &&
		kid_path_is(k.pid, want);
out:
	kid_stop(&k);
	while (n > 0)
		if (fd[--n] >= 0)
			close(fd[n]);
	if (rfd >= 0)
		close(rfd);
	drop("ren");
	ksft_test_result(refused,
			 "rename making a descendant's path 4095 bytes or more: ENAMETOOLONG, nothing changed\n");
	ksft_test_result(fits,
			 "rename making the deepest path exactly 4094 bytes, or less: allowed\n");
}

/* ================= read-only mounts ================= */

/* mkdir and rmdir TOP/rw through the main mount. */
static bool main_writable(void)
{
	int r = mk("rw");

	return is(r ? r : rm("rw"), 0, "mkdir and rmdir through the main mount");
}

static int mount_second(unsigned long flags, const char *data)
{
	if (mount("none", MNT, "container", flags, data))
		return errno;
	mounted = true;
	return 0;
}

static void unmount_second(bool *ok)
{
	if (!is(umount(MNT) ? errno : 0, 0, "umount " MNT)) {
		*ok = false;
		umount2(MNT, MNT_DETACH);
	}
	mounted = false;
}

/* A new mount with FLAGS and DATA that must be refused with EINVAL. */
static void mount_refused(unsigned long flags, const char *data, const char *what)
{
	int r = mount_second(flags, data);
	bool ok = is(r, EINVAL, what);

	if (!r) {
		/* Undo a shared read-only superblock before anything else. */
		mount(NULL, MNT, NULL, MS_REMOUNT, NULL);
		unmount_second(&ok);
	}
	ok &= main_writable();
	ksft_test_result(ok, "mount %s: EINVAL, the tree stays writable\n", what);
}

static void test_mount_ro(void)
{
	mount_refused(MS_RDONLY, NULL, "MS_RDONLY");
	mount_refused(0, "ro", "with data \"ro\" (-o ro)");
}

static void test_remount_ro(void)
{
	char p[PATH_MAX];
	bool ok = false;
	int r = mount_second(0, NULL);

	snprintf(p, sizeof(p), MNT "/%s/rw2", top_ct + 1);
	if (r) {
		ksft_print_msg("second mount: %s\n", strerror(r));
		goto out;
	}
	r = mount(NULL, MNT, NULL, MS_REMOUNT | MS_RDONLY, NULL) ? errno : 0;
	ok = is(r, EINVAL, "remount MS_RDONLY");
	if (!r && mount(NULL, MNT, NULL, MS_REMOUNT, NULL))
		ksft_print_msg("remount rw: %s\n", strerror(errno));
	/* Writable through both mounts. */
	ok &= is(mkdir(p, 0755) || rmdir(p) ? errno : 0, 0,
		 "mkdir and rmdir through the second mount");
out:
	ok &= main_writable();
	if (mounted)
		unmount_second(&ok);
	ksft_test_result(ok,
			 "remount ro of a second mount: EINVAL, the tree stays writable everywhere\n");
}

static void test_bind_ro(void)
{
	char p[PATH_MAX];
	bool ok = false;
	int r, fd;

	if (mount(CROOT, MNT, NULL, MS_BIND, NULL)) {
		ksft_print_msg("bind mount: %s\n", strerror(errno));
		goto out;
	}
	mounted = true;
	if (mount(NULL, MNT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) {
		ksft_print_msg("remount,bind,ro: %s\n", strerror(errno));
		goto out;
	}
	snprintf(p, sizeof(p), MNT "/%s/ro", top_ct + 1);
	r = mkdir(p, 0755) ? errno : 0;
	if (!r)
		rm("ro");
	ok = is(r, EROFS, "mkdir through the ro bind mount");
	snprintf(p, sizeof(p), MNT "/%s/tasks", top_ct + 1);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	r = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	ok &= is(r, EROFS, "open tasks for writing through the ro bind mount");
out:
	ok &= main_writable();
	if (mounted)
		unmount_second(&ok);
	ksft_test_result(ok, "bind mount made ro: EROFS through it, " CROOT " stays writable\n");
}

static const struct test tests[] = {
	{ test_defaults, 1 },
	{ test_valid_writes, 1 },
	{ test_invalid_writes, 1 },
	{ test_depth, 1 },
	{ test_descendants, 1 },
	{ test_lowering, 1 },
	{ test_ancestor, 1 },
	{ test_delegation, 2 },
	{ test_rename, 2 },
	{ test_mount_ro, 2 },
	{ test_remount_ro, 1 },
	{ test_bind_ro, 1 },
};

int main(void)
{
	main_pid = getpid();
	snprintf(top_ct, sizeof(top_ct), "/limits_test.%d", main_pid);
	snprintf(top, sizeof(top), CROOT "%s", top_ct);

	ksft_print_header();
	require_containers(CROOT "/tasks");
	ksft_set_plan(tests_plan(tests, ARRAY_SIZE(tests)));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	if (mkdir(top, 0755))
		ksft_exit_fail_msg("mkdir %s: %s\n", top, strerror(errno));
	if (mkdir(MNT, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", MNT, strerror(errno));

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
