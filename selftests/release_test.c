// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: notify_on_release and the release agent.
 *
 * The agent is a shell script in /tmp that appends one record per
 * invocation (its argument count, its argument and its sorted
 * environment) to a log. The kernel runs it asynchronously, so every
 * check polls the log, bounded. Covered: the agent runs exactly once with
 * the container's path and HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin
 * after the last task exits, after the last task moves away, after the
 * last child container is removed, for nested containers; never with
 * notify_on_release 0; and the release_agent write rules (CAP_SYS_ADMIN
 * in the initial user namespace, PATH_MAX - 1, empty disables).
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "../kselftest.h"

#define MAX_CTS 32
#define MAX_KIDS 16

#include "containers_util.h"

#define AGENT "/tmp/release_test_agent.sh"
#define AGENT_LOG "/tmp/release_test_agent.log"
#define AGENT_PATH_ENV "PATH=/sbin:/bin:/usr/sbin:/usr/bin"
/* Poll at most this long for the agent's record. */
#define AGENT_WAIT_MS 10000
/* After the first record, wait this long for an unexpected second one. */
#define AGENT_QUIET_MS 1000
/* How long to wait for a record that must not come. */
#define AGENT_NONE_MS 2500

static char saved_agent[PATH_MAX + 2];
static bool agent_saved;

/* ---------- helpers ---------- */

static void cleanup_all(void)
{
	if (getpid() != main_pid)
		return;
	kids_kill_all();
	ct_destroy_all();
	if (agent_saved) {
		/* An empty value is written as "\n". */
		char w[PATH_MAX + 2];
		int l = snprintf(w, sizeof(w), "%s\n", saved_agent);

		if (write_path(CROOT "/release_agent", w, l) != l)
			ksft_print_msg("cleanup: cannot restore release_agent '%s'\n",
				       saved_agent);
		agent_saved = false;
	}
	unlink(AGENT);
	unlink(AGENT_LOG);
}

static int set_notify(const char *name, int val)
{
	char p[PATH_MAX], w[8];
	int l = snprintf(w, sizeof(w), "%d\n", val);
	ssize_t r;

	ct_path(p, sizeof(p), name, "notify_on_release");
	r = write_path(p, w, l);
	if (r != l) {
		ksft_print_msg("write %d to %s: %s\n", val, p,
			       r < 0 ? strerror(-r) : "short write");
		return -1;
	}
	return 0;
}

/* ---------- the agent and its log ---------- */

static const char agent_script[] =
	"#!/bin/sh\n"
	"# release_test agent: one record per invocation, one write.\n"
	"rec=\"ARGC=$#\n"
	"ARG=$1\n"
	"$(env | sort)\n"
	"END\"\n"
	"printf '%s\\n' \"$rec\" >>" AGENT_LOG "\n";

static int install_agent(void)
{
	int fd = open(AGENT, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	size_t l = strlen(agent_script);

	if (fd < 0 || write(fd, agent_script, l) != (ssize_t)l) {
		ksft_perror("writing the agent script");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (chmod(AGENT, 0755)) {
		ksft_perror("chmod agent");
		return -1;
	}
	return 0;
}

static void clear_log(void)
{
	unlink(AGENT_LOG);
}

struct record {
	int argc;
	char arg[PATH_MAX];
	char env[2048];		/* the env lines, '\n' separated */
};

#define MAX_RECORDS 8

/* Parse complete records of the log. Returns how many (may exceed max). */
static int read_records(struct record *rec, int max)
{
	static char buf[1 << 16];
	char *s, *end;
	int n = 0;

	if (read_path(AGENT_LOG, buf, sizeof(buf)) < 0)
		return 0;
	s = buf;
	while ((end = strstr(s, "\nEND\n")) != NULL) {
		*end = '\0';
		if (n < max) {
			struct record *r = &rec[n];
			char *line, *save = NULL;

			memset(r, 0, sizeof(*r));
			r->argc = -1;
			for (line = strtok_r(s, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save)) {
				if (!strncmp(line, "ARGC=", 5)) {
					r->argc = atoi(line + 5);
				} else if (!strncmp(line, "ARG=", 4)) {
					snprintf(r->arg, sizeof(r->arg), "%s", line + 4);
				} else if (strlen(r->env) + strlen(line) + 2 < sizeof(r->env)) {
					strcat(r->env, line);
					strcat(r->env, "\n");
				}
			}
		}
		n++;
		s = end + 5;
	}
	return n;
}

/* Environment: HOME=/ and PATH exactly; only shell-made variables else. */
static bool env_ok(const char *env)
{
	static const char *const shell_vars[] = { "PWD=", "SHLVL=", "OLDPWD=",
						  "_=" };
	char copy[2048], *line, *save = NULL;
	bool home = false, path = false, ok = true;
	size_t i;

	snprintf(copy, sizeof(copy), "%s", env);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "HOME=", 5)) {
			if (home || strcmp(line, "HOME=/")) {
				ksft_print_msg("agent environment: '%s', expected one HOME=/\n",
					       line);
				ok = false;
			}
			home = true;
			continue;
		}
		if (!strncmp(line, "PATH=", 5)) {
			if (path || strcmp(line, AGENT_PATH_ENV)) {
				ksft_print_msg("agent environment: '%s', expected one %s\n",
					       line, AGENT_PATH_ENV);
				ok = false;
			}
			path = true;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(shell_vars); i++)
			if (!strncmp(line, shell_vars[i], strlen(shell_vars[i])))
				break;
		if (i == ARRAY_SIZE(shell_vars)) {
			ksft_print_msg("agent environment has an unexpected entry '%s'\n",
				       line);
			ok = false;
		}
	}
	if (!home || !path) {
		ksft_print_msg("agent environment lacks %s%s\n",
			       home ? "" : "HOME ", path ? "" : "PATH");
		ok = false;
	}
	return ok;
}

/*
 * Wait for the agent's record for container NAME: exactly one, then
 * nothing more for AGENT_QUIET_MS.
 */
static bool expect_one_release(const char *name)
{
	struct record rec[MAX_RECORDS];
	char exp[PATH_MAX];
	long start = now_ms(), first = -1;
	bool ok = true;
	int n = 0, i;

	snprintf(exp, sizeof(exp), "/%s", name);
	while (now_ms() - start < AGENT_WAIT_MS) {
		n = read_records(rec, MAX_RECORDS);
		if (n > 0)
			break;
		usleep(50000);
	}
	if (n == 0) {
		ksft_print_msg("no agent run for %s within %d ms\n", exp,
			       AGENT_WAIT_MS);
		return false;
	}
	first = now_ms();
	while (now_ms() - first < AGENT_QUIET_MS)
		usleep(50000);
	n = read_records(rec, MAX_RECORDS);
	if (n != 1) {
		ksft_print_msg("the agent ran %d times for %s, expected once\n", n,
			       exp);
		ok = false;
	}
	for (i = 0; i < n && i < MAX_RECORDS; i++) {
		if (rec[i].argc != 1 || strcmp(rec[i].arg, exp)) {
			ksft_print_msg("agent run %d: %d argument(s), '%s'; expected 1, '%s'\n",
				       i + 1, rec[i].argc, rec[i].arg, exp);
			ok = false;
		}
		if (!env_ok(rec[i].env))
			ok = false;
	}
	return ok;
}

/* No agent run within AGENT_NONE_MS. */
static bool expect_no_release(const char *what)
{
	struct record rec[MAX_RECORDS];
	long start = now_ms();
	int n = 0;

	while (now_ms() - start < AGENT_NONE_MS) {
		n = read_records(rec, MAX_RECORDS);
		if (n)
			break;
		usleep(50000);
	}
	if (n) {
		ksft_print_msg("%s: the agent ran (%d record(s), first for '%s')\n",
			       what, n, rec[0].arg);
		return false;
	}
	/* A run that did not finish its record yet still leaves a trace. */
	if (access(AGENT_LOG, F_OK) == 0) {
		ksft_print_msg("%s: the agent started writing its log\n", what);
		return false;
	}
	return true;
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

static bool agent_is(const char *path)
{
	static char got[PATH_MAX + 16], exp[PATH_MAX + 16];
	ssize_t n = read_path(CROOT "/release_agent", got, sizeof(got));

	snprintf(exp, sizeof(exp), "%s\n", path);
	if (n < 0) {
		ksft_print_msg("read release_agent: %s\n", strerror(-n));
		return false;
	}
	if (strcmp(got, exp)) {
		ct_info("release_agent reads '%.60s%s' (%zd bytes), expected '%.60s%s' (%zu bytes)\n",
			got, n > 60 ? "..." : "", n, exp,
			strlen(exp) > 60 ? "..." : "", strlen(exp));
		return false;
	}
	return true;
}

/* ================= tests ================= */

static bool agent_ready;

static void test_agent_set_and_read(void)
{
	bool ok = false;

	if (install_agent() == 0 && set_agent(AGENT) == 0)
		ok = agent_is(AGENT);
	agent_ready = ok;
	ksft_test_result(ok, "release_agent: set to the test agent, reads back path + \"\\n\"\n");
}

/* A kid in container NAME. */
static int kid_in(struct kid *k, const char *name)
{
	int err;

	if (kid_start(k, -1))
		return -1;
	err = ct_attach(name, k->pid);
	if (err) {
		ksft_print_msg("attach %d to %s: %s\n", k->pid, name, strerror(-err));
		return -1;
	}
	return 0;
}

static void rmdir_checked(const char *name, bool *ok)
{
	char p[PATH_MAX];

	ct_path(p, sizeof(p), name, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		*ok = false;
	}
	ct_destroy(name);
}

static void test_release_last_exit(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64];
	bool ok = false;

	name_of(name, sizeof(name), "exit");
	clear_log();
	if (!agent_ready || ct_create(name) || set_notify(name, 1) ||
	    kid_in(&k, name))
		goto out;
	/* Nothing may run while the task is still there. */
	if (!expect_no_release("task still in the container"))
		goto out;
	kid_stop(&k);
	ok = expect_one_release(name);
out:
	if (k.pid > 0)
		kid_stop(&k);
	rmdir_checked(name, &ok);
	ksft_test_result(ok,
			 "release: the last task exits -> the agent runs once with the path and HOME/PATH\n");
}

static void test_release_last_moves(void)
{
	struct kid k = { .pid = -1, .ctl = -1 }, k2 = { .pid = -1, .ctl = -1 };
	char name[64];
	bool ok = false;
	int err;

	name_of(name, sizeof(name), "move");
	clear_log();
	if (!agent_ready || ct_create(name) || set_notify(name, 1) ||
	    kid_in(&k, name) || kid_in(&k2, name))
		goto out;
	/* The first of two tasks moves away: not yet releasable. */
	err = ct_attach("", k2.pid);
	if (err) {
		ksft_print_msg("moving %d to the root: %s\n", k2.pid, strerror(-err));
		goto out;
	}
	if (!expect_no_release("one of two tasks moved away"))
		goto out;
	err = ct_attach("", k.pid);
	if (err) {
		ksft_print_msg("moving %d to the root: %s\n", k.pid, strerror(-err));
		goto out;
	}
	ok = expect_one_release(name);
out:
	if (k.pid > 0)
		kid_stop(&k);
	if (k2.pid > 0)
		kid_stop(&k2);
	rmdir_checked(name, &ok);
	ksft_test_result(ok, "release: the last task moves away -> the agent runs once\n");
}

static void test_release_last_child(void)
{
	char name[64], child[128], p[PATH_MAX];
	bool ok = false;

	name_of(name, sizeof(name), "parent");
	snprintf(child, sizeof(child), "%s/child", name);
	clear_log();
	/* The child is made first, so it copies notify_on_release 0. */
	if (!agent_ready || ct_create(name) || ct_create(child) ||
	    set_notify(name, 1))
		goto out;
	ct_path(p, sizeof(p), child, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		goto out;
	}
	ct_forget(child);
	ok = expect_one_release(name);
out:
	ct_destroy(child);
	rmdir_checked(name, &ok);
	ksft_test_result(ok,
			 "release: the last child container is removed -> the agent runs once for the parent\n");
}

static void test_release_nested(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	char name[64], child[128];
	bool ok = false;

	name_of(name, sizeof(name), "a");
	snprintf(child, sizeof(child), "%s/b", name);
	clear_log();
	if (!agent_ready || ct_create(name) || ct_create(child) ||
	    set_notify(child, 1) || kid_in(&k, child))
		goto out;
	kid_stop(&k);
	ok = expect_one_release(child);
	/* Removing b must not release a (notify_on_release 0). */
	clear_log();
	rmdir_checked(child, &ok);
	if (!expect_no_release("removing the child of a notify 0 container"))
		ok = false;
out:
	if (k.pid > 0)
		kid_stop(&k);
	ct_destroy(child);
	rmdir_checked(name, &ok);
	ksft_test_result(ok,
			 "release: nested container -> the agent gets /a/b; notify 0 parent is not released\n");
}

static void test_no_release_notify0(void)
{
	struct kid k = { .pid = -1, .ctl = -1 }, k2 = { .pid = -1, .ctl = -1 };
	char name[64], child[128], p[PATH_MAX];
	bool ok = false;

	name_of(name, sizeof(name), "quiet");
	snprintf(child, sizeof(child), "%s/sub", name);
	clear_log();
	if (!agent_ready || ct_create(name) || ct_create(child) ||
	    set_notify(name, 0) || kid_in(&k, name) || kid_in(&k2, name))
		goto out;
	/* Last task moves away, last task exits, last child removed. */
	if (ct_attach("", k2.pid))
		goto out;
	kid_stop(&k);
	ct_path(p, sizeof(p), child, NULL);
	if (rmdir(p)) {
		ksft_print_msg("rmdir %s: %s\n", p, strerror(errno));
		goto out;
	}
	ct_forget(child);
	ok = expect_no_release("notify_on_release 0");
out:
	if (k.pid > 0)
		kid_stop(&k);
	if (k2.pid > 0)
		kid_stop(&k2);
	ct_destroy(child);
	rmdir_checked(name, &ok);
	ksft_test_result(ok,
			 "release: never with notify_on_release 0 (exit, move away, rmdir child)\n");
}

/* ---- release_agent write rules ---- */

struct agent_rep {
	int stage;	/* 0 done, 1 unshare, 2 capset, 3 open */
	int err;	/* errno of the failing stage, or of the write */
	ssize_t ret;
};

static const char evil_agent[] = "/tmp/release_test_must_not_be_set\n";

static int userns_child(void *arg, void *repv)
{
	struct agent_rep *rep = repv;
	int fd;

	memset(rep, 0, sizeof(*rep));
	if (unshare(CLONE_NEWUSER)) {
		rep->stage = 1;
		rep->err = errno;
		return 0;
	}
	fd = open(CROOT "/release_agent", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rep->stage = 3;
		rep->err = errno;
		return 0;
	}
	rep->ret = write(fd, evil_agent, sizeof(evil_agent) - 1);
	rep->err = rep->ret < 0 ? errno : 0;
	close(fd);
	return 0;
}

static int nocap_child(void *arg, void *repv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct agent_rep *rep = repv;
	int fd, i;

	memset(rep, 0, sizeof(*rep));
	if (syscall(SYS_capget, &hdr, data)) {
		rep->stage = 2;
		rep->err = errno;
		return 0;
	}
	i = CAP_TO_INDEX(CAP_SYS_ADMIN);
	data[i].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data)) {
		rep->stage = 2;
		rep->err = errno;
		return 0;
	}
	/* Make sure it is really gone. */
	if (syscall(SYS_capget, &hdr, data) ||
	    (data[i].effective & CAP_TO_MASK(CAP_SYS_ADMIN))) {
		rep->stage = 2;
		rep->err = EINVAL;
		return 0;
	}
	fd = open(CROOT "/release_agent", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rep->stage = 3;
		rep->err = errno;
		return 0;
	}
	rep->ret = write(fd, evil_agent, sizeof(evil_agent) - 1);
	rep->err = rep->ret < 0 ? errno : 0;
	close(fd);
	return 0;
}

static bool agent_denied(const char *what, int (*fn)(void *, void *),
			 bool *skip)
{
	struct agent_rep rep;
	bool ok;
	int rc;

	memset(&rep, 0, sizeof(rep));
	rc = run_child(fn, NULL, &rep, sizeof(rep));
	if (rc == 0 && rep.stage == 1 && rep.err == EINVAL) {
		ksft_print_msg("%s: unshare(CLONE_NEWUSER): %s\n", what,
			       strerror(rep.err));
		*skip = true;
		return false;
	}
	/* Refusal at open with EPERM is a refusal too; anything else is not. */
	ok = rc == 0 && ((rep.stage == 0 && rep.ret < 0 && rep.err == EPERM) ||
			 (rep.stage == 3 && rep.err == EPERM));
	if (!ok)
		ct_info("%s: child rc %d, stage %d, write returned %zd (%s); expected EPERM\n",
			what, rc, rep.stage, rep.ret,
			rep.err ? strerror(rep.err) : "success");
	if (rep.stage == 3 && rep.err == EPERM)
		ksft_print_msg("%s: refused at open(), not at write()\n", what);
	if (!agent_is(AGENT))
		ok = false;
	return ok;
}

static void test_agent_userns(void)
{
	bool skip = false, ok = false;

	if (agent_ready)
		ok = agent_denied("root in a new user namespace", userns_child,
				  &skip);
	if (skip)
		ksft_test_result_report(KSFT_SKIP,
					"release_agent: write from a new user namespace -> EPERM (no user namespaces)\n");
	else
		ksft_test_result(ok,
				 "release_agent: write from a new user namespace -> EPERM, value unchanged\n");
}

static void test_agent_nocap(void)
{
	bool skip = false, ok = false;

	if (agent_ready)
		ok = agent_denied("uid 0 without CAP_SYS_ADMIN", nocap_child, &skip);
	ksft_test_result(ok,
			 "release_agent: uid 0 without CAP_SYS_ADMIN -> EPERM, value unchanged\n");
}

static void test_agent_length(void)
{
	static char buf[PATH_MAX + 16];
	bool ok_big = false, ok_max = false;
	ssize_t r;

	if (!agent_ready)
		goto out;
	/* 4096 non-space bytes: E2BIG, nothing changes. */
	buf[0] = '/';
	memset(buf + 1, 'a', PATH_MAX - 1);
	buf[PATH_MAX] = '\0';
	r = write_path(CROOT "/release_agent", buf, PATH_MAX);
	ok_big = r == -E2BIG && agent_is(AGENT);
	if (r != -E2BIG)
		ksft_print_msg("4096-byte release_agent write: expected E2BIG, got %zd (%s)\n",
			       r, r < 0 ? strerror(-r) : "success");
	/* PATH_MAX - 1 = 4095 bytes: the longest accepted value. */
	buf[PATH_MAX - 1] = '\0';
	r = write_path(CROOT "/release_agent", buf, PATH_MAX - 1);
	ok_max = r == PATH_MAX - 1 && agent_is(buf);
	if (r != PATH_MAX - 1)
		ksft_print_msg("4095-byte release_agent write: expected 4095, got %zd (%s)\n",
			       r, r < 0 ? strerror(-r) : "success");
	if (set_agent(AGENT) || !agent_is(AGENT)) {
		ok_max = false;
		agent_ready = false;
	}
out:
	ksft_test_result(ok_big, "release_agent: 4096 bytes -> E2BIG, value unchanged\n");
	ksft_test_result(ok_max,
			 "release_agent: 4095 bytes (PATH_MAX - 1) accepted and read back\n");
}

static void test_agent_disable(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	bool ok = false;
	char name[64];
	ssize_t r;

	name_of(name, sizeof(name), "off");
	clear_log();
	if (!agent_ready)
		goto out;
	r = write_path(CROOT "/release_agent", "\n", 1);
	if (r != 1) {
		ksft_print_msg("write \"\\n\" to release_agent: %zd (%s)\n", r,
			       r < 0 ? strerror(-r) : "success");
		goto out;
	}
	if (!agent_is(""))
		goto out;
	if (ct_create(name) || set_notify(name, 1) || kid_in(&k, name))
		goto out;
	kid_stop(&k);
	ok = expect_no_release("empty release_agent");
out:
	if (k.pid > 0)
		kid_stop(&k);
	rmdir_checked(name, &ok);
	/* Back to the test agent. */
	if (agent_ready && set_agent(AGENT))
		ok = false;
	ksft_test_result(ok, "release_agent: an empty value (\"\\n\") disables the agent\n");
}

/* After re-enabling, the agent runs again (the disable was not sticky). */
static void test_agent_reenabled(void)
{
	struct kid k = { .pid = -1, .ctl = -1 };
	bool ok = false;
	char name[64];

	name_of(name, sizeof(name), "again");
	clear_log();
	if (!agent_ready || !agent_is(AGENT) || ct_create(name) ||
	    set_notify(name, 1) || kid_in(&k, name))
		goto out;
	kid_stop(&k);
	ok = expect_one_release(name);
out:
	if (k.pid > 0)
		kid_stop(&k);
	rmdir_checked(name, &ok);
	ksft_test_result(ok, "release_agent: set again after being empty, the agent runs again\n");
}

static const struct test tests[] = {
	{ test_agent_set_and_read, 1 },
	{ test_release_last_exit, 1 },
	{ test_release_last_moves, 1 },
	{ test_release_last_child, 1 },
	{ test_release_nested, 1 },
	{ test_no_release_notify0, 1 },
	{ test_agent_userns, 1 },
	{ test_agent_nocap, 1 },
	{ test_agent_length, 2 },
	{ test_agent_disable, 1 },
	{ test_agent_reenabled, 1 },
};

int main(void)
{
	unsigned int plan;
	ssize_t n;

	main_pid = getpid();
	snprintf(prefix, sizeof(prefix), "release_test.%d", main_pid);
	plan = tests_plan(tests, ARRAY_SIZE(tests));

	ksft_print_header();
	require_containers(CROOT "/release_agent");
	n = read_path(CROOT "/release_agent", saved_agent, sizeof(saved_agent));
	if (n < 0)
		ksft_exit_fail_msg("cannot read " CROOT "/release_agent: %s\n",
				   strerror(-n));
	if (n > 0 && saved_agent[n - 1] == '\n')
		saved_agent[n - 1] = '\0';
	agent_saved = true;
	ksft_print_msg("release_agent was '%s'\n", saved_agent);
	ksft_set_plan(plan);
	atexit(cleanup_all);
	signal(SIGPIPE, SIG_IGN);

	run_tests(tests, ARRAY_SIZE(tests));
	cleanup_all();
	ksft_finished();
}
