// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: races of fork, exit and attach.
 *
 * - A process forks and reaps children in a tight loop while it is moved
 *   back and forth between two containers: every child lands in one of
 *   the two, and both can be removed at once after everything is reaped.
 * - kill -9, waitpid, rmdir, 100 times: never EBUSY (a task leaves its
 *   container in do_exit(), before its parent can reap it).
 * - A task is attached while it exits: the write succeeds or says ESRCH,
 *   and the container can be removed right after waitpid.
 * - One thread moved 1,000 times between two containers shows the right
 *   path in /proc/<pid>/task/<tid>/container every time.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"

#define MAX_CTS 32

#include "containers_util.h"

/* How long the forking process forks (its own clock). */
#define FORK_LOOP_MS 2000
/* Stop waiting for the forking process after this long. */
#define FORK_LOOP_LIMIT_MS 60000
#define KILL_ROUNDS 100
#define EXIT_ROUNDS 200
#define THREAD_MOVES 1000

/* Children the current test still has to reap (killed on cleanup). */
static pid_t live[8];

/* ---------- helpers ---------- */

static void live_add(pid_t pid)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (live[i] <= 0) {
			live[i] = pid;
			return;
		}
	}
}

/* Kill (if still running) and reap PID; forget it. Returns wait status. */
static int live_reap(pid_t pid, bool kill_it)
{
	int i, status = -1;

	if (pid <= 0)
		return -1;
	if (kill_it)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	for (i = 0; i < 8; i++)
		if (live[i] == pid)
			live[i] = 0;
	return status;
}

static void cleanup_all(void)
{
	int i;

	if (getpid() != main_pid)
		return;
	for (i = 0; i < 8; i++)
		if (live[i] > 0)
			live_reap(live[i], true);
	write_path(CROOT "/tasks", "0\n", 2);
	ct_destroy_all();
}

/* Number of lines in NAME/tasks, or -1. */
static int ct_count(const char *name)
{
	static char buf[1 << 16];
	char p[PATH_MAX], *s;
	ssize_t n;
	int c = 0;

	ct_path(p, sizeof(p), name, "tasks");
	n = read_path(p, buf, sizeof(buf));
	if (n < 0) {
		ksft_print_msg("read %s: %s\n", p, strerror(-n));
		return -1;
	}
	for (s = buf; *s; s++)
		c += *s == '\n';
	return c;
}

/* rmdir NAME now; on failure report and fall back to the forced cleanup. */
static bool rmdir_now(const char *name)
{
	char p[PATH_MAX];
	int err;

	ct_path(p, sizeof(p), name, NULL);
	if (rmdir(p) == 0) {
		ct_forget(name);
		return true;
	}
	err = errno;
	ksft_print_msg("rmdir %s: %s (%d tasks listed)\n", p, strerror(err),
		       ct_count(name));
	ct_destroy(name);
	errno = err;
	return false;
}

/* ================= fork loop vs. attach of the parent ================= */

static void fork_loop(int go_rd, int rep_wr)
{
	long start, n = 0;
	char line[64];
	int l;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (read(go_rd, line, 1) != 1)
		_exit(1);
	close(go_rd);
	start = now_ms();
	while (now_ms() - start < FORK_LOOP_MS) {
		pid_t c = fork();

		if (c < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			_exit(2);
		}
		if (c == 0) {
			char path[256];
			ssize_t r;

			r = read_path("/proc/self/container", path, sizeof(path));
			if (r < 0)
				snprintf(path, sizeof(path), "ERR %s\n", strerror(-r));
			l = snprintf(line, sizeof(line), "C %d %s", getpid(), path);
			if (l >= (int)sizeof(line) || line[l - 1] != '\n')
				l = snprintf(line, sizeof(line), "C %d BAD\n", getpid());
			if (write(rep_wr, line, l) != l)
				_exit(3);
			_exit(0);
		}
		if (waitpid(c, NULL, 0) != c)
			_exit(4);
		n++;
	}
	l = snprintf(line, sizeof(line), "D %ld\n", n);
	if (write(rep_wr, line, l) != l)
		_exit(5);
	_exit(0);
}

struct fork_stats {
	long in[2], bad, done, lines;
	char first_bad[128];
};

static void fork_line(struct fork_stats *st, const char *line,
		      const char *exp0, const char *exp1)
{
	const char *sp;

	st->lines++;
	if (line[0] == 'D' && line[1] == ' ') {
		st->done = atol(line + 2);
		return;
	}
	sp = line[0] == 'C' ? strchr(line + 2, ' ') : NULL;
	if (!sp) {
		st->bad++;
		goto bad;
	}
	sp++;
	if (!strcmp(sp, exp0)) {
		st->in[0]++;
		return;
	}
	if (!strcmp(sp, exp1)) {
		st->in[1]++;
		return;
	}
	st->bad++;
bad:
	if (!st->first_bad[0])
		snprintf(st->first_bad, sizeof(st->first_bad), "%s", line);
}

static void test_fork_vs_attach(void)
{
	char a[64], b[64], exp0[80], exp1[80], carry[256] = "";
	struct fork_stats st = { .done = -1 };
	int go[2] = { -1, -1 }, rep[2] = { -1, -1 }, status, cur = 0, err;
	long moves = 0, move_fail = 0, start;
	bool ok_set = false, ok_rm = false, p_gone = false, eof = false;
	size_t clen = 0;
	pid_t p = -1;

	name_of(a, sizeof(a), "A");
	name_of(b, sizeof(b), "B");
	/* Lines are "C <pid> /<name>" and the newline is stripped. */
	snprintf(exp0, sizeof(exp0), "/%s", a);
	snprintf(exp1, sizeof(exp1), "/%s", b);
	if (ct_create(a) || ct_create(b) || pipe2(go, O_CLOEXEC) ||
	    pipe2(rep, O_CLOEXEC))
		goto out;
	fflush(stdout);
	p = fork();
	if (p < 0)
		goto out;
	if (p == 0) {
		close(go[1]);
		close(rep[0]);
		fork_loop(go[0], rep[1]);
	}
	live_add(p);
	close(go[0]);
	go[0] = -1;
	close(rep[1]);
	rep[1] = -1;
	err = ct_attach(a, p);
	if (err) {
		ksft_print_msg("attach %d to %s: %s\n", p, a, strerror(-err));
		goto out;
	}
	if (write(go[1], "g", 1) != 1)
		goto out;
	start = now_ms();
	while (!eof && now_ms() - start < FORK_LOOP_LIMIT_MS) {
		struct pollfd pfd = { .fd = rep[0], .events = POLLIN };
		char buf[4096];

		if (poll(&pfd, 1, 3) > 0) {
			ssize_t n = read(rep[0], buf, sizeof(buf));
			ssize_t i;

			if (n <= 0) {
				eof = true;
				break;
			}
			for (i = 0; i < n; i++) {
				if (buf[i] == '\n') {
					carry[clen] = '\0';
					fork_line(&st, carry, exp0, exp1);
					clen = 0;
				} else if (clen < sizeof(carry) - 1) {
					carry[clen++] = buf[i];
				}
			}
		}
		if (p_gone)
			continue;
		cur = !cur;
		err = ct_attach(cur ? b : a, p);
		if (err == 0) {
			moves++;
		} else if (err == -ESRCH) {
			p_gone = true;	/* P is exiting */
		} else {
			if (!move_fail)
				ksft_print_msg("moving %d: %s\n", p, strerror(-err));
			move_fail++;
		}
	}
	if (!eof)
		ksft_print_msg("the forking process did not finish in %d ms\n",
			       FORK_LOOP_LIMIT_MS);
	status = live_reap(p, !eof);
	p = -1;
	ksft_print_msg("fork loop: %ld children (%ld in A, %ld in B), %ld moves of the parent\n",
		       st.done, st.in[0], st.in[1], moves);
	ok_set = eof && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		 st.bad == 0 && move_fail == 0 && st.done >= 0 &&
		 st.in[0] + st.in[1] == st.done && moves >= 10 && st.done >= 10;
	if (!ok_set) {
		if (st.bad)
			ksft_print_msg("%ld children outside A and B, first: '%s'\n",
				       st.bad, st.first_bad);
		if (st.in[0] + st.in[1] != st.done)
			ksft_print_msg("the parent forked %ld children, %ld reported A or B\n",
				       st.done, st.in[0] + st.in[1]);
		if (!eof || !WIFEXITED(status) || WEXITSTATUS(status))
			ksft_print_msg("forking process: status %#x\n", status);
		if (moves < 10 || st.done < 10)
			ct_info("too little happened to call it a race (%ld moves, %ld forks)\n",
				moves, st.done);
	}
	/* Everything reaped: both empty and removable at once. */
	ok_rm = ct_count(a) == 0 && ct_count(b) == 0;
	if (!rmdir_now(a))
		ok_rm = false;
	if (!rmdir_now(b))
		ok_rm = false;
out:
	if (p > 0)
		live_reap(p, true);
	for (err = 0; err < 2; err++) {
		if (go[err] >= 0)
			close(go[err]);
		if (rep[err] >= 0)
			close(rep[err]);
	}
	ct_destroy(a);
	ct_destroy(b);
	ksft_test_result(ok_set,
			 "fork loop vs. attach of the parent: every child is in A or B, counts match\n");
	ksft_test_result(ok_rm,
			 "fork loop vs. attach: A and B empty and removed at once after the reaping\n");
}

/* ================= kill -9, waitpid, rmdir ================= */

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

/*
 * The child: optionally moves itself into TASKS and starts threads, says
 * ready, and waits to be killed.
 */
static void victim(const char *tasks, bool self_move, int nthreads, int rdy)
{
	pthread_t t;
	char c = 1;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (self_move && write_path(tasks, "0\n", 2) != 2)
		_exit(1);
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&t, NULL, idle_thread, NULL))
			_exit(2);
	if (write(rdy, &c, 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static void test_kill_wait_rmdir(void)
{
	int round, ebusy = 0, other = 0, setup_fail = 0, first_ebusy = -1;
	char name[64], tasks[PATH_MAX];

	for (round = 0; round < KILL_ROUNDS; round++) {
		bool self_move = round % 2 == 0;
		int nthreads = round % 4 == 0 ? 2 : 0, rdy[2], n, err;
		char c;
		pid_t v;

		snprintf(name, sizeof(name), "%s_k%d", prefix, round);
		ct_path(tasks, sizeof(tasks), name, "tasks");
		if (ct_create(name) || pipe2(rdy, O_CLOEXEC)) {
			setup_fail++;
			ct_destroy(name);
			break;
		}
		fflush(stdout);
		v = fork();
		if (v == 0) {
			close(rdy[0]);
			victim(tasks, self_move, nthreads, rdy[1]);
		}
		close(rdy[1]);
		if (v < 0) {
			close(rdy[0]);
			setup_fail++;
			ct_destroy(name);
			break;
		}
		live_add(v);
		n = read(rdy[0], &c, 1);
		close(rdy[0]);
		if (n != 1) {
			ksft_print_msg("round %d: the child did not get ready\n", round);
			setup_fail++;
			live_reap(v, true);
			ct_destroy(name);
			continue;
		}
		if (!self_move) {
			err = ct_attach(name, v);
			if (err) {
				ksft_print_msg("round %d: attach %d: %s\n", round, v,
					       strerror(-err));
				setup_fail++;
			}
		}
		/* The child (and its threads) must really be in there. */
		n = ct_count(name);
		if (n != 1 + nthreads) {
			ksft_print_msg("round %d: %s lists %d tasks, expected %d\n",
				       round, name, n, 1 + nthreads);
			setup_fail++;
		}
		live_reap(v, true);
		if (!rmdir_now(name)) {
			if (errno == EBUSY) {
				if (first_ebusy < 0)
					first_ebusy = round;
				ebusy++;
			} else {
				other++;
			}
		}
	}
	if (ebusy)
		ct_info("%d of %d rounds: rmdir right after waitpid gave EBUSY (first in round %d)\n",
			ebusy, KILL_ROUNDS, first_ebusy);
	if (other || setup_fail)
		ksft_print_msg("%d rmdir failures other than EBUSY, %d setup failures\n",
			       other, setup_fail);
	ksft_test_result(round == KILL_ROUNDS && !ebusy && !other && !setup_fail,
			 "%d x (kill -9, waitpid, rmdir): rmdir never EBUSY\n",
			 KILL_ROUNDS);
}

/* ================= attach while the target exits ================= */

static void test_attach_vs_exit(void)
{
	int round, bad_err = 0, ebusy = 0, moved = 0, esrch = 0, fails = 0;
	char name[64], tasks[PATH_MAX], w[32];
	long spin;

	name_of(name, sizeof(name), "x");
	ct_path(tasks, sizeof(tasks), name, "tasks");
	for (round = 0; round < EXIT_ROUNDS; round++) {
		int rdy[2], l, status;
		ssize_t r;
		char c;
		pid_t v;

		if (ct_create(name) || pipe2(rdy, O_CLOEXEC)) {
			fails++;
			break;
		}
		fflush(stdout);
		v = fork();
		if (v == 0) {
			close(rdy[0]);
			c = 1;
			if (write(rdy[1], &c, 1) != 1)
				_exit(1);
			_exit(0);
		}
		close(rdy[1]);
		if (v < 0) {
			close(rdy[0]);
			fails++;
			break;
		}
		live_add(v);
		if (read(rdy[0], &c, 1) != 1)
			fails++;
		close(rdy[0]);
		/*
		 * The child is exiting right now: race the attach with it,
		 * with a delay that varies from round to round.
		 */
		for (spin = 0; spin < (round % 25) * 4000; spin++)
			__asm__ __volatile__("" ::: "memory");
		l = snprintf(w, sizeof(w), "%d\n", v);
		r = write_path(tasks, w, l);
		if (r == l) {
			moved++;
		} else if (r == -ESRCH) {
			esrch++;
		} else {
			if (!bad_err)
				ct_info("round %d: attach of an exiting task: %zd (%s), expected %d or ESRCH\n",
					round, r, r < 0 ? strerror(-r) : "short",
					l);
			bad_err++;
		}
		status = live_reap(v, false);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
		if (!rmdir_now(name)) {
			if (errno == EBUSY)
				ebusy++;
			else
				fails++;
		}
	}
	ksft_print_msg("attach vs. exit: %d attached, %d ESRCH\n", moved, esrch);
	if (ebusy)
		ksft_print_msg("%d rounds: rmdir after waitpid gave EBUSY\n", ebusy);
	if (fails)
		ksft_print_msg("%d setup/other failures\n", fails);
	ct_destroy(name);
	ksft_test_result(round == EXIT_ROUNDS && !bad_err && !ebusy && !fails,
			 "%d x attach racing with exit: success or ESRCH, then rmdir never EBUSY\n",
			 EXIT_ROUNDS);
}

/* ================= one thread, 1,000 moves ================= */

static void *report_tid_thread(void *arg)
{
	int fd = (int)(long)arg;
	pid_t tid = gettid();

	if (write(fd, &tid, sizeof(tid)) != sizeof(tid))
		_exit(1);
	for (;;)
		pause();
	return NULL;
}

static bool proc_path_is(const char *p, const char *exp, int round)
{
	char got[256];
	ssize_t n = read_path(p, got, sizeof(got));

	if (n < 0) {
		ksft_print_msg("move %d: read %s: %s\n", round, p, strerror(-n));
		return false;
	}
	if (strcmp(got, exp)) {
		ksft_print_msg("move %d: %s reads '%.*s', expected '%.*s'\n", round,
			       p, (int)strcspn(got, "\n"), got,
			       (int)strcspn(exp, "\n"), exp);
		return false;
	}
	return true;
}

static void test_thread_moves(void)
{
	char a[64], b[64], expa[80], expb[80], p[64], pmain[64];
	int tp[2] = { -1, -1 }, i, wrong = 0, err;
	bool ok = false;
	pid_t c = -1, tid;

	name_of(a, sizeof(a), "TA");
	name_of(b, sizeof(b), "TB");
	snprintf(expa, sizeof(expa), "/%s\n", a);
	snprintf(expb, sizeof(expb), "/%s\n", b);
	if (ct_create(a) || ct_create(b) || pipe2(tp, O_CLOEXEC))
		goto out;
	fflush(stdout);
	c = fork();
	if (c < 0)
		goto out;
	if (c == 0) {
		pthread_t t;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(tp[0]);
		if (pthread_create(&t, NULL, report_tid_thread, (void *)(long)tp[1]))
			_exit(1);
		for (;;)
			pause();
	}
	live_add(c);
	close(tp[1]);
	tp[1] = -1;
	if (read(tp[0], &tid, sizeof(tid)) != sizeof(tid)) {
		ksft_print_msg("the threaded child did not report its thread\n");
		goto out;
	}
	snprintf(p, sizeof(p), "/proc/%d/task/%d/container", c, tid);
	snprintf(pmain, sizeof(pmain), "/proc/%d/task/%d/container", c, c);
	for (i = 0; i < THREAD_MOVES; i++) {
		bool to_b = i % 2;

		err = ct_attach(to_b ? b : a, tid);
		if (err) {
			ksft_print_msg("move %d of tid %d: %s\n", i, tid, strerror(-err));
			wrong++;
			break;
		}
		if (!proc_path_is(p, to_b ? expb : expa, i) && ++wrong > 5)
			break;
		/* Now and then: the tasks files and the other thread. */
		if (i % 100 == 99) {
			int na = ct_count(a), nb = ct_count(b);

			if (na != !to_b || nb != to_b) {
				ct_info("move %d: A lists %d, B lists %d tasks; expected %d and %d\n",
					i, na, nb, !to_b, to_b);
				wrong++;
			}
			if (!proc_path_is(pmain, "/\n", i))
				wrong++;
		}
	}
	ok = i == THREAD_MOVES && !wrong;
out:
	if (c > 0)
		live_reap(c, true);
	for (i = 0; i < 2; i++)
		if (tp[i] >= 0)
			close(tp[i]);
	if (ok && (!rmdir_now(a) || !rmdir_now(b)))
		ok = false;
	ct_destroy(a);
	ct_destroy(b);
	ksft_test_result(ok,
			 "one thread moved %d times between two containers: /proc/<pid>/task/<tid>/container right every time\n",
			 THREAD_MOVES);
}

static const struct test tests[] = {
	{ test_fork_vs_attach, 2 },
	{ test_kill_wait_rmdir, 1 },
	{ test_attach_vs_exit, 1 },
	{ test_thread_moves, 1 },
};

int main(void)
{
	unsigned int plan;

	main_pid = getpid();
	snprintf(prefix, sizeof(prefix), "race_test.%d", main_pid);
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
