// SPDX-License-Identifier: GPL-2.0
/*
 * lock_bench: the locks that process grouping takes, from /proc/lock_stat.
 *
 *   lock_bench --fs container|cgroup1 --root DIR [--scale full|tiny]
 *              [--classes LIST]
 *
 * --fs container drives the container filesystem mounted at DIR (default
 * /dev/container), --fs cgroup1 a cgroup v1 named hierarchy that the
 * caller mounted at DIR. The root group is DIR itself; a task joins a
 * group by writing its id ("0": the writer) to DIR/<group>/tasks. The
 * fresh group of a run is DIR/lock_bench.<pid>.
 *
 * --classes lists the lock classes to report, comma separated and spelled
 * as in /proc/lock_stat (default container_members,TREE,POPULATION,
 * css_set_lock,tasklist_lock for container, and css_set_lock,
 * cgroup_mutex,tasklist_lock for cgroup1). The lines of a class and of
 * its #N, /N, -W and -R variants add up (holdtime-max: the largest); a
 * class never seen reads 0.
 *
 * Figures, one "pc-bench <name> <value> <unit>" line each:
 *
 *   acq_per_fork.<placement>.<class>             per_fork
 *	acquisitions per fork+exit+wait of one process, over 2000 of them,
 *	in the root group (placement "root") or in the fresh group ("group");
 *   contention.<placement>.<class>               count
 *   forks.<placement>                            count
 *   contention_per_1k_forks.<placement>.<class>  per_1k_forks
 *	two processes, on CPU 0 and CPU 1, fork+exit+wait for 5 s at once
 *	in that placement: the contentions, the forks they did together and
 *	contentions per 1000 of those forks;
 *   hold_max.reader<N>.<class>                   us
 *   reads.reader<N>                              count
 *   forks.reader<N>                              count
 *	with N idle threads (12000, then 50000) in the root group, for 3 s
 *	one process reads the root's whole tasks file over and over on CPU 0,
 *	one forks+exits+waits on CPU 1 and one, SCHED_FIFO on CPU 1, moves a
 *	helper process between the root and the group every 200 us: the
 *	longest hold of each class (in us, as lock_stat gives it), and the
 *	complete reads and the forks done.
 *	With fewer threads than N (limits, memory), the names keep N and a
 *	note "only K of N threads" says how many there were.
 *
 * Each window clears lock_stat once its children are ready and reads it
 * before they exit, so only their loops count. Collection is switched on
 * (/proc/sys/kernel/lock_stat), and threads-max and pid_max raised when
 * too low, for the run only. With one CPU there are no contention figures.
 * Notes are "pc-bench-note ..." lines, the run ends with "pc-bench-done
 * <rows>", and a failure prints "pc-bench-error: ..." and exits 1.
 * --scale tiny makes every count small, for a run of a few seconds.
 * Without /proc/lock_stat (no CONFIG_LOCK_STAT) the acq_per_fork workloads
 * still run, tiny, so that a smoke test covers their code, but print no
 * figure.
 *
 * Why lock statistics rather than time: under QEMU TCG with 2 vCPUs on a
 * 2-core host, wall-clock time swings by tens of percent from run to run,
 * and -icount serializes the vCPUs, so two CPUs never really run at once.
 * What process grouping costs in locking shows there only as counted
 * events: how often a lock is taken, how often a taker had to wait, and
 * how long it was held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_CLASSES	16
#define MAX_KIDS	16
/*
 * Threads per idle process: each stack is two mappings (with its guard
 * page), which must stay below vm.max_map_count (65530).
 */
#define CROWD_THREADS	8000
#define CROWD_STACK	(64 << 10)
#define RESERVE_KB	(64 << 10)	/* MemAvailable the idle threads leave */
#define SLACK		8192		/* threads and pids for all but the idle ones */
#define HEADROOM	64		/* threads a crowd at a limit gives back */
#define READ_CHUNK	(64 << 10)
#define MOVE_PAUSE_NS	200000		/* between two round trips of the mover */

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

enum grouping { FS_CONTAINER, FS_CGROUP1 };

struct scale {
	int fork_iters;		/* acq_per_fork: forks per figure */
	int contend_ms;		/* contention: time both forkers run */
	int readers[2];		/* hold_max: idle threads in the root */
	int hold_ms;		/* hold_max: time the three run */
};

static const struct scale full_scale = {
	.fork_iters = 2000, .contend_ms = 5000,
	.readers = { 12000, 50000 }, .hold_ms = 3000,
};

static const struct scale tiny_scale = {
	.fork_iters = 50, .contend_ms = 500,
	.readers = { 200, 500 }, .hold_ms = 500,
};

/* One child's side of the handshake with the parent; it alone writes it. */
struct kid_state {
	int ready;		/* set up, waiting for go */
	int done;		/* its loop is over, waiting for release */
	int short_why;		/* an idle crowd: why it made fewer threads */
	long count;		/* forks, reads, moves or threads done */
};

struct shared {
	int go, stop, release;	/* written by the parent only */
	int failed;		/* 2 once the first failing child said why */
	int err;
	char what[160];
	struct kid_state kid[MAX_KIDS];
};

struct lock_class {
	const char *name;
	double acq, con, hold_max;
};

enum { SYSCTL_LOCK_STAT, SYSCTL_THREADS_MAX, SYSCTL_PID_MAX, NR_SYSCTLS };

struct sysctl {
	const char *path;
	long old;
	bool changed;
};

static const char *lock_stat_file = "/proc/lock_stat";
static struct sysctl sysctls[NR_SYSCTLS] = {
	[SYSCTL_LOCK_STAT] = { .path = "/proc/sys/kernel/lock_stat" },
	[SYSCTL_THREADS_MAX] = { .path = "/proc/sys/kernel/threads-max" },
	[SYSCTL_PID_MAX] = { .path = "/proc/sys/kernel/pid_max" },
};

static const struct scale *sc;
static enum grouping fs;
static const char *root = "/dev/container";
static struct lock_class classes[MAX_CLASSES];
static int nclasses, rows, ncpus;
static bool have_lock_stat, group_made, cleaning;
static char group[32];			/* lock_bench.<pid> */
static pid_t main_pid, kids[MAX_KIDS];	/* each kid leads its process group */
static struct shared *sh;
static long crowd_threads;		/* idle threads, their leaders included */
static int crowd_short;			/* why the crowd stopped growing, or 0 */

/*
 * In a child, the failure goes to the parent, which reports it and cleans
 * up; only the first one is kept, the others are its consequences.
 */
static __noreturn __printf(1, 2) void fail(const char *fmt, ...)
{
	char what[sizeof(sh->what)];
	int err = errno, zero = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (getpid() != main_pid) {
		if (__atomic_compare_exchange_n(&sh->failed, &zero, 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			memcpy(sh->what, what, sizeof(what));
			sh->err = err;
			STORE(sh->failed, 2);
		}
		_exit(1);
	}
	printf("pc-bench-error: %s", what);
	if (err)
		printf(" (%s)", strerror(err));
	printf("\n");
	fflush(stdout);
	exit(1);
}

static __printf(1, 2) void note(const char *fmt, ...)
{
	va_list ap;

	printf("pc-bench-note ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static __printf(4, 5) void report(double value, int decimals, const char *unit,
				  const char *fmt, ...)
{
	va_list ap;

	printf("pc-bench ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" %.*f %s\n", decimals, value, unit);
	fflush(stdout);
	rows++;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int write_file(const char *path, const char *text)
{
	ssize_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static long sysctl_get(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atol(buf);
}

static int sysctl_put(const char *path, long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", value);
	return write_file(path, buf);
}

/* Raises a sysctl to at least want; the first value is restored at exit. */
static int sysctl_at_least(int i, long want)
{
	long now = sysctl_get(sysctls[i].path);

	if (now < 0)
		return -1;
	if (now >= want)
		return 0;
	if (sysctl_put(sysctls[i].path, want))
		return -1;
	if (!sysctls[i].changed)
		sysctls[i].old = now;
	sysctls[i].changed = true;
	return 0;
}

static void sysctl_restore(int i)
{
	if (sysctls[i].changed && !sysctl_put(sysctls[i].path, sysctls[i].old))
		sysctls[i].changed = false;
}

/* "" is the root group, DIR itself; an empty file names the directory. */
static void path_of(char *out, const char *grp, const char *file)
{
	if (snprintf(out, PATH_MAX, "%s%s%s%s%s", root, *grp ? "/" : "", grp,
		     *file ? "/" : "", file) >= PATH_MAX)
		fail("path too long: %s/%s/%s", root, grp, file);
}

/* Moves task pid (0: the caller) into grp. */
static void group_join(const char *grp, pid_t pid)
{
	char path[PATH_MAX], id[32];

	path_of(path, grp, "tasks");
	snprintf(id, sizeof(id), "%d\n", pid);
	if (write_file(path, id))
		fail("write %d to %s", pid, path);
}

static void group_make(void)
{
	char path[PATH_MAX];

	path_of(path, group, "");
	if (mkdir(path, 0755) && errno != EEXIST)
		fail("mkdir %s", path);
	group_made = true;
}

/*
 * A task just reaped may still be on its way out of the group (the wake
 * up of its parent comes first), so EBUSY is retried for up to 5 s.
 */
static void group_remove(bool quiet)
{
	char path[PATH_MAX];
	int tries = 0;

	path_of(path, group, "");
	while (rmdir(path) && errno != ENOENT) {
		if (errno != EBUSY || ++tries > 5000) {
			if (quiet)
				break;
			fail("rmdir %s", path);
		}
		usleep(1000);
	}
	group_made = false;
}

/* ---------- lock statistics ---------- */

static void lock_stat_clear(void)
{
	if (write_file(lock_stat_file, "0\n"))
		fail("clear %s", lock_stat_file);
}

static const char *skip_number(const char *s)
{
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		s++;
	return s;
}

/* Whether s is what the kernel appends to a class name: #N, /N, -W or -R. */
static bool variant_of(const char *s)
{
	if (*s == '#')
		s = skip_number(s + 1);
	if (s && *s == '/')
		s = skip_number(s + 1);
	if (s && *s == '-' && (s[1] == 'W' || s[1] == 'R'))
		s += 2;
	return s && !*s;
}

/*
 * "<class>:" and twelve numbers: con-bounces, contentions, waittime min,
 * max, total and avg, acq-bounces, acquisitions, holdtime min, max, total
 * and avg (times in us). Anything else (headers, contention points) is
 * skipped. The numbers hold no ':', so the last one ends the name.
 */
static void lock_stat_line(char *line)
{
	char *colon = strrchr(line, ':'), *s, *end;
	double v[12];
	size_t len;
	int k, c;

	if (!colon)
		return;
	for (s = colon + 1, k = 0; k < 12; k++, s = end) {
		v[k] = strtod(s, &end);
		if (end == s)
			return;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s)
		return;
	*colon = '\0';
	while (*line == ' ')
		line++;
	for (c = 0; c < nclasses; c++) {
		len = strlen(classes[c].name);
		if (strncmp(line, classes[c].name, len) || !variant_of(line + len))
			continue;
		classes[c].con += v[1];
		classes[c].acq += v[7];
		if (v[9] > classes[c].hold_max)
			classes[c].hold_max = v[9];
	}
}

static void lock_stat_read(void)
{
	static char *buf;
	static size_t size;
	char *line, *next;
	size_t len = 0;
	ssize_t n;
	int fd, c;

	for (c = 0; c < nclasses; c++) {
		classes[c].acq = 0;
		classes[c].con = 0;
		classes[c].hold_max = 0;
	}
	fd = open(lock_stat_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open %s", lock_stat_file);
	for (;;) {
		if (size - len < 4096) {
			size = size ? 2 * size : 1 << 20;
			buf = realloc(buf, size);
			if (!buf)
				fail("realloc");
		}
		n = read(fd, buf + len, size - len - 1);
		if (n < 0)
			fail("read %s", lock_stat_file);
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lock_stat_line(line);
	}
}

/* ---------- children ---------- */

static void flag_set(int *flag)
{
	STORE(*flag, 1);
	syscall(SYS_futex, flag, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Sleeps until *flag is set or ms have passed; shared memory: no _PRIVATE. */
static void flag_wait(int *flag, long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	if (!LOAD(*flag))
		syscall(SYS_futex, flag, FUTEX_WAIT, 0, &ts, NULL, 0);
}

/* The work of a child starts after the parent has cleared lock_stat... */
static void kid_begin(int slot)
{
	flag_set(&sh->kid[slot].ready);
	while (!LOAD(sh->go))
		flag_wait(&sh->go, 1000);
}

/* ...and it exits only after the parent has read lock_stat. */
static void kid_end(int slot)
{
	flag_set(&sh->kid[slot].done);
	while (!LOAD(sh->release))
		flag_wait(&sh->release, 1000);
}

static void fork_exit_wait(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fail("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		fail("waitpid");
}

/* iters fork+exit+wait, or as many as fit until stop when iters is 0. */
static void forker(int slot, long iters)
{
	struct kid_state *me = &sh->kid[slot];
	long i;

	kid_begin(slot);
	for (i = 0; iters ? i < iters : !LOAD(sh->stop); i++) {
		fork_exit_wait();
		STORE(me->count, i + 1);
	}
	kid_end(slot);
}

/* Whole reads of the root's tasks, as cat does them. */
static void reader(int slot, long unused)
{
	static char buf[READ_CHUNK];
	struct kid_state *me = &sh->kid[slot];
	char path[PATH_MAX];
	ssize_t n;
	long i;
	int fd;

	(void)unused;
	path_of(path, "", "tasks");
	kid_begin(slot);
	for (i = 1; !LOAD(sh->stop); i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fail("open %s", path);
		for (n = 1; n > 0;)
			n = read(fd, buf, sizeof(buf));
		if (n < 0)
			fail("read %s", path);
		close(fd);
		STORE(me->count, i);
	}
	kid_end(slot);
}

/* Attaches: moves the helper to the group and back, over and over. */
static void mover(int slot, long helper)
{
	const struct sched_param rt = { .sched_priority = 1 };
	const struct timespec pause = { .tv_nsec = MOVE_PAUSE_NS };
	char id[32], to_group[PATH_MAX], to_root[PATH_MAX];
	struct kid_state *me = &sh->kid[slot];
	int fd_group, fd_root;
	ssize_t len;
	long i;

	len = snprintf(id, sizeof(id), "%ld\n", helper);
	path_of(to_group, group, "tasks");
	path_of(to_root, "", "tasks");
	fd_group = open(to_group, O_WRONLY | O_CLOEXEC);
	fd_root = open(to_root, O_WRONLY | O_CLOEXEC);
	if (fd_group < 0 || fd_root < 0)
		fail("open %s or %s", to_group, to_root);
	/*
	 * A real-time mover that sleeps between moves: the kernel is
	 * preemptible, and a mover that the reader or the forker preempted
	 * while it held the tree mutex would make that hold as long as their
	 * time slice, which measures the scheduler, not the lock.
	 */
	if (sched_setscheduler(0, SCHED_FIFO, &rt))
		note("no SCHED_FIFO for the process that moves (%s): holds include preemption",
		     strerror(errno));
	kid_begin(slot);
	for (i = 2; !LOAD(sh->stop); i += 2) {
		if (pwrite(fd_group, id, len, 0) != len)
			fail("move %ld to %s", helper, to_group);
		if (pwrite(fd_root, id, len, 0) != len)
			fail("move %ld to %s", helper, to_root);
		STORE(me->count, i);
		nanosleep(&pause, NULL);
	}
	kid_end(slot);
}

/* The process that the mover moves: it only waits to be killed. */
static void idler(int slot, long unused)
{
	(void)unused;
	flag_set(&sh->kid[slot].ready);
	for (;;)
		pause();
}

/* The number after "key:" in a /proc file of such lines, or LONG_MAX. */
static long proc_field(const char *path, const char *key)
{
	size_t len = strlen(key);
	long value = LONG_MAX;
	char line[128];
	FILE *f = fopen(path, "re");

	if (!f)
		return value;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			value = atol(line + len + 1);
	fclose(f);
	return value;
}

static int idle_word, idle_trim;

/* Blocks until woken to make room (see crowd()); the crowd ends by SIGKILL. */
static void *idle_thread(void *arg)
{
	int left;

	for (;;) {
		syscall(SYS_futex, &idle_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		left = LOAD(idle_trim);
		while (left > 0)
			if (__atomic_compare_exchange_n(&idle_trim, &left, left - 1, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return arg;
	}
}

/*
 * A process of `threads` idle threads, the caller included. Running out
 * of threads or memory is no failure: the parent says how many there are.
 * Memory is checked first, as the OOM killer would not say why.
 */
static void crowd(int slot, long threads)
{
	struct kid_state *me = &sh->kid[slot];
	pthread_attr_t attr;
	pthread_t thread;
	int err = 0, trim;
	long i, now;

	if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, CROWD_STACK))
		fail("pthread attributes");
	for (i = 1; i < threads; i++) {
		if (!(i % 256) && proc_field("/proc/meminfo", "MemAvailable") < RESERVE_KB) {
			err = ENOMEM;
			break;
		}
		err = pthread_create(&thread, &attr, idle_thread, NULL);
		if (err == EAGAIN || err == ENOMEM)
			break;
		if (err) {
			errno = err;
			fail("pthread_create");
		}
	}
	if (err) {
		/*
		 * At the limit, the workload could not fork: give some threads
		 * back, and wait until the kernel has released them.
		 */
		trim = i - 1 < HEADROOM ? i - 1 : HEADROOM;
		STORE(idle_trim, trim);
		syscall(SYS_futex, &idle_word, FUTEX_WAKE_PRIVATE, trim, NULL, NULL, 0);
		i -= trim;
		for (;;) {
			now = proc_field("/proc/self/status", "Threads");
			if (now == LONG_MAX || now <= i)
				break;
			usleep(1000);
		}
	}
	me->short_why = err;
	STORE(me->count, i);
	flag_set(&me->ready);
	for (;;)
		pause();
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail("sched_setaffinity to CPU %d", cpu);
}

/* The signals that end the run, after cleanup(). */
static const int handled[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
static sigset_t handled_set;

typedef void kid_fn(int slot, long arg);

/*
 * Runs fn(slot, arg) in a child that leads its own process group, so
 * that one kill() ends it with whatever it forked; pinned to cpu unless
 * -1, and in grp first unless NULL ("" is the root group).
 */
static int spawn(kid_fn *fn, long arg, int cpu, const char *grp)
{
	unsigned int i;
	sigset_t old;
	pid_t pid;
	int slot;

	for (slot = 0; slot < MAX_KIDS && kids[slot]; slot++)
		;
	if (slot == MAX_KIDS) {
		errno = 0;
		fail("more than %d children", MAX_KIDS);
	}
	memset(&sh->kid[slot], 0, sizeof(sh->kid[slot]));
	fflush(stdout);
	/* A child that cleanup() does not know of would never be killed. */
	sigprocmask(SIG_BLOCK, &handled_set, &old);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		for (i = 0; i < ARRAY_SIZE(handled); i++)
			signal(handled[i], SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		/* Nothing may outlive the benchmark, even when it is killed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != main_pid)
			_exit(1);
		if (cpu >= 0)
			pin(cpu);
		if (grp)
			group_join(grp, 0);
		fn(slot, arg);
		_exit(0);
	}
	if (pid > 0) {
		/* Both sides set the process group: it is set before either goes on. */
		setpgid(pid, pid);
		kids[slot] = pid;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		fail("fork");
	return slot;
}

static __noreturn void kid_died(pid_t pid, int status)
{
	if (LOAD(sh->failed) == 2) {
		errno = sh->err;
		fail("%s", sh->what);
	}
	errno = 0;
	fail("child %d ended early (wait status %#x)", pid, status);
}

static void check_kids(void)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < MAX_KIDS; i++) {
		pid = kids[i];
		if (pid <= 0 || waitpid(pid, &status, WNOHANG) != pid)
			continue;
		kids[i] = 0;
		kid_died(pid, status);
	}
}

/* Waits for a child to set *flag, failing if any child dies first. */
static void await(int *flag)
{
	while (!LOAD(*flag)) {
		check_kids();
		flag_wait(flag, 50);
	}
}

/* Sleeps ms, failing early if a child dies. */
static void watch(long ms)
{
	long end = now_ms() + ms, left;
	struct timespec ts;

	while ((left = end - now_ms()) > 0) {
		check_kids();
		if (left > 20)
			left = 20;
		ts.tv_sec = 0;
		ts.tv_nsec = left * 1000000;
		nanosleep(&ts, NULL);
	}
}

static void kill_kid(int slot)
{
	pid_t pid = kids[slot];

	if (pid <= 0)
		return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	kids[slot] = 0;
}

static void reap(int slot)
{
	pid_t pid = kids[slot];
	int status;

	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid %d", pid);
	kids[slot] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		kid_died(pid, status);
}

static void new_window(void)
{
	STORE(sh->go, 0);
	STORE(sh->stop, 0);
	STORE(sh->release, 0);
}

/* Once every child is ready: clear lock_stat, then let them go. */
static void window_open(const int *slots, int n)
{
	int i;

	for (i = 0; i < n; i++)
		await(&sh->kid[slots[i]].ready);
	if (have_lock_stat)
		lock_stat_clear();
	flag_set(&sh->go);
}

/*
 * After ms (0: when they are done on their own), stop the children and
 * read lock_stat while they wait, before their exit takes locks too.
 */
static void window_close(const int *slots, int n, long ms)
{
	int i;

	if (ms) {
		watch(ms);
		flag_set(&sh->stop);
	}
	for (i = 0; i < n; i++)
		await(&sh->kid[slots[i]].done);
	if (have_lock_stat)
		lock_stat_read();
	flag_set(&sh->release);
	for (i = 0; i < n; i++)
		reap(slots[i]);
}

static void cleanup(void)
{
	int i;

	if (getpid() != main_pid || cleaning)
		return;
	/* A signal now waits until all is cleaned up, then ends the run. */
	sigprocmask(SIG_BLOCK, &handled_set, NULL);
	cleaning = true;
	for (i = 0; i < MAX_KIDS; i++) {
		if (kids[i] > 0) {
			kill(-kids[i], SIGKILL);
			kill(kids[i], SIGKILL);
		}
	}
	for (i = 0; i < MAX_KIDS; i++)
		kill_kid(i);
	/* A subreaper, we inherit orphaned grandchildren: reap them all. */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	if (group_made)
		group_remove(true);
	for (i = 0; i < NR_SYSCTLS; i++)
		sysctl_restore(i);
}

/* sig is raised again once cleanup() is over and the handler returns. */
static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---------- workloads ---------- */

static int cpu_or_any(int cpu)
{
	return ncpus > 1 ? cpu : -1;
}

/* grp: NULL for the root group, else the fresh group. */
static void bench_acq_per_fork(const char *grp, int iters)
{
	const char *placement = grp ? "group" : "root";
	int slot, c;

	new_window();
	slot = spawn(forker, iters, -1, grp ? grp : "");
	window_open(&slot, 1);
	window_close(&slot, 1, 0);
	if (!have_lock_stat)
		return;
	for (c = 0; c < nclasses; c++)
		report(classes[c].acq / iters, 3, "per_fork", "acq_per_fork.%s.%s",
		       placement, classes[c].name);
}

static void bench_contention(const char *grp)
{
	const char *placement = grp ? "group" : "root";
	int slots[2], c;
	long forks;

	new_window();
	slots[0] = spawn(forker, 0, 0, grp ? grp : "");
	slots[1] = spawn(forker, 0, 1, grp ? grp : "");
	window_open(slots, 2);
	window_close(slots, 2, sc->contend_ms);
	forks = LOAD(sh->kid[slots[0]].count) + LOAD(sh->kid[slots[1]].count);
	for (c = 0; c < nclasses; c++)
		report(classes[c].con, 0, "count", "contention.%s.%s", placement,
		       classes[c].name);
	report(forks, 0, "count", "forks.%s", placement);
	for (c = 0; c < nclasses; c++)
		report(forks ? classes[c].con * 1000 / forks : 0, 3, "per_1k_forks",
		       "contention_per_1k_forks.%s.%s", placement, classes[c].name);
}

/* Grows the idle threads in the root group to want, as far as they go. */
static void crowd_grow(long want)
{
	struct kid_state *ks;
	long n;
	int slot;

	while (crowd_threads < want && !crowd_short) {
		n = want - crowd_threads;
		if (n > CROWD_THREADS)
			n = CROWD_THREADS;
		slot = spawn(crowd, n, -1, "");
		ks = &sh->kid[slot];
		await(&ks->ready);
		crowd_threads += LOAD(ks->count);
		if (LOAD(ks->count) < n)
			crowd_short = ks->short_why ? ks->short_why : EAGAIN;
	}
}

static void bench_hold(int want)
{
	long reads, forks, moves;
	int slots[3], helper, c;

	/* The threads count against all of these: raise what is too low. */
	sysctl_at_least(SYSCTL_THREADS_MAX, want + SLACK);
	sysctl_at_least(SYSCTL_PID_MAX, want + SLACK);
	crowd_grow(want);
	if (crowd_threads < want)
		note("only %ld of %d threads", crowd_threads, want);

	group_make();
	new_window();
	helper = spawn(idler, 0, -1, "");
	await(&sh->kid[helper].ready);
	slots[0] = spawn(reader, 0, cpu_or_any(0), "");
	slots[1] = spawn(forker, 0, cpu_or_any(1), "");
	slots[2] = spawn(mover, kids[helper], cpu_or_any(1), "");
	window_open(slots, 3);
	window_close(slots, 3, sc->hold_ms);
	kill_kid(helper);
	group_remove(false);

	reads = LOAD(sh->kid[slots[0]].count);
	forks = LOAD(sh->kid[slots[1]].count);
	moves = LOAD(sh->kid[slots[2]].count);
	for (c = 0; c < nclasses; c++)
		report(classes[c].hold_max, 2, "us", "hold_max.reader%d.%s", want,
		       classes[c].name);
	report(reads, 0, "count", "reads.reader%d", want);
	report(forks, 0, "count", "forks.reader%d", want);
	note("reader%d: %ld moves of a helper between the root and %s", want, moves, group);
}

static void raise_nproc(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NPROC, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		rl.rlim_max = want;
	/* Without the right to, thread creation stops short and says so. */
	setrlimit(RLIMIT_NPROC, &rl);
}

static void set_classes(char *list)
{
	char *name, *save = NULL;

	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (nclasses == MAX_CLASSES) {
			errno = 0;
			fail("more than %d classes", MAX_CLASSES);
		}
		classes[nclasses++].name = name;
	}
	if (!nclasses) {
		errno = 0;
		fail("no lock class to report");
	}
}

static void usage_exit(const char *argv0)
{
	fprintf(stderr,
		"usage: %s --fs container|cgroup1 --root DIR [--scale full|tiny] [--classes LIST]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "container", "cgroup1" };
	static const char *const default_classes[] = {
		"container_members,TREE,POPULATION,css_set_lock,tasklist_lock",
		"css_set_lock,cgroup_mutex,tasklist_lock",
	};
	const char *scale = "full", *class_list = NULL;
	char path[PATH_MAX], *list;
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	unsigned int s;
	int i, f = -1, size;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--fs")) {
			for (f = 1; f >= 0 && strcmp(argv[i + 1], names[f]); f--)
				;
		} else if (!strcmp(argv[i], "--root")) {
			root = argv[i + 1];
		} else if (!strcmp(argv[i], "--scale")) {
			scale = argv[i + 1];
		} else if (!strcmp(argv[i], "--classes")) {
			class_list = argv[i + 1];
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

	main_pid = getpid();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		fail("mmap");
	list = strdup(class_list ? class_list : default_classes[fs]);
	if (!list)
		fail("strdup");
	set_classes(list);
	snprintf(group, sizeof(group), "lock_bench.%d", main_pid);
	/* From here on, whatever ends the run removes what it made. */
	atexit(cleanup);
	sigemptyset(&handled_set);
	for (s = 0; s < ARRAY_SIZE(handled); s++)
		sigaddset(&handled_set, handled[s]);
	for (s = 0; s < ARRAY_SIZE(handled); s++)
		sigaction(handled[s], &sa, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	path_of(path, "", "tasks");
	if (access(path, W_OK))
		fail("%s: is %s mounted at %s?", path, names[fs], root);

	have_lock_stat = !access(lock_stat_file, R_OK);
	if (!have_lock_stat) {
		note("no /proc/lock_stat: nothing to measure");
		/* Still run the code of the fork workloads, for smoke tests. */
		bench_acq_per_fork(NULL, tiny_scale.fork_iters);
		group_make();
		bench_acq_per_fork(group, tiny_scale.fork_iters);
		group_remove(false);
		printf("pc-bench-done 0\n");
		return 0;
	}
	note("lock_bench fs=%s scale=%s classes=%s", names[fs], scale,
	     class_list ? class_list : default_classes[fs]);
	if (sysctl_at_least(SYSCTL_LOCK_STAT, 1))
		fail("enable %s", sysctls[SYSCTL_LOCK_STAT].path);

	bench_acq_per_fork(NULL, sc->fork_iters);
	group_make();
	bench_acq_per_fork(group, sc->fork_iters);
	group_remove(false);

	if (ncpus < 2) {
		note("one CPU: no contention figures");
	} else {
		bench_contention(NULL);
		group_make();
		bench_contention(group);
		group_remove(false);
	}

	raise_nproc(sc->readers[1] + SLACK);
	for (size = 0; size < 2; size++)
		bench_hold(sc->readers[size]);
	for (i = 0; i < MAX_KIDS; i++)
		kill_kid(i);
	crowd_threads = 0;
	sysctl_restore(SYSCTL_THREADS_MAX);
	sysctl_restore(SYSCTL_PID_MAX);

	printf("pc-bench-done %d\n", rows);
	return 0;
}
