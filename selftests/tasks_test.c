// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: the "tasks" file.
 *
 * Reads: ascending order, the exact set of tasks, threads listed by tid,
 * thousands of tasks read with tiny and large buffers and after a rewind,
 * and readers in a child pid namespace.
 * Writes: malformed input and its errno, accepted forms, "0" as the writer
 * itself, missing/zombie/kernel-thread targets, a removed container, and
 * the rule that the credentials of the file's opener (not the writer's)
 * decide the permission.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_CTS 32
#define MAX_KIDS 64

#include "containers_util.h"

/* ---------- small file helpers ---------- */

/* Read from FD until EOF in chunks of CHUNK bytes into BUF. */
static ssize_t read_fd_chunks(int fd, char *buf, size_t size, size_t chunk,
			      long *calls)
{
	size_t off = 0;
	ssize_t n;

	*calls = 0;
	for (;;) {
		size_t want = chunk;

		if (off + want > size - 1)
			want = size - 1 - off;
		if (want == 0)
			return -EFBIG;
		n = read(fd, buf + off, want);
		(*calls)++;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		off += n;
	}
	buf[off] = '\0';
	return off;
}

/* ---------- cleanup ---------- */

static void cleanup_all(void)
{
	if (getpid() != main_pid)
		return;
	kids_kill_all();
	/* Make sure the test process itself is back in the root. */
	write_path(CROOT "/tasks", "0\n", 2);
	ct_destroy_all();
}

/* ---------- container-specific helpers ---------- */

/* The expected /proc/.../container content for container NAME. */
static void ct_expect(char *out, size_t n, const char *name)
{
	if (name && *name)
		snprintf(out, n, "/%s\n", name);
	else
		snprintf(out, n, "/\n");
}

/* Compare /proc/<pid>/task/<tid>/container to container NAME. */
static bool proc_ct_is(pid_t pid, pid_t tid, const char *name)
{
	char p[64], got[PATH_MAX], exp[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/task/%d/container", pid, tid);
	n = read_path(p, got, sizeof(got));
	ct_expect(exp, sizeof(exp), name);
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return false;
	}
	if (strcmp(got, exp)) {
		ksft_print_msg("%s: expected '%.*s', got '%.*s'\n", p,
			       (int)strlen(exp) - 1, exp,
			       (int)(n && got[n - 1] == '\n' ? n - 1 : n), got);
		return false;
	}
	return true;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * Parse a tasks file content into PIDS (at most MAX). Fails on a malformed
 * line. Returns the count or -1.
 */
static int parse_tasks(const char *buf, int *pids, int max)
{
	const char *s = buf;
	int n = 0;

	while (*s) {
		char *e;
		long v = strtol(s, &e, 10);

		if (e == s || *e != '\n' || v <= 0 || v > INT_MAX) {
			ksft_print_msg("malformed tasks line at offset %ld: '%.20s'\n",
				       (long)(s - buf), s);
			return -1;
		}
		if (n >= max) {
			ksft_print_msg("more than %d lines in tasks\n", max);
			return -1;
		}
		pids[n++] = v;
		s = e + 1;
	}
	return n;
}

/*
 * Check that CONTENT lists exactly EXP (any order given; sorted here), in
 * strictly ascending order. WHAT names the check in diagnostics.
 */
static bool tasks_match(const char *what, const char *content, int *exp,
			int nexp)
{
	int *got, ngot, i;
	bool ok = true;

	got = calloc(nexp + 64, sizeof(int));
	if (!got)
		return false;
	ngot = parse_tasks(content, got, nexp + 64);
	if (ngot < 0) {
		free(got);
		return false;
	}
	for (i = 1; i < ngot; i++) {
		if (got[i] <= got[i - 1]) {
			ksft_print_msg("%s: not ascending at line %d: %d after %d\n",
				       what, i + 1, got[i], got[i - 1]);
			ok = false;
			break;
		}
	}
	qsort(exp, nexp, sizeof(int), cmp_int);
	qsort(got, ngot, sizeof(int), cmp_int);
	if (ngot != nexp) {
		ksft_print_msg("%s: expected %d tasks, got %d\n", what, nexp, ngot);
		ok = false;
	}
	for (i = 0; i < nexp && i < ngot; i++) {
		if (got[i] != exp[i]) {
			ct_info("%s: first difference at sorted index %d: expected %d, got %d\n",
				what, i, exp[i], got[i]);
			ok = false;
			break;
		}
	}
	if (!ok && nexp <= 16) {
		char e[256] = "", g[256] = "";
		int l;

		for (i = 0, l = 0; i < nexp && l < 240; i++)
			l += snprintf(e + l, sizeof(e) - l, "%d ", exp[i]);
		for (i = 0, l = 0; i < ngot && i < 16 && l < 240; i++)
			l += snprintf(g + l, sizeof(g) - l, "%d ", got[i]);
		ksft_print_msg("%s: expected { %s}, got { %s}\n", what, e, g);
	}
	free(got);
	return ok;
}

static bool ct_tasks_are(const char *name, int *exp, int nexp)
{
	static char buf[1 << 17];
	char p[PATH_MAX];
	ssize_t n;

	ct_path(p, sizeof(p), name, "tasks");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return false;
	}
	return tasks_match(p, buf, exp, nexp);
}

/* ================= reads ================= */

/* N children moved in, in descending pid order: tasks lists them sorted. */
static void test_sorted_exact_set(void)
{
	enum { N = 20 };
	struct kid k[N], other;
	int exp[N], i, n = 0, err;
	char name[64];
	bool ok = false;

	name_of(name, sizeof(name), "set");
	memset(k, 0, sizeof(k));
	memset(&other, 0, sizeof(other));
	for (i = 0; i < N; i++)
		k[i].pid = -1;
	other.pid = -1;
	if (ct_create(name))
		goto out;
	for (i = 0; i < N; i++) {
		if (kid_start(&k[i], -1))
			goto out;
		n++;
	}
	if (kid_start(&other, -1))
		goto out;
	/* Reverse creation order, so "insertion order" is not ascending. */
	for (i = N - 1; i >= 0; i--) {
		err = ct_attach(name, k[i].pid);
		if (err) {
			ksft_print_msg("attach %d: %s\n", k[i].pid, strerror(-err));
			goto out;
		}
		exp[N - 1 - i] = k[i].pid;
	}
	ok = ct_tasks_are(name, exp, N);
	/* "other" must still be in the root. */
	if (!proc_ct_is(other.pid, other.pid, NULL))
		ok = false;
	for (i = 0; i < N; i++)
		if (!proc_ct_is(k[i].pid, k[i].pid, name))
			ok = false;
out:
	for (i = 0; i < N; i++)
		if (k[i].pid > 0)
			kid_stop(&k[i]);
	if (other.pid > 0)
		kid_stop(&other);
	if (ok) {
		char p[PATH_MAX];

		ct_path(p, sizeof(p), name, NULL);
		if (rmdir(p)) {
			ksft_print_msg("rmdir %s after reaping: %s\n", p,
				       strerror(errno));
			ok = false;
		}
	}
	ct_destroy(name);
	ksft_test_result(ok, "read: %d tasks listed exactly once, ascending, nothing else\n",
			 N);
}

/* A process with 3 extra pthreads: one thread moves alone; all tids listed. */
struct thr_ctl {
	int ctl_rd;
	int tid_wr;
};

static void *thr_fn(void *arg)
{
	struct thr_ctl *t = arg;
	pid_t tid = gettid();
	char c;

	if (write(t->tid_wr, &tid, sizeof(tid)) != sizeof(tid))
		_exit(1);
	/* Block forever; the process exits from its main thread. */
	for (;;)
		if (read(t->ctl_rd, &c, 1) >= 0)
			pause();
	return NULL;
}

static void test_threads_by_tid(void)
{
	int ctl[2] = { -1, -1 }, tids[2] = { -1, -1 };
	pid_t pid = -1, tid[4];
	char name[64], p[PATH_MAX];
	bool ok1 = false, ok2 = false;
	int i, err;

	name_of(name, sizeof(name), "thr");
	if (ct_create(name))
		goto out;
	if (pipe2(ctl, O_CLOEXEC) || pipe2(tids, O_CLOEXEC))
		goto out;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		struct thr_ctl t = { .ctl_rd = -1, .tid_wr = tids[1] };
		pthread_t th[3];
		int dummy[2];
		pid_t me = gettid();
		char c;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ctl[1]);
		/* The threads block on a pipe nobody writes to. */
		if (pipe(dummy))
			_exit(1);
		t.ctl_rd = dummy[0];
		if (write(tids[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		for (i = 0; i < 3; i++)
			if (pthread_create(&th[i], NULL, thr_fn, &t))
				_exit(1);
		while (read(ctl[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ctl[0]);
	ctl[0] = -1;
	close(tids[1]);
	tids[1] = -1;
	for (i = 0; i < 4; i++) {
		if (read(tids[0], &tid[i], sizeof(tid[i])) != sizeof(tid[i])) {
			ksft_print_msg("thread child did not report 4 tids\n");
			goto out;
		}
	}
	/* Move one non-main thread: only it changes container. */
	err = ct_attach(name, tid[2]);
	if (err) {
		ksft_print_msg("attach tid %d: %s\n", tid[2], strerror(-err));
		goto out;
	}
	ok1 = ct_tasks_are(name, &tid[2], 1);
	for (i = 0; i < 4; i++)
		if (!proc_ct_is(pid, tid[i], i == 2 ? name : NULL))
			ok1 = false;
	/* Move the others by tid; every tid is listed. */
	for (i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		err = ct_attach(name, tid[i]);
		if (err) {
			ksft_print_msg("attach tid %d: %s\n", tid[i], strerror(-err));
			goto out;
		}
	}
	{
		int exp[4];

		memcpy(exp, tid, sizeof(exp));
		ok2 = ct_tasks_are(name, exp, 4);
	}
	for (i = 0; i < 4; i++)
		if (!proc_ct_is(pid, tid[i], name))
			ok2 = false;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	for (i = 0; i < 2; i++) {
		if (ctl[i] >= 0)
			close(ctl[i]);
		if (tids[i] >= 0)
			close(tids[i]);
	}
	if (ok2) {
		ct_path(p, sizeof(p), name, NULL);
		if (rmdir(p)) {
			ksft_print_msg("rmdir %s after the threaded child was reaped: %s\n",
				       p, strerror(errno));
			ok2 = false;
		}
	}
	ct_destroy(name);
	ksft_test_result(ok1, "write: one thread (tid) moves, the other threads stay\n");
	ksft_test_result(ok2, "read: all 4 threads of a process listed by tid\n");
}

/* ---- 5,000 tasks ---- */

#define MANY 5000
#define TINY_STACK (16 * 1024)

static int tiny_fn(void *arg)
{
	int fd = (int)(long)arg;
	char c;

	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	syscall(SYS_read, fd, &c, 1);
	syscall(SYS_exit, 0);
	return 0;
}

static void test_many_tasks(void)
{
	static char small[MANY * 12 + 64], large[MANY * 12 + 64];
	static char expect[MANY * 12 + 64];
	char name[64], p[PATH_MAX];
	int pfd[2] = { -1, -1 }, *pids = NULL, nkids = 0, i, fd = -1, err;
	bool ok_small = false, ok_large = false, ok_seek = false;
	size_t explen = 0;
	char *stacks = MAP_FAILED;
	struct rlimit rl;
	long calls;
	ssize_t n;
	FILE *f;

	name_of(name, sizeof(name), "many");
	/* Root is exempt from RLIMIT_NPROC, but raise it anyway. */
	rl.rlim_cur = RLIM_INFINITY;
	rl.rlim_max = RLIM_INFINITY;
	setrlimit(RLIMIT_NPROC, &rl);
	f = fopen("/proc/sys/kernel/threads-max", "r+");
	if (f) {
		long tm = 0;

		if (fscanf(f, "%ld", &tm) == 1 && tm < MANY + 2000) {
			rewind(f);
			fprintf(f, "%d\n", MANY + 2000);
		}
		fclose(f);
	}
	pids = calloc(MANY, sizeof(int));
	stacks = mmap(NULL, (size_t)MANY * TINY_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!pids || stacks == MAP_FAILED) {
		ksft_print_msg("cannot allocate memory for %d stacks\n", MANY);
		goto out;
	}
	if (ct_create(name) || pipe(pfd))
		goto out;
	/* Children are created inside the container: move ourselves in. */
	ct_path(p, sizeof(p), name, "tasks");
	if (write_path(p, "0\n", 2) != 2) {
		ksft_print_msg("cannot move the test into %s\n", p);
		goto out;
	}
	for (i = 0; i < MANY; i++) {
		pid_t pid = clone(tiny_fn, stacks + (size_t)(i + 1) * TINY_STACK,
				  CLONE_VM | CLONE_FS | CLONE_FILES | SIGCHLD,
				  (void *)(long)pfd[0]);
		if (pid < 0) {
			ksft_print_msg("clone #%d: %s\n", i, strerror(errno));
			break;
		}
		pids[nkids++] = pid;
	}
	err = ct_attach("", getpid());
	if (err) {
		ksft_print_msg("moving the test back to the root: %s\n",
			       strerror(-err));
		goto out;
	}
	if (nkids != MANY)
		goto out;

	qsort(pids, nkids, sizeof(int), cmp_int);
	for (i = 0; i < nkids; i++)
		explen += snprintf(expect + explen, sizeof(expect) - explen,
				   "%d\n", pids[i]);

	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_perror("open tasks");
		goto out;
	}
	n = read_fd_chunks(fd, small, sizeof(small), 7, &calls);
	if (n < 0) {
		ksft_print_msg("7-byte reads: %s\n", strerror(-n));
	} else if ((size_t)n != explen || memcmp(small, expect, explen)) {
		ksft_print_msg("7-byte reads: expected %zu bytes, got %zd in %ld calls\n",
			       explen, n, calls);
		tasks_match("7-byte reads", small, pids, nkids);
	} else {
		ok_small = true;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		ksft_perror("lseek");
	} else {
		n = read_fd_chunks(fd, large, sizeof(large), 65536, &calls);
		if (n < 0)
			ksft_print_msg("re-read after lseek: %s\n", strerror(-n));
		else if ((size_t)n != explen || memcmp(large, expect, explen))
			ksft_print_msg("re-read after lseek(0): expected %zu bytes, got %zd\n",
				       explen, n);
		else
			ok_seek = true;
	}
	close(fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read_fd_chunks(fd, large, sizeof(large), 65536, &calls);
		if (n < 0) {
			ksft_print_msg("64 KiB reads: %s\n", strerror(-n));
		} else if ((size_t)n != explen || memcmp(large, expect, explen)) {
			ksft_print_msg("64 KiB reads: expected %zu bytes, got %zd in %ld calls\n",
				       explen, n, calls);
			tasks_match("64 KiB reads", large, pids, nkids);
		} else {
			ok_large = true;
		}
		close(fd);
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	write_path(CROOT "/tasks", "0\n", 2);
	if (pfd[1] >= 0)
		close(pfd[1]);	/* wakes every child: EOF */
	for (i = 0; i < nkids; i++) {
		if (waitpid(pids[i], NULL, __WALL) != pids[i]) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, __WALL);
		}
	}
	if (pfd[0] >= 0)
		close(pfd[0]);
	ct_destroy(name);
	if (stacks != MAP_FAILED)
		munmap(stacks, (size_t)MANY * TINY_STACK);
	free(pids);
	ksft_test_result(ok_small, "read: %d tasks, 7-byte read() calls\n", MANY);
	ksft_test_result(ok_large, "read: %d tasks, 64 KiB read() calls\n", MANY);
	ksft_test_result(ok_seek, "read: %d tasks, same content after lseek(fd, 0, SEEK_SET)\n",
			 MANY);
}

/* ---- pid namespaces ---- */

static int pidns_sleeper(int rd)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (read(rd, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Frame: int len, then len bytes. */
static void send_msg(int fd, const char *msg)
{
	int len = strlen(msg);

	if (write(fd, &len, sizeof(len)) != sizeof(len) ||
	    write(fd, msg, len) != len)
		_exit(3);
}

/* pid 1 of the new namespace. */
static int pidns_init(const char *tasks, int res_wr, int go_rd)
{
	char buf[4096], msg[4200];
	int sl[2], i, n;
	pid_t kids2[2];
	char c;

	if (getpid() != 1) {
		snprintf(msg, sizeof(msg), "ERR pid in the new namespace is %d, not 1",
			 getpid());
		send_msg(res_wr, msg);
		return 1;
	}
	if (pipe(sl))
		return 1;
	for (i = 0; i < 2; i++) {
		kids2[i] = fork();
		if (kids2[i] < 0)
			return 1;
		if (kids2[i] == 0) {
			close(res_wr);
			close(go_rd);
			close(sl[1]);
			pidns_sleeper(sl[0]);
		}
	}
	close(sl[0]);
	/* Move pid 2, 3 (our children) and 1 (ourselves), by namespace pid. */
	for (i = 0; i < 3; i++) {
		pid_t target = i < 2 ? kids2[i] : 1;
		char w[16];
		ssize_t r;

		n = snprintf(w, sizeof(w), "%d\n", target);
		r = write_path(tasks, w, n);
		if (r != n) {
			snprintf(msg, sizeof(msg),
				 "ERR writing namespace pid %d to tasks: %s", target,
				 r < 0 ? strerror(-r) : "short write");
			send_msg(res_wr, msg);
			return 1;
		}
	}
	n = read_path(tasks, buf, sizeof(buf));
	if (n < 0) {
		snprintf(msg, sizeof(msg), "ERR reading tasks: %s", strerror(-n));
		send_msg(res_wr, msg);
		return 1;
	}
	snprintf(msg, sizeof(msg), "OK %d %d\n%s", kids2[0], kids2[1], buf);
	send_msg(res_wr, msg);
	while (read(go_rd, &c, 1) < 0 && errno == EINTR)
		;
	close(sl[1]);
	for (i = 0; i < 2; i++)
		waitpid(kids2[i], NULL, 0);
	return 0;
}

/* Return the last NSpid value of PID, and how many levels it has. */
static int nspid_of(pid_t pid, int *levels)
{
	char p[64], buf[4096], *s;
	int last = -1, lv = 0;

	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	if (read_path(p, buf, sizeof(buf)) < 0)
		return -1;
	s = strstr(buf, "\nNSpid:");
	if (!s)
		return -1;
	s += 7;
	while (*s && *s != '\n') {
		char *e;
		long v = strtol(s, &e, 10);

		if (e == s)
			break;
		last = v;
		lv++;
		s = e;
	}
	*levels = lv;
	return last;
}

static void test_pid_namespace(void)
{
	int res[2] = { -1, -1 }, go[2] = { -1, -1 };
	char name[64], tasks[PATH_MAX], msg[4200];
	bool ok_inner = false, ok_outer = false, skip = false;
	struct kid outside = { .pid = -1, .ctl = -1 };
	pid_t x = -1, y;
	int len, status, err;

	name_of(name, sizeof(name), "pidns");
	if (ct_create(name))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	if (kid_start(&outside, -1))
		goto out;
	err = ct_attach(name, outside.pid);
	if (err) {
		ksft_print_msg("attach %d: %s\n", outside.pid, strerror(-err));
		goto out;
	}
	if (pipe2(res, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		goto out;
	fflush(stdout);
	x = fork();
	if (x < 0)
		goto out;
	if (x == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(res[0]);
		close(go[1]);
		if (unshare(CLONE_NEWPID)) {
			send_msg(res[1], "SKIP unshare(CLONE_NEWPID) failed");
			_exit(4);
		}
		y = fork();
		if (y < 0)
			_exit(1);
		if (y == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(pidns_init(tasks, res[1], go[0]));
		}
		close(res[1]);
		close(go[0]);
		if (waitpid(y, &status, 0) != y)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
	}
	close(res[1]);
	res[1] = -1;
	close(go[0]);
	go[0] = -1;
	/* One frame: from pid 1 of the new namespace, or SKIP from X. */
	if (read(res[0], &len, sizeof(len)) != sizeof(len) || len < 0 ||
	    len >= (int)sizeof(msg) || read(res[0], msg, len) != len) {
		ksft_print_msg("pid namespace child sent no report\n");
		goto out;
	}
	msg[len] = '\0';
	if (!strncmp(msg, "OK ", 3)) {
		char *content = strchr(msg, '\n') + 1;
		int in_exp[3] = { 1, 2, 3 }, k1, k2, i, n, got[8];

		if (sscanf(msg, "OK %d %d", &k1, &k2) == 2 && (k1 != 2 || k2 != 3))
			ksft_print_msg("note: namespace children are %d and %d\n",
				       k1, k2);
		in_exp[1] = k1;
		in_exp[2] = k2;
		ok_inner = tasks_match("tasks read in the child pid namespace",
				       content, in_exp, 3);
		if (!ok_inner)
			ksft_print_msg("child namespace read: '%s'\n", content);

		/* Our own read: 4 tasks, 3 of them in the child namespace. */
		{
			static char buf[4096];

			n = read_path(tasks, buf, sizeof(buf));
			n = n < 0 ? -1 : parse_tasks(buf, got, 8);
		}
		if (n != 4) {
			ksft_print_msg("init-namespace read: expected 4 tasks, got %d\n",
				       n);
		} else {
			int seen = 0, lv = 0;

			ok_outer = true;
			for (i = 0; i < 4; i++) {
				int last;

				if (got[i] == outside.pid) {
					seen |= 8;
					continue;
				}
				last = nspid_of(got[i], &lv);
				if (lv != 2 || last < 1 || last > 3) {
					ct_info("init-namespace read lists %d (NSpid last %d, %d levels)\n",
						got[i], last, lv);
					ok_outer = false;
					continue;
				}
				seen |= 1 << (last - 1);
			}
			if (seen != 15) {
				ksft_print_msg("init-namespace read misses tasks (mask %#x)\n",
					       seen);
				ok_outer = false;
			}
		}
	} else if (!strncmp(msg, "SKIP", 4)) {
		skip = true;
		ksft_print_msg("%s\n", msg);
	} else {
		ksft_print_msg("pid namespace child: %s\n", msg);
	}
	if (write(go[1], "x", 1) != 1)
		kill(x, SIGKILL);
	if (waitpid(x, &status, 0) == x) {
		x = -1;
		if (!skip && (!WIFEXITED(status) || WEXITSTATUS(status))) {
			ksft_print_msg("pid namespace child failed (status %#x)\n",
				       status);
			ok_inner = false;
		}
	}
out:
	if (x > 0) {
		kill(x, SIGKILL);
		waitpid(x, NULL, 0);
	}
	if (outside.pid > 0)
		kid_stop(&outside);
	for (len = 0; len < 2; len++) {
		if (res[len] >= 0)
			close(res[len]);
		if (go[len] >= 0)
			close(go[len]);
	}
	ct_destroy(name);
	if (skip) {
		ksft_test_result_report(KSFT_SKIP,
					"read: child pid namespace sees its own pids (no CLONE_NEWPID)\n");
		ksft_test_result_report(KSFT_SKIP,
					"read: init namespace sees the global pids (no CLONE_NEWPID)\n");
		return;
	}
	ksft_test_result(ok_inner,
			 "read: a child pid namespace lists only its own tasks, by its pids (1 2 3)\n");
	ksft_test_result(ok_outer,
			 "read: the init namespace lists the same tasks by their global pids\n");
}

/* ================= writes ================= */

struct bad_input {
	const char *fmt;	/* may contain one %d for a live pid */
	int err;
	const char *what;
};

static const struct bad_input bad_inputs[] = {
	{ "\n", EINVAL, "empty (\"\\n\")" },
	{ "abc", EINVAL, "\"abc\"" },
	{ "-1", EINVAL, "\"-1\"" },
	{ "-%d", EINVAL, "negative live pid" },
	{ "2147483648", EINVAL, "\"2147483648\" (INT_MAX + 1)" },
	{ "99999999999999999999", EINVAL, "\"99999999999999999999\"" },
	{ "4294967296%d", EINVAL, "2^32 * 10^k + pid (wraps to a live pid)" },
	{ "1 2", EINVAL, "\"1 2\"" },
	{ "%d %d", EINVAL, "two live pids" },
	{ "12abc", EINVAL, "\"12abc\"" },
	{ "%dabc", EINVAL, "live pid followed by text" },
	{ "%d\n\n%d", EINVAL, "two live pids on two lines" },
};

static void test_bad_inputs(void)
{
	size_t nb = ARRAY_SIZE(bad_inputs), i;
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], tasks[PATH_MAX], buf[128];
	bool setup = false, clean;

	name_of(name, sizeof(name), "bad");
	if (!ct_create(name) && !kid_start(&k, -1))
		setup = true;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	for (i = 0; i < nb; i++) {
		const struct bad_input *b = &bad_inputs[i];
		ssize_t r;
		int l;

		if (!setup) {
			ksft_test_result_fail("write %s -> %s: setup failed\n",
					      b->what, strerror(b->err));
			continue;
		}
		l = snprintf(buf, sizeof(buf), b->fmt, k.pid, k.pid);
		r = write_path(tasks, buf, l);
		clean = proc_ct_is(k.pid, k.pid, NULL);
		if (r != -b->err)
			ksft_print_msg("write '%s': expected %s, got %zd (%s)\n",
				       buf, strerror(b->err), r,
				       r < 0 ? strerror(-r) : "success");
		if (!clean) {
			ksft_print_msg("the malformed write moved pid %d; moving it back\n",
				       k.pid);
			ct_attach("", k.pid);
		}
		ksft_test_result(r == -b->err && clean, "write %s -> %s\n",
				 b->what, strerror(b->err));
	}
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(name);
}

/* Whitespace and kstrtoint forms that must be accepted; E2BIG above 64. */
static void test_accepted_forms_and_length(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], tasks[PATH_MAX], buf[128];
	static const char *const forms[] = {
		" %d\n", "\t%d\x20\x20\n", "%d", "+%d", "  %d\n\n",
	};
	bool ok_forms = false, ok_64 = false, ok_65 = false;
	size_t i;
	ssize_t r;
	int l;

	name_of(name, sizeof(name), "forms");
	if (ct_create(name) || kid_start(&k, -1))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	ok_forms = true;
	for (i = 0; i < ARRAY_SIZE(forms) + 1; i++) {
		if (i < ARRAY_SIZE(forms))
			l = snprintf(buf, sizeof(buf), forms[i], k.pid);
		else
			l = snprintf(buf, sizeof(buf), "%#x\n", k.pid);
		r = write_path(tasks, buf, l);
		if (r != l) {
			ksft_print_msg("write '%s': expected %d, got %zd (%s)\n",
				       buf, l, r, r < 0 ? strerror(-r) : "short");
			ok_forms = false;
		} else if (!proc_ct_is(k.pid, k.pid, name)) {
			ok_forms = false;
		}
		/* Back to the root for the next form. */
		if (ct_attach("", k.pid) || !proc_ct_is(k.pid, k.pid, NULL))
			ok_forms = false;
	}

	/* Exactly 64 bytes: accepted. */
	l = snprintf(buf, sizeof(buf), "%*d", 64, k.pid);
	r = write_path(tasks, buf, l);
	ok_64 = r == 64 && proc_ct_is(k.pid, k.pid, name);
	if (r != 64)
		ksft_print_msg("64-byte write: expected 64, got %zd (%s)\n", r,
			       r < 0 ? strerror(-r) : "success");
	ct_attach("", k.pid);

	/* 65 bytes (64 spaces and a digit): E2BIG. */
	memset(buf, ' ', 64);
	buf[64] = '1';
	buf[65] = '\0';
	r = write_path(tasks, buf, 65);
	ok_65 = r == -E2BIG;
	if (!ok_65)
		ksft_print_msg("65-byte write: expected E2BIG, got %zd (%s)\n", r,
			       r < 0 ? strerror(-r) : "success");
	/* 65 bytes naming a live pid: E2BIG, and it does not move. */
	l = snprintf(buf, sizeof(buf), "%*d", 65, k.pid);
	r = write_path(tasks, buf, l);
	if (r != -E2BIG) {
		ksft_print_msg("65-byte write of pid %d: expected E2BIG, got %zd (%s)\n",
			       k.pid, r, r < 0 ? strerror(-r) : "success");
		ok_65 = false;
	}
	if (!proc_ct_is(k.pid, k.pid, NULL))
		ok_65 = false;
out:
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(name);
	ksft_test_result(ok_forms,
			 "write: surrounding whitespace, '+', hex accepted, returns the byte count\n");
	ksft_test_result(ok_64, "write: 64 bytes (space padded pid) accepted\n");
	ksft_test_result(ok_65, "write: 65 bytes -> E2BIG\n");
}

/* "0" moves the writer itself. */
struct zero_rep {
	ssize_t ret;
	int err;
	pid_t pid;
	char path[256];
};

static int zero_child(void *arg, void *repv)
{
	struct zero_rep *rep = repv;
	const char *tasks = arg;

	rep->pid = getpid();
	rep->ret = write_path(tasks, "0\n", 2);
	if (read_path("/proc/self/container", rep->path, sizeof(rep->path)) < 0)
		snprintf(rep->path, sizeof(rep->path), "(unreadable)");
	/* Leave the container so that it can be removed right away. */
	write_path(CROOT "/tasks", "0", 1);
	return 0;
}

static void test_write_zero(void)
{
	char name[64], tasks[PATH_MAX], exp[PATH_MAX];
	struct zero_rep rep;
	bool ok = false;
	int rc;

	name_of(name, sizeof(name), "zero");
	memset(&rep, 0, sizeof(rep));
	if (!ct_create(name)) {
		ct_path(tasks, sizeof(tasks), name, "tasks");
		ct_expect(exp, sizeof(exp), name);
		rc = run_child(zero_child, tasks, &rep, sizeof(rep));
		ok = rc == 0 && rep.ret == 2 && !strcmp(rep.path, exp);
		if (!ok)
			ct_info("\"0\": write returned %zd (%s), /proc/self/container '%s', expected 2 and '%s'\n",
				rep.ret, rep.ret < 0 ? strerror(-rep.ret) : "ok",
				rep.path, exp);
	}
	ct_destroy(name);
	ksft_test_result(ok, "write: \"0\" moves the writing task itself\n");
}

static void test_write_targets(void)
{
	char name[64], tasks[PATH_MAX], buf[64], comm[64];
	struct kid k = { .pid = -1, .ctl = -1 };
	bool ok_nopid = false, ok_zombie = false, ok_kthread = false;
	bool skip_kthread = false;
	pid_t gone = -1, z = -1;
	siginfo_t si;
	ssize_t r;
	int l;

	name_of(name, sizeof(name), "tgt");
	if (ct_create(name))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");

	/* A pid that was just reaped (and is not in use again). */
	fflush(stdout);
	gone = fork();
	if (gone == 0)
		_exit(0);
	if (gone > 0) {
		waitpid(gone, NULL, 0);
		if (kill(gone, 0) == 0) {
			ksft_print_msg("pid %d reused at once; cannot test ESRCH\n",
				       gone);
		} else {
			l = snprintf(buf, sizeof(buf), "%d\n", gone);
			r = write_path(tasks, buf, l);
			ok_nopid = r == -ESRCH;
			if (!ok_nopid)
				ct_info("write of reaped pid %d: expected ESRCH, got %zd (%s)\n",
					gone, r, r < 0 ? strerror(-r) : "success");
		}
	}

	/* A zombie: exited, not reaped yet. */
	fflush(stdout);
	z = fork();
	if (z == 0)
		_exit(0);
	if (z > 0) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, z, &si, WEXITED | WNOWAIT)) {
			ksft_perror("waitid");
		} else {
			l = snprintf(buf, sizeof(buf), "%d\n", z);
			r = write_path(tasks, buf, l);
			ok_zombie = r == -ESRCH;
			if (!ok_zombie)
				ct_info("write of zombie pid %d: expected ESRCH, got %zd (%s)\n",
					z, r, r < 0 ? strerror(-r) : "success");
		}
		waitpid(z, NULL, 0);
		z = -1;
	}

	/* A kernel thread: pid 2 is kthreadd. */
	if (read_path("/proc/2/comm", comm, sizeof(comm)) < 0 ||
	    strcmp(comm, "kthreadd\n")) {
		ksft_print_msg("pid 2 is not kthreadd\n");
		skip_kthread = true;
	} else {
		r = write_path(tasks, "2\n", 2);
		ok_kthread = r == -EINVAL;
		if (!ok_kthread)
			ksft_print_msg("write of kthreadd (pid 2): expected EINVAL, got %zd (%s)\n",
				       r, r < 0 ? strerror(-r) : "success");
		if (!proc_ct_is(2, 2, NULL)) {
			ok_kthread = false;
			ct_attach("", 2);
		}
	}
out:
	if (k.pid > 0)
		kid_stop(&k);
	if (z > 0)
		waitpid(z, NULL, 0);
	ct_destroy(name);
	ksft_test_result(ok_nopid, "write: a pid without a task -> ESRCH\n");
	ksft_test_result(ok_zombie, "write: a zombie (exited, not reaped) -> ESRCH\n");
	if (skip_kthread)
		ksft_test_result_skip("write: a kernel thread -> EINVAL (no kthreadd at pid 2)\n");
	else
		ksft_test_result(ok_kthread, "write: a kernel thread (kthreadd) -> EINVAL\n");
}

/* Success: byte count, and visible at once in tasks and /proc. */
static void test_write_visible(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], sub[128], tasks[PATH_MAX], buf[32];
	bool ok = false;
	ssize_t r;
	int l;

	name_of(name, sizeof(name), "vis");
	snprintf(sub, sizeof(sub), "%s/inner", name);
	if (ct_create(name) || ct_create(sub) || kid_start(&k, -1))
		goto out;
	ct_path(tasks, sizeof(tasks), sub, "tasks");
	l = snprintf(buf, sizeof(buf), "%d\n", k.pid);
	r = write_path(tasks, buf, l);
	if (r != l) {
		ksft_print_msg("write '%d\\n' (%d bytes): returned %zd (%s)\n",
			       k.pid, l, r, r < 0 ? strerror(-r) : "success");
		goto out;
	}
	ok = proc_ct_is(k.pid, k.pid, sub) && ct_tasks_are(sub, &k.pid, 1);
	{
		char p[64], got[256], exp[256];

		snprintf(p, sizeof(p), "/proc/%d/container", k.pid);
		ct_expect(exp, sizeof(exp), sub);
		if (read_path(p, got, sizeof(got)) < 0 || strcmp(got, exp)) {
			ksft_print_msg("%s: expected '%s', got '%s'\n", p, exp, got);
			ok = false;
		}
	}
	/* And back to the root: gone from the nested container at once. */
	if (ct_attach("", k.pid) || !proc_ct_is(k.pid, k.pid, NULL) ||
	    !ct_tasks_are(sub, NULL, 0))
		ok = false;
out:
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(sub);
	ct_destroy(name);
	ksft_test_result(ok,
			 "write: returns the byte count; tasks and /proc/<pid>/container show the move at once\n");
}

/* Files of a removed container answer ENODEV. */
static void test_removed_container(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], tasks[PATH_MAX], dir[PATH_MAX], buf[64];
	int wfd = -1, rfd = -1, l;
	bool ok_w = false, ok_r = false;
	ssize_t r;

	name_of(name, sizeof(name), "gone");
	if (ct_create(name) || kid_start(&k, -1))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	ct_path(dir, sizeof(dir), name, NULL);
	wfd = open(tasks, O_WRONLY | O_CLOEXEC);
	rfd = open(tasks, O_RDONLY | O_CLOEXEC);
	if (wfd < 0 || rfd < 0) {
		ksft_perror("open tasks");
		goto out;
	}
	if (rmdir(dir)) {
		ksft_print_msg("rmdir of the empty %s with open files: %s\n", dir,
			       strerror(errno));
		goto out;
	}
	ct_forget(name);
	l = snprintf(buf, sizeof(buf), "%d\n", k.pid);
	r = write_fd(wfd, buf, l);
	ok_w = r == -ENODEV && proc_ct_is(k.pid, k.pid, NULL);
	if (r != -ENODEV)
		ksft_print_msg("write to removed container: expected ENODEV, got %zd (%s)\n",
			       r, r < 0 ? strerror(-r) : "success");
	r = read(rfd, buf, sizeof(buf));
	if (r < 0)
		r = -errno;
	ok_r = r == -ENODEV;
	if (!ok_r)
		ksft_print_msg("read of removed container's tasks: expected ENODEV, got %zd (%s)\n",
			       r, r < 0 ? strerror(-r) : "success");
out:
	if (wfd >= 0)
		close(wfd);
	if (rfd >= 0)
		close(rfd);
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(name);
	ksft_test_result(ok_w, "write: tasks of a removed container -> ENODEV\n");
	ksft_test_result(ok_r, "read: tasks of a removed container -> ENODEV\n");
}

/* ================= opener credentials ================= */

struct cred_arg {
	int fd;			/* inherited fd, or -1 */
	const char *tasks;	/* path to open in the child */
	pid_t target;		/* 0: write the child's own pid */
	int mode;
};

struct cred_rep {
	int stage;		/* 0 ok, 1 setresuid, 2 open, 3 setresuid back */
	int open_err;
	ssize_t ret;
	char path[256];
};

enum {
	CRED_ROOT_OPENS,
	CRED_USER_OPENS_ROOT_WRITES,
	CRED_USER_ONLY,
	CRED_USER_OPEN_ONLY,
};

static int cred_child(void *argv, void *repv)
{
	struct cred_arg *a = argv;
	struct cred_rep *rep = repv;
	pid_t target = a->target ? a->target : getpid();
	char buf[32];
	int fd = a->fd, l;

	memset(rep, 0, sizeof(*rep));
	switch (a->mode) {
	case CRED_ROOT_OPENS:
		/* Opened by root (inherited); now euid 1001, suid 0. */
		if (setresuid(1001, 1001, 0)) {
			rep->stage = 1;
			return 1;
		}
		break;
	case CRED_USER_OPENS_ROOT_WRITES:
		if (setresuid(-1, 1001, 0)) {
			rep->stage = 1;
			return 1;
		}
		fd = open(a->tasks, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			rep->stage = 2;
			rep->open_err = errno;
			return 1;
		}
		if (setresuid(-1, 0, -1) || geteuid() != 0) {
			rep->stage = 3;
			return 1;
		}
		break;
	case CRED_USER_ONLY:
	case CRED_USER_OPEN_ONLY:
		if (setresgid(1001, 1001, 1001) || setresuid(1001, 1001, 1001)) {
			rep->stage = 1;
			return 1;
		}
		fd = open(a->tasks, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			rep->stage = 2;
			rep->open_err = errno;
			return a->mode == CRED_USER_OPEN_ONLY ? 0 : 1;
		}
		if (a->mode == CRED_USER_OPEN_ONLY)
			return 0;
		break;
	}
	l = snprintf(buf, sizeof(buf), "%d\n", target);
	rep->ret = write_fd(fd, buf, l);
	if (read_path("/proc/self/container", rep->path, sizeof(rep->path)) < 0)
		snprintf(rep->path, sizeof(rep->path), "?");
	return 0;
}

static const char *stage_str(const struct cred_rep *r)
{
	static const char *const s[] = { "ok", "setresuid", "open",
					 "setresuid back to 0" };

	return r->stage >= 0 && r->stage < 4 ? s[r->stage] : "?";
}

static void test_opener_credentials(void)
{
	struct kid u1002 = { .pid = -1, .ctl = -1 }, u1001 = { .pid = -1, .ctl = -1 };
	char name[64], tasks[PATH_MAX], exp[256];
	bool ok_a = false, ok_b = false, ok_c = false, ok_d = false;
	bool ok_e = false, ok_f = false;
	struct cred_arg a;
	struct cred_rep rep;
	int rc, fd;

	name_of(name, sizeof(name), "cred");
	if (ct_create(name) || kid_start(&u1002, 1002) || kid_start(&u1001, 1001))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	ct_expect(exp, sizeof(exp), name);

	/* (a) root opens, the writer has euid 1001: moving uid 1002 works. */
	fd = open(tasks, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_perror("open tasks");
		goto out;
	}
	a = (struct cred_arg){ .fd = fd, .tasks = tasks, .target = u1002.pid,
			       .mode = CRED_ROOT_OPENS };
	rc = run_child(cred_child, &a, &rep, sizeof(rep));
	close(fd);
	ok_a = rc == 0 && rep.ret > 0 && proc_ct_is(u1002.pid, u1002.pid, name);
	if (!ok_a)
		ct_info("root-opened fd, euid 1001 writer, uid 1002 target: rc %d stage %s write %zd (%s), expected success\n",
			rc, stage_str(&rep), rep.ret,
			rep.ret < 0 ? strerror(-rep.ret) : "success");
	ct_attach("", u1002.pid);

	/* Make the file writable to user 1001. */
	if (chmod(tasks, 0666)) {
		ksft_print_msg("chmod 0666 %s: %s\n", tasks, strerror(errno));
		goto out;
	}

	/* (b) euid 1001 opens, regains euid 0, writes uid 1002's pid: EACCES. */
	a = (struct cred_arg){ .fd = -1, .tasks = tasks, .target = u1002.pid,
			       .mode = CRED_USER_OPENS_ROOT_WRITES };
	rc = run_child(cred_child, &a, &rep, sizeof(rep));
	ok_b = rc == 0 && rep.ret == -EACCES &&
	       proc_ct_is(u1002.pid, u1002.pid, NULL);
	if (!ok_b)
		ct_info("fd opened with euid 1001, written with euid 0, uid 1002 target: rc %d stage %s (open %s) write %zd (%s), expected EACCES\n",
			rc, stage_str(&rep), strerror(rep.open_err), rep.ret,
			rep.ret < 0 ? strerror(-rep.ret) : "success");
	ct_attach("", u1002.pid);

	/* (c) uid 1001 moves itself (mode permits). */
	a = (struct cred_arg){ .fd = -1, .tasks = tasks, .target = 0,
			       .mode = CRED_USER_ONLY };
	rc = run_child(cred_child, &a, &rep, sizeof(rep));
	ok_c = rc == 0 && rep.ret > 0 && !strcmp(rep.path, exp);
	if (!ok_c)
		ct_info("uid 1001 moving itself: rc %d stage %s (open %s) write %zd (%s) path '%s', expected success and '%s'\n",
			rc, stage_str(&rep), strerror(rep.open_err), rep.ret,
			rep.ret < 0 ? strerror(-rep.ret) : "success", rep.path, exp);

	/* (d) uid 1001 moves another uid 1001 task. */
	a.target = u1001.pid;
	rc = run_child(cred_child, &a, &rep, sizeof(rep));
	ok_d = rc == 0 && rep.ret > 0 && proc_ct_is(u1001.pid, u1001.pid, name);
	if (!ok_d)
		ksft_print_msg("uid 1001 moving uid 1001 task %d: rc %d stage %s write %zd (%s)\n",
			       u1001.pid, rc, stage_str(&rep), rep.ret,
			       rep.ret < 0 ? strerror(-rep.ret) : "success");
	ct_attach("", u1001.pid);

	/* (e) uid 1001 cannot move uid 1002's task. */
	a.target = u1002.pid;
	rc = run_child(cred_child, &a, &rep, sizeof(rep));
	ok_e = rc == 0 && rep.ret == -EACCES &&
	       proc_ct_is(u1002.pid, u1002.pid, NULL);
	if (!ok_e)
		ct_info("uid 1001 moving uid 1002 task: rc %d stage %s write %zd (%s), expected EACCES\n",
			rc, stage_str(&rep), rep.ret,
			rep.ret < 0 ? strerror(-rep.ret) : "success");
	ct_attach("", u1002.pid);

	/* (f) mode 0644 owned by root: uid 1001 cannot open for writing. */
	if (chmod(tasks, 0644)) {
		ksft_print_msg("chmod 0644 %s: %s\n", tasks, strerror(errno));
	} else {
		a = (struct cred_arg){ .fd = -1, .tasks = tasks,
				       .mode = CRED_USER_OPEN_ONLY };
		rc = run_child(cred_child, &a, &rep, sizeof(rep));
		ok_f = rc == 0 && rep.stage == 2 && rep.open_err == EACCES;
		if (!ok_f)
			ct_info("uid 1001 opening a 0644 root-owned tasks for writing: rc %d stage %s open error %s, expected EACCES at open\n",
				rc, stage_str(&rep),
				rep.stage == 2 ? strerror(rep.open_err) : "none");
	}
out:
	if (u1002.pid > 0)
		kid_stop(&u1002);
	if (u1001.pid > 0)
		kid_stop(&u1001);
	ct_destroy(name);
	ksft_test_result(ok_a, "creds: root-opened fd, euid 1001 writer moves a uid 1002 task\n");
	ksft_test_result(ok_b,
			 "creds: fd opened with euid 1001, written with euid 0, uid 1002 target -> EACCES\n");
	ksft_test_result(ok_c, "creds: uid 1001 moves itself when the mode permits\n");
	ksft_test_result(ok_d, "creds: uid 1001 moves another uid 1001 task\n");
	ksft_test_result(ok_e, "creds: uid 1001 moving a uid 1002 task -> EACCES\n");
	ksft_test_result(ok_f,
			 "creds: uid 1001 opening a 0644 root-owned tasks for writing -> EACCES\n");
}

/* ================= main ================= */

static const struct test tests[] = {
	{ test_sorted_exact_set, 1 },
	{ test_threads_by_tid, 2 },
	{ test_many_tasks, 3 },
	{ test_pid_namespace, 2 },
	{ test_bad_inputs, ARRAY_SIZE(bad_inputs) },
	{ test_accepted_forms_and_length, 3 },
	{ test_write_zero, 1 },
	{ test_write_targets, 3 },
	{ test_write_visible, 1 },
	{ test_removed_container, 2 },
	{ test_opener_credentials, 6 },
};

int main(void)
{
	unsigned int plan;

	main_pid = getpid();
	snprintf(prefix, sizeof(prefix), "tasks_test.%d", main_pid);
	plan = tests_plan(tests, ARRAY_SIZE(tests));

	ksft_print_header();
	require_containers(CROOT "/tasks");
	ksft_set_plan(plan);
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
