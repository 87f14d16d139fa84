// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: "tasks" reads at scale, under hostile load.
 *
 * 1. an fd read partially, then inherited into a new pid namespace,
 *    rewound and read again there, lists the task by its id in the
 *    reader's namespace.
 * Then N idle threads (20000, or $TASKS_SCALE_THREADS) sit in the root:
 * 2. whole reads of the root's tasks (100-byte, 4 KiB, 64 KiB and 1 MiB
 *    read() calls), while one process forks and reaps, one moves a helper
 *    between the root and a container and one creates and exits threads:
 *    every read parses, is strictly ascending and lists all N threads;
 * 3. the same for that container, which holds a few tasks of its own;
 * 4-5. (CONFIG_LOCK_STAT only) fork+exit in the root takes no
 *    container_members lock at all, and in a container at most three
 *    times; whole reads of the root's tasks, racing fork+exit on another
 *    CPU, take none either: the root keeps no list;
 * 6-7. 4000 open tasks files of the root, one byte read from each, cost
 *    less than two pages and 4 KiB each (a page of ids, the seq_file page
 *    and the file structures: 12 KiB with 4 KiB pages; 12 KiB more on the
 *    KASAN/kmemleak kernel), not a copy of all
 *    N ids per file (80 KiB at N = 20000): counted in Slab + VmallocUsed
 *    and, with 8 MiB of slack for noise, in MemAvailable; and the memory
 *    comes back when they are closed. A slow guest stops after 30 s with
 *    at least 200 open, the bounds scaled to the count.
 * If the N threads do not fit in memory, 2-7 are skipped, saying how many did.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_CTS 8
#define MAX_KIDS 16

#include "containers_util.h"

#define DEFAULT_THREADS	20000
#define THREAD_STACK	1024		/* per idle thread: it only makes syscalls */
#define RESERVE_KB	(160 * 1024)	/* MemAvailable kept for the rest of the test */
#define FEW		5		/* stable tasks of the churned container */
/*
 * container_members acquisitions per fork+exit of a task in a container:
 * its fork, its linking once visible and its exit.
 */
#define ACQ_PER_FORK_MAX	3.0
#define NFDS		4000
/*
 * Each first read costs the kernel a walk of the N tasks: past this
 * budget, and with MIN_FDS open, stop at fewer than NFDS (slow guests).
 */
#define MIN_FDS		200
#define FD_BUDGET_MS	30000
/*
 * Per open file: a page of ids and the seq_file page (both a page: 8 KiB
 * with 4 KiB pages, 128 KiB on an arm64 kernel with 64 KiB pages), and
 * the file structures.
 */
#define FD_PAGES	2
#define FD_FIXED_KB	4
#define FD_DEBUG_KB	12		/* KASAN redzones and kmemleak on top: measured 16.1 */
#define BATCH		250
#define MAX_OPENERS	16
#define MAX_PROCS	(MAX_OPENERS + 8)
#define THREADS_MAX	"/proc/sys/kernel/threads-max"
#define PID_MAX		"/proc/sys/kernel/pid_max"
#define LOCK_STAT	"/proc/lock_stat"
#define LOCK_STAT_ON	"/proc/sys/kernel/lock_stat"

static int nwant;			/* N */
static int *stable, nstable;		/* sorted ids of the N threads and their leader */
static bool crowd_broken;		/* creating them failed, not for memory */
static char crowd_why[192] = "the idle threads were not created";
#define MAX_CROWDS	2		/* processes holding them, one per CPU */
static pid_t crowds[MAX_CROWDS] = { -1, -1 };
static int ncrowds, crowd_ready = -1;
static long t_start;			/* for the progress messages */
static long old_threads_max = -1, old_pid_max = -1;
static pid_t procs[MAX_PROCS];		/* helper processes, killed on cleanup */

/* Shared with the helper processes. */
struct churn {
	/* READ_ONCE() and WRITE_ONCE() only, for these */
	int stop, stop_reader, err;
	long forks, moves, threads, reads;
	pid_t helper;
	char what[96];
	char xtasks[PATH_MAX];
};

static struct churn *ch;

struct crowd_shm {
	int made[MAX_CROWDS], err[MAX_CROWDS];
	long half_ms[MAX_CROWDS][2];	/* creating the 1st, 2nd half of its share */
	int low_mem, futex_word;
	int tids[];
};

static struct crowd_shm *csh;

/* ---------- helpers ---------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

static bool has_id(const int *ids, int n, int id)
{
	return n > 0 && bsearch(&id, ids, n, sizeof(int), cmp_int);
}

static long sysctl_get(const char *path)
{
	char b[32];

	return read_path(path, b, sizeof(b)) > 0 ? atol(b) : -1;
}

static int sysctl_set(const char *path, long v)
{
	char b[32];
	int l = snprintf(b, sizeof(b), "%ld\n", v);

	return write_path(path, b, l) == l ? 0 : -1;
}

static long meminfo_kb(const char *field)
{
	static char buf[8192];
	size_t l = strlen(field);
	char *s;

	if (read_path("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	for (s = buf; s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
		if (!strncmp(s, field, l) && s[l] == ':')
			return atol(s + l + 1);
	return -1;
}

static long mem_avail_kb(void)
{
	long kb = meminfo_kb("MemAvailable");

	return kb >= 0 ? kb : meminfo_kb("MemFree");
}

static void churn_fail(const char *what, int err)
{
	if (READ_ONCE(ch->err))
		return;
	snprintf(ch->what, sizeof(ch->what), "%s", what);
	WRITE_ONCE(ch->err, err ? err : EIO);
}

static void proc_track(pid_t pid)
{
	int i;

	for (i = 0; i < MAX_PROCS; i++) {
		if (!procs[i]) {
			procs[i] = pid;
			return;
		}
	}
}

/* Wait for (after SIGKILL if KILL_IT) and forget a helper; its status. */
static int proc_reap(pid_t pid, bool kill_it)
{
	int status = -1, i;

	if (pid <= 0)
		return -1;
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (i = 0; i < MAX_PROCS; i++)
		if (procs[i] == pid)
			procs[i] = 0;
	return status;
}

/* A helper process running FN(ARG), on CPU if >= 0; exits with FN's result. */
static pid_t start_proc(int (*fn)(void *), void *arg, int cpu)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(0);
		if (cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		_exit(fn(arg));
	}
	if (pid < 0)
		ksft_perror("fork");
	else
		proc_track(pid);
	return pid;
}

/* Read FD to EOF in CHUNK-byte read() calls into rb (NUL terminated). */
static struct { char *p; size_t cap; } rb;

static ssize_t read_fd_all(int fd, size_t chunk)
{
	size_t off = 0;
	ssize_t n;

	for (;;) {
		if (rb.cap - off < chunk + 1) {
			size_t cap = rb.cap ? rb.cap : 1 << 16;
			char *p;

			while (cap - off < chunk + 1)
				cap *= 2;
			p = realloc(rb.p, cap);
			if (!p)
				return -ENOMEM;
			rb.p = p;
			rb.cap = cap;
		}
		n = read(fd, rb.p + off, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		off += n;
	}
	rb.p[off] = '\0';
	return off;
}

/*
 * Parse a tasks listing: one id per line, decimal without sign or leading
 * zero, in 1..INT_MAX, strictly ascending. The ids go to *OUT (malloc'ed).
 * Returns their count, or -1 after a message.
 */
static int parse_listing(const char *what, const char *buf, size_t len, int **out)
{
	const char *s = buf, *end = buf + len;
	size_t i, lines = 0;
	int n = 0, *ids;

	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	ids = malloc((lines + 1) * sizeof(int));
	if (!ids)
		return -1;
	while (s < end) {
		const char *d = s;
		long v = 0;

		while (s < end && *s >= '0' && *s <= '9' && s - d < 10)
			v = v * 10 + (*s++ - '0');
		if (s == d || s == end || *s != '\n' || *d == '0' || v > INT_MAX) {
			ksft_print_msg("%s: malformed line at offset %zu: '%.16s'\n",
				       what, (size_t)(d - buf), d);
			goto bad;
		}
		if (n && v <= ids[n - 1]) {
			ksft_print_msg("%s: not strictly ascending at line %d: %ld after %d\n",
				       what, n + 1, v, ids[n - 1]);
			goto bad;
		}
		ids[n++] = v;
		s++;
	}
	*out = ids;
	return n;
bad:
	free(ids);
	return -1;
}

/*
 * Read PATH whole in CHUNK-byte calls and check it: it parses, is strictly
 * ascending, lists all of MUST (sorted), none of NEVER (sorted) and, if
 * MAX_EXTRA >= 0, at most MAX_EXTRA ids besides MUST.
 */
static bool check_read(const char *path, size_t chunk, const int *must, int nmust,
		       const int *never, int nnever, int max_extra, bool verbose)
{
	int fd, n, i, j = 0, miss = 0, first = 0, *ids = NULL;
	char what[PATH_MAX + 32];
	long t0 = now_ms();
	bool ok = true;
	ssize_t len;

	snprintf(what, sizeof(what), "%s, %zu-byte reads", path, chunk);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_print_msg("open %s: %s\n", path, strerror(errno));
		return false;
	}
	len = read_fd_all(fd, chunk);
	close(fd);
	if (len < 0) {
		ksft_print_msg("%s: %s\n", what, strerror(-len));
		return false;
	}
	n = parse_listing(what, rb.p, len, &ids);
	if (n < 0)
		return false;
	for (i = 0; i < nmust; i++) {
		while (j < n && ids[j] < must[i])
			j++;
		if (j < n && ids[j] == must[i])
			continue;
		if (!miss++)
			first = must[i];
	}
	if (miss) {
		ksft_print_msg("%s: %d of the %d stable tasks missing, the first %d\n",
			       what, miss, nmust, first);
		ok = false;
	}
	for (i = 0; i < n; i++) {
		if (has_id(never, nnever, ids[i])) {
			ksft_print_msg("%s: lists %d, a task of another container\n",
				       what, ids[i]);
			ok = false;
			break;
		}
	}
	if (max_extra >= 0 && n - (nmust - miss) > max_extra) {
		ksft_print_msg("%s: %d tasks besides the %d stable ones, at most %d expected\n",
			       what, n - (nmust - miss), nmust, max_extra);
		ok = false;
	}
	if (verbose || !ok)
		ksft_print_msg("%s: %d ids in %ld ms%s\n", what, n, now_ms() - t0,
			       ok ? "" : ", WRONG");
	free(ids);
	return ok;
}

/* Every test but 7 needs the N threads: report RESULTS skips (or failures). */
static bool have_crowd(int results, const char *what)
{
	if (nstable)
		return true;
	while (results-- > 0) {
		if (crowd_broken)
			ksft_test_result_fail("%s: %s\n", what, crowd_why);
		else
			ksft_test_result_skip("%s: %s\n", what, crowd_why);
	}
	return false;
}

/* ---------- the N idle threads ---------- */

/* Runs on a 1 KiB stack without TLS of its own: raw syscalls only. */
static int idle_thread(void *word)
{
	for (;;)
		syscall(SYS_futex, word, FUTEX_WAIT, 0, NULL, NULL, 0);
	return 0;
}

static int crowd_main(void *arg)
{
	int k = (long)arg, lo = k * nwant / ncrowds, hi = (k + 1) * nwant / ncrowds, i;
	long t0 = now_ms();
	sigset_t all;
	char *stacks;

	/* No signal frame must ever land on the tiny stacks (SIGKILL needs none). */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	stacks = mmap(NULL, (size_t)(hi - lo) * THREAD_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stacks == MAP_FAILED)
		csh->err[k] = errno;
	for (i = lo; stacks != MAP_FAILED && i < hi && !csh->low_mem; i++) {
		pid_t tid;

		if (i % 500 == 0) {
			long kb = mem_avail_kb();

			if (kb >= 0 && kb < RESERVE_KB) {
				csh->low_mem = 1;
				break;
			}
		}
		if (i == (lo + hi) / 2)
			csh->half_ms[k][0] = now_ms() - t0;
		tid = clone(idle_thread, stacks + (size_t)(i - lo + 1) * THREAD_STACK,
			    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			    CLONE_THREAD | CLONE_SYSVSEM, &csh->futex_word);
		if (tid < 0) {
			csh->err[k] = errno;
			break;
		}
		csh->tids[i] = tid;
		csh->made[k]++;
	}
	csh->half_ms[k][1] = now_ms() - t0 - csh->half_ms[k][0];
	/* Closed, so that the parent sees EOF if the other one dies. */
	if (write(crowd_ready, "x", 1) != 1 || close(crowd_ready))
		return 1;
	for (;;)
		pause();
	return 0;
}

static void restore_sysctls(void)
{
	if (old_threads_max >= 0 && !sysctl_set(THREADS_MAX, old_threads_max))
		old_threads_max = -1;
	if (old_pid_max >= 0 && !sysctl_set(PID_MAX, old_pid_max))
		old_pid_max = -1;
}

static void stop_crowd(void)
{
	long t0 = now_ms();
	int k;

	for (k = 0; k < ncrowds; k++)
		if (crowds[k] > 0)
			kill(crowds[k], SIGKILL);
	for (k = 0; k < ncrowds; k++)
		proc_reap(crowds[k], true);
	if (ncrowds)
		ksft_print_msg("idle threads killed and reaped in %ld ms\n", now_ms() - t0);
	ncrowds = 0;
	nstable = 0;
	restore_sysctls();
}

static void setup_crowd(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int rdy[2], i, k, made = 0, e = 0;
	long t0 = now_ms(), v;
	char c;

	/* Root is exempt from RLIMIT_NPROC, not from threads-max. */
	setrlimit(RLIMIT_NPROC, &rl);
	v = sysctl_get(THREADS_MAX);
	if (v >= 0 && v < nwant + 10000 && !sysctl_set(THREADS_MAX, nwant + 10000))
		old_threads_max = v;
	v = sysctl_get(PID_MAX);
	if (v >= 0 && v < nwant + 10000 && !sysctl_set(PID_MAX, nwant + 10000))
		old_pid_max = v;
	csh = mmap(NULL, sizeof(*csh) + (size_t)nwant * sizeof(int),
		   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (csh == MAP_FAILED || pipe2(rdy, O_CLOEXEC)) {
		csh = NULL;
		snprintf(crowd_why, sizeof(crowd_why), "no memory for %d thread ids", nwant);
		return;
	}
	ncrowds = sysconf(_SC_NPROCESSORS_ONLN) > 1 && nwant > 1 ? 2 : 1;
	ksft_print_msg("[%lds] starting %d idle threads in %d processes (threads-max %ld)\n",
		       (now_ms() - t_start) / 1000, nwant, ncrowds, sysctl_get(THREADS_MAX));
	crowd_ready = rdy[1];
	for (k = 0; k < ncrowds; k++)
		crowds[k] = start_proc(crowd_main, (void *)(long)k, -1);
	close(rdy[1]);
	for (k = 0; k < ncrowds; k++) {
		if (crowds[k] < 0 || read(rdy[0], &c, 1) != 1) {
			snprintf(crowd_why, sizeof(crowd_why),
				 "a process of the idle threads died (OOM killer?)");
			close(rdy[0]);
			stop_crowd();
			return;
		}
	}
	close(rdy[0]);
	for (k = 0; k < ncrowds; k++) {
		made += csh->made[k];
		e = e ? e : csh->err[k];
		ct_info("process %d: %d threads, %ld ms for the first half, %ld ms for the second\n",
			k, csh->made[k], csh->half_ms[k][0], csh->half_ms[k][1]);
	}
	v = mem_avail_kb();
	ksft_print_msg("%d idle threads in %ld ms, MemAvailable %ld MiB left\n",
		       made, now_ms() - t0, v / 1024);
	if (made < nwant) {
		/* ENOMEM, or EAGAIN: out of pids, threads-max or memory. */
		crowd_broken = !csh->low_mem && e != ENOMEM && e != EAGAIN;
		snprintf(crowd_why, sizeof(crowd_why),
			 "only %d of %d threads created (%s, MemAvailable %ld MiB, threads-max %ld)",
			 made, nwant, csh->low_mem ? "memory running low" : strerror(e),
			 v / 1024, sysctl_get(THREADS_MAX));
		ksft_print_msg("%s\n", crowd_why);
		stop_crowd();	/* give the memory back to the test that can run */
		return;
	}
	stable = malloc((nwant + ncrowds) * sizeof(int));
	if (!stable) {
		snprintf(crowd_why, sizeof(crowd_why), "no memory for the thread ids");
		return;
	}
	for (i = 0; i < nwant; i++)
		stable[i] = csh->tids[i];
	for (k = 0; k < ncrowds; k++)
		stable[nwant + k] = crowds[k];
	nstable = nwant + ncrowds;
	qsort(stable, nstable, sizeof(int), cmp_int);
}

/* ---------- churn ---------- */

/* Fork and reap; with ARG, every other child moves itself into xtasks first. */
static int forker(void *arg)
{
	int xfd = arg ? open(ch->xtasks, O_WRONLY | O_CLOEXEC) : -1, status;

	if (arg && xfd < 0) {
		churn_fail("open the container's tasks", errno);
		return 1;
	}
	while (!READ_ONCE(ch->stop)) {
		pid_t p = fork();

		if (p == 0)
			_exit(xfd >= 0 && (READ_ONCE(ch->forks) & 1) && write(xfd, "0\n", 2) != 2);
		if (p < 0) {
			churn_fail("fork", errno);
			return 1;
		}
		if (waitpid(p, &status, 0) != p || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			churn_fail("a forked child moving itself into the container", 0);
			return 1;
		}
		WRITE_ONCE(ch->forks, READ_ONCE(ch->forks) + 1);
	}
	return 0;
}

/* Move the helper into the container and back, for good. */
static int mover(void *unused)
{
	int fx = open(ch->xtasks, O_WRONLY | O_CLOEXEC);
	int fr = open(CROOT "/tasks", O_WRONLY | O_CLOEXEC);
	char w[16];
	int l = snprintf(w, sizeof(w), "%d\n", ch->helper);

	(void)unused;
	if (fx < 0 || fr < 0) {
		churn_fail("open tasks for writing", errno);
		return 1;
	}
	while (!READ_ONCE(ch->stop)) {
		if (write(fx, w, l) != l || write(fr, w, l) != l) {
			churn_fail("moving the helper", errno);
			return 1;
		}
		WRITE_ONCE(ch->moves, READ_ONCE(ch->moves) + 1);
	}
	return 0;
}

static void *short_thread(void *arg)
{
	return arg;
}

static int threader(void *unused)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	(void)unused;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	while (!READ_ONCE(ch->stop)) {
		err = pthread_create(&t, &attr, short_thread, NULL);
		if (err) {
			churn_fail("pthread_create", err);
			return 1;
		}
		pthread_join(t, NULL);
		WRITE_ONCE(ch->threads, READ_ONCE(ch->threads) + 1);
	}
	return 0;
}

static void test_churn(void)
{
	static const size_t chunks[] = { 100, 1 << 20, 4096, 65536 };
	struct kid few[FEW], helper = { .pid = -1, .ctl = -1 };
	pid_t churners[3] = { -1, -1, -1 };
	long f0, m0, t0, deadline, start;
	bool ok_root = false, ok_x = false, started = false;
	char name[64];
	int fewids[FEW], i;

	for (i = 0; i < FEW; i++)
		few[i] = (struct kid){ .pid = -1, .ctl = -1 };
	if (!have_crowd(2, "large root tasks under churn"))
		return;
	name_of(name, sizeof(name), "churn");
	if (ct_create(name))
		goto out;
	for (i = 0; i < FEW; i++) {
		if (kid_start(&few[i], -1) || ct_attach(name, few[i].pid))
			goto out;
		fewids[i] = few[i].pid;
	}
	qsort(fewids, FEW, sizeof(int), cmp_int);
	if (kid_start(&helper, -1))
		goto out;
	memset(ch, 0, sizeof(*ch));
	ch->helper = helper.pid;
	ct_path(ch->xtasks, sizeof(ch->xtasks), name, "tasks");
	churners[0] = start_proc(forker, ch, -1);
	churners[1] = start_proc(mover, NULL, -1);
	churners[2] = start_proc(threader, NULL, -1);
	if (churners[0] < 0 || churners[1] < 0 || churners[2] < 0)
		goto stop;
	for (deadline = now_ms() + 20000; now_ms() < deadline && !READ_ONCE(ch->err);
	     usleep(10000)) {
		if (READ_ONCE(ch->forks) && READ_ONCE(ch->moves) && READ_ONCE(ch->threads)) {
			started = true;
			break;
		}
	}
	if (!started) {
		ksft_print_msg("the churn did not start\n");
		goto stop;
	}
	ok_root = true;
	ok_x = true;
	f0 = READ_ONCE(ch->forks);
	m0 = READ_ONCE(ch->moves);
	t0 = READ_ONCE(ch->threads);
	/* Each read size once, then more reads for 3 s (48 at most). */
	for (i = 0, start = now_ms(); i < (int)ARRAY_SIZE(chunks) ||
	     (i < 48 && now_ms() - start < 3000); i++) {
		size_t chunk = chunks[i % ARRAY_SIZE(chunks)];
		bool verbose = i < (int)ARRAY_SIZE(chunks);

		if (!check_read(CROOT "/tasks", chunk, stable, nstable, fewids, FEW, -1,
				verbose))
			ok_root = false;
		/* Besides its own: the helper and one forked child at most. */
		if (!check_read(ch->xtasks, chunks[(i + 1) % ARRAY_SIZE(chunks)],
				fewids, FEW, stable, nstable, 2, verbose))
			ok_x = false;
	}
	ct_info("%d reads of each in %ld ms; churn during them: %ld forks, %ld moves, %ld threads\n",
		i, now_ms() - start, READ_ONCE(ch->forks) - f0,
		READ_ONCE(ch->moves) - m0, READ_ONCE(ch->threads) - t0);
	if (READ_ONCE(ch->forks) == f0 || READ_ONCE(ch->moves) == m0 ||
	    READ_ONCE(ch->threads) == t0) {
		ksft_print_msg("the churn stalled during the reads\n");
		ok_root = false;
		ok_x = false;
	}
stop:
	WRITE_ONCE(ch->stop, 1);
	for (i = 0; i < 3; i++)
		proc_reap(churners[i], false);
	if (READ_ONCE(ch->err)) {
		ksft_print_msg("churn failed: %s: %s\n", ch->what, strerror(READ_ONCE(ch->err)));
		ok_root = false;
		ok_x = false;
	}
out:
	for (i = 0; i < FEW; i++)
		if (few[i].pid > 0)
			kid_stop(&few[i]);
	if (helper.pid > 0)
		kid_stop(&helper);
	ct_destroy(name);
	ksft_test_result(ok_root,
			 "large root tasks under churn: %d stable threads in every read, ascending, well formed\n",
			 nwant);
	ksft_test_result(ok_x,
			 "container tasks under churn: its %d own tasks in every read, nothing of other containers\n",
			 FEW);
}

/* ---------- lock statistics ---------- */

struct lstat {
	double hold_max;
	double acq;
	int lines;
	bool off;	/* lockdep has turned itself off: nothing is counted */
};

/* The "container_members:" line(s) of /proc/lock_stat. */
static int read_lock_stat(struct lstat *ls)
{
	char *s, *e;
	ssize_t len;
	int fd;

	memset(ls, 0, sizeof(*ls));
	fd = open(LOCK_STAT, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read_fd_all(fd, 65536);
	close(fd);
	if (len < 0)
		return len;
	ls->off = !!strstr(rb.p, "lock debugging disabled");
	for (s = rb.p; *s; s = *e ? e + 1 : e) {
		double v[12];
		char *tok;
		int k;

		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		while (*s == ' ')
			s++;
		tok = s;
		while (s < e && *s != ' ' && *s != ':')
			s++;
		/* The class, or a #N / /N variant of it, followed by ':'. */
		if (s >= e || *s != ':' || strncmp(tok, "container_members", 17) ||
		    (s - tok > 17 && tok[17] != '#' && tok[17] != '/'))
			continue;
		for (k = 0, s++; k < 12; k++) {
			char *q;

			v[k] = strtod(s, &q);
			if (q == s || q > e)
				break;
			s = q;
		}
		if (k < 12)
			continue;
		ls->acq += v[7];
		if (v[9] > ls->hold_max)
			ls->hold_max = v[9];
		ls->lines++;
	}
	return 0;
}

/*
 * Whether lockdep has turned itself off, after a report of its own or a
 * taint: lock statistics then count nothing, and a count of 0 proves
 * nothing. The report fails the run by itself.
 */
static bool lockdep_off(void)
{
	struct lstat ls;

	return !read_lock_stat(&ls) && ls.off;
}

static int clear_lock_stat(void)
{
	return write_path(LOCK_STAT, "0\n", 2) == 2 ? 0 : -1;
}

/* Whole reads of the root's tasks in 1 MiB calls until told to stop. */
static int reader(void *unused)
{
	(void)unused;
	while (!READ_ONCE(ch->stop_reader)) {
		int fd = open(CROOT "/tasks", O_RDONLY | O_CLOEXEC);
		ssize_t len, i, lines = 0;

		if (fd < 0) {
			churn_fail("open the root's tasks", errno);
			return 1;
		}
		len = read_fd_all(fd, 1 << 20);
		close(fd);
		for (i = 0; i < len; i++)
			lines += rb.p[i] == '\n';
		if (len < 0 || lines < nstable) {
			churn_fail(len < 0 ? "reading the root's tasks" :
				   "a read of the root's tasks missing threads",
				   len < 0 ? -len : 0);
			return 1;
		}
		WRITE_ONCE(ch->reads, READ_ONCE(ch->reads) + 1);
	}
	return 0;
}

/* Fork and reap in the container of ch->xtasks, after moving there. */
static int forker_inside(void *unused)
{
	(void)unused;
	if (write_path(ch->xtasks, "0\n", 2) != 2) {
		churn_fail("move the forker into the container", errno);
		return 1;
	}
	return forker(NULL);
}

/*
 * container_members acquisitions per fork+exit of a forker running FN
 * for a second, measured after it has started; -1 on failure.
 */
static double acq_per_fork(int (*fn)(void *), int cpu, long *forks)
{
	struct lstat ls;
	long f0, f1, deadline;
	pid_t frk;
	double r = -1;

	memset(ch, 0, offsetof(struct churn, xtasks));
	frk = start_proc(fn, NULL, cpu);
	for (deadline = now_ms() + 10000; frk > 0 && !READ_ONCE(ch->forks) &&
	     !READ_ONCE(ch->err) && now_ms() < deadline;)
		usleep(10000);
	if (frk > 0 && READ_ONCE(ch->forks) && !clear_lock_stat()) {
		f0 = READ_ONCE(ch->forks);
		usleep(1000000);
		if (!read_lock_stat(&ls)) {
			f1 = READ_ONCE(ch->forks);
			*forks = f1 - f0;
			r = f1 > f0 ? ls.acq / (f1 - f0) : -1;
		}
	}
	WRITE_ONCE(ch->stop, 1);
	proc_reap(frk, false);
	return READ_ONCE(ch->err) ? -1 : r;
}

/* The names of the two tests of test_lock_stat(). */
static const char lock_what1[] =
	"fork+exit takes container_members 0 times in the root, at most 3 times in a container";
static const char lock_what2[] =
	"whole reads of the root's tasks racing fork+exit take no container_members lock";

static void test_lock_stat(void)
{
	bool ok_fork = false, ok_read = false;
	long enabled = sysctl_get(LOCK_STAT_ON), forks_root = 0, forks_in = 0;
	long f0, f1, reads = 0, deadline;
	double root = -1, inside = -1;
	const char *name = "lockstat";
	struct lstat ls = { 0 };
	pid_t frk = -1, rd;
	int cpus;

	if (access(LOCK_STAT, R_OK)) {
		ksft_test_result_skip("%s: no CONFIG_LOCK_STAT\n", lock_what1);
		ksft_test_result_skip("%s: no CONFIG_LOCK_STAT\n", lock_what2);
		return;
	}
	if (!have_crowd(2, "lock statistics"))
		return;
	if (enabled == 0)
		sysctl_set(LOCK_STAT_ON, 1);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ct_create(name)) {
		ksft_print_msg("cannot create container %s\n", name);
		goto out;
	}
	ct_path(ch->xtasks, sizeof(ch->xtasks), name, "tasks");
	root = acq_per_fork(forker, cpus > 1 ? 1 : -1, &forks_root);
	inside = acq_per_fork(forker_inside, cpus > 1 ? 1 : -1, &forks_in);
	ct_info("container_members per fork+exit: %.3f in the root (%ld forks), %.3f in a container (%ld forks)\n",
		root, forks_root, inside, forks_in);
	/* A fork in flight at each end of the window adds up to 3 more. */
	ok_fork = root == 0 && inside > 0 && forks_in > 0 &&
		  inside <= ACQ_PER_FORK_MAX * (1.0 + 2.0 / forks_in);

	/* Whole reads of the N threads in the root, racing fork+exit there. */
	memset(ch, 0, offsetof(struct churn, xtasks));
	frk = start_proc(forker, NULL, cpus > 1 ? 1 : -1);
	for (deadline = now_ms() + 10000; frk > 0 && !READ_ONCE(ch->forks) && now_ms() < deadline;)
		usleep(10000);
	if (!READ_ONCE(ch->forks) || clear_lock_stat()) {
		ksft_print_msg("the forker did not start, or %s cannot be cleared\n", LOCK_STAT);
		goto out;
	}
	f0 = READ_ONCE(ch->forks);
	rd = start_proc(reader, NULL, cpus > 1 ? 0 : -1);
	if (rd < 0)
		goto out;
	usleep(3000000);
	WRITE_ONCE(ch->stop_reader, 1);
	proc_reap(rd, false);
	if (read_lock_stat(&ls))
		goto out;
	f1 = READ_ONCE(ch->forks);
	reads = READ_ONCE(ch->reads);
	ct_info("3 s of root tasks reads: %ld complete reads of %d threads, %ld forks; container_members: %.0f acquisitions\n",
		reads, nstable, f1 - f0, ls.acq);
	ok_read = !READ_ONCE(ch->err) && reads > 0 && f1 > f0 && ls.acq == 0;
out:
	WRITE_ONCE(ch->stop_reader, 1);
	WRITE_ONCE(ch->stop, 1);
	proc_reap(frk, false);
	ct_destroy(name);
	if (enabled == 0)
		sysctl_set(LOCK_STAT_ON, 0);
	if (lockdep_off()) {
		ksft_test_result_skip("%s: lockdep is off, see the kernel log\n", lock_what1);
		ksft_test_result_skip("%s: lockdep is off, see the kernel log\n", lock_what2);
		return;
	}
	if (READ_ONCE(ch->err)) {
		ksft_print_msg("%s: %s\n", ch->what, strerror(READ_ONCE(ch->err)));
		ok_fork = false;
		ok_read = false;
	}
	ksft_test_result(ok_fork, "%s\n", lock_what1);
	ksft_test_result(ok_read, "%s\n", lock_what2);
}

/* ---------- memory of open tasks files ---------- */

struct opener {
	pid_t pid;
	int cmd, ack, quota, opened, cmd_n;
};

/* 'o' + int: open that many more, reading 1 byte from each; 'c': close all. */
static int opener_main(void *arg)
{
	struct opener *o = arg;
	int *fds = calloc(o->quota, sizeof(int)), n = 0, want, r = 0;
	char cmd, c;

	if (!fds || write(o->ack, &r, sizeof(r)) != sizeof(r))
		return 1;
	while (read(o->cmd, &cmd, 1) == 1) {
		if (cmd == 'o') {
			if (read(o->cmd, &want, sizeof(want)) != sizeof(want))
				return 1;
			for (r = 0; want-- > 0 && n < o->quota && !r;) {
				fds[n] = open(CROOT "/tasks", O_RDONLY | O_CLOEXEC);
				if (fds[n] < 0) {
					r = -errno;
					break;
				}
				errno = EIO;
				if (read(fds[n++], &c, 1) != 1)
					r = -errno;
			}
			r = r ? r : n;
		} else if (cmd == 'c') {
			while (n > 0)
				close(fds[--n]);
			r = 0;
		} else {
			return 0;	/* 'x' (the other openers hold copies of our pipe) */
		}
		if (write(o->ack, &r, sizeof(r)) != sizeof(r))
			return 1;
	}
	return 0;
}

static int opener_send(struct opener *o, char cmd, int count)
{
	return write(o->cmd, &cmd, 1) != 1 ||
	       (cmd == 'o' && write(o->cmd, &count, sizeof(count)) != sizeof(count)) ?
	       -EPIPE : 0;
}

static int opener_ack(struct opener *o)
{
	int r;

	return read(o->ack, &r, sizeof(r)) != sizeof(r) ? -EPIPE : r;
}

/* Kernel memory that holds what open files keep: slab (large kmalloc included) and vmalloc. */
static long kmem_kb(void)
{
	return meminfo_kb("Slab") + meminfo_kb("VmallocUsed");
}

static void test_open_files(void)
{
	struct opener op[MAX_OPENERS];
	struct rlimit old, want = { NFDS + 64, NFDS + 64 };
	long per_fd = FD_PAGES * (sysconf(_SC_PAGESIZE) / 1024) + FD_FIXED_KB;
	long avail0, kmem0, avail, kmem, peak = 0, apeak = 0, t0;
	int nop, quota, opened = 0, i, r, err = 0, started = 0;
	bool ok_mem = false, ok_back = false, debug = !access(LOCK_STAT, F_OK);
	long left, aleft, slack;

	if (!have_crowd(2, "open tasks files keep bounded memory"))
		return;
	/* KASAN redzones and kmemleak's metadata cost ~4 KiB more per fd. */
	if (debug)
		per_fd += FD_DEBUG_KB;
	/* One process per CPU, more if RLIMIT_NOFILE cannot be raised. */
	getrlimit(RLIMIT_NOFILE, &old);
	quota = !setrlimit(RLIMIT_NOFILE, &want) ? NFDS :
		old.rlim_cur > 96 ? (int)old.rlim_cur - 32 : 64;
	nop = (NFDS + quota - 1) / quota;
	if (nop < ncrowds)
		nop = ncrowds;
	if (nop > MAX_OPENERS)
		nop = MAX_OPENERS;
	quota = (NFDS + nop - 1) / nop;
	for (i = 0; i < nop; i++) {
		int c[2], a[2];

		op[i] = (struct opener){ .pid = -1, .cmd = -1, .ack = -1, .quota = quota };
		if (pipe2(c, O_CLOEXEC))
			break;
		if (pipe2(a, O_CLOEXEC)) {
			close(c[0]);
			close(c[1]);
			break;
		}
		op[i].cmd = c[0];
		op[i].ack = a[1];
		started++;
		op[i].pid = start_proc(opener_main, &op[i], -1);
		close(c[0]);
		close(a[1]);
		op[i].cmd = c[1];
		op[i].ack = a[0];
		if (op[i].pid < 0 || opener_ack(&op[i]))
			break;
	}
	setrlimit(RLIMIT_NOFILE, &old);
	if (i < nop) {
		ksft_print_msg("cannot start the processes holding the files\n");
		err = -EPIPE;
		goto out;
	}
	/* Let the frees of the previous tests settle first (at most 5 s). */
	for (kmem0 = kmem_kb(), i = 0; i < 10; i++) {
		usleep(500000);
		kmem = kmem0;
		kmem0 = kmem_kb();
		if (labs(kmem0 - kmem) < 256)
			break;
	}
	avail0 = mem_avail_kb();
	t0 = now_ms();
	ct_info("[%lds] %d processes open up to %d fds on %s (%d tasks); MemAvailable %ld MiB\n",
		(now_ms() - t_start) / 1000, nop, NFDS, CROOT "/tasks", nstable,
		avail0 / 1024);
	while (opened < NFDS && !err) {
		int sent = 0;

		/* A batch for every process at once, then the memory. */
		for (i = 0; i < nop; i++) {
			int n = op[i].quota - op[i].opened;

			n = n < BATCH ? n : BATCH;
			n = n < NFDS - opened - sent ? n : NFDS - opened - sent;
			op[i].cmd_n = n;
			if (n > 0 && opener_send(&op[i], 'o', n))
				err = -EPIPE;
			sent += n;
		}
		for (i = 0; i < nop; i++) {
			if (op[i].cmd_n <= 0)
				continue;
			r = opener_ack(&op[i]);
			if (r < 0) {
				ksft_print_msg("opening or reading fd %d: %s\n",
					       opened + 1, strerror(-r));
				err = r;
				continue;
			}
			opened += r - op[i].opened;
			op[i].opened = r;
		}
		kmem = kmem_kb() - kmem0;
		avail = avail0 - mem_avail_kb();
		peak = kmem > peak ? kmem : peak;
		apeak = avail > apeak ? avail : apeak;
		if (opened % 500 == 0 || kmem > NFDS * per_fd)
			ct_info("%d fds open: slab+vmalloc up %ld KiB, MemAvailable down %ld KiB\n",
				opened, kmem, avail);
		/* Stop before a kernel that copies all ids per file exhausts memory. */
		if (kmem > NFDS * per_fd)
			break;
		if (opened >= MIN_FDS && now_ms() - t0 > FD_BUDGET_MS && opened < NFDS) {
			ct_info("%d fds in %ld ms: stopping there, the bounds scaled to them\n",
				opened, now_ms() - t0);
			break;
		}
	}
	usleep(200000);
	kmem = kmem_kb() - kmem0;
	avail = avail0 - mem_avail_kb();
	peak = kmem > peak ? kmem : peak;
	apeak = avail > apeak ? avail : apeak;
	/*
	 * The kernel's own figures are exact; MemAvailable also moves with
	 * the per-CPU page lists, by several MiB: it gets 8 MiB of slack.
	 */
	ok_mem = !err && opened >= MIN_FDS && peak < opened * per_fd &&
		 apeak < opened * per_fd + 8192;
	ct_info("[%lds] %d fds open, 1 byte read from each: slab+vmalloc up %ld KiB (%ld bytes per fd), MemAvailable down %ld KiB; bound %ld KiB (%ld KiB per fd)\n",
		(now_ms() - t_start) / 1000, opened, peak,
		opened ? peak * 1024 / opened : 0, apeak, opened * per_fd, per_fd);
	for (i = 0; i < nop; i++)
		if (opener_send(&op[i], 'c', 0) || opener_ack(&op[i]))
			err = -EPIPE;
	usleep(500000);
	left = kmem_kb() - kmem0;
	aleft = avail0 - mem_avail_kb();
	/*
	 * Generous: partial slabs keep some, and KASAN (the debug kernel,
	 * the one with lock_stat) holds freed objects in a quarantine of up
	 * to 1/32 of the memory.
	 */
	slack = peak / 4 + 2048 + (debug ? meminfo_kb("MemTotal") / 32 : 0);
	ok_back = !err && opened > 0 && left <= slack && aleft <= slack + 8192;
	ct_info("after closing them: slab+vmalloc still up %ld KiB, MemAvailable down %ld KiB (slack %ld KiB)\n",
		left, aleft, slack);
out:
	for (i = 0; i < started; i++) {
		if (op[i].pid > 0 && write(op[i].cmd, "x", 1) != 1)
			kill(op[i].pid, SIGKILL);
		close(op[i].cmd);
		close(op[i].ack);
		if (op[i].pid > 0)
			proc_reap(op[i].pid, false);
	}
	ksft_test_result(ok_mem,
			 "open tasks files keep bounded memory: up to %d fds on the root's tasks, 1 byte read from each, below %d KiB per fd\n",
			 NFDS, (int)per_fd);
	ksft_test_result(ok_back,
			 "open tasks files keep bounded memory: it comes back after close\n");
}

/* ---------- a reader in another pid namespace ---------- */

struct ns_rep {
	int stage, err;
	pid_t zpid;
	char got[256];
};

/* pid 1 of the new namespace: rewinds the inherited FD and reads it. */
static int pidns_reader(int fd, const char *tasks, struct ns_rep *rep)
{
	char w[16], c;
	int sl[2], l;
	size_t off = 0;
	ssize_t n = 0;
	pid_t z;

	rep->stage = 1;
	if (getpid() != 1 || pipe(sl))
		return 1;
	z = fork();
	if (z == 0) {
		close(sl[1]);
		while (read(sl[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	if (z < 0)
		return 1;
	rep->zpid = z;
	rep->stage = 2;
	l = snprintf(w, sizeof(w), "%d\n", z);
	if (write_path(tasks, w, l) != l)
		return 1;
	rep->stage = 3;
	if (lseek(fd, 0, SEEK_SET) != 0) {
		rep->err = errno;
		return 1;
	}
	rep->stage = 4;
	while (off < sizeof(rep->got) - 1 &&
	       (n = read(fd, rep->got + off, sizeof(rep->got) - 1 - off < 100 ?
			 sizeof(rep->got) - 1 - off : 100)) > 0)
		off += n;
	rep->err = n < 0 ? errno : 0;
	rep->got[off] = '\0';
	close(sl[1]);
	waitpid(z, NULL, 0);
	rep->stage = 5;
	return rep->err != 0;
}

static void test_pidns_reader(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], tasks[PATH_MAX], exp[32], c;
	struct ns_rep *rep;
	bool ok = false, skip = false;
	int fd = -1, status = -1;
	pid_t x;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	name_of(name, sizeof(name), "pidns");
	if (rep == MAP_FAILED || ct_create(name) || kid_start(&k, -1) ||
	    ct_attach(name, k.pid))
		goto out;
	ct_path(tasks, sizeof(tasks), name, "tasks");
	/* Inherited on purpose (no O_CLOEXEC); read partially here. */
	fd = open(tasks, O_RDONLY);
	if (fd < 0 || read(fd, &c, 1) != 1) {
		ksft_perror("open or 1-byte read of tasks");
		goto out;
	}
	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	x = fork();
	if (x == 0) {
		pid_t y;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWPID)) {
			rep->stage = -1;
			rep->err = errno;
			_exit(4);
		}
		y = fork();
		if (y == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(pidns_reader(fd, tasks, rep));
		}
		if (y < 0 || waitpid(y, &status, 0) != y)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
	}
	if (x < 0 || waitpid(x, &status, 0) != x)
		goto out;
	if (rep->stage == -1) {
		skip = true;
		ksft_print_msg("unshare(CLONE_NEWPID): %s\n", strerror(rep->err));
		goto out;
	}
	snprintf(exp, sizeof(exp), "%d\n", rep->zpid);
	ok = WIFEXITED(status) && !WEXITSTATUS(status) && rep->stage == 5 &&
	     (rep->zpid == 1 || rep->zpid == 2) && !strcmp(rep->got, exp);
	if (!ok)
		ct_info("new namespace: status %#x, stage %d (%s), expected '%d\\n', read '%s'\n",
			status, rep->stage, strerror(rep->err), rep->zpid, rep->got);
	/* The parent, rewinding too, sees its own view: the helper only. */
	if (lseek(fd, 0, SEEK_SET) == 0) {
		char got[64] = "";
		ssize_t n = read(fd, got, sizeof(got) - 1);

		snprintf(exp, sizeof(exp), "%d\n", k.pid);
		if (n < 0 || strcmp(got, exp)) {
			ksft_print_msg("parent's re-read: expected '%d\\n', got '%s'\n",
				       k.pid, got);
			ok = false;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(name);
	if (rep != MAP_FAILED)
		munmap(rep, sizeof(*rep));
	if (skip)
		ksft_test_result_skip("reader in another pid namespace (no CLONE_NEWPID)\n");
	else
		ksft_test_result(ok,
				 "reader in another pid namespace: an inherited, partly read fd rewound there lists its task by the namespace's id\n");
}

/* ================= main ================= */

static void cleanup_all(void)
{
	int i;

	if (getpid() != main_pid)
		return;
	if (ch) {
		WRITE_ONCE(ch->stop_reader, 1);
		WRITE_ONCE(ch->stop, 1);
	}
	for (i = 0; i < MAX_PROCS; i++)
		if (procs[i] > 0)
			proc_reap(procs[i], true);
	ncrowds = 0;
	kids_kill_all();
	write_path(CROOT "/tasks", "0\n", 2);
	ct_destroy_all();
	restore_sysctls();
}

static const struct test tests[] = {
	{ test_pidns_reader, 1 },
	{ setup_crowd, 0 },
	{ test_churn, 2 },
	{ test_lock_stat, 2 },
	{ test_open_files, 2 },
	{ stop_crowd, 0 },
};

int main(void)
{
	const char *env = getenv("TASKS_SCALE_THREADS");

	main_pid = getpid();
	t_start = now_ms();
	nwant = env && atoi(env) > 0 ? atoi(env) : DEFAULT_THREADS;
	snprintf(prefix, sizeof(prefix), "tasks_scale.%d", main_pid);

	ksft_print_header();
	require_containers(CROOT "/tasks");
	ksft_set_plan(tests_plan(tests, ARRAY_SIZE(tests)));
	ch = mmap(NULL, sizeof(*ch), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ch == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	/* The idle threads must be in the root: so must their creator. */
	write_path(CROOT "/tasks", "0\n", 2);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
