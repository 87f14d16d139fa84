// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: a concurrent stress test.
 *
 * NWORKERS processes run for a bounded time (20 s, -t SECONDS) doing
 * random operations inside the private subtree /dev/container/conc_test:
 * mkdir, rmdir, rename within the parent, attach (their own or a
 * sibling's thread id written to tasks), fork+exit, pthread create+exit,
 * reads of tasks, /proc/<pid>/container and /proc/<pid>/task/<tid>/container,
 * and notify_on_release toggles. Containers are named c0..c7 at depth 1,
 * c0..c3 at depth 2 and c0..c1 at depth 3. The release agent is a shell
 * script that logs its path argument and tries to rmdir the container.
 *
 * Results:
 * 1. no operation failed with an errno outside the ones a race explains
 *    (EBUSY, ENOENT, EEXIST, ESRCH, ENODEV, EIO), and every read had the
 *    documented format;
 * 2. every worker exited by itself, with status 0, within the time limit;
 * 3. after all workers are reaped: every thread of the system is listed
 *    in exactly one tasks file of the whole tree, every listed id is a
 *    live thread, and /proc/<pid>/task/<tid>/container names that file's
 *    directory (retried a few times for kernel threads coming and going);
 * 4. every container of the subtree has no task and can be removed
 *    depth-first without EBUSY (ENOENT is fine: the agent may be first);
 * 5. a release after the stress still works: an emptied notify_on_release
 *    container makes the agent log its path;
 * 6. the agent log is consistent: every line names a container path
 *    under /conc_test (valid names, depth 1..3) that the test created,
 *    and no path is logged more often than it was refilled. A container
 *    can only become releasable again after it got a task or a child
 *    again, or got that name by a rename: so for each path, the number
 *    of agent runs is at most the number of successful attaches into it,
 *    mkdirs of a child of it and renames to it (counted in shared memory
 *    by the workers). A kernel that runs the agent twice for one release,
 *    or for a container that never had a task or child, fails this.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "containers_util.h"

#define SUB "conc_test"
#define SUBPATH CROOT "/" SUB
#define AGENT "/tmp/conc_test_agent.sh"
#define AGENT_LOG "/tmp/conc_test_agent.log"
#define NWORKERS 6
#define NSLOTS 64		/* tids the workers share as attach targets */
#define MAXDEPTH 3
#define NIDX (17 * 17 * 17)
#define MAX_MSGS 20

static const int level_names[MAXDEPTH] = { 8, 4, 2 };

enum op_kind {
	OP_MKDIR, OP_RMDIR, OP_RENAME, OP_ATTACH_SELF, OP_ATTACH_SIB,
	OP_FORK, OP_THREAD, OP_READ_TASKS, OP_READ_PROC, OP_READ_TPROC,
	OP_NOTIFY, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"mkdir", "rmdir", "rename", "attach self", "attach sibling",
	"fork+exit", "thread create+exit", "read tasks",
	"read /proc/pid/container", "read /proc/pid/task/tid/container",
	"notify_on_release toggle",
};

struct shared {
	int stop;	/* READ_ONCE(), WRITE_ONCE() */
	unsigned long ops[NR_OPS];
	unsigned long ok[NR_OPS];
	unsigned long unexpected;
	unsigned long bad_format;
	int msgs;
	pid_t slots[NSLOTS];
	/* per path index: ever created, refills (see above) */
	unsigned char created[NIDX];
	unsigned int refills[NIDX];
};

static struct shared *sh;
static pid_t workers[NWORKERS];
static char old_agent[PATH_MAX + 2];
static bool agent_saved;
static unsigned int duration = 20;

/* ---------- helpers ---------- */

static void msg(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int l;

	if (__atomic_fetch_add(&sh->msgs, 1, __ATOMIC_RELAXED) >= MAX_MSGS)
		return;
	l = snprintf(b, sizeof(b), "# [%d] ", getpid());
	va_start(ap, fmt);
	l += vsnprintf(b + l, sizeof(b) - l, fmt, ap);
	va_end(ap);
	if (l > (int)sizeof(b) - 1)
		l = sizeof(b) - 1;
	if (write(1, b, l) < 0)
		return;
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

static pid_t gettid_(void)
{
	return syscall(SYS_gettid);
}

/* A random container path; comp[] gets the name numbers (-1 = none). */
struct cpath {
	int depth;
	int comp[MAXDEPTH];
};

static void rand_path(unsigned int *seed, struct cpath *c, int mindepth)
{
	int i;

	c->depth = mindepth + rnd(seed, MAXDEPTH - mindepth + 1);
	for (i = 0; i < MAXDEPTH; i++)
		c->comp[i] = i < c->depth ? (int)rnd(seed, level_names[i]) : -1;
}

static int path_idx(const struct cpath *c)
{
	int i, idx = 0;

	for (i = 0; i < MAXDEPTH; i++)
		idx = idx * 17 + (i < c->depth ? c->comp[i] : 16);
	return idx;
}

/* "/conc_test/c1/c2" (fs-relative) or with CROOT when full. */
static void path_str(char *out, size_t n, const struct cpath *c, bool full)
{
	int i, l;

	l = snprintf(out, n, "%s/" SUB, full ? CROOT : "");
	for (i = 0; i < c->depth; i++)
		l += snprintf(out + l, n - l, "/c%d", c->comp[i]);
}

/* Parse "/conc_test/cA/cB" into C. Returns false if not such a path. */
static bool parse_path(const char *s, struct cpath *c)
{
	const char *p;
	int i;

	if (strncmp(s, "/" SUB "/", strlen(SUB) + 2))
		return false;
	p = s + strlen(SUB) + 1;
	c->depth = 0;
	for (i = 0; i < MAXDEPTH; i++)
		c->comp[i] = -1;
	while (*p == '/') {
		char *e;
		long v;

		if (c->depth == MAXDEPTH || p[1] != 'c' || p[2] < '0' || p[2] > '9')
			return false;
		v = strtol(p + 2, &e, 10);
		if (v < 0 || v >= level_names[c->depth] || (*e && *e != '/'))
			return false;
		if (e - (p + 2) != snprintf(NULL, 0, "%ld", v))
			return false;	/* leading zeros */
		c->comp[c->depth++] = v;
		p = e;
	}
	return *p == '\0' && c->depth > 0;
}

static void count(int op, int err, const char *what, const char *path,
		  const int *allowed)
{
	int i;

	__atomic_fetch_add(&sh->ops[op], 1, __ATOMIC_RELAXED);
	if (!err) {
		__atomic_fetch_add(&sh->ok[op], 1, __ATOMIC_RELAXED);
		return;
	}
	for (i = 0; allowed[i]; i++)
		if (err == allowed[i])
			return;
	__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_RELAXED);
	msg("%s %s: unexpected errno %d (%s)\n", what, path, err, strerror(err));
}

static const int race_errs[] = { EBUSY, ENOENT, EEXIST, ESRCH, ENODEV, EIO, 0 };

static void bad_format(const char *what, const char *path, const char *got)
{
	__atomic_fetch_add(&sh->bad_format, 1, __ATOMIC_RELAXED);
	msg("%s %s: bad content '%.80s'\n", what, path, got);
}

static void slot_set(pid_t tid, bool add)
{
	int i;

	for (i = 0; i < NSLOTS; i++) {
		pid_t want = add ? 0 : tid, newv = add ? tid : 0;

		if (__atomic_compare_exchange_n(&sh->slots[i], &want, newv, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
	}
}

static pid_t slot_pick(unsigned int *seed)
{
	int i, start = rnd(seed, NSLOTS);

	for (i = 0; i < NSLOTS; i++) {
		pid_t t = __atomic_load_n(&sh->slots[(start + i) % NSLOTS],
					  __ATOMIC_RELAXED);
		if (t)
			return t;
	}
	return 0;
}

/* ---------- the worker ---------- */

static int write_num(const char *path, long v)
{
	char w[32];
	int l = snprintf(w, sizeof(w), "%ld\n", v);
	ssize_t r = write_path(path, w, l);

	if (r == l)
		return 0;
	return r < 0 ? -r : EPROTO;
}

static void do_attach(unsigned int *seed, int op, pid_t tid)
{
	char p[PATH_MAX];
	struct cpath c;
	int err;

	rand_path(seed, &c, rnd(seed, 4) ? 1 : 0);
	path_str(p, sizeof(p), &c, true);
	strcat(p, "/tasks");
	err = write_num(p, tid);
	count(op, err, "attach to", p, race_errs);
	if (!err)
		__atomic_fetch_add(&sh->refills[path_idx(&c)], 1, __ATOMIC_RELAXED);
}

static bool check_tasks_format(const char *s)
{
	long prev = 0;

	while (*s) {
		char *e;
		long v = strtol(s, &e, 10);

		if (e == s || *e != '\n' || v <= prev)
			return false;
		prev = v;
		s = e + 1;
	}
	return true;
}

static bool check_ct_format(const char *s)
{
	size_t l = strlen(s);

	return l >= 2 && s[0] == '/' && s[l - 1] == '\n' &&
		!memchr(s, '\n', l - 1);
}

static void read_proc(unsigned int *seed, bool per_thread)
{
	char p[128], b[PATH_MAX];
	pid_t t = rnd(seed, 3) ? slot_pick(seed) : getpid();
	ssize_t n;

	if (!t)
		t = getpid();
	if (per_thread)
		snprintf(p, sizeof(p), "/proc/%d/task/%d/container", t, t);
	else
		snprintf(p, sizeof(p), "/proc/%d/container", t);
	n = read_path(p, b, sizeof(b));
	count(per_thread ? OP_READ_TPROC : OP_READ_PROC, n < 0 ? -n : 0,
	      "read", p, race_errs);
	if (n >= 0 && !check_ct_format(b))
		bad_format("read", p, b);
}

static void *thread_fn(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	pid_t tid = gettid_();
	char p[128], b[PATH_MAX];
	ssize_t n;

	slot_set(tid, true);
	snprintf(p, sizeof(p), "/proc/%d/task/%d/container", getpid(), tid);
	n = read_path(p, b, sizeof(b));
	count(OP_READ_TPROC, n < 0 ? -n : 0, "read", p, race_errs);
	if (n >= 0 && !check_ct_format(b))
		bad_format("read", p, b);
	usleep(rnd(&seed, 5000));
	slot_set(tid, false);
	return NULL;
}

static void worker(int id)
{
	unsigned int seed = time(NULL) ^ (getpid() << 8) ^ id;
	static char buf[1 << 16];
	char p[PATH_MAX], q[PATH_MAX];
	struct cpath c;
	int err;

	slot_set(getpid(), true);
	while (!READ_ONCE(sh->stop)) {
		int op = rnd(&seed, NR_OPS);

		switch (op) {
		case OP_MKDIR:
			rand_path(&seed, &c, 1);
			path_str(p, sizeof(p), &c, true);
			err = mkdir(p, 0755) ? errno : 0;
			count(op, err, "mkdir", p, race_errs);
			if (!err) {
				struct cpath par = c;

				sh->created[path_idx(&c)] = 1;
				par.depth--;
				if (par.depth > 0)
					__atomic_fetch_add(&sh->refills[path_idx(&par)],
							   1, __ATOMIC_RELAXED);
			}
			break;
		case OP_RMDIR:
			rand_path(&seed, &c, 1);
			path_str(p, sizeof(p), &c, true);
			err = rmdir(p) ? errno : 0;
			count(op, err, "rmdir", p, race_errs);
			break;
		case OP_RENAME: {
			struct cpath d;

			rand_path(&seed, &c, 1);
			d = c;
			d.comp[d.depth - 1] = rnd(&seed, level_names[d.depth - 1]);
			if (d.comp[d.depth - 1] == c.comp[c.depth - 1])
				d.comp[d.depth - 1] = (d.comp[d.depth - 1] + 1) %
						      level_names[d.depth - 1];
			path_str(p, sizeof(p), &c, true);
			path_str(q, sizeof(q), &d, true);
			err = rename(p, q) ? errno : 0;
			count(op, err, "rename", p, race_errs);
			if (!err) {
				/* The subtree moved too: mark the new names. */
				int a, b2;

				sh->created[path_idx(&d)] = 1;
				__atomic_fetch_add(&sh->refills[path_idx(&d)], 1,
						   __ATOMIC_RELAXED);
				for (a = 0; d.depth < MAXDEPTH &&
				     a < level_names[d.depth]; a++) {
					struct cpath e = d;

					e.comp[e.depth++] = a;
					sh->created[path_idx(&e)] = 1;
					__atomic_fetch_add(&sh->refills[path_idx(&e)],
							   1, __ATOMIC_RELAXED);
					for (b2 = 0; e.depth < MAXDEPTH &&
					     b2 < level_names[e.depth]; b2++) {
						struct cpath f = e;

						f.comp[f.depth++] = b2;
						sh->created[path_idx(&f)] = 1;
						__atomic_fetch_add(&sh->refills[path_idx(&f)],
								   1, __ATOMIC_RELAXED);
					}
				}
			}
			break;
		}
		case OP_ATTACH_SELF:
			do_attach(&seed, op, rnd(&seed, 2) ? getpid() : 0);
			break;
		case OP_ATTACH_SIB: {
			pid_t t = slot_pick(&seed);

			if (!t)
				t = getpid();
			do_attach(&seed, op, t);
			break;
		}
		case OP_FORK: {
			pid_t pid = fork();
			int st;

			count(op, pid < 0 ? errno : 0, "fork", "", (int[]){ 0 });
			if (pid == 0) {
				unsigned int s2 = seed ^ getpid();

				slot_set(getpid(), true);
				usleep(rnd(&s2, 20000));
				slot_set(getpid(), false);
				_exit(0);
			}
			if (pid > 0 && (waitpid(pid, &st, 0) != pid ||
					!WIFEXITED(st) || WEXITSTATUS(st))) {
				__atomic_fetch_add(&sh->unexpected, 1, __ATOMIC_RELAXED);
				msg("fork child %d: status 0x%x\n", pid, st);
			}
			break;
		}
		case OP_THREAD: {
			pthread_t th;

			err = pthread_create(&th, NULL, thread_fn,
					     (void *)(uintptr_t)rand_r(&seed));
			count(op, err, "pthread_create", "", (int[]){ 0 });
			if (!err)
				pthread_join(th, NULL);
			break;
		}
		case OP_READ_TASKS: {
			ssize_t n;

			rand_path(&seed, &c, rnd(&seed, 4) ? 1 : 0);
			path_str(p, sizeof(p), &c, true);
			strcat(p, "/tasks");
			n = read_path(p, buf, sizeof(buf));
			count(op, n < 0 ? -n : 0, "read", p, race_errs);
			if (n >= 0 && !check_tasks_format(buf))
				bad_format("read", p, buf);
			break;
		}
		case OP_READ_PROC:
		case OP_READ_TPROC:
			read_proc(&seed, op == OP_READ_TPROC);
			break;
		case OP_NOTIFY:
			rand_path(&seed, &c, 1);
			path_str(p, sizeof(p), &c, true);
			strcat(p, "/notify_on_release");
			err = write_num(p, rnd(&seed, 2));
			count(op, err, "write", p, race_errs);
			break;
		}
	}
	slot_set(getpid(), false);
}

/* ---------- checks ---------- */

struct entry {
	pid_t tid;
	char dir[200];		/* path from the fs root */
	int n;
};

static struct entry *ents;
static size_t nents, capents;

static struct entry *ent_find(pid_t tid)
{
	size_t i;

	for (i = 0; i < nents; i++)
		if (ents[i].tid == tid)
			return &ents[i];
	return NULL;
}

static int walk_tasks(const char *full, const char *rel)
{
	static char buf[1 << 20];
	char p[PATH_MAX];
	struct dirent *de;
	DIR *d;
	ssize_t n;
	char *s, *e;

	snprintf(p, sizeof(p), "%s/tasks", full);
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return -1;
	}
	for (s = buf; *s; s = e + 1) {
		pid_t tid = strtol(s, &e, 10);
		struct entry *en;

		if (e == s || *e != '\n')
			break;
		en = ent_find(tid);
		if (en) {
			ksft_print_msg("tid %d is listed in %s and in %s\n", tid,
				       en->dir, *rel ? rel : "/");
			en->n++;
			continue;
		}
		if (nents == capents) {
			capents = capents ? capents * 2 : 256;
			ents = realloc(ents, capents * sizeof(*ents));
			if (!ents)
				ksft_exit_fail_msg("out of memory\n");
		}
		en = &ents[nents++];
		en->tid = tid;
		en->n = 1;
		snprintf(en->dir, sizeof(en->dir), "%s", *rel ? rel : "/");
	}
	d = opendir(full);
	if (!d) {
		ksft_print_msg("opendir %s: %s\n", full, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		char f2[PATH_MAX], r2[PATH_MAX];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(f2, sizeof(f2), "%s/%s", full, de->d_name);
		snprintf(r2, sizeof(r2), "%s/%s", rel, de->d_name);
		if (walk_tasks(f2, r2)) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* One attempt of invariant (a); returns the number of problems. */
static int check_membership(bool verbose)
{
	DIR *pd, *td;
	struct dirent *p, *t;
	int bad = 0;
	size_t i, seen = 0;
	char *mark;

	nents = 0;
	if (walk_tasks(CROOT, ""))
		return 1;
	mark = calloc(nents + 1, 1);
	pd = opendir("/proc");
	if (!pd || !mark)
		return 1;
	while ((p = readdir(pd))) {
		char tp[300];

		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(tp, sizeof(tp), "/proc/%s/task", p->d_name);
		td = opendir(tp);
		if (!td)
			continue;	/* gone meanwhile */
		while ((t = readdir(td))) {
			char cp[600], ct[PATH_MAX];
			struct entry *en;
			pid_t tid;
			ssize_t n;

			if (t->d_name[0] < '1' || t->d_name[0] > '9')
				continue;
			tid = atoi(t->d_name);
			snprintf(cp, sizeof(cp), "%s/%s/container", tp, t->d_name);
			n = read_path(cp, ct, sizeof(ct));
			if (n == -ESRCH || n == -ENOENT)
				continue;	/* exited meanwhile */
			if (n <= 0) {
				if (verbose)
					ksft_print_msg("read %s: %s\n", cp, strerror(-n));
				bad++;
				continue;
			}
			ct[n - 1] = '\0';
			en = ent_find(tid);
			if (!en) {
				/* A zombie leader shows "/" and is not listed. */
				char sp[600], st[512];

				snprintf(sp, sizeof(sp), "%s/%s/stat", tp, t->d_name);
				if (read_path(sp, st, sizeof(st)) > 0 &&
				    (strstr(st, ") Z ") || strstr(st, ") X ")))
					continue;
				if (verbose)
					ksft_print_msg("thread %d (in %s) is in no tasks file\n",
						       tid, ct);
				bad++;
				continue;
			}
			mark[en - ents] = 1;
			seen++;
			if (en->n != 1) {
				bad++;
				continue;
			}
			if (strcmp(en->dir, ct)) {
				if (verbose)
					ksft_print_msg("thread %d: listed in %s, %s says %s\n",
						       tid, en->dir, cp, ct);
				bad++;
			}
		}
		closedir(td);
	}
	closedir(pd);
	for (i = 0; i < nents; i++) {
		if (!mark[i]) {
			/* Listed, but no such live thread in /proc. */
			if (verbose)
				ksft_print_msg("tid %d listed in %s is not a live thread\n",
					       ents[i].tid, ents[i].dir);
			bad++;
		}
	}
	free(mark);
	if (verbose || !bad)
		ksft_print_msg("membership: %zu tasks listed, %zu threads checked\n",
			       nents, seen);
	return bad;
}

/* Depth-first rmdir of DIR's subdirectories and DIR itself (if rm_self). */
static int rm_tree(const char *dir, bool rm_self, int *busy, int *others,
		   int *nonempty)
{
	char p[PATH_MAX], b[256];
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		n += rm_tree(p, true, busy, others, nonempty);
	}
	closedir(d);
	if (!rm_self)
		return n;
	snprintf(p, sizeof(p), "%s/tasks", dir);
	if (read_path(p, b, sizeof(b)) > 0) {
		ksft_print_msg("%s still has tasks: %.40s\n", dir, b);
		(*nonempty)++;
	}
	if (rmdir(dir) == 0)
		return n + 1;
	if (errno == EBUSY) {
		ksft_print_msg("rmdir %s: EBUSY after all workers are gone\n", dir);
		(*busy)++;
	} else if (errno != ENOENT) {
		ksft_print_msg("rmdir %s: %s\n", dir, strerror(errno));
		(*others)++;
	}
	return n;
}

static off_t log_size(void)
{
	struct stat st;

	return stat(AGENT_LOG, &st) ? 0 : st.st_size;
}

/* Wait until the agent log has not grown for 1 s (at most 15 s). */
static void agent_quiesce(void)
{
	off_t last = -1;
	int stable = 0, i;

	for (i = 0; i < 150 && stable < 10; i++) {
		off_t s = log_size();

		stable = s == last ? stable + 1 : 0;
		last = s;
		usleep(100000);
	}
}

static bool check_log(void)
{
	static char buf[1 << 20];
	static unsigned int lines_per[NIDX];
	ssize_t n = read_path(AGENT_LOG, buf, sizeof(buf));
	unsigned int lines = 0, badl = 0, i;
	char *l, *save = NULL;

	if (n < 0) {
		ksft_print_msg("read %s: %s\n", AGENT_LOG, strerror(-n));
		return false;
	}
	memset(lines_per, 0, sizeof(lines_per));
	for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct cpath c;
		char *path = strchr(l, ' ');

		lines++;
		if (!path || !parse_path(path + 1, &c)) {
			if (badl++ < 5)
				ct_info("agent log line '%s': not a container path under /%s\n",
					l, SUB);
			continue;
		}
		if (!sh->created[path_idx(&c)]) {
			if (badl++ < 5)
				ksft_print_msg("agent log line '%s': the test never created it\n",
					       l);
			continue;
		}
		lines_per[path_idx(&c)]++;
	}
	for (i = 0; i < NIDX; i++) {
		if (lines_per[i] > sh->refills[i]) {
			if (badl++ < 5)
				ct_info("path index %u: %u agent runs, but only %u refills\n",
					i, lines_per[i], sh->refills[i]);
		}
	}
	ksft_print_msg("agent log: %u lines\n", lines);
	return badl == 0;
}

/* ---------- setup and cleanup ---------- */

static void cleanup_all(void)
{
	int i, busy = 0, others = 0, ne = 0;

	if (getpid() != main_pid)
		return;
	if (sh)
		WRITE_ONCE(sh->stop, 1);
	for (i = 0; i < NWORKERS; i++) {
		if (workers[i] > 0) {
			kill(workers[i], SIGKILL);
			waitpid(workers[i], NULL, 0);
			workers[i] = 0;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	rm_tree(SUBPATH, true, &busy, &others, &ne);
	if (agent_saved) {
		if (write_path(CROOT "/release_agent", old_agent,
			       strlen(old_agent)) < 0)
			ksft_print_msg("cleanup: cannot restore release_agent\n");
		agent_saved = false;
	}
	unlink(AGENT);
}

static int setup(void)
{
	static const char script[] =
		"#!/bin/sh\n"
		"read up idle < /proc/uptime\n"
		"echo \"$up $1\" >> " AGENT_LOG "\n"
		"rmdir \"/dev/container$1\" 2>/dev/null\n"
		"exit 0\n";
	int fd, busy = 0, others = 0, ne = 0;
	ssize_t n;

	/* A leftover of an earlier run. */
	rm_tree(SUBPATH, true, &busy, &others, &ne);
	if (mkdir(SUBPATH, 0755)) {
		ksft_print_msg("mkdir " SUBPATH ": %s\n", strerror(errno));
		return -1;
	}
	if (write_path(SUBPATH "/notify_on_release", "0\n", 2) != 2)
		return -1;
	fd = open(AGENT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0 || write(fd, script, sizeof(script) - 1) != sizeof(script) - 1) {
		ksft_print_msg("writing " AGENT ": %s\n", strerror(errno));
		return -1;
	}
	close(fd);
	unlink(AGENT_LOG);
	n = read_path(CROOT "/release_agent", old_agent, sizeof(old_agent));
	if (n < 0) {
		ksft_print_msg("read release_agent: %s\n", strerror(-n));
		return -1;
	}
	agent_saved = true;
	if (write_path(CROOT "/release_agent", AGENT "\n", strlen(AGENT) + 1) !=
	    (ssize_t)strlen(AGENT) + 1) {
		ksft_print_msg("write release_agent: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether an agent started during the stress is still running. */
static bool agent_running(void)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir("/proc");

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char f[300], cmd[256];
		ssize_t n;
		int i;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(f, sizeof(f), "/proc/%s/cmdline", de->d_name);
		n = read_path(f, cmd, sizeof(cmd) - 1);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[n] = 0;
		found = strstr(cmd, AGENT);
	}
	closedir(d);
	return found;
}

/* Result 5: an emptied notify_on_release container is reported. */
static bool final_release(void)
{
	struct cpath c = { .depth = 1, .comp = { 7, -1, -1 } };
	char p[256], t[PATH_MAX], exp[64], b[1 << 16];
	int i, st, pfd[2];
	pid_t pid;
	bool ok = false;

	/*
	 * An agent started for the stress's c7 and still running would
	 * remove the new c7 too: its rmdir names the same path. Releases
	 * queued for containers removed since do not start an agent.
	 */
	for (i = 0; i < 200 && agent_running(); i++)
		usleep(50000);
	path_str(p, sizeof(p), &c, true);
	if (mkdir(p, 0755)) {
		ksft_print_msg("mkdir %s: %s\n", p, strerror(errno));
		return false;
	}
	sh->created[path_idx(&c)] = 1;
	snprintf(t, sizeof(t), "%s/notify_on_release", p);
	if (write_path(t, "1\n", 2) != 2)
		return false;
	if (pipe(pfd))
		return false;
	pid = fork();
	if (pid == 0) {
		char x;

		close(pfd[1]);
		if (read(pfd[0], &x, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[0]);
	snprintf(t, sizeof(t), "%s/tasks", p);
	if (write_num(t, pid)) {
		ksft_print_msg("attach %d to %s failed\n", pid, p);
		close(pfd[1]);
		waitpid(pid, &st, 0);
		return false;
	}
	sh->refills[path_idx(&c)]++;
	close(pfd[1]);		/* the child exits */
	waitpid(pid, &st, 0);
	path_str(exp, sizeof(exp), &c, false);
	for (i = 0; i < 100 && !ok; i++) {
		if (read_path(AGENT_LOG, b, sizeof(b)) > 0) {
			char *s;

			for (s = b; (s = strstr(s, exp)); s++)
				if (s[strlen(exp)] == '\n' && s[-1] == ' ')
					ok = true;
		}
		if (!ok)
			usleep(100000);
	}
	if (!ok)
		ksft_print_msg("no agent run for %s within 10 s\n", exp);
	return ok;
}

int main(int argc, char **argv)
{
	int opt, i, busy = 0, others = 0, ne = 0, bad = 0, exited_ok = 0;
	struct timespec t0, t1;
	bool workers_ok = true;
	unsigned long total = 0;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt == 't' && atoi(optarg) > 0) {
			duration = atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-t SECONDS]\n", argv[0]);
			return 2;
		}
	}
	main_pid = getpid();
	ksft_print_header();
	require_containers(CROOT "/tasks");
	ksft_set_plan(6);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	/* Orphans of killed workers come back to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (setup())
		ksft_exit_fail_msg("setup failed\n");
	fflush(stdout);

	ksft_print_msg("%d workers for %u s in " SUBPATH "\n", NWORKERS, duration);
	for (i = 0; i < NWORKERS; i++) {
		workers[i] = fork();
		if (workers[i] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (workers[i] == 0) {
			worker(i);
			_exit(0);
		}
	}
	sleep(duration);
	WRITE_ONCE(sh->stop, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			for (i = 0; i < NWORKERS; i++) {
				if (workers[i] != pid)
					continue;
				workers[i] = 0;
				if (WIFEXITED(status) && !WEXITSTATUS(status)) {
					exited_ok++;
				} else {
					ksft_print_msg("worker %d: status 0x%x\n", pid, status);
					workers_ok = false;
				}
			}
			continue;
		}
		if (pid < 0 && errno == ECHILD)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 60) {
			ksft_print_msg("workers did not stop within 60 s: killing them\n");
			workers_ok = false;
			for (i = 0; i < NWORKERS; i++)
				if (workers[i] > 0)
					kill(workers[i], SIGKILL);
			t0 = t1;
		}
		usleep(20000);
	}
	for (i = 0; i < NR_OPS; i++) {
		ksft_print_msg("%-36s %8lu ops, %8lu succeeded\n", op_names[i],
			       sh->ops[i], sh->ok[i]);
		total += sh->ops[i];
	}
	ksft_print_msg("total %lu ops, %lu unexpected errors, %lu bad reads\n",
		       total, sh->unexpected, sh->bad_format);

	ksft_test_result(!sh->unexpected && !sh->bad_format && total > 0,
			 "workers: %lu operations, no unexpected errno or content\n",
			 total);
	ksft_test_result(workers_ok && exited_ok == NWORKERS,
			 "workers: all %d stopped by themselves with status 0\n",
			 NWORKERS);

	agent_quiesce();
	for (i = 0; i < 5; i++) {
		bad = check_membership(i == 4);
		if (!bad)
			break;
		usleep(200000);
	}
	if (bad)
		ksft_print_msg("membership: %d problem(s)\n", bad);
	ksft_test_result(!bad,
			 "every thread is in exactly one tasks file, matching /proc/<pid>/task/<tid>/container\n");

	i = rm_tree(SUBPATH, false, &busy, &others, &ne);
	ksft_print_msg("removed %d containers depth-first\n", i);
	ksft_test_result(!busy && !others && !ne,
			 "every container of the subtree is empty and removable (no EBUSY)\n");

	ksft_test_result(final_release(),
			 "after the stress an emptied notify_on_release container is released\n");
	agent_quiesce();
	ksft_test_result(check_log(),
			 "agent log: known paths under /" SUB ", no more runs than refills\n");

	cleanup_all();
	ksft_finished();
}
