// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: release agents under load.
 *
 * flood: a user given a notify_on_release container makes 1000 children
 * and empties each one at once; the agent records how many agents are in
 * flight. At most 4 run at a time, and every release is delivered exactly
 * once, with nothing else.
 * deep chain teardown: the leaf of a 2000-level chain is released while 4
 * blocked agents fill every slot, so its queued release holds the last
 * reference on it; the whole chain is then removed and the agents let go.
 * Freeing the leaf then frees 2000 ancestors, which must not recurse (the
 * harness catches a stack overflow or a KASAN report); the removed leaf is
 * not delivered, the blocked ones are, once each, and the tree is usable.
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"
#include "containers_util.h"

#define RF "/tmp/rf"
#define INFLIGHT RF "/inflight"
#define LOG RF "/log"
#define FLAG RF "/go"
#define AGENT RF "/agent.sh"
#define USER1 1001
#define NKIDS 1000
#define AGENTS_MAX 4
#define CHAIN 2000
/*
 * Polling bounds; generous for a slow TCG guest, no timing is asserted.
 * The flood's agents are waited for as long as records keep coming (a
 * KASAN guest on a loaded host delivers ~8 a second): the wait gives up
 * after FLOOD_STALL_MS without a new record, or after FLOOD_WAIT_MS
 * (the runner stops a test at 300 s).
 */
#define FLOOD_WAIT_MS 200000
#define FLOOD_STALL_MS 30000
#define BLOCK_WAIT_MS 30000
#define DONE_WAIT_MS 70000

static char saved_agent[PATH_MAX + 2];
static bool agent_saved;
/* CROOT/release_flood_test.<pid> and its container path. */
static char top[96], top_ct[64];
static char logbuf[1 << 18];

/* ---------- helpers ---------- */

/* Remove the tree at PATH (short, absolute), children first, iteratively. */
static void rm_tree(const char *path)
{
	int depth = 0, guard = 0;

	if (chdir(path))
		return;
	while (guard++ < 100000) {
		struct dirent *e;
		bool down = false;
		DIR *d = opendir(".");

		if (!d)
			break;
		/* No release for what cleanup empties. */
		write_path("notify_on_release", "0\n", 2);
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
		if (depth == 0 || chdir(".."))
			break;
		depth--;
	}
	if (chdir("/"))
		ksft_print_msg("cleanup: chdir /: %s\n", strerror(errno));
	if (rmdir(path) && errno != ENOENT)
		ksft_print_msg("cleanup: cannot remove %s: %s\n", path, strerror(errno));
}

static int set_agent(const char *path)
{
	char w[PATH_MAX + 2];
	int l = snprintf(w, sizeof(w), "%s\n", path);
	ssize_t r = write_path(CROOT "/release_agent", w, l);

	if (r != l) {
		ksft_print_msg("write '%s' to release_agent: %s\n", path,
			       r < 0 ? strerror(-r) : "short write");
		return -1;
	}
	return 0;
}

static void cleanup_all(void)
{
	if (getpid() != main_pid)
		return;
	/* Let blocked agents go, and no new agent run. */
	close(open(FLAG, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (agent_saved) {
		set_agent(saved_agent);
		agent_saved = false;
	}
	rm_tree(top);
	if (system("rm -rf " RF))
		ksft_print_msg("cleanup: rm -rf " RF " failed\n");
}

static bool put(const char *path, const char *s)
{
	ssize_t r = write_path(path, s, strlen(s));

	if (r != (ssize_t)strlen(s)) {
		ksft_print_msg("write '%s' to %s: %s\n", s, path,
			       r < 0 ? strerror(-r) : "short write");
		return false;
	}
	return true;
}

static int write_script(const char *body)
{
	int fd = open(AGENT ".new", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	size_t l = strlen(body);

	if (fd < 0 || write(fd, body, l) != (ssize_t)l) {
		ksft_perror("writing the agent script");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	/* Atomic replacement: an agent never runs a half-written script. */
	if (chmod(AGENT ".new", 0755) || rename(AGENT ".new", AGENT)) {
		ksft_perror("installing the agent script");
		return -1;
	}
	return 0;
}

/* The log's complete lines; their number. */
static int log_lines(void)
{
	ssize_t n = read_path(LOG, logbuf, sizeof(logbuf));
	int lines = 0;
	char *s;

	if (n <= 0)
		return 0;
	/* Drop an incomplete last line. */
	s = strrchr(logbuf, '\n');
	if (!s)
		s = logbuf - 1;
	s[1] = '\0';
	for (s = logbuf; (s = strchr(s, '\n')); s++)
		lines++;
	return lines;
}

/* Run a task in container directory DFD (or PATH) that exits at once. */
static int run_task_in(int dfd, const char *path)
{
	int st, fd;
	pid_t p;

	fflush(stdout);
	p = fork();
	if (p < 0)
		return -errno;
	if (p == 0) {
		fd = dfd >= 0 ? openat(dfd, "tasks", O_WRONLY | O_CLOEXEC) :
				open(path, O_WRONLY | O_CLOEXEC);
		_exit(fd < 0 ? 1 : write(fd, "0\n", 2) == 2 ? 0 : 2);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		return -EIO;
	return 0;
}

/* ================= flood ================= */

static const char flood_script[] =
	"#!/bin/sh\n"
	"p=$1\n"
	"mkdir " INFLIGHT "/$$\n"
	"set -- " INFLIGHT "/*\n"
	"echo \"$# $p\" >>" LOG "\n"
	"sleep 0.05\n"
	"rmdir " INFLIGHT "/$$\n";

struct flood_rep {
	int made;	/* containers created */
	int ran;	/* short-lived tasks that ran in them */
	int err;	/* first errno */
};

static int flood_child(void *arg, void *repv)
{
	struct flood_rep *rep = repv;
	const char *d = arg;
	char p[PATH_MAX];
	int i, r;

	memset(rep, 0, sizeof(*rep));
	if (setresgid(USER1, USER1, USER1) || setresuid(USER1, USER1, USER1)) {
		rep->err = errno;
		return 1;
	}
	for (i = 0; i < NKIDS; i++) {
		snprintf(p, sizeof(p), "%s/c%04d", d, i);
		if (mkdir(p, 0755)) {
			rep->err = errno;
			return 1;
		}
		rep->made++;
		snprintf(p, sizeof(p), "%s/c%04d/tasks", d, i);
		r = run_task_in(-1, p);
		if (r) {
			rep->err = -r;
			return 1;
		}
		rep->ran++;
	}
	return 0;
}

static void test_flood(void)
{
	static unsigned char seen[NKIDS];
	struct flood_rep rep = { 0 };
	bool all_once = false, bounded = false;
	int rc, lines = 0, prev, max = 0, other = 0, missing = 0, dup = 0, i;
	char d[128], p[PATH_MAX], *s, *e;
	long start, last;

	snprintf(d, sizeof(d), "%s/flood", top);
	if (mkdir(RF, 0755) || mkdir(INFLIGHT, 0755) || write_script(flood_script) ||
	    set_agent(AGENT) || mkdir(d, 0755)) {
		ksft_print_msg("flood setup: %s\n", strerror(errno));
		goto out;
	}
	snprintf(p, sizeof(p), "%s/notify_on_release", d);
	if (!put(p, "1\n") || chown(d, USER1, USER1) || chown(p, USER1, USER1))
		goto out;
	snprintf(p, sizeof(p), "%s/tasks", d);
	if (chown(p, USER1, USER1))
		goto out;
	rc = run_child(flood_child, d, &rep, sizeof(rep));
	if (rc || rep.ran != NKIDS) {
		ksft_print_msg("uid %d made %d containers, ran %d tasks: %s\n", USER1,
			       rep.made, rep.ran, strerror(rep.err));
		goto out;
	}
	start = now_ms();
	last = start;
	prev = 0;
	while ((lines = log_lines()) < NKIDS && now_ms() - start < FLOOD_WAIT_MS &&
	       now_ms() - last < FLOOD_STALL_MS) {
		if (lines != prev) {
			prev = lines;
			last = now_ms();
		}
		usleep(100000);
	}
	ksft_print_msg("%d agent records after %ld ms\n", lines, now_ms() - start);
	/* Wait for the agents still running, then a quiet second. */
	start = now_ms();
	while (rmdir(INFLIGHT) && now_ms() - start < 10000)
		usleep(50000);
	sleep(1);
	lines = log_lines();
	for (s = logbuf; *s; s = e + 1) {
		int count, idx;
		char path[PATH_MAX], tail;

		e = strchr(s, '\n');
		*e = '\0';
		snprintf(p, sizeof(p), "%s/flood/c%%4d%%c", top_ct);
		if (sscanf(s, "%d %4095s", &count, path) != 2) {
			ksft_print_msg("bad agent record '%.80s'\n", s);
			other++;
			continue;
		}
		if (count > max)
			max = count;
		if (sscanf(path, p, &idx, &tail) != 1 || idx < 0 || idx >= NKIDS) {
			if (other++ < 5)
				ksft_print_msg("agent ran for an unexpected path '%.80s'\n", path);
			continue;
		}
		if (seen[idx]++ == 1 && dup++ < 5)
			ksft_print_msg("%s delivered twice\n", path);
	}
	for (i = 0; i < NKIDS; i++)
		missing += !seen[i];
	ct_info("%d records, %d paths missing, %d duplicated, %d other; at most %d agents in flight\n",
		lines, missing, dup, other, max);
	all_once = lines == NKIDS && !missing && !dup && !other;
	bounded = lines > 0 && max >= 1 && max <= AGENTS_MAX;
out:
	snprintf(p, sizeof(p), "%s/notify_on_release", d);
	write_path(p, "0\n", 2);
	rm_tree(d);
	ksft_test_result(all_once,
			 "flood: 1000 releases by uid 1001, each delivered exactly once, nothing else\n");
	ksft_test_result(bounded, "flood: at most %d release agents in flight\n", AGENTS_MAX);
}

/* ================= deep chain teardown ================= */

static const char block_script[] =
	"#!/bin/sh\n"
	"echo \"start $1\" >>" LOG "\n"
	"i=0\n"
	"while [ ! -e " FLAG " ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done\n"
	"echo \"done $1\" >>" LOG "\n";

/* How many log lines are exactly "WHAT PATH". */
static int log_count(const char *what, const char *path)
{
	size_t wl = strlen(what), pl = strlen(path);
	int n = 0;
	char *s, *e;

	log_lines();
	for (s = logbuf; *s && (e = strchr(s, '\n')); s = e + 1)
		if ((size_t)(e - s) == wl + 1 + pl && !strncmp(s, what, wl) &&
		    s[wl] == ' ' && !strncmp(s + wl + 1, path, pl))
			n++;
	return n;
}

static int log_count_prefix(const char *what)
{
	size_t wl = strlen(what);
	int n = 0;
	char *s, *e;

	log_lines();
	for (s = logbuf; *s && (e = strchr(s, '\n')); s = e + 1)
		if (!strncmp(s, what, wl) && s[wl] == ' ')
			n++;
	return n;
}

static void test_deep_chain(void)
{
	static char leaf[PATH_MAX];
	bool queued = false, delivered = false, alive = false;
	char p[PATH_MAX], b[AGENTS_MAX][96];
	int i, made = 0, removed = 0, leaf_fd = -1;
	long start;

	unlink(LOG);
	unlink(FLAG);
	snprintf(p, sizeof(p), "%s/chain", top);
	if (write_script(block_script) || set_agent(AGENT) || mkdir(p, 0755) ||
	    chdir(p)) {
		ksft_print_msg("chain setup: %s\n", strerror(errno));
		goto out;
	}
	/* notify_on_release 0 is inherited by every level but the leaf. */
	for (made = 0; made < CHAIN; made++)
		if (mkdir("a", 0755) || chdir("a"))
			break;
	if (made != CHAIN) {
		ksft_print_msg("chain stopped at level %d: %s\n", made, strerror(errno));
		goto out;
	}
	leaf_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (leaf_fd < 0 || !put("notify_on_release", "1\n"))
		goto out;
	i = snprintf(leaf, sizeof(leaf), "%s/chain", top_ct);
	for (made = 0; made < CHAIN; made++)
		i += snprintf(leaf + i, sizeof(leaf) - i, "/a");
	ksft_print_msg("leaf path: %d bytes\n", i);

	/* Four releases whose agents block until FLAG exists. */
	for (i = 0; i < AGENTS_MAX; i++) {
		snprintf(p, sizeof(p), "%s/b%d", top, i);
		snprintf(b[i], sizeof(b[i]), "%s/b%d", top_ct, i);
		if (mkdir(p, 0755))
			goto out;
		strcat(p, "/notify_on_release");
		if (!put(p, "1\n"))
			goto out;
		*strrchr(p, '/') = '\0';
		strcat(p, "/tasks");
		if (run_task_in(-1, p))
			goto out;
	}
	start = now_ms();
	while (log_count_prefix("start") < AGENTS_MAX && now_ms() - start < BLOCK_WAIT_MS)
		usleep(50000);
	if (log_count_prefix("start") != AGENTS_MAX) {
		ksft_print_msg("%d blocked agents started, want %d\n",
			       log_count_prefix("start"), AGENTS_MAX);
		goto out;
	}
	/* The leaf's release now waits in the queue, holding the leaf. */
	if (run_task_in(leaf_fd, NULL))
		goto out;
	sleep(1);
	queued = log_count("start", leaf) == 0 && log_count_prefix("start") == AGENTS_MAX;
	if (!queued)
		ksft_print_msg("the leaf's agent started while %d agents were blocked\n",
			       AGENTS_MAX);
	/* Remove the chain, leaf first, while the leaf's release is queued. */
	close(leaf_fd);
	leaf_fd = -1;
	for (removed = 0; removed < CHAIN; removed++)
		if (chdir("..") || rmdir("a"))
			break;
	if (removed != CHAIN) {
		ksft_print_msg("rmdir of chain level %d: %s\n", CHAIN - removed,
			       strerror(errno));
		queued = false;
	}
	if (chdir("/"))
		queued = false;
	/* Let the grace-period frees of the removed containers run. */
	sleep(1);
	close(open(FLAG, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	start = now_ms();
	while (log_count_prefix("done") < AGENTS_MAX && now_ms() - start < DONE_WAIT_MS)
		usleep(50000);
	/* The leaf's release runs (and frees the chain) after the first. */
	sleep(1);
	delivered = log_count("start", leaf) == 0;
	if (!delivered)
		ksft_print_msg("the agent ran for the removed leaf\n");
	for (i = 0; i < AGENTS_MAX; i++)
		if (log_count("start", b[i]) != 1 || log_count("done", b[i]) != 1) {
			ksft_print_msg("%s: %d starts, %d ends, want 1 and 1\n", b[i],
				       log_count("start", b[i]), log_count("done", b[i]));
			delivered = false;
		}
	if (log_lines() != 2 * AGENTS_MAX) {
		ksft_print_msg("%d agent records, want %d\n", log_lines(), 2 * AGENTS_MAX);
		delivered = false;
	}
	/* Still alive: the chain is gone and the tree works. */
	snprintf(p, sizeof(p), "%s/chain/a", top);
	alive = removed == CHAIN && access(p, F_OK) && errno == ENOENT;
	snprintf(p, sizeof(p), "%s/alive", top);
	if (mkdir(p, 0755) || rmdir(p)) {
		ksft_print_msg("mkdir/rmdir after the teardown: %s\n", strerror(errno));
		alive = false;
	}
	for (i = 0; i < AGENTS_MAX; i++) {
		snprintf(p, sizeof(p), "%s/b%d", top, i);
		if (rmdir(p)) {
			ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
			alive = false;
		}
	}
	snprintf(p, sizeof(p), "%s/chain", top);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		alive = false;
	}
out:
	if (leaf_fd >= 0)
		close(leaf_fd);
	if (chdir("/"))
		ksft_print_msg("chdir /: %s\n", strerror(errno));
	/* After a failure: let the agents go and remove what is left. */
	close(open(FLAG, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	snprintf(p, sizeof(p), "%s/chain", top);
	rm_tree(p);
	for (i = 0; i < AGENTS_MAX; i++) {
		snprintf(p, sizeof(p), "%s/b%d", top, i);
		rm_tree(p);
	}
	ksft_test_result(queued,
			 "deep chain: with %d agents blocked, the leaf's release waits in the queue\n",
			 AGENTS_MAX);
	ksft_test_result(delivered,
			 "deep chain: blocked agents delivered once each, the removed leaf never\n");
	ksft_test_result(alive,
			 "deep chain: %d-level chain removed and freed, the tree still works\n",
			 CHAIN);
}

static const struct test tests[] = {
	{ test_flood, 2 },
	/* Last: today's kernel may crash here. */
	{ test_deep_chain, 3 },
};

int main(void)
{
	char p[PATH_MAX];
	ssize_t n;

	main_pid = getpid();
	snprintf(top_ct, sizeof(top_ct), "/release_flood_test.%d", main_pid);
	snprintf(top, sizeof(top), CROOT "%s", top_ct);

	ksft_print_header();
	require_containers(CROOT "/release_agent");
	n = read_path(CROOT "/release_agent", saved_agent, sizeof(saved_agent));
	if (n < 0)
		ksft_exit_fail_msg("cannot read " CROOT "/release_agent: %s\n",
				   strerror(-n));
	if (n > 0 && saved_agent[n - 1] == '\n')
		saved_agent[n - 1] = '\0';
	agent_saved = true;
	ksft_set_plan(tests_plan(tests, ARRAY_SIZE(tests)));
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	if (system("rm -rf " RF))
		ksft_print_msg("rm -rf " RF " failed\n");
	if (mkdir(top, 0755))
		ksft_exit_fail_msg("mkdir %s: %s\n", top, strerror(errno));
	snprintf(p, sizeof(p), "%s/notify_on_release", top);
	if (!put(p, "0\n"))
		ksft_exit_fail_msg("cannot clear notify_on_release of %s\n", top);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
