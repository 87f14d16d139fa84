// SPDX-License-Identifier: GPL-2.0
/*
 * container_bench: what process grouping costs on the paths users hit.
 *
 *   container_bench --fs none|container|cgroup1|cgroup2 [--root DIR]
 *                   [--scale full|tiny]
 *
 * --fs names the grouping to drive: none (fork and threads only, the
 * baseline), the container filesystem, a cgroup v1 named hierarchy, or
 * cgroup v2, mounted at --root (default /dev/container). Each figure is
 * printed as
 *
 *   pc-bench <workload>.<case> <value> <ns|bytes>
 *
 * and the run ends with "pc-bench-done <rows>"; any failure prints
 * "pc-bench-error: ..." and exits 1. Times come from CLOCK_MONOTONIC in
 * the guest; under QEMU -icount they follow executed instructions.
 * Nothing here judges the figures: ci/bench.sh boots the kernels under
 * comparison and ci/bench-report.py turns the figures into a report.
 * --scale tiny runs every workload with tiny counts, for make check.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

enum grouping { FS_NONE, FS_CONTAINER, FS_CGROUP1, FS_CGROUP2 };

struct scale {
	int fork_iters;		/* fork+exit+wait and thread create+join */
	int fork_runs;		/* processes per placement; the median one */
	int attach_iters;	/* round trips between two groups */
	int rounds;		/* timed rounds; the median one is reported */
	int group_threads[3];	/* threads in the group whose tasks are read */
	int other_threads;	/* threads elsewhere in the "busy" reads */
	int read_budget;	/* tasks lines read per figure, about */
	int warm_siblings;	/* siblings made first, not measured */
	int siblings;		/* sibling groups made and removed */
	int chain_depth;	/* depth of the chain made and removed */
	int chain_reps;
};

static const struct scale full_scale = {
	.fork_iters = 2000, .fork_runs = 3, .attach_iters = 2000, .rounds = 3,
	.group_threads = { 10, 1000, 10000 }, .other_threads = 10000,
	.read_budget = 100000, .warm_siblings = 1000, .siblings = 10000,
	.chain_depth = 200, .chain_reps = 50,
};

static const struct scale tiny_scale = {
	.fork_iters = 10, .fork_runs = 1, .attach_iters = 10, .rounds = 1,
	.group_threads = { 10, 20, 30 }, .other_threads = 30,
	.read_budget = 100, .warm_siblings = 5, .siblings = 20,
	.chain_depth = 10, .chain_reps = 1,
};

static const struct scale *sc;
static enum grouping fs;
static const char *root = "/dev/container";
static int rows;

static __noreturn __printf(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	printf("pc-bench-error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (%s)\n", strerror(err));
	fflush(stdout);
	exit(1);
}

static void report(const char *workload, const char *what, long long value,
		   const char *unit)
{
	printf("pc-bench %s.%s %lld %s\n", workload, what, value, unit);
	fflush(stdout);
	rows++;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long median(long long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return v[n / 2];
}

/* Group paths are relative to the mount: "" is the root group. */
static void group_path(char *out, size_t n, const char *group, const char *file)
{
	if (snprintf(out, n, "%s/%s%s%s", root, group, *group ? "/" : "", file) >= (int)n)
		fail("path too long: %s/%s", group, file);
}

static void group_make(const char *group)
{
	char path[PATH_MAX];

	group_path(path, sizeof(path), group, "");
	if (mkdir(path, 0755) && errno != EEXIST)
		fail("mkdir %s", path);
}

/*
 * A joined thread may still be on its way out of the group: the kernel
 * wakes pthread_join() (clear_child_tid, in exit_mm) before the thread
 * leaves its container or cgroup. EBUSY is retried for up to a second.
 */
static void group_remove(const char *group)
{
	char path[PATH_MAX];
	int tries = 0;

	group_path(path, sizeof(path), group, "");
	while (rmdir(path) && errno != ENOENT) {
		if (errno != EBUSY || ++tries > 1000)
			fail("rmdir %s", path);
		usleep(1000);
	}
}

static void group_write(const char *group, const char *file, const char *text)
{
	char path[PATH_MAX];
	int fd;

	group_path(path, sizeof(path), group, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		fail("open %s", path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		fail("write '%s' to %s", text, path);
	close(fd);
}

/* The file that moves a task, and the one that lists threads. */
static const char *attach_file(void)
{
	return fs == FS_CGROUP2 ? "cgroup.procs" : "tasks";
}

static const char *threads_file(void)
{
	return fs == FS_CGROUP2 ? "cgroup.threads" : "tasks";
}

/* Moves the calling, single-threaded process into a group. */
static void group_enter(const char *group)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d\n", getpid());
	group_write(group, attach_file(), pid);
}

/* The placements of the fork and thread workloads. */
struct placement {
	const char *name;
	const char *group;	/* NULL: stay in the root group */
	const char *setup[3];	/* groups to make, outermost first */
	int notify;		/* set notify_on_release on the group */
	enum {
		NO_WATCHER,
		WATCHER_EVENTS,	/* polls the outermost group's events file */
		WATCHER_IDLE,	/* the same process, polling no file */
	} watcher;
};

static const struct placement placements[] = {
	{ "root", NULL, { NULL }, 0, NO_WATCHER },
	{ "deep3", "bench_a/b/c", { "bench_a", "bench_a/b", "bench_a/b/c" }, 0, NO_WATCHER },
	{ "bystander", "bench_s/b/c", { "bench_s", "bench_s/b", "bench_s/b/c" }, 0, WATCHER_IDLE },
	{ "watched", "bench_w/b/c", { "bench_w", "bench_w/b", "bench_w/b/c" }, 0, WATCHER_EVENTS },
	{ "notify", "bench_n", { "bench_n" }, 1, NO_WATCHER },
};

/* The file that says whether a group's subtree has tasks, if any. */
static const char *events_file(void)
{
	if (fs == FS_CONTAINER)
		return "events";
	return fs == FS_CGROUP2 ? "cgroup.events" : NULL;
}

static int placement_applies(const struct placement *p)
{
	if (!p->group)
		return 1;
	if (fs == FS_NONE)
		return 0;
	/* cgroup v1 has no events file. */
	if (p->watcher == WATCHER_EVENTS && !events_file())
		return 0;
	/* cgroup v2 has no notify_on_release. */
	return !(p->notify && fs == FS_CGROUP2);
}

/*
 * The "watched" placement: a process waits, as a service manager waiting
 * for a job to end would, for the outermost group to become empty. It is
 * forked before the placement enters its group, so it stays outside the
 * groups measured; it never forks anyway. It blocks in poll() for
 * POLLPRI on the events file and answers each wakeup with a read from
 * offset 0, which rearms poll(), until it is killed. The fork and exit
 * measured happen in a group that keeps the measuring process, so they
 * never change "populated": what is measured is the cost of a watcher
 * on the path that must not notice it.
 *
 * The watcher runs in a new image of this program (--watch): a child
 * that only forked would share the measuring process's pages, and each
 * fork measured would then cost more for that alone (the first run
 * measured +1.1% here, and as much on cgroup v2).
 *
 * The "bystander" placement is its control: the same new image, started
 * at the same point, blocked in poll() on no file at all (--idle). The
 * difference between the two is what watching events costs; the
 * difference between the bystander and deep3 is what one more sleeping
 * process costs, which has nothing to do with grouping.
 */
static pid_t watcher_pid;

/* The "populated" of an events file; reading it rearms poll(). */
static int read_populated(int fd, const char *path)
{
	char buf[128];
	int populated;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		fail("read %s", path);
	buf[n] = '\0';
	if (sscanf(buf, "populated %d", &populated) != 1) {
		errno = 0;
		fail("%s reads '%s'", path, buf);
	}
	return populated;
}

/*
 * The watcher itself (--watch PATH FD): writes a byte to FD once it has
 * read PATH, and one more on its first read of "populated 1".
 */
static void watch(const char *path, int ready)
{
	struct pollfd pfd = { .events = POLLPRI };
	int populated, told = 0;
	char byte = 0;

	pfd.fd = open(path, O_RDONLY);
	if (pfd.fd < 0)
		fail("open %s", path);
	populated = read_populated(pfd.fd, path);
	if (write(ready, &byte, 1) != 1)
		_exit(1);
	for (;;) {
		if (populated && !told) {
			if (write(ready, &byte, 1) != 1)
				_exit(1);
			told = 1;
		}
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			fail("poll %s", path);
		populated = read_populated(pfd.fd, path);
	}
}

/*
 * The bystander (--idle FD): says at once all that a watcher would say,
 * then sleeps in poll() until it is killed.
 */
static void idle(int ready)
{
	char bytes[2] = { 0, 0 };

	if (write(ready, bytes, sizeof(bytes)) != sizeof(bytes))
		_exit(1);
	for (;;)
		poll(NULL, 0, -1);
}

/*
 * Starts the watcher of @group's events file (or the bystander), and
 * returns once it has read the file: from then on, a change wakes it.
 * Returns the pipe on which it says so (see watch()).
 */
static int start_watcher(const struct placement *p)
{
	char path[PATH_MAX], fd[16], byte;
	int ready[2];

	if (p->watcher == WATCHER_EVENTS)
		group_path(path, sizeof(path), p->setup[0], events_file());
	if (pipe(ready))
		fail("pipe");
	snprintf(fd, sizeof(fd), "%d", ready[1]);
	watcher_pid = fork();
	if (watcher_pid < 0)
		fail("fork");
	if (watcher_pid == 0) {
		/* It must not outlive a failed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		if (p->watcher == WATCHER_EVENTS)
			execl("/proc/self/exe", "container_bench", "--watch",
			      path, fd, (char *)NULL);
		else
			execl("/proc/self/exe", "container_bench", "--idle",
			      fd, (char *)NULL);
		fail("exec /proc/self/exe");
	}
	close(ready[1]);
	if (read(ready[0], &byte, 1) != 1) {
		errno = 0;
		fail("the watcher of the %s placement did not start", p->name);
	}
	return ready[0];
}

/*
 * Waits until the watcher has read "populated 1", so that the wakeup the
 * placement's own entry caused is over before anything is timed.
 */
static void watcher_saw_populated(int ready, const char *group)
{
	struct pollfd pfd = { .fd = ready, .events = POLLIN };
	char byte;

	if (poll(&pfd, 1, 10000) != 1 || read(ready, &byte, 1) != 1) {
		errno = 0;
		fail("the watcher of %s did not see it populated", group);
	}
	close(ready);
}

static void stop_watcher(const char *group)
{
	int status;

	kill(watcher_pid, SIGKILL);
	if (waitpid(watcher_pid, &status, 0) != watcher_pid)
		fail("waitpid");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		errno = 0;
		fail("the watcher of %s stopped before the end", group);
	}
	watcher_pid = 0;
}

static void placement_enter(const struct placement *p)
{
	int i, ready = -1;

	if (!p->group)
		return;
	for (i = 0; i < 3 && p->setup[i]; i++)
		group_make(p->setup[i]);
	if (p->notify)
		group_write(p->group, "notify_on_release", "1\n");
	if (p->watcher)
		ready = start_watcher(p);
	group_enter(p->group);
	if (p->watcher)
		watcher_saw_populated(ready, p->setup[0]);
}

static void placement_leave(const struct placement *p)
{
	int i;

	if (!p->group)
		return;
	/* Before the group empties, which would wake the watcher. */
	if (p->watcher)
		stop_watcher(p->setup[0]);
	group_enter("");
	for (i = 2; i >= 0; i--)
		if (p->setup[i])
			group_remove(p->setup[i]);
}

static long long time_forks(int iters)
{
	long long start = now_ns();
	int status, i;
	pid_t pid;

	for (i = 0; i < iters; i++) {
		pid = fork();
		if (pid < 0)
			fail("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			fail("waitpid");
	}
	return (now_ns() - start) / iters;
}

static void *noop_thread(void *arg)
{
	return arg;
}

static long long time_threads(int iters)
{
	long long start = now_ns();
	pthread_t thread;
	int i, err;

	for (i = 0; i < iters; i++) {
		err = pthread_create(&thread, NULL, noop_thread, NULL);
		if (err) {
			errno = err;
			fail("pthread_create");
		}
		pthread_join(thread, NULL);
	}
	return (now_ns() - start) / iters;
}

/* Median of rounds, after one untimed round to warm caches up. */
static long long rounds_median(long long (*fn)(int), int iters)
{
	long long v[16];
	int r;

	fn(iters);
	for (r = 0; r < sc->rounds; r++)
		v[r] = fn(iters);
	return median(v, sc->rounds);
}

/*
 * Each placement runs in new children of the untouched main process:
 * fork's cost grows with the mappings of the parent (a thread's cached
 * stack is one), so every placement, and every grouping, must fork from
 * the same state. Figures also differ a little from one process to the
 * next, so each placement runs in several, interleaved with the other
 * placements, and the median process is reported.
 */
static void run_placement(const struct placement *p, long long *fork_ns,
			  long long *thread_ns)
{
	long long figures[2];
	int status, out[2];
	pid_t pid;

	if (pipe(out))
		fail("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		close(out[0]);
		placement_enter(p);
		figures[0] = rounds_median(time_forks, sc->fork_iters);
		figures[1] = rounds_median(time_threads, sc->fork_iters);
		placement_leave(p);
		if (write(out[1], figures, sizeof(figures)) != sizeof(figures))
			fail("write");
		exit(0);
	}
	close(out[1]);
	if (read(out[0], figures, sizeof(figures)) != sizeof(figures) ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		errno = 0;
		fail("the %s placement did not complete", p->name);
	}
	close(out[0]);
	*fork_ns = figures[0];
	*thread_ns = figures[1];
}

#define NR_PLACEMENTS ARRAY_SIZE(placements)

static void bench_fork_and_threads(void)
{
	long long forks[NR_PLACEMENTS][8], threads[NR_PLACEMENTS][8];
	unsigned int i;
	int run;

	for (run = 0; run < sc->fork_runs; run++)
		for (i = 0; i < NR_PLACEMENTS; i++)
			if (placement_applies(&placements[i]))
				run_placement(&placements[i], &forks[i][run],
					      &threads[i][run]);
	for (i = 0; i < NR_PLACEMENTS; i++) {
		if (!placement_applies(&placements[i]))
			continue;
		report("fork_exit", placements[i].name,
		       median(forks[i], sc->fork_runs), "ns");
		report("thread", placements[i].name,
		       median(threads[i], sc->fork_runs), "ns");
	}
}

static long long time_attach(int iters)
{
	char pid[32], a[PATH_MAX], b[PATH_MAX];
	long long start, per_move;
	int fa, fb, i;
	size_t len;

	len = snprintf(pid, sizeof(pid), "%d\n", getpid());
	group_path(a, sizeof(a), "bench_x", attach_file());
	group_path(b, sizeof(b), "bench_y", attach_file());
	fa = open(a, O_WRONLY);
	fb = open(b, O_WRONLY);
	if (fa < 0 || fb < 0)
		fail("open %s or %s", a, b);
	start = now_ns();
	for (i = 0; i < iters; i++) {
		if (pwrite(fa, pid, len, 0) != (ssize_t)len)
			fail("attach to bench_x");
		if (pwrite(fb, pid, len, 0) != (ssize_t)len)
			fail("attach to bench_y");
	}
	per_move = (now_ns() - start) / (2LL * iters);
	close(fa);
	close(fb);
	return per_move;
}

static void bench_attach(void)
{
	group_make("bench_x");
	group_make("bench_y");
	report("attach", "move", rounds_median(time_attach, sc->attach_iters), "ns");
	group_enter("");
	group_remove("bench_x");
	group_remove("bench_y");
}

/*
 * A process of `threads` threads that park for good, in `group` (or where
 * it was forked when NULL). Returns its pid once every thread exists.
 */
static void *park_thread(void *arg)
{
	for (;;)
		pause();
	return arg;
}

static pid_t start_crowd(const char *group, int threads)
{
	pthread_attr_t attr;
	pthread_t thread;
	int ready[2], i, err;
	char byte = 0;
	pid_t pid;

	if (pipe(ready))
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		/* Threads parked for good must not outlive a failed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		if (group)
			group_enter(group);
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
		for (i = 1; i < threads; i++) {
			err = pthread_create(&thread, &attr, park_thread, NULL);
			if (err) {
				errno = err;
				fail("creating thread %d of %d", i + 1, threads);
			}
		}
		if (write(ready[1], &byte, 1) != 1)
			_exit(1);
		park_thread(NULL);
	}
	close(ready[1]);
	if (read(ready[0], &byte, 1) != 1)
		fail("the crowd of %d threads did not start", threads);
	close(ready[0]);
	return pid;
}

static void stop_crowd(pid_t pid)
{
	kill(pid, SIGKILL);
	if (waitpid(pid, NULL, 0) != pid)
		fail("waitpid");
}

/* Reads a whole threads file as cat would; returns the lines read. */
static int read_threads(const char *path, char *buf, size_t size)
{
	int fd, lines = 0;
	ssize_t n, i;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("open %s", path);
	while ((n = read(fd, buf, size)) > 0)
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	if (n < 0)
		fail("read %s", path);
	close(fd);
	return lines;
}

static void bench_tasks_read(const char *label, const char *other_group)
{
	static char buf[1 << 16];
	char path[PATH_MAX], what[32];
	long long start;
	pid_t crowd, other = 0;
	int i, t, reads, lines, threads;

	group_make("bench_t");
	if (other_group)
		other = start_crowd(*other_group ? other_group : NULL, sc->other_threads);
	group_path(path, sizeof(path), "bench_t", threads_file());
	for (t = 0; t < 3; t++) {
		threads = sc->group_threads[t];
		crowd = start_crowd("bench_t", threads);
		reads = sc->read_budget / threads;
		if (reads < 5)
			reads = 5;
		if (reads > 2000)
			reads = 2000;
		lines = read_threads(path, buf, sizeof(buf));
		if (lines != threads) {
			errno = 0;
			fail("%s lists %d threads, %d expected", path, lines, threads);
		}
		start = now_ns();
		for (i = 0; i < reads; i++)
			read_threads(path, buf, sizeof(buf));
		snprintf(what, sizeof(what), "%s%d", label, threads);
		report("tasks_read", what, (now_ns() - start) / reads, "ns");
		stop_crowd(crowd);
	}
	if (other)
		stop_crowd(other);
	group_remove("bench_t");
}

static long long meminfo_kb(const char *field)
{
	char line[256];
	long long kb = -1;
	size_t len = strlen(field);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		fail("open /proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = atoll(line + len + 1);
	fclose(f);
	if (kb < 0) {
		errno = 0;
		fail("no %s in /proc/meminfo", field);
	}
	return kb;
}

/*
 * mkdir, then rmdir, of many siblings, after a few that fill the partial
 * slabs earlier work left behind. The memory figures are the growth of
 * the slab and of all used memory across the measured mkdirs.
 */
static void bench_siblings(void)
{
	long long start, slab, used;
	char path[PATH_MAX], name[32];
	int i, n = sc->siblings;

	group_make("bench_s");
	/* Fill the partial slabs that earlier work left, then measure. */
	for (i = 0; i < sc->warm_siblings; i++) {
		snprintf(name, sizeof(name), "bench_s/w%d", i);
		group_make(name);
	}
	sync();
	slab = meminfo_kb("Slab");
	used = -meminfo_kb("MemFree");
	start = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench_s/g%d", i);
		group_path(path, sizeof(path), name, "");
		if (mkdir(path, 0755))
			fail("mkdir %s", path);
	}
	start = (now_ns() - start) / n;
	slab = meminfo_kb("Slab") - slab;
	used += meminfo_kb("MemFree");
	used = -used;
	report("mkdir", "siblings", start, "ns");
	report("memory", "slab", slab * 1024 / n, "bytes");
	report("memory", "total", used * 1024 / n, "bytes");

	start = now_ns();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "bench_s/g%d", i);
		group_path(path, sizeof(path), name, "");
		if (rmdir(path))
			fail("rmdir %s", path);
	}
	report("rmdir", "siblings", (now_ns() - start) / n, "ns");
	for (i = 0; i < sc->warm_siblings; i++) {
		snprintf(name, sizeof(name), "bench_s/w%d", i);
		group_remove(name);
	}
	group_remove("bench_s");
}

/* A chain of directories "d", made and removed through directory fds. */
static void bench_chain(void)
{
	long long made = 0, removed = 0, start;
	int depth = sc->chain_depth, rep, i;
	char path[PATH_MAX];
	int *fds;

	fds = calloc(depth + 1, sizeof(*fds));
	if (!fds)
		fail("calloc");
	group_make("bench_c");
	group_path(path, sizeof(path), "bench_c", "");
	for (rep = 0; rep < sc->chain_reps; rep++) {
		fds[0] = open(path, O_PATH | O_DIRECTORY);
		if (fds[0] < 0)
			fail("open %s", path);
		start = now_ns();
		for (i = 0; i < depth; i++) {
			if (mkdirat(fds[i], "d", 0755))
				fail("mkdir at depth %d", i + 1);
			fds[i + 1] = openat(fds[i], "d", O_PATH | O_DIRECTORY);
			if (fds[i + 1] < 0)
				fail("open at depth %d", i + 1);
		}
		made += now_ns() - start;
		start = now_ns();
		for (i = depth - 1; i >= 0; i--) {
			close(fds[i + 1]);
			if (unlinkat(fds[i], "d", AT_REMOVEDIR))
				fail("rmdir at depth %d", i + 1);
		}
		removed += now_ns() - start;
		close(fds[0]);
	}
	free(fds);
	group_remove("bench_c");
	snprintf(path, sizeof(path), "chain%d", depth);
	report("mkdir", path, made / ((long long)depth * sc->chain_reps), "ns");
	report("rmdir", path, removed / ((long long)depth * sc->chain_reps), "ns");
}

static void usage_exit(const char *argv0)
{
	fprintf(stderr,
		"usage: %s --fs none|container|cgroup1|cgroup2 [--root DIR] [--scale full|tiny]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "none", "container", "cgroup1", "cgroup2" };
	const char *scale = "full";
	int i, f = -1;

	if (argc == 4 && !strcmp(argv[1], "--watch"))
		watch(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "--idle"))
		idle(atoi(argv[2]));
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--fs")) {
			for (f = 3; f >= 0 && strcmp(argv[i + 1], names[f]); f--)
				;
		} else if (!strcmp(argv[i], "--root")) {
			root = argv[i + 1];
		} else if (!strcmp(argv[i], "--scale")) {
			scale = argv[i + 1];
		} else {
			usage_exit(argv[0]);
		}
	}
	if (i != argc || f < 0)
		usage_exit(argv[0]);
	fs = f;
	if (!strcmp(scale, "full"))
		sc = &full_scale;
	else if (!strcmp(scale, "tiny"))
		sc = &tiny_scale;
	else
		usage_exit(argv[0]);
	/* The arrays that hold rounds and runs for their medians. */
	if (sc->rounds > 16 || sc->fork_runs > 8) {
		errno = 0;
		fail("scale out of bounds");
	}

	printf("pc-bench-info fs=%s scale=%s\n", names[fs], scale);
	/* Fork first, from a process that has done nothing else yet. */
	bench_fork_and_threads();
	if (fs != FS_NONE) {
		bench_siblings();
		bench_chain();
		bench_attach();
		bench_tasks_read("quiet", NULL);
		bench_tasks_read("busy", "");
	}
	printf("pc-bench-done %d\n", rows);
	return 0;
}
