// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: the events, kill and stat files.
 *
 * events: what a new container and the root read; populated follows tasks
 * moving into and out of a grandchild, in every ancestor and in no
 * sibling; each change wakes poll(POLLPRI), reaches inotify as IN_MODIFY
 * and sets the mtime; 1000 fast populate/empty cycles count exactly 1000
 * in emptied while a concurrent watcher never reads "populated 0" with a
 * task certainly inside.
 * kill: a bounded fork bomb in a container and its child dies whole, the
 * subtree empties and can be removed at once; the opener's rights (the
 * mode at open, then the uid of each task), bad input, a removed
 * container; a killed container can be used again; the example program
 * container_kill_wait.
 * stat: nr_tasks, nr_descendants and depth agree with a random tree (the
 * seed is printed; EVENTS_TEST_SEED replays it), nr_removed_descendants
 * drops to 0, and the root's nr_tasks is the number of its tasks lines.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_CTS 128
#define MAX_KIDS 64

#include "containers_util.h"

#define USER1 1001
#define USER2 1002
/*
 * How long a notification, or the end of a kill, may take at most: the
 * debug kernel under TCG, sharing two host CPUs, took 9.7 s for the 80
 * exits of a killed fork bomb. A bound, not a timing: each wait returns
 * as soon as its condition holds.
 */
#define WAIT_MS 30000
/* Between two slow transitions: more than a tick of the file clock. */
#define SLOW_GAP_US 50000
#define SLOW_STEPS 10
#define FAST_CYCLES 1000
/* The most processes the fork bomb may have alive at any time. */
#define BOMB_MAX 200
#define BOMB_RUN_US 1000000
#define BOMB_MIN_FORKS 20
/* The random tree: containers below the top one, levels below it. */
#define TREE_NODES 40
#define TREE_LEVELS 4
#define TREE_KIDS 48

struct ev {
	int populated;
	unsigned long long emptied;
};

struct st {
	unsigned long long nr_tasks, nr_descendants, nr_removed, depth;
};

static const char *const ev_keys[] = { "populated", "emptied" };
static const char *const st_keys[] = { "nr_tasks", "nr_descendants",
				       "nr_removed_descendants", "depth" };

/* ---------- reading the files ---------- */

/* BUF is exactly the lines "KEYS[i] <decimal>\n", in order. */
static bool parse_lines(const char *buf, const char *const *keys, int n,
			unsigned long long *vals)
{
	const char *s = buf;
	char *e;
	int i;

	for (i = 0; i < n; i++) {
		size_t kl = strlen(keys[i]);

		if (strncmp(s, keys[i], kl) || s[kl] != ' ' ||
		    !isdigit((unsigned char)s[kl + 1]))
			return false;
		errno = 0;
		vals[i] = strtoull(s + kl + 1, &e, 10);
		if (errno || *e != '\n')
			return false;
		s = e + 1;
	}
	return *s == '\0';
}

static bool parse_ev(const char *buf, struct ev *ev)
{
	unsigned long long v[2];

	if (!parse_lines(buf, ev_keys, 2, v) || v[0] > 1)
		return false;
	ev->populated = v[0];
	ev->emptied = v[1];
	return true;
}

/* Read an open events file from offset 0 (which re-arms poll()). */
static bool read_ev_fd(int fd, struct ev *ev)
{
	char buf[128];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0) {
		ksft_print_msg("pread events: %s\n", strerror(errno));
		return false;
	}
	buf[n] = '\0';
	if (!parse_ev(buf, ev)) {
		ksft_print_msg("events reads '%s'\n", buf);
		return false;
	}
	return true;
}

/* NAME/events ("" is the root). */
static bool read_ev(const char *name, struct ev *ev)
{
	char p[PATH_MAX], buf[128];
	ssize_t n;

	ct_path(p, sizeof(p), name, "events");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return false;
	}
	if (!parse_ev(buf, ev)) {
		ksft_print_msg("%s reads '%s'\n", p, buf);
		return false;
	}
	return true;
}

/* Does NAME/events read POPULATED and EMPTIED? */
static bool ev_is(const char *name, int populated, unsigned long long emptied)
{
	struct ev ev;

	if (!read_ev(name, &ev))
		return false;
	if (ev.populated == populated && ev.emptied == emptied)
		return true;
	ksft_print_msg("/%s/events: populated %d emptied %llu, want %d and %llu\n",
		       name, ev.populated, ev.emptied, populated, emptied);
	return false;
}

static bool read_st(const char *name, struct st *st)
{
	char p[PATH_MAX], buf[256];
	unsigned long long v[4];
	ssize_t n;

	ct_path(p, sizeof(p), name, "stat");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return false;
	}
	if (!parse_lines(buf, st_keys, 4, v)) {
		ksft_print_msg("%s reads '%s'\n", p, buf);
		return false;
	}
	st->nr_tasks = v[0];
	st->nr_descendants = v[1];
	st->nr_removed = v[2];
	st->depth = v[3];
	return true;
}

/* Lines of NAME/tasks, or -1. */
static long count_tasks(const char *name)
{
	static char buf[1 << 17];
	char p[PATH_MAX], *s;
	long lines = 0;
	ssize_t n;

	ct_path(p, sizeof(p), name, "tasks");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return -1;
	}
	for (s = buf; *s; s++)
		lines += *s == '\n';
	return lines;
}

/* Directories below PATH, at any depth (-1 on error). */
static long count_dirs(const char *path)
{
	char p[PATH_MAX];
	struct dirent *de;
	long n = 0, sub;
	DIR *d = opendir(path);

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		sub = count_dirs(p);
		if (sub < 0) {
			n = -1;
			break;
		}
		n += 1 + sub;
	}
	closedir(d);
	return n;
}

/* Poll NAME/events until populated reads 0; false after MS ms. */
static bool wait_empty(const char *name, long ms, struct ev *ev)
{
	long end = now_ms() + ms, left;
	struct pollfd pfd;
	char p[PATH_MAX];
	bool ok = false;
	int fd;

	ct_path(p, sizeof(p), name, "events");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_print_msg("open %s: %s\n", p, strerror(errno));
		return false;
	}
	while (read_ev_fd(fd, ev)) {
		if (!ev->populated) {
			ok = true;
			break;
		}
		left = end - now_ms();
		if (left <= 0) {
			ksft_print_msg("%s: still populated after %ld ms\n", p, ms);
			break;
		}
		pfd.fd = fd;
		pfd.events = POLLPRI;
		if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
			ksft_perror("poll");
			break;
		}
	}
	close(fd);
	return ok;
}

/* ---------- helper children ---------- */

static int kid_in(struct kid *k, const char *name, int uid)
{
	int err;

	if (kid_start(k, uid))
		return -1;
	err = ct_attach(name, k->pid);
	if (err) {
		ksft_print_msg("attach %d to /%s: %s\n", k->pid, name, strerror(-err));
		return -1;
	}
	return 0;
}

/* Wait (up to MS ms) for K to die; true if SIGKILL killed it. Not reaped. */
static bool kid_killed(struct kid *k, long ms)
{
	long end = now_ms() + ms;
	siginfo_t si;

	do {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, k->pid, &si, WEXITED | WNOHANG | WNOWAIT)) {
			ksft_perror("waitid");
			return false;
		}
		if (si.si_pid == k->pid) {
			if (si.si_code == CLD_KILLED && si.si_status == SIGKILL)
				return true;
			ksft_print_msg("helper %d ended with code %d status %d, not SIGKILL\n",
				       k->pid, si.si_code, si.si_status);
			return false;
		}
		usleep(2000);
	} while (now_ms() < end);
	ksft_print_msg("helper %d still alive after %ld ms\n", k->pid, ms);
	return false;
}

/* K has not exited. */
static bool kid_alive(struct kid *k)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (k->pid <= 0 ||
	    waitid(P_PID, k->pid, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid) {
		ksft_print_msg("helper %d is gone\n", k->pid);
		return false;
	}
	return true;
}

/* Open PATH with FLAGS as UID and write or read: what each step gave. */
struct user_arg {
	int uid;
	const char *path;
	int flags;		/* O_WRONLY: write DATA; O_RDONLY: read */
	const char *data;
};

struct user_rep {
	int open_err;		/* 0, or the errno of open() */
	int io_err;		/* 0, or the errno of the read or write */
	ssize_t ret;
};

static int user_child(void *argv, void *repv)
{
	struct user_arg *a = argv;
	struct user_rep *rep = repv;
	char buf[64];
	int fd;

	memset(rep, 0, sizeof(*rep));
	if (setresgid(a->uid, a->uid, a->uid) || setresuid(a->uid, a->uid, a->uid))
		return 1;
	fd = open(a->path, a->flags | O_CLOEXEC);
	if (fd < 0) {
		rep->open_err = errno;
		return 0;
	}
	if (a->flags == O_WRONLY)
		rep->ret = write(fd, a->data, strlen(a->data));
	else
		rep->ret = read(fd, buf, sizeof(buf));
	if (rep->ret < 0)
		rep->io_err = errno;
	close(fd);
	return 0;
}

/* As UID, open PATH (O_WRONLY: write DATA): false if the child failed. */
static bool as_user(int uid, const char *path, int flags, const char *data,
		    struct user_rep *rep)
{
	struct user_arg a = { .uid = uid, .path = path, .flags = flags, .data = data };
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = run_child(user_child, &a, rep, sizeof(*rep));

	if (rc) {
		ksft_print_msg("uid %d child: status %d\n", uid, rc);
		return false;
	}
	return true;
}

static const char *err_str(int err)
{
	return err ? strerror(err) : "success";
}

/* ================= events and stat of a new container and the root ================= */

static bool mode_is(const char *path, mode_t want)
{
	struct stat st;

	if (stat(path, &st)) {
		ksft_print_msg("stat %s: %s\n", path, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 07777) != want) {
		ksft_print_msg("%s: mode %o, want a regular file of mode %o\n", path,
			       st.st_mode, want);
		return false;
	}
	return true;
}

static bool absent(const char *path)
{
	if (access(path, F_OK) == 0) {
		ksft_print_msg("%s exists\n", path);
		return false;
	}
	if (errno != ENOENT) {
		ksft_print_msg("access %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static void test_new_and_root(void)
{
	static const char new_stat[] =
		"nr_tasks 0\nnr_descendants 0\nnr_removed_descendants 0\ndepth 1\n";
	bool ok_new = false, ok_root = false, ok_modes = false;
	char name[64], p[PATH_MAX], buf[256];
	struct user_rep rep;
	struct st st;
	ssize_t n;
	int fd;

	name_of(name, sizeof(name), "new");
	if (ct_create(name))
		goto out;

	/* A new container: exactly these bytes. */
	ct_path(p, sizeof(p), name, "events");
	n = read_path(p, buf, sizeof(buf));
	ok_new = n >= 0 && !strcmp(buf, "populated 0\nemptied 0\n");
	if (!ok_new)
		ksft_print_msg("%s reads '%s' (%s)\n", p, n < 0 ? "" : buf,
			       n < 0 ? strerror(-n) : "ok");
	ct_path(p, sizeof(p), name, "stat");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0 || strcmp(buf, new_stat)) {
		ksft_print_msg("%s reads '%s' (%s)\n", p, n < 0 ? "" : buf,
			       n < 0 ? strerror(-n) : "ok");
		ok_new = false;
	}

	/* The root: always populated, never emptied, depth 0, no kill. */
	ok_root = ev_is("", 1, 0) && read_st("", &st);
	if (ok_root && (st.depth != 0 || st.nr_tasks < 1 || st.nr_descendants < 1)) {
		ct_info("root stat: nr_tasks %llu nr_descendants %llu depth %llu, want >= 1, >= 1, 0\n",
			st.nr_tasks, st.nr_descendants, st.depth);
		ok_root = false;
	}
	ok_root &= absent(CROOT "/kill");

	/* Modes; kill cannot be read, not even by root. */
	ct_path(p, sizeof(p), name, "kill");
	ok_modes = mode_is(p, 0200);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf));
		if (n >= 0) {
			ksft_print_msg("root read %zd bytes from %s\n", n, p);
			ok_modes = false;
		} else {
			ksft_print_msg("root reading kill: %s\n", strerror(errno));
		}
		close(fd);
	} else {
		ksft_print_msg("root opening kill for reading: %s\n", strerror(errno));
	}
	/* A user other than the owner cannot even open it. */
	if (!as_user(USER1, p, O_RDONLY, NULL, &rep) || rep.open_err != EACCES) {
		ksft_print_msg("uid %d opening kill for reading: %s, want EACCES\n", USER1,
			       err_str(rep.open_err));
		ok_modes = false;
	}
	ct_path(p, sizeof(p), name, "events");
	ok_modes &= mode_is(p, 0444);
	ct_path(p, sizeof(p), name, "stat");
	ok_modes &= mode_is(p, 0444);
	ok_modes &= mode_is(CROOT "/events", 0444) && mode_is(CROOT "/stat", 0444);
out:
	ct_destroy(name);
	ksft_test_result(ok_new,
			 "a new container: events \"populated 0, emptied 0\", stat 0 0 0 and depth 1\n");
	ksft_test_result(ok_root,
			 "the root: events \"populated 1, emptied 0\", stat depth 0, no kill file\n");
	ksft_test_result(ok_modes,
			 "modes: kill 0200 and unreadable, events and stat 0444 (root's too)\n");
}

/* ================= populated and emptied in a tree ================= */

static void test_tree_moves(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char c[64], d[128], s[128];
	bool ok_in = false, ok_out = false;
	struct st st;
	int err;

	name_of(c, sizeof(c), "c");
	snprintf(d, sizeof(d), "%s/d", c);
	snprintf(s, sizeof(s), "%s/s", c);
	if (ct_create(c) || ct_create(d) || ct_create(s) || kid_in(&k, d, -1))
		goto out;

	/* Attach returned: D, C and the root read populated 1 already. */
	ok_in = ev_is(d, 1, 0) && ev_is(c, 1, 0) && ev_is(s, 0, 0) && ev_is("", 1, 0);
	if (ok_in && read_st(d, &st) && st.nr_tasks != 1) {
		ksft_print_msg("/%s/stat: nr_tasks %llu, want 1\n", d, st.nr_tasks);
		ok_in = false;
	}
	if (ok_in && read_st(c, &st) && (st.nr_tasks != 0 || st.nr_descendants != 2)) {
		ksft_print_msg("/%s/stat: nr_tasks %llu nr_descendants %llu, want 0 and 2\n",
			       c, st.nr_tasks, st.nr_descendants);
		ok_in = false;
	}

	/* D to C: D empties, C stays populated. */
	err = ct_attach(c, k.pid);
	ok_out = !err && ev_is(d, 0, 1) && ev_is(c, 1, 0) && ev_is(s, 0, 0);
	/* C to the root: C empties. */
	err = err ? err : ct_attach("", k.pid);
	ok_out = ok_out && !err && ev_is(d, 0, 1) && ev_is(c, 0, 1) && ev_is(s, 0, 0);
	/* Back into D, then the task exits there: both count a second one. */
	err = err ? err : ct_attach(d, k.pid);
	ok_out = ok_out && !err && ev_is(d, 1, 1) && ev_is(c, 1, 1);
	kid_stop(&k);
	ok_out = ok_out && ev_is(d, 0, 2) && ev_is(c, 0, 2) && ev_is(s, 0, 0) &&
		 ev_is("", 1, 0);
	if (err)
		ksft_print_msg("moving %d: %s\n", k.pid, strerror(-err));
out:
	kid_stop(&k);
	ct_destroy(s);
	ct_destroy(d);
	ct_destroy(c);
	ksft_test_result(ok_in,
			 "events: a task in C/D makes D and C populated at once, not the sibling C/S\n");
	ksft_test_result(ok_out,
			 "events: moving out of D, out of C, exiting: populated 0, emptied counts each\n");
}

/* ================= notifications ================= */

/* A thread blocked in poll(POLLPRI) that re-reads the file after each wakeup. */
struct watcher {
	int fd;
	int stop;
	int wakeups;		/* POLLPRI wakeups so far */
	int failed;		/* a poll() or read failed */
	unsigned long long seen;	/* emptied * 2 + populated, read after the last one */
};

static void *slow_watcher(void *arg)
{
	struct watcher *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLPRI };
	struct ev ev;

	while (!READ_ONCE(w->stop)) {
		int r = poll(&pfd, 1, 100);

		if (r < 0 && errno != EINTR) {
			WRITE_ONCE(w->failed, 1);
			break;
		}
		if (r <= 0 || !(pfd.revents & POLLPRI))
			continue;
		if (!read_ev_fd(w->fd, &ev)) {
			WRITE_ONCE(w->failed, 1);
			break;
		}
		__atomic_store_n(&w->seen, ev.emptied * 2 + ev.populated, __ATOMIC_RELAXED);
		__atomic_add_fetch(&w->wakeups, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Wait up to MS ms for an IN_MODIFY event of WD; true if one came. */
static bool inotify_modified(int ifd, int wd, long ms)
{
	union {
		struct inotify_event e;
		char buf[4096];
	} u;
	long end = now_ms() + ms, left;
	struct pollfd pfd = { .fd = ifd, .events = POLLIN };
	bool seen = false;

	while (!seen && (left = end - now_ms()) > 0) {
		ssize_t n, off;

		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = read(ifd, u.buf, sizeof(u.buf));
		for (off = 0; n > 0 && off < n;) {
			struct inotify_event *e = (struct inotify_event *)(u.buf + off);

			if (e->wd == wd && (e->mask & IN_MODIFY))
				seen = true;
			off += sizeof(*e) + e->len;
		}
	}
	return seen;
}

static bool ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void test_notifications(void)
{
	int ifd = -1, wd = -1, step, err = 0, n_poll = 0, n_inotify = 0, n_mtime = 0;
	struct kid k = { .pid = -1, .ctl = -1 };
	struct watcher w = { .fd = -1 };
	char c[64], d[128], p[PATH_MAX];
	bool started = false, inotify_ok = true;
	struct stat old, cur;
	struct timespec t0;
	pthread_t thread;
	struct ev ev;

	name_of(c, sizeof(c), "notify");
	snprintf(d, sizeof(d), "%s/d", c);
	if (ct_create(c) || ct_create(d))
		goto out;
	ct_path(p, sizeof(p), c, "events");
	/* Read before the first poll(): a file never read reports an event. */
	w.fd = open(p, O_RDONLY | O_CLOEXEC);
	if (w.fd < 0 || !read_ev_fd(w.fd, &ev) || stat(p, &old)) {
		ksft_print_msg("open, read or stat %s failed\n", p);
		goto out;
	}
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	wd = ifd < 0 ? -1 : inotify_add_watch(ifd, p, IN_MODIFY);
	if (wd < 0) {
		ksft_print_msg("inotify on %s: %s\n", p, strerror(errno));
		inotify_ok = false;
	}
	if (pthread_create(&thread, NULL, slow_watcher, &w)) {
		ksft_print_msg("cannot start the watcher thread\n");
		goto out;
	}
	started = true;

	/*
	 * Even steps move the task into C/D; odd ones empty C by moving it
	 * to the root or by its exit inside C/D.
	 */
	for (step = 0; step < SLOW_STEPS; step++) {
		int populated = !(step & 1), wakeups;
		unsigned long long emptied = (step + 1) / 2;
		unsigned long long seen;
		long end;

		usleep(SLOW_GAP_US);
		wakeups = __atomic_load_n(&w.wakeups, __ATOMIC_ACQUIRE);
		clock_gettime(CLOCK_REALTIME_COARSE, &t0);
		if (populated)
			err = k.pid < 0 && kid_start(&k, -1) ? -ECHILD : ct_attach(d, k.pid);
		else if (step % 4 == 1)
			err = ct_attach("", k.pid);
		else
			kid_stop(&k);
		if (err) {
			ksft_print_msg("step %d: moving the task: %s\n", step, strerror(-err));
			break;
		}

		/* The watcher wakes, then reads the new state. */
		end = now_ms() + WAIT_MS;
		while (__atomic_load_n(&w.wakeups, __ATOMIC_ACQUIRE) == wakeups &&
		       !READ_ONCE(w.failed) && now_ms() < end)
			usleep(1000);
		seen = __atomic_load_n(&w.seen, __ATOMIC_RELAXED);
		if (__atomic_load_n(&w.wakeups, __ATOMIC_ACQUIRE) == wakeups)
			ksft_print_msg("step %d: no poll() wakeup within %d ms\n", step, WAIT_MS);
		else if (seen != emptied * 2 + populated)
			ct_info("step %d: after its wakeup the watcher read populated %d emptied %llu, want %d and %llu\n",
				step, (int)(seen & 1), (unsigned long long)(seen / 2), populated,
				emptied);
		else
			n_poll++;

		if (wd >= 0) {
			if (inotify_modified(ifd, wd, WAIT_MS))
				n_inotify++;
			else
				ksft_print_msg("step %d: no IN_MODIFY within %d ms\n", step,
					       WAIT_MS);
		}

		/* Set before the notification: a later mtime and ctime now. */
		if (stat(p, &cur)) {
			ksft_perror("stat events");
			break;
		}
		if (ts_after(&cur.st_mtim, &old.st_mtim) && !ts_after(&t0, &cur.st_mtim) &&
		    ts_after(&cur.st_ctim, &old.st_ctim))
			n_mtime++;
		else
			ct_info("step %d: mtime %lld.%09ld ctime %lld.%09ld, before %lld.%09ld and %lld.%09ld, step at %lld.%09ld\n",
				step, (long long)cur.st_mtim.tv_sec, cur.st_mtim.tv_nsec,
				(long long)cur.st_ctim.tv_sec, cur.st_ctim.tv_nsec,
				(long long)old.st_mtim.tv_sec, old.st_mtim.tv_nsec,
				(long long)old.st_ctim.tv_sec, old.st_ctim.tv_nsec,
				(long long)t0.tv_sec, t0.tv_nsec);
		old = cur;
	}
out:
	if (started) {
		WRITE_ONCE(w.stop, 1);
		pthread_join(thread, NULL);
		if (w.failed)
			n_poll = 0;
		ct_info("%d transitions: %d poll() wakeups, %d IN_MODIFY, %d mtime changes\n",
			SLOW_STEPS, w.wakeups, n_inotify, n_mtime);
	}
	if (w.fd >= 0)
		close(w.fd);
	if (ifd >= 0)
		close(ifd);
	kid_stop(&k);
	ct_destroy(d);
	ct_destroy(c);
	ksft_test_result(n_poll == SLOW_STEPS,
			 "events: poll(POLLPRI) wakes for each of %d slow transitions, the new state is read\n",
			 SLOW_STEPS);
	if (inotify_ok)
		ksft_test_result(n_inotify == SLOW_STEPS,
				 "events: inotify reports IN_MODIFY for each transition\n");
	else
		ksft_test_result_skip("events: inotify reports IN_MODIFY for each transition\n");
	ksft_test_result(n_mtime == SLOW_STEPS,
			 "events: mtime and ctime advance at each transition\n");
}

/* ================= fast cycles and a concurrent watcher ================= */

/*
 * The cycler makes phase odd once a move into C/D has returned and even
 * again before it starts the move out: a read made entirely within one
 * odd phase (the same odd value before and after it) happened while a
 * task was in C/D, and must read populated 1.
 */
struct fast_watch {
	int fd;
	int stop;
	unsigned long phase;
	/* The watcher's own, read after pthread_join(). */
	long wakeups, reads, sure_reads, violations, regressions;
	int failed;
	struct ev last;
};

static void *fast_watcher(void *arg)
{
	struct fast_watch *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLPRI };
	unsigned long long prev = w->last.emptied;
	unsigned long p1, p2;
	struct ev ev;
	int r;

	while (!READ_ONCE(w->stop)) {
		r = poll(&pfd, 1, 20);
		if (r < 0 && errno != EINTR) {
			w->failed = 1;
			break;
		}
		if (r > 0 && (pfd.revents & POLLPRI))
			w->wakeups++;
		p1 = __atomic_load_n(&w->phase, __ATOMIC_SEQ_CST);
		if (!read_ev_fd(w->fd, &ev)) {
			w->failed = 1;
			break;
		}
		p2 = __atomic_load_n(&w->phase, __ATOMIC_SEQ_CST);
		w->reads++;
		if (p1 == p2 && (p1 & 1)) {
			w->sure_reads++;
			if (!ev.populated && !w->violations++)
				ct_info("watcher: populated 0 (emptied %llu) in cycle %lu, a task inside\n",
					ev.emptied, p1 / 2);
		}
		if (ev.emptied < prev && !w->regressions++)
			ksft_print_msg("watcher: emptied went back from %llu to %llu\n", prev,
				       ev.emptied);
		prev = ev.emptied;
	}
	/* The cycles are over: this read must see the subtree empty. */
	if (!w->failed && !read_ev_fd(w->fd, &w->last))
		w->failed = 1;
	return NULL;
}

/* Read FD in cycle I; count a wrong state in BAD. False if unreadable. */
static bool cycle_read(int fd, int i, int populated, unsigned long long emptied, int *bad)
{
	struct ev ev;

	if (!read_ev_fd(fd, &ev)) {
		(*bad)++;
		return false;
	}
	if ((ev.populated != populated || ev.emptied != emptied) && !(*bad)++)
		ct_info("cycle %d: after the move %s: populated %d emptied %llu, want %d and %llu\n",
			i, populated ? "in" : "out", ev.populated, ev.emptied, populated,
			emptied);
	return true;
}

static void test_fast_cycles(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	struct fast_watch w = { .fd = -1 };
	int fd_in = -1, fd_out = -1, fd_ev = -1, i = 0, l, bad = 0;
	bool ok_count = false, ok_watch = false, started = false;
	char c[64], d[128], p[PATH_MAX], pid[32];
	unsigned long long base = 0;
	pthread_t thread;
	long t0 = 0;
	struct ev ev;
	ssize_t r;

	name_of(c, sizeof(c), "fast");
	snprintf(d, sizeof(d), "%s/d", c);
	if (ct_create(c) || ct_create(d) || kid_start(&k, -1))
		goto out;
	l = snprintf(pid, sizeof(pid), "%d\n", k.pid);
	ct_path(p, sizeof(p), d, "tasks");
	fd_in = open(p, O_WRONLY | O_CLOEXEC);
	fd_out = open(CROOT "/tasks", O_WRONLY | O_CLOEXEC);
	ct_path(p, sizeof(p), c, "events");
	fd_ev = open(p, O_RDONLY | O_CLOEXEC);
	w.fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd_in < 0 || fd_out < 0 || fd_ev < 0 || w.fd < 0) {
		ksft_print_msg("cannot open the files of /%s\n", d);
		goto out;
	}
	if (!read_ev_fd(fd_ev, &ev) || !read_ev_fd(w.fd, &w.last))
		goto out;
	base = ev.emptied;
	if (pthread_create(&thread, NULL, fast_watcher, &w)) {
		ksft_print_msg("cannot start the watcher thread\n");
		goto out;
	}
	started = true;

	t0 = now_ms();
	for (i = 0; i < FAST_CYCLES; i++) {
		r = write_fd(fd_in, pid, l);
		if (r != l) {
			ksft_print_msg("cycle %d: move in: %s\n", i,
				       r < 0 ? strerror(-r) : "short");
			break;
		}
		__atomic_add_fetch(&w.phase, 1, __ATOMIC_SEQ_CST);
		/* The move returned: populated is 1 already. */
		if (!cycle_read(fd_ev, i, 1, base + i, &bad))
			break;
		__atomic_add_fetch(&w.phase, 1, __ATOMIC_SEQ_CST);
		r = write_fd(fd_out, pid, l);
		if (r != l) {
			ksft_print_msg("cycle %d: move out: %s\n", i,
				       r < 0 ? strerror(-r) : "short");
			break;
		}
		if (!cycle_read(fd_ev, i, 0, base + i + 1, &bad))
			break;
	}
	ksft_print_msg("%d cycles in %ld ms\n", i, now_ms() - t0);
	ok_count = i == FAST_CYCLES && !bad && ev_is(c, 0, base + FAST_CYCLES);
out:
	if (started) {
		WRITE_ONCE(w.stop, 1);
		pthread_join(thread, NULL);
		ct_info("watcher: %ld wakeups, %ld reads, %ld with a task certainly inside\n",
			w.wakeups, w.reads, w.sure_reads);
		if (!w.failed && (w.last.populated || w.last.emptied != base + FAST_CYCLES))
			ct_info("watcher: the last read gave populated %d emptied %llu, want 0 and %llu\n",
				w.last.populated, w.last.emptied, base + FAST_CYCLES);
		ok_watch = !w.failed && !w.violations && !w.regressions && w.wakeups > 0 &&
			   !w.last.populated && w.last.emptied == base + FAST_CYCLES;
	}
	if (fd_in >= 0)
		close(fd_in);
	if (fd_out >= 0)
		close(fd_out);
	if (fd_ev >= 0)
		close(fd_ev);
	if (w.fd >= 0)
		close(w.fd);
	kid_stop(&k);
	ct_destroy(d);
	ct_destroy(c);
	ksft_test_result(ok_count,
			 "events: %d fast cycles through C/D: emptied grows by exactly %d, each read right\n",
			 FAST_CYCLES, FAST_CYCLES);
	ksft_test_result(ok_watch,
			 "events: a concurrent poll() watcher never reads populated 0 with a task inside\n");
}

/* ================= kill and a fork bomb ================= */

/* Shared by the test, the bomb's reaper and every bomb process. */
struct bomb {
	int live;		/* bomb processes, counted before each fork */
	int max_live;
	int go;
	int stop;
	int ready;
	long forks;
	long deadline_ms;	/* every bomb process exits by then, whatever happens */
	pid_t seed[2];
};

static struct bomb *bomb;
static pid_t bomb_reaper = -1;

static void bomb_exit(struct bomb *b)
{
	__atomic_sub_fetch(&b->live, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

/*
 * Fork while fewer than BOMB_MAX bomb processes are alive; every child
 * does the same, and exits after a random number of rounds. A slot is
 * taken before the fork and given back at exit (or if the fork fails), so
 * that there are never more than BOMB_MAX.
 */
static void bomb_run(struct bomb *b, unsigned int seed, bool forever)
{
	int life = forever ? -1 : 1 + rand_r(&seed) % 64, old, max;
	pid_t pid;

	for (;;) {
		if (READ_ONCE(b->stop) || getppid() == 1 || now_ms() > b->deadline_ms ||
		    life == 0)
			bomb_exit(b);
		if (life > 0)
			life--;
		old = __atomic_fetch_add(&b->live, 1, __ATOMIC_SEQ_CST);
		if (old >= BOMB_MAX) {
			__atomic_sub_fetch(&b->live, 1, __ATOMIC_SEQ_CST);
			usleep(1000);
			continue;
		}
		max = __atomic_load_n(&b->max_live, __ATOMIC_SEQ_CST);
		while (old + 1 > max &&
		       !__atomic_compare_exchange_n(&b->max_live, &max, old + 1, false,
						    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			;
		pid = fork();
		if (pid < 0) {
			__atomic_sub_fetch(&b->live, 1, __ATOMIC_SEQ_CST);
			usleep(1000);
			continue;
		}
		if (pid == 0) {
			seed = seed * 1103515245u + getpid();
			life = 1 + rand_r(&seed) % 64;
			continue;
		}
		__atomic_add_fetch(&b->forks, 1, __ATOMIC_RELAXED);
	}
}

/*
 * The bomb's reaper, in the root container: a child subreaper that starts
 * the two seeds (which never exit by themselves) and reaps every orphan of
 * the bomb until none is left. The bomb processes ignore SIGCHLD, so their
 * own children are reaped at once: no zombie piles up anywhere.
 */
static int bomb_reap(struct bomb *b)
{
	pid_t pid;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != main_pid || prctl(PR_SET_CHILD_SUBREAPER, 1))
		return 1;
	for (i = 0; i < 2; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			signal(SIGCHLD, SIG_IGN);
			while (!READ_ONCE(b->go)) {
				if (READ_ONCE(b->stop) || getppid() == 1)
					bomb_exit(b);
				usleep(1000);
			}
			bomb_run(b, getpid(), true);
			_exit(0);
		}
		b->seed[i] = pid;
	}
	__atomic_store_n(&b->ready, 1, __ATOMIC_RELEASE);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	return errno == ECHILD ? 0 : 1;
}

/* Wait up to MS ms for the bomb's reaper to exit; its status, or -1. */
static int bomb_reaper_wait(long ms)
{
	long end = now_ms() + ms;
	int status;

	if (bomb_reaper <= 0)
		return -1;
	do {
		if (waitpid(bomb_reaper, &status, WNOHANG) == bomb_reaper) {
			bomb_reaper = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(5000);
	} while (now_ms() < end);
	return -1;
}

static void bomb_stop(void)
{
	if (bomb)
		WRITE_ONCE(bomb->stop, 1);
	if (bomb_reaper > 0 && bomb_reaper_wait(2000) < 0 && bomb_reaper > 0) {
		kill(bomb_reaper, SIGKILL);
		waitpid(bomb_reaper, NULL, 0);
		bomb_reaper = -1;
	}
}

/* Threads whose /proc/<pid>/task/<tid>/container is PATH or below it. */
static int threads_in(const char *path)
{
	size_t l = strlen(path);
	struct dirent *pe, *te;
	char tp[300], cp[600], ct[PATH_MAX];
	DIR *pd, *td;
	int n = 0;
	ssize_t r;

	pd = opendir("/proc");
	if (!pd) {
		ksft_perror("opendir /proc");
		return -1;
	}
	while ((pe = readdir(pd))) {
		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		snprintf(tp, sizeof(tp), "/proc/%s/task", pe->d_name);
		td = opendir(tp);
		if (!td)
			continue;	/* gone meanwhile */
		while ((te = readdir(td))) {
			if (!isdigit((unsigned char)te->d_name[0]))
				continue;
			snprintf(cp, sizeof(cp), "%s/%s/container", tp, te->d_name);
			r = read_path(cp, ct, sizeof(ct));
			if (r <= 0)
				continue;	/* exited meanwhile */
			ct[r - 1] = '\0';
			if (strncmp(ct, path, l) || (ct[l] && ct[l] != '/'))
				continue;
			if (n++ < 5)
				ksft_print_msg("thread %s of %s is in %s\n", te->d_name,
					       pe->d_name, ct);
		}
		closedir(td);
	}
	closedir(pd);
	return n;
}

static void test_kill_bomb(void)
{
	bool ok_ran = false, ok_empty = false, ok_gone = false;
	char k[64], sub[128], p[PATH_MAX], ct[80];
	struct st st_k = { 0 }, st_sub = { 0 };
	struct ev ev = { 0 }, ev_sub = { 0 };
	int i, err, live;
	long t0;
	ssize_t r;

	name_of(k, sizeof(k), "k");
	snprintf(sub, sizeof(sub), "%s/sub", k);
	snprintf(ct, sizeof(ct), "/%s", k);
	if (ct_create(k) || ct_create(sub))
		goto out;
	if (!bomb) {
		bomb = mmap(NULL, sizeof(*bomb), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (bomb == MAP_FAILED) {
			bomb = NULL;
			ksft_perror("mmap");
			goto out;
		}
	}
	memset(bomb, 0, sizeof(*bomb));
	bomb->live = 2;		/* the seeds */
	bomb->deadline_ms = now_ms() + 60000;
	fflush(stdout);
	bomb_reaper = fork();
	if (bomb_reaper < 0) {
		ksft_perror("fork");
		goto out;
	}
	if (bomb_reaper == 0)
		_exit(bomb_reap(bomb));
	for (t0 = now_ms(); !__atomic_load_n(&bomb->ready, __ATOMIC_ACQUIRE); usleep(1000)) {
		if (now_ms() - t0 > WAIT_MS) {
			ksft_print_msg("the bomb's seeds did not start\n");
			goto out;
		}
	}
	/* One seed in K, one in K/sub; then they fork. */
	for (i = 0; i < 2; i++) {
		err = ct_attach(i ? sub : k, bomb->seed[i]);
		if (err) {
			ksft_print_msg("attach seed %d: %s\n", bomb->seed[i], strerror(-err));
			goto out;
		}
	}
	WRITE_ONCE(bomb->go, 1);
	/*
	 * At least BOMB_RUN_US, and until it has forked BOMB_MIN_FORKS times:
	 * a debug kernel on a busy host managed 17 forks in the first second.
	 */
	usleep(BOMB_RUN_US);
	for (t0 = now_ms(); __atomic_load_n(&bomb->forks, __ATOMIC_RELAXED) < BOMB_MIN_FORKS &&
	     now_ms() - t0 < WAIT_MS; usleep(10000))
		;

	live = __atomic_load_n(&bomb->live, __ATOMIC_SEQ_CST);
	ok_ran = read_st(k, &st_k) && read_st(sub, &st_sub) && st_k.nr_tasks > 0 &&
		 st_sub.nr_tasks > 0 && bomb->max_live <= BOMB_MAX &&
		 bomb->forks >= BOMB_MIN_FORKS;
	ct_info("bomb: %d alive (at most %d, bound %d), %ld forks; %llu tasks in K, %llu in K/sub\n",
		live, bomb->max_live, BOMB_MAX, bomb->forks, st_k.nr_tasks, st_sub.nr_tasks);

	ct_path(p, sizeof(p), k, "kill");
	t0 = now_ms();
	r = write_path(p, "1\n", 2);
	if (r != 2)
		ksft_print_msg("write \"1\\n\" to %s: %s\n", p, r < 0 ? strerror(-r) : "short");
	ok_empty = r == 2 && wait_empty(k, WAIT_MS, &ev);
	ksft_print_msg("populated 0 %ld ms after the write to kill\n", now_ms() - t0);
	/* Populated without a break since the seeds came: one emptying each. */
	ok_empty = ok_empty && ev.emptied == 1 && read_ev(sub, &ev_sub) &&
		   !ev_sub.populated && ev_sub.emptied == 1;
	if (ok_empty && (count_tasks(k) != 0 || count_tasks(sub) != 0)) {
		ksft_print_msg("populated 0 but the tasks files are not empty\n");
		ok_empty = false;
	}
	if (!ok_empty)
		ksft_print_msg("after the kill: K emptied %llu, K/sub populated %d emptied %llu\n",
			       ev.emptied, ev_sub.populated, ev_sub.emptied);

	/* Nobody is left in the subtree; both containers go at once. */
	ok_gone = ok_empty && threads_in(ct) == 0;
	ct_path(p, sizeof(p), sub, NULL);
	if (ok_gone && rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		ok_gone = false;
	}
	ct_path(p, sizeof(p), k, NULL);
	if (ok_gone && rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		ok_gone = false;
	}
	/* And every bomb process is reaped: the subreaper has no child left. */
	if (ok_gone && bomb_reaper_wait(WAIT_MS)) {
		ksft_print_msg("the bomb's reaper still has children, or failed\n");
		ok_gone = false;
	}
out:
	bomb_stop();
	ct_destroy(sub);
	ct_destroy(k);
	ksft_test_result(ok_ran,
			 "kill: a fork bomb runs in K and K/sub, never more than %d processes\n",
			 BOMB_MAX);
	ksft_test_result(ok_empty,
			 "kill: \"1\\n\" to K/kill with the bomb inside: populated 0, tasks empty\n");
	ksft_test_result(ok_gone,
			 "kill: no thread left in K or below, rmdir K/sub and K at once, all reaped\n");
}

/* ================= kill: permissions and input ================= */

static bool chown_to(const char *name, const char *file, int uid)
{
	char p[PATH_MAX];

	ct_path(p, sizeof(p), name, file);
	if (chown(p, uid, uid)) {
		ksft_print_msg("chown %s: %s\n", p, strerror(errno));
		return false;
	}
	return true;
}

static bool tasks_are(const char *name, const char *want)
{
	char p[PATH_MAX], got[256];
	ssize_t n;

	ct_path(p, sizeof(p), name, "tasks");
	n = read_path(p, got, sizeof(got));
	if (n >= 0 && !strcmp(got, want))
		return true;
	ksft_print_msg("%s reads '%s', want '%s'\n", p, n < 0 ? strerror(-n) : got, want);
	return false;
}

static void test_kill_perms(void)
{
	struct kid rk = { .pid = -1, .ctl = -1 }, own = { .pid = -1, .ctl = -1 };
	struct kid other = { .pid = -1, .ctl = -1 };
	bool ok_root_owned = false, ok_partial = false, killed;
	char pr[64], pu[64], p[PATH_MAX], want[32];
	struct user_rep rep;

	/* Owned by root, a uid 1001 task inside: uid 1001 cannot open kill. */
	name_of(pr, sizeof(pr), "perm_root");
	if (ct_create(pr) || kid_in(&rk, pr, USER1))
		goto partial;
	ct_path(p, sizeof(p), pr, "kill");
	ok_root_owned = as_user(USER1, p, O_WRONLY, "1", &rep) && rep.open_err == EACCES;
	if (!ok_root_owned)
		ksft_print_msg("uid %d writing root's kill: open %s, write %s\n", USER1,
			       err_str(rep.open_err), err_str(rep.io_err));
	ok_root_owned = ok_root_owned && kid_alive(&rk) && ev_is(pr, 1, 0);

partial:
	/* Delegated to uid 1001, with tasks of uid 1001 and uid 1002. */
	name_of(pu, sizeof(pu), "perm_user");
	if (ct_create(pu) || !chown_to(pu, NULL, USER1) || !chown_to(pu, "tasks", USER1) ||
	    !chown_to(pu, "kill", USER1) || kid_in(&own, pu, USER1) ||
	    kid_in(&other, pu, USER2))
		goto out;
	ct_path(p, sizeof(p), pu, "kill");
	ok_partial = as_user(USER1, p, O_WRONLY, "1", &rep) && !rep.open_err &&
		     rep.io_err == EACCES;
	if (!ok_partial)
		ksft_print_msg("uid %d writing its kill: open %s, write %s, want EACCES\n",
			       USER1, err_str(rep.open_err), err_str(rep.io_err));
	killed = kid_killed(&own, WAIT_MS);
	snprintf(want, sizeof(want), "%d\n", other.pid);
	ok_partial = ok_partial && killed && kid_alive(&other) && tasks_are(pu, want) &&
		     ev_is(pu, 1, 0);
out:
	kid_stop(&rk);
	kid_stop(&own);
	kid_stop(&other);
	ct_destroy(pr);
	ct_destroy(pu);
	ksft_test_result(ok_root_owned,
			 "kill: uid 1001 opening a root-owned kill -> EACCES, its task lives\n");
	ksft_test_result(ok_partial,
			 "kill: uid 1001 owning the container kills its task, not uid 1002's; EACCES\n");
}

static void test_kill_input(void)
{
	static const struct {
		const char *data;
		int err;
	} bad[] = {
		{ "0", EINVAL }, { "2", EINVAL }, { "", EINVAL }, { "kill", EINVAL },
		{ "-1", EINVAL }, { "1x", EINVAL }, { "11", EINVAL }, { "0\n", EINVAL },
	};
	static const char *const ro[] = { "events", "stat" };
	struct kid k = { .pid = -1, .ctl = -1 };
	bool ok_bad = false, ok_ro = false, ok_gone = false;
	char name[64], gone[64], p[PATH_MAX], big[80];
	struct user_rep rep;
	size_t i;
	ssize_t r;
	int fd;

	name_of(name, sizeof(name), "input");
	if (ct_create(name) || kid_in(&k, name, -1))
		goto removed;

	/* Refused writes kill nobody. */
	ok_bad = true;
	ct_path(p, sizeof(p), name, "kill");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = write_path(p, bad[i].data, strlen(bad[i].data));
		if (r != -bad[i].err) {
			ksft_print_msg("kill '%s': %s, want %s\n", bad[i].data,
				       r < 0 ? strerror(-r) : "success", strerror(bad[i].err));
			ok_bad = false;
		}
	}
	/* "1" and 64 spaces: a valid value, but 65 bytes. */
	memset(big, ' ', sizeof(big));
	big[0] = '1';
	r = write_path(p, big, 65);
	if (r != -E2BIG) {
		ksft_print_msg("kill of 65 bytes: %s, want E2BIG\n",
			       r < 0 ? strerror(-r) : "success");
		ok_bad = false;
	}
	ok_bad = ok_bad && kid_alive(&k) && ev_is(name, 1, 0);

	/* events and stat take no write: root gets EINVAL, others EACCES. */
	ok_ro = true;
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		ct_path(p, sizeof(p), name, ro[i]);
		r = write_path(p, "1", 1);
		if (r != -EINVAL) {
			ksft_print_msg("root writing %s: %s, want EINVAL\n", p,
				       r < 0 ? strerror(-r) : "success");
			ok_ro = false;
		}
		if (!as_user(USER1, p, O_WRONLY, "1", &rep) || rep.open_err != EACCES) {
			ksft_print_msg("uid %d writing %s: open %s, want EACCES\n", USER1, p,
				       err_str(rep.open_err));
			ok_ro = false;
		}
		ct_path(p, sizeof(p), "", ro[i]);
		r = write_path(p, "1", 1);
		if (r != -EINVAL) {
			ksft_print_msg("root writing %s: %s, want EINVAL\n", p,
				       r < 0 ? strerror(-r) : "success");
			ok_ro = false;
		}
	}
	ok_ro = ok_ro && kid_alive(&k) && ev_is(name, 1, 0) && ev_is("", 1, 0);

removed:
	/* A kill file kept open across rmdir. */
	name_of(gone, sizeof(gone), "gone");
	if (ct_create(gone))
		goto out;
	ct_path(p, sizeof(p), gone, "kill");
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_print_msg("open %s: %s\n", p, strerror(errno));
		goto out;
	}
	ct_path(p, sizeof(p), gone, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
	} else {
		ct_forget(gone);
		r = write_fd(fd, "1", 1);
		ok_gone = r == -ENODEV;
		if (!ok_gone)
			ksft_print_msg("kill of a removed container: %s, want ENODEV\n",
				       r < 0 ? strerror(-r) : "success");
	}
	close(fd);
out:
	kid_stop(&k);
	ct_destroy(gone);
	ct_destroy(name);
	ksft_test_result(ok_bad,
			 "kill: 0, 2, empty, \"kill\" and others -> EINVAL, 65 bytes -> E2BIG, nobody killed\n");
	ksft_test_result(ok_ro,
			 "events, stat: a write by root -> EINVAL, by another uid -> EACCES at open\n");
	ksft_test_result(ok_gone, "kill: an open kill of a removed container -> ENODEV\n");
}

/* ================= a killed container is used again ================= */

static void test_kill_reuse(void)
{
	struct kid k[3] = { { .pid = -1, .ctl = -1 }, { .pid = -1, .ctl = -1 },
			    { .pid = -1, .ctl = -1 } };
	bool ok_kill = false, ok_reuse = false;
	char name[64], p[PATH_MAX], buf[80];
	struct ev ev;
	ssize_t r;

	name_of(name, sizeof(name), "reuse");
	if (ct_create(name) || kid_in(&k[0], name, -1) || kid_in(&k[1], name, -1))
		goto out;
	/* The longest accepted write: "1", 62 spaces, a newline. */
	memset(buf, ' ', 64);
	buf[0] = '1';
	buf[63] = '\n';
	ct_path(p, sizeof(p), name, "kill");
	r = write_path(p, buf, 64);
	if (r != 64)
		ksft_print_msg("64-byte write to %s: %s\n", p, r < 0 ? strerror(-r) : "short");
	ok_kill = r == 64 && wait_empty(name, WAIT_MS, &ev) && ev.emptied == 1 &&
		  kid_killed(&k[0], WAIT_MS) && kid_killed(&k[1], WAIT_MS) &&
		  count_tasks(name) == 0;
	kid_stop(&k[0]);
	kid_stop(&k[1]);
	if (!ok_kill)
		goto out;

	/* Used again: a task enters, it counts, and it leaves. */
	ok_reuse = !kid_in(&k[2], name, -1) && ev_is(name, 1, 1) && count_tasks(name) == 1;
	kid_stop(&k[2]);
	ok_reuse = ok_reuse && ev_is(name, 0, 2);
	ct_path(p, sizeof(p), name, NULL);
	if (ok_reuse && rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		ok_reuse = false;
	}
out:
	kid_stop(&k[0]);
	kid_stop(&k[1]);
	kid_stop(&k[2]);
	ct_destroy(name);
	ksft_test_result(ok_kill,
			 "kill: 64 bytes (\"1\", spaces, newline) kill both tasks; populated 0, emptied 1\n");
	ksft_test_result(ok_reuse,
			 "kill: afterwards the container takes a task again, then is removed\n");
}

/* ================= stat against a random tree ================= */

struct node {
	char name[160];
	int parent;
	int depth;
	int kids;		/* tasks attached here */
	bool removed;
};

static struct node nodes[TREE_NODES + 1];
static struct kid tree_kids[TREE_KIDS];

static bool below(int j, int i)
{
	for (j = nodes[j].parent; j >= 0; j = nodes[j].parent)
		if (j == i)
			return true;
	return false;
}

static bool has_child(int i, int n)
{
	int j;

	for (j = i + 1; j < n; j++)
		if (!nodes[j].removed && nodes[j].parent == i)
			return true;
	return false;
}

/* Compare the stat and events of live node I with the tree and the model. */
static void check_node(int i, int n, int *bad_stat, int *bad_ev)
{
	long tasks = count_tasks(nodes[i].name), dirs, desc = 0, inside = nodes[i].kids;
	char p[PATH_MAX];
	int j, populated;
	struct st st;
	struct ev ev;

	for (j = i + 1; j < n; j++) {
		if (nodes[j].removed || !below(j, i))
			continue;
		desc++;
		inside += nodes[j].kids;
	}
	snprintf(p, sizeof(p), CROOT "/%.*s", (int)sizeof(nodes[i].name), nodes[i].name);
	dirs = count_dirs(p);
	if (!read_st(nodes[i].name, &st) || (long)st.nr_tasks != tasks ||
	    tasks != nodes[i].kids || (long)st.nr_descendants != dirs || dirs != desc ||
	    (int)st.depth != nodes[i].depth) {
		if (!(*bad_stat)++)
			ct_info("/%s: nr_tasks %llu nr_descendants %llu depth %llu; tasks lists %ld, %ld directories below, want %d, %ld, %d\n",
				nodes[i].name, st.nr_tasks, st.nr_descendants, st.depth,
				tasks, dirs, nodes[i].kids, desc, nodes[i].depth);
	}
	populated = inside > 0;
	if (!read_ev(nodes[i].name, &ev) || ev.populated != populated || ev.emptied) {
		if (!(*bad_ev)++)
			ct_info("/%s: populated %d emptied %llu, want %d and 0 (%ld tasks in the subtree)\n",
				nodes[i].name, ev.populated, ev.emptied, populated, inside);
	}
}

static void test_stat_random(void)
{
	bool ok_stat = false, ok_ev = false, ok_removed = false, ok_root = false;
	int i, j, want, n = 0, nkids = 0, removed = 0;
	int bad_stat = 0, bad_ev = 0, tries;
	const char *env = getenv("EVENTS_TEST_SEED");
	struct st st = { 0 }, st2 = { 0 };
	long lines = 0, dirs = 0, t0;
	char p[PATH_MAX];
	unsigned int seed;

	seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL) ^ (unsigned int)main_pid;
	ksft_print_msg("random tree: seed %u (EVENTS_TEST_SEED=%u replays it)\n", seed, seed);
	memset(nodes, 0, sizeof(nodes));
	for (i = 0; i < TREE_KIDS; i++)
		tree_kids[i] = (struct kid){ .pid = -1, .ctl = -1 };

	/* The top container and TREE_NODES below it, TREE_LEVELS deep at most. */
	name_of(nodes[0].name, sizeof(nodes[0].name), "tree");
	nodes[0].parent = -1;
	nodes[0].depth = 1;
	if (ct_create(nodes[0].name))
		goto out;
	for (n = 1; n <= TREE_NODES; n++) {
		i = n;
		do
			j = rand_r(&seed) % i;
		while (nodes[j].depth >= 1 + TREE_LEVELS);
		snprintf(nodes[i].name, sizeof(nodes[i].name), "%s/n%d", nodes[j].name, i);
		nodes[i].parent = j;
		nodes[i].depth = nodes[j].depth + 1;
		if (ct_create(nodes[i].name))
			goto out;
	}

	/* Up to 3 sleeping tasks in about a third of them. */
	for (i = 0; i < n && nkids < TREE_KIDS; i++) {
		want = rand_r(&seed) % 3 ? 0 : rand_r(&seed) % 4;
		for (j = 0; j < want && nkids < TREE_KIDS; j++) {
			if (kid_in(&tree_kids[nkids++], nodes[i].name, -1))
				goto out;
			nodes[i].kids++;
		}
	}

	/* Remove about a third of the empty leaves, the deepest first; one at least. */
	for (tries = 0; tries < 2 && !removed; tries++) {
		for (i = n - 1; i >= 1; i--) {
			if (nodes[i].kids || has_child(i, n) || (!tries && rand_r(&seed) % 3))
				continue;
			ct_path(p, sizeof(p), nodes[i].name, NULL);
			if (rmdir(p)) {
				ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
				goto out;
			}
			ct_forget(nodes[i].name);
			nodes[i].removed = true;
			removed++;
			if (tries)
				break;
		}
	}
	ksft_print_msg("random tree: %d containers, %d tasks, %d leaves removed\n", n, nkids,
		       removed);

	for (i = 0; i < n; i++)
		if (!nodes[i].removed)
			check_node(i, n, &bad_stat, &bad_ev);
	ok_stat = !bad_stat;
	ok_ev = !bad_ev;

	/* The removed ones are freed a grace period and a work item later. */
	t0 = now_ms();
	while (read_st(nodes[0].name, &st) && st.nr_removed && now_ms() - t0 < WAIT_MS)
		usleep(20000);
	ok_removed = removed && read_st(nodes[0].name, &st) && !st.nr_removed;
	ksft_print_msg("nr_removed_descendants %llu after %ld ms\n", st.nr_removed,
		       now_ms() - t0);

	/*
	 * The root changes under us (other tasks fork and exit): the same
	 * counts before and after the walk are taken as a quiet moment.
	 */
	for (tries = 0; tries < 20 && !ok_root; tries++) {
		if (tries)
			usleep(10000);
		if (!read_st("", &st))
			break;
		lines = count_tasks("");
		dirs = count_dirs(CROOT);
		if (!read_st("", &st2))
			break;
		ok_root = (long)st.nr_tasks == lines && (long)st2.nr_tasks == lines &&
			  (long)st.nr_descendants == dirs && (long)st2.nr_descendants == dirs;
	}
	if (!ok_root)
		ct_info("root stat: nr_tasks %llu then %llu, tasks lists %ld; nr_descendants %llu then %llu, %ld directories\n",
			st.nr_tasks, st2.nr_tasks, lines, st.nr_descendants,
			st2.nr_descendants, dirs);
out:
	for (i = 0; i < nkids; i++)
		kid_stop(&tree_kids[i]);
	for (i = n - 1; i >= 0; i--)
		if (!nodes[i].removed)
			ct_destroy(nodes[i].name);
	ksft_test_result(ok_stat,
			 "stat: nr_tasks, nr_descendants, depth agree with a random tree\n");
	ksft_test_result(ok_ev, "events: populated agrees with the random tree, emptied 0\n");
	ksft_test_result(ok_removed,
			 "stat: nr_removed_descendants of the top drops to 0 within %d ms\n",
			 WAIT_MS);
	ksft_test_result(ok_root,
			 "stat of the root: nr_tasks = lines of its tasks, nr_descendants = directories\n");
}

/* ================= the example container_kill_wait ================= */

static char example[PATH_MAX];

/* Run the example with ARGS; its exit status, or -1. Its output is shown. */
static int run_example(const char *const *args, long ms)
{
	long end = now_ms() + ms;
	int out[2], status = -1;
	char buf[1024], *s, *e;
	pid_t pid;
	ssize_t n;

	if (pipe2(out, O_CLOEXEC))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out[1], STDOUT_FILENO);
		dup2(out[1], STDERR_FILENO);
		execv(example, (char *const *)args);
		_exit(127);
	}
	close(out[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ms() > end) {
			ksft_print_msg("%s still running after %ld ms\n", example, ms);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			status = -1;
			break;
		}
		usleep(5000);
	}
	n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	buf[n > 0 ? n : 0] = '\0';
	for (s = buf; *s; s = e) {
		e = strchrnul(s, '\n');
		ksft_print_msg("container_kill_wait: %.*s\n", (int)(e - s), s);
		if (*e)
			e++;
	}
	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_example(void)
{
	static const char desc_kill[] =
		"container_kill_wait: kills 3 tasks, waits for populated 0, removes the container";
	static const char desc_wait[] =
		"container_kill_wait -w: 0 at once when empty, 2 on timeout when populated";
	struct kid k[4] = { { .pid = -1, .ctl = -1 }, { .pid = -1, .ctl = -1 },
			    { .pid = -1, .ctl = -1 }, { .pid = -1, .ctl = -1 } };
	bool ok_kill = false, ok_wait = false;
	char name[64], wname[64], p[PATH_MAX], *slash;
	const char *args[5];
	long t0, took;
	int i, rc;
	ssize_t n;

	n = readlink("/proc/self/exe", example, sizeof(example) - 32);
	slash = n > 0 ? memrchr(example, '/', n) : NULL;
	if (slash)
		snprintf(slash + 1, example + sizeof(example) - slash - 1, "container_kill_wait");
	if (!slash || access(example, X_OK)) {
		ksft_print_msg("no executable %s\n", example);
		ksft_test_result_skip("%s\n", desc_kill);
		ksft_test_result_skip("%s\n", desc_wait);
		return;
	}

	/* A container with three tasks: killed, waited for, removed. */
	name_of(name, sizeof(name), "example");
	if (ct_create(name))
		goto wait_only;
	for (i = 0; i < 3; i++)
		if (kid_in(&k[i], name, -1))
			goto wait_only;
	ct_path(p, sizeof(p), name, NULL);
	args[0] = example;
	args[1] = p;
	args[2] = "30000";
	args[3] = NULL;
	rc = run_example(args, 2 * WAIT_MS);
	ok_kill = rc == 0;
	if (rc)
		ksft_print_msg("container_kill_wait %s: exit status %d, want 0\n", p, rc);
	for (i = 0; i < 3; i++)
		ok_kill &= kid_killed(&k[i], 1000);
	if (absent(p))
		ct_forget(name);
	else
		ok_kill = false;

wait_only:
	for (i = 0; i < 3; i++)
		kid_stop(&k[i]);
	/* -w on an empty container: at once, and nothing removed. */
	name_of(wname, sizeof(wname), "example_w");
	if (ct_create(wname))
		goto out;
	ct_path(p, sizeof(p), wname, NULL);
	args[0] = example;
	args[1] = "-w";
	args[2] = p;
	args[3] = "5000";
	args[4] = NULL;
	t0 = now_ms();
	rc = run_example(args, 2 * WAIT_MS);
	took = now_ms() - t0;
	ok_wait = rc == 0 && took < 2000 && !access(p, F_OK);
	if (!ok_wait)
		ct_info("container_kill_wait -w on an empty container: status %d after %ld ms\n",
			rc, took);
	/* -w with a task inside: times out (2), the task lives. */
	if (kid_in(&k[3], wname, -1)) {
		ok_wait = false;
		goto out;
	}
	args[3] = "300";
	rc = run_example(args, 2 * WAIT_MS);
	if (rc != 2) {
		ct_info("container_kill_wait -w on a populated container: status %d, want 2\n",
			rc);
		ok_wait = false;
	}
	ok_wait = ok_wait && kid_alive(&k[3]) && !access(p, F_OK);
out:
	for (i = 0; i < 4; i++)
		kid_stop(&k[i]);
	ct_destroy(wname);
	ct_destroy(name);
	ksft_test_result(ok_kill, "%s\n", desc_kill);
	ksft_test_result(ok_wait, "%s\n", desc_wait);
}

/* ================= main ================= */

static void cleanup_all(void)
{
	if (getpid() != main_pid)
		return;
	bomb_stop();
	kids_kill_all();
	ct_destroy_all();
}

static const struct test tests[] = {
	{ test_new_and_root, 3 },
	{ test_tree_moves, 2 },
	{ test_notifications, 3 },
	{ test_fast_cycles, 2 },
	{ test_kill_bomb, 3 },
	{ test_kill_perms, 2 },
	{ test_kill_input, 3 },
	{ test_kill_reuse, 2 },
	{ test_stat_random, 4 },
	{ test_example, 2 },
};

int main(void)
{
	main_pid = getpid();
	snprintf(prefix, sizeof(prefix), "events_test.%d", main_pid);

	ksft_print_header();
	require_containers(CROOT "/events");
	ksft_set_plan(tests_plan(tests, ARRAY_SIZE(tests)));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
