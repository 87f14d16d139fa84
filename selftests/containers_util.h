/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the C selftests of process containers, so that every
 * test reads, writes and cleans up the container filesystem the same way.
 *
 * Two parts are compiled in only when the test asks for them by defining
 * their limit before including this file (tests that do not use them would
 * otherwise get unused-variable warnings):
 *   MAX_CTS   the registry of named containers: ct_create(), ct_destroy(),
 *             ct_destroy_all(), and name_of() for "<prefix>_<suffix>" names
 *   MAX_KIDS  helper children that block until told to exit: kid_start(),
 *             kid_stop(), kids_kill_all()
 */
#ifndef __CONTAINERS_UTIL_H
#define __CONTAINERS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#define CROOT "/dev/container"

/*
 * ksft_print_msg() under a logging function name that checkpatch knows,
 * for the messages whose format string does not fit in 100 columns: like
 * the format of a printk(), it is kept whole so that it can be grepped.
 */
#define ct_info(...) ksft_print_msg(__VA_ARGS__)

/*
 * Flags and counters shared with other processes or threads, as in the
 * kernel: each access is one untorn load or store that the compiler
 * neither caches, nor merges, nor drops.
 */
#ifndef READ_ONCE
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
#endif

/*
 * Set by main(): forked children inherit the atexit() cleanup and must
 * not run it, and helper children check they still have this parent.
 */
static pid_t main_pid;

/* ---------- small file helpers ---------- */

/*
 * Open PATH, write LEN bytes of BUF in one write(). Returns the write()
 * result, or -errno (open or write failure). One write() per open, as the
 * kernel sees it, is what the tests of partial and odd input rely on.
 */
static inline ssize_t write_path(const char *path, const void *buf, size_t len)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, buf, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* write() on an already open FD; returns the result or -errno. */
static inline ssize_t write_fd(int fd, const void *buf, size_t len)
{
	ssize_t ret = write(fd, buf, len);

	return ret < 0 ? -errno : ret;
}

/* Read the whole file into BUF (NUL terminated). Returns length or -errno. */
static inline ssize_t read_path(const char *path, char *buf, size_t size)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < size - 1) {
		n = read(fd, buf + off, size - 1 - off);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	close(fd);
	return off;
}

/* Monotonic milliseconds, for deadlines that must not follow the wall clock. */
static inline long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* ---------- container paths ---------- */

/* CROOT[/NAME][/FILE]: an empty or NULL NAME is the root container. */
static inline void ct_path(char *out, size_t n, const char *name, const char *file)
{
	if (name && *name)
		snprintf(out, n, CROOT "/%s%s%s", name, file ? "/" : "",
			 file ? file : "");
	else
		snprintf(out, n, CROOT "%s%s", file ? "/" : "", file ? file : "");
}

/* Write "<pid>\n" into NAME/tasks. Returns 0 or -errno; checks the count. */
static inline int ct_attach(const char *name, pid_t pid)
{
	char p[PATH_MAX], w[32];
	ssize_t ret;
	int l;

	ct_path(p, sizeof(p), name, "tasks");
	l = snprintf(w, sizeof(w), "%d\n", pid);
	ret = write_path(p, w, l);
	if (ret < 0)
		return ret;
	if (ret != l) {
		ksft_print_msg("write of %d bytes to %s returned %zd\n", l, p, ret);
		return -EIO;
	}
	return 0;
}

/* ---------- child processes ---------- */

/*
 * Run FN(ARG) in a forked child; the child's return value is its exit
 * status. REP/REPLEN: a report the child fills in, copied back through a
 * pipe. Returns the exit status, or -1 if the child died abnormally.
 */
static inline int run_child(int (*fn)(void *arg, void *rep), void *arg, void *rep,
			    size_t replen)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int rc;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		rc = fn(arg, rep);
		if (replen && write(p[1], rep, replen) != (ssize_t)replen)
			_exit(125);
		_exit(rc);
	}
	close(p[1]);
	n = replen ? read(p[0], rep, replen) : 0;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (replen && n != (ssize_t)replen) {
		ksft_print_msg("child %d sent no report\n", pid);
		return -1;
	}
	if (!WIFEXITED(status)) {
		ksft_print_msg("child %d died with signal %d\n", pid,
			       WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

/* ---------- test setup and the table of tests ---------- */

/*
 * Skip unless root on a kernel with process containers; fail if the kernel
 * has them but FILE, a file of the container filesystem, is missing.
 */
static inline void require_containers(const char *file)
{
	struct stat st;

	if (geteuid() != 0)
		ksft_exit_skip("must run as root\n");
	if (stat(file, &st)) {
		/* A kernel with containers must have the filesystem mounted. */
		if (access("/proc/self/container", F_OK))
			ksft_exit_skip("kernel without process containers\n");
		ksft_exit_fail_msg("the container filesystem is not mounted at " CROOT "\n");
	}
}

/* A test function and the number of KTAP results it reports. */
struct test {
	void (*fn)(void);
	int results;
};

/* The KTAP plan of a table of N tests. */
static inline unsigned int tests_plan(const struct test *tests, unsigned int n)
{
	unsigned int plan = 0, i;

	for (i = 0; i < n; i++)
		plan += tests[i].results;
	return plan;
}

/* Run the N tests of the table in order. */
static inline void run_tests(const struct test *tests, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int before = ksft_test_num(), done;

		tests[i].fn();
		done = ksft_test_num() - before;
		/* Keep the plan honest even if a test function is wrong. */
		while (done < (unsigned int)tests[i].results) {
			ksft_test_result_error("test %u reported too few results\n", i);
			done++;
		}
		if (done > (unsigned int)tests[i].results)
			ksft_print_msg("test %u reported %u results, expected %d\n",
				       i, done, tests[i].results);
	}
}

#ifdef MAX_CTS
/* ---------- container registry (cleaned up on every path) ---------- */

/* Per-run name prefix, so that runs never meet each other's containers. */
static char prefix[32];
/* Containers still to remove, in creation order (parents first). */
static char *cts[MAX_CTS];
static int ncts;

static inline void name_of(char *out, size_t n, const char *suffix)
{
	snprintf(out, n, "%s_%s", prefix, suffix);
}

static inline int ct_create(const char *name)
{
	char p[PATH_MAX];

	ct_path(p, sizeof(p), name, NULL);
	if (mkdir(p, 0755) < 0) {
		ksft_print_msg("mkdir %s: %s\n", p, strerror(errno));
		return -1;
	}
	if (ncts < MAX_CTS)
		cts[ncts++] = strdup(name);
	else
		ksft_print_msg("too many containers to track: %s\n", name);
	return 0;
}

static inline void ct_forget(const char *name)
{
	int i;

	for (i = 0; i < ncts; i++) {
		if (cts[i] && !strcmp(cts[i], name)) {
			free(cts[i]);
			cts[i] = NULL;
		}
	}
	/* Keep creation order; drop the forgotten tail. */
	while (ncts > 0 && !cts[ncts - 1])
		ncts--;
}

/* Move every task of NAME back to the root, then rmdir it (best effort). */
static inline int ct_destroy(const char *name)
{
	static char buf[1 << 17];
	char p[PATH_MAX];
	int tries;

	for (tries = 0; tries < 50; tries++) {
		char *s, *e;

		ct_path(p, sizeof(p), name, "tasks");
		if (read_path(p, buf, sizeof(buf)) > 0) {
			for (s = buf; *s; s = e) {
				long pid = strtol(s, &e, 10);
				char w[32];
				int l;

				if (e == s)
					break;
				while (*e == '\n')
					e++;
				l = snprintf(w, sizeof(w), "%ld\n", pid);
				write_path(CROOT "/tasks", w, l);
			}
		}
		ct_path(p, sizeof(p), name, NULL);
		if (rmdir(p) == 0 || errno == ENOENT) {
			ct_forget(name);
			return 0;
		}
		usleep(20000);
	}
	ksft_print_msg("cleanup: cannot remove %s: %s\n", p, strerror(errno));
	return -1;
}

/* Remove every tracked container, children before their parents. */
static inline void ct_destroy_all(void)
{
	int i;

	for (i = ncts - 1; i >= 0; i--)
		if (cts[i])
			ct_destroy(cts[i]);
}
#endif /* MAX_CTS */

#ifdef MAX_KIDS
/* ---------- helper children ---------- */

struct kid {
	pid_t pid;
	int ctl;	/* write a byte to let it exit */
};

/* Started and not yet stopped, for the cleanup after a failed test. */
static struct kid *kids[MAX_KIDS];

static inline void kid_register(struct kid *k)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++) {
		if (!kids[i]) {
			kids[i] = k;
			return;
		}
	}
}

static inline void kid_unregister(struct kid *k)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++)
		if (kids[i] == k)
			kids[i] = NULL;
}

/*
 * A child that optionally switches to UID and then blocks until the
 * parent writes a byte (or dies).
 */
static inline int kid_start(struct kid *k, int uid)
{
	int ctl[2], rdy[2];
	char c;

	k->pid = -1;
	k->ctl = -1;
	if (pipe2(ctl, O_CLOEXEC) || pipe2(rdy, O_CLOEXEC)) {
		ksft_perror("pipe");
		return -1;
	}
	fflush(stdout);
	k->pid = fork();
	if (k->pid < 0) {
		ksft_perror("fork");
		return -1;
	}
	if (k->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(0);
		close(ctl[1]);
		close(rdy[0]);
		if (uid >= 0 && (setresgid(uid, uid, uid) ||
				 setresuid(uid, uid, uid)))
			_exit(1);
		c = 1;
		if (write(rdy[1], &c, 1) != 1)
			_exit(1);
		close(rdy[1]);
		while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ctl[0]);
	close(rdy[1]);
	k->ctl = ctl[1];
	kid_register(k);
	if (read(rdy[0], &c, 1) != 1) {
		ksft_print_msg("helper child %d failed to start\n", k->pid);
		close(rdy[0]);
		return -1;
	}
	close(rdy[0]);
	return 0;
}

static inline void kid_stop(struct kid *k)
{
	if (k->pid > 0) {
		if (k->ctl >= 0 && write(k->ctl, "x", 1) != 1)
			kill(k->pid, SIGKILL);
		waitpid(k->pid, NULL, 0);
	}
	if (k->ctl >= 0)
		close(k->ctl);
	k->pid = -1;
	k->ctl = -1;
	kid_unregister(k);
}

/* Kill and reap every helper child still registered (cleanup path). */
static inline void kids_kill_all(void)
{
	int i;

	for (i = 0; i < MAX_KIDS; i++) {
		if (kids[i] && kids[i]->pid > 0) {
			kill(kids[i]->pid, SIGKILL);
			waitpid(kids[i]->pid, NULL, 0);
			kids[i]->pid = -1;
			if (kids[i]->ctl >= 0)
				close(kids[i]->ctl);
			kids[i]->ctl = -1;
		}
		kids[i] = NULL;
	}
}
#endif /* MAX_KIDS */

#endif /* __CONTAINERS_UTIL_H */
