// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: a hostile-input sweep of the container filesystem.
 *
 * One table drives every case: malformed writes to tasks,
 * notify_on_release and release_agent (empty, huge, binary, NUL bytes,
 * integer limits, odd signs and bases, non-ASCII digits, white space,
 * the 64-byte and PATH_MAX limits), write modes (pwrite, O_APPEND, one
 * byte at a time, writev), odd calls (empty and 1-byte reads, bad
 * buffers, mmap, truncate, chmod/chown, link/symlink/mknod), names and
 * path lengths, rename and rmdir corner cases, mount options and a
 * mount/umount race. Each case asserts the exact result (success or one
 * errno) and that nothing changed when nothing should have.
 *
 * Runs as root with the container filesystem mounted at /dev/container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "containers_util.h"

#define H	CROOT "/hostile"
#define HT	H "/t"		/* target of tasks writes */
#define HN	H "/n"		/* target of notify_on_release writes */
#define HD	H "/d"		/* directory games */
#define HR	H "/race"	/* mount/umount race */
#define AGENT	CROOT "/release_agent"
#define M2	"/tmp/hostile_m2"
#define OLD_AGENT "/hostile/old"

static pid_t kid = -1;
static int pid_max;
static char orig_agent[PATH_MAX + 2];
static bool have_orig_agent;
static char state_msg[512];	/* set by a check that found wrong state */
static char rbuf[1 << 17];
static void *null_ptr;	/* NULL, hidden from the compiler by READ_ONCE() */

/* ---------- helpers ---------- */

static void bad_state(const char *fmt, ...)
{
	va_list ap;

	if (state_msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(state_msg, sizeof(state_msg), fmt, ap);
	va_end(ap);
}

static int write_str(const char *path, const char *s)
{
	ssize_t r = write_path(path, s, strlen(s));

	return r == (ssize_t)strlen(s) ? 0 : (r < 0 ? (int)-r : EIO);
}

static const char *read_s(const char *path)
{
	if (read_path(path, rbuf, sizeof(rbuf)) < 0)
		return "<unreadable>";
	return rbuf;
}

static bool file_is(const char *path, const char *want)
{
	const char *got = read_s(path);

	if (strcmp(got, want)) {
		bad_state("%s reads '%.60s', want '%.60s'", path, got, want);
		return false;
	}
	return true;
}

static const char *proc_container(pid_t pid)
{
	static char p[64], out[PATH_MAX + 8];

	snprintf(p, sizeof(p), "/proc/%d/container", pid);
	if (read_path(p, out, sizeof(out)) < 0)
		return "<unreadable>";
	return out;
}

static bool in_container(pid_t pid, const char *want)
{
	const char *got = proc_container(pid);

	if (strcmp(got, want)) {
		bad_state("pid %d is in '%.60s', want '%.60s'", pid, got, want);
		return false;
	}
	return true;
}

static void to_root(pid_t pid)
{
	char w[32];

	snprintf(w, sizeof(w), "%d\n", pid);
	write_path(CROOT "/tasks", w, strlen(w));
}

static void set_nor(int v)
{
	write_str(HN "/notify_on_release", v ? "1" : "0");
}

static void set_agent(const char *s)
{
	write_str(AGENT, s);
}

/*
 * The functions of the table return 0 or a positive errno, which the case
 * expects; fail_with() names the errno they give when their own setup
 * fails.
 */
static int fail_with(int err)
{
	return err;
}

/* Run FN in a child with uid/gid UID; returns its result (0 or errno). */
static int as_user(int uid, int (*fn)(void))
{
	pid_t p;
	int st;

	fflush(stdout);
	p = fork();
	if (p < 0)
		return fail_with(EAGAIN);
	if (p == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(250);
		_exit(fn());
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
		return 251;
	return WEXITSTATUS(st);
}

static int err0(int r)
{
	return r < 0 ? errno : 0;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/* ---------- the table ---------- */

enum op { OP_TASKS, OP_NOR, OP_AGENT, OP_FN };
enum who { W_NONE, W_SELF, W_KID };

struct hcase {
	const char *desc;
	enum op op;
	const char *data;	/* literal bytes; "$C" etc. substituted */
	size_t len;
	size_t fill;		/* FILL bytes of FILLCH before DATA ... */
	char fillch;
	bool fill_after;	/* ... or after it */
	int expect;		/* 0: success (full count), else the errno */
	int after;		/* tasks: enum who; notify_on_release: 0/1 */
	int (*fn)(void);	/* OP_FN: returns 0 or errno */
};

/* S is a string literal: its bytes but the final NUL are the data. */
#define TASKS(desc, s, e, w) \
	{ desc, OP_TASKS, s, sizeof(s) - 1, 0, 0, false, e, w, NULL }
#define TASKSF(desc, s, n, c, aft, e, w) \
	{ desc, OP_TASKS, s, sizeof(s) - 1, n, c, aft, e, w, NULL }
#define NOR(desc, s, e, v) \
	{ desc, OP_NOR, s, sizeof(s) - 1, 0, 0, false, e, v, NULL }
#define NORF(desc, s, n, c, aft, e, v) \
	{ desc, OP_NOR, s, sizeof(s) - 1, n, c, aft, e, v, NULL }
#define AG(desc, s, e) \
	{ desc, OP_AGENT, s, sizeof(s) - 1, 0, 0, false, e, 0, NULL }
#define AGF(desc, s, n, c, e) \
	{ desc, OP_AGENT, s, sizeof(s) - 1, n, c, false, e, 0, NULL }
#define FN(desc, f, e)		{ desc, OP_FN, NULL, 0, 0, 0, false, e, 0, f }

/* Build the input of C into a malloc'ed buffer; *lenp gets its length. */
static char *build_input(const struct hcase *c, size_t *lenp)
{
	char *buf = malloc(c->fill + c->len * 8 + 64), *p;
	size_t i;

	if (!buf)
		return NULL;
	p = buf;
	if (!c->fill_after) {
		memset(p, c->fillch, c->fill);
		p += c->fill;
	}
	for (i = 0; i < c->len; i++) {
		if (c->data[i] == '$' && i + 1 < c->len &&
		    strchr("CXOMN", c->data[i + 1])) {
			switch (c->data[++i]) {
			case 'C':
				p += sprintf(p, "%d", kid);
				break;
			case 'X':
				p += sprintf(p, "%x", kid);
				break;
			case 'O':
				p += sprintf(p, "%o", kid);
				break;
			case 'M':
				p += sprintf(p, "%d", pid_max);
				break;
			case 'N':
				p += sprintf(p, "%d", pid_max + 1);
				break;
			}
			continue;
		}
		*p++ = c->data[i];
	}
	if (c->fill_after) {
		memset(p, c->fillch, c->fill);
		p += c->fill;
	}
	*lenp = p - buf;
	return buf;
}

/* One write of BUF to PATH; 0 if it returned LEN, else the errno. */
static int one_write(const char *path, const char *buf, size_t len)
{
	ssize_t r = write_path(path, buf, len);

	if (r < 0)
		return (int)-r;
	if ((size_t)r != len) {
		bad_state("write returned %zd of %zu", r, len);
		return 0;
	}
	return 0;
}

static int run_tasks(const struct hcase *c, const char *buf, size_t len)
{
	char want[32] = "";
	int r;

	r = one_write(HT "/tasks", buf, len);
	if (c->expect == 0 && c->after == W_SELF)
		snprintf(want, sizeof(want), "%d\n", main_pid);
	else if (c->expect == 0 && c->after == W_KID)
		snprintf(want, sizeof(want), "%d\n", kid);
	file_is(HT "/tasks", want);
	in_container(main_pid, c->expect == 0 && c->after == W_SELF ?
		     "/hostile/t\n" : "/\n");
	in_container(kid, c->expect == 0 && c->after == W_KID ?
		     "/hostile/t\n" : "/\n");
	to_root(main_pid);
	to_root(kid);
	return r;
}

static int run_nor(const struct hcase *c, const char *buf, size_t len)
{
	int r, r2, pre;

	if (c->expect == 0) {
		set_nor(!c->after);
		r = one_write(HN "/notify_on_release", buf, len);
		file_is(HN "/notify_on_release", c->after ? "1\n" : "0\n");
		return r;
	}
	/* A refused write must leave either value alone. */
	r = 0;
	for (pre = 0; pre <= 1; pre++) {
		set_nor(pre);
		r2 = one_write(HN "/notify_on_release", buf, len);
		if (pre == 0)
			r = r2;
		else if (r2 != r)
			bad_state("errno %d with old value 1, %d with 0", r2, r);
		file_is(HN "/notify_on_release", pre ? "1\n" : "0\n");
	}
	return r;
}

static int run_agent(const struct hcase *c, const char *buf, size_t len)
{
	static char want[PATH_MAX * 2];
	size_t s = 0, e = len;
	int r;

	set_agent(OLD_AGENT);
	r = one_write(AGENT, buf, len);
	if (c->expect == 0) {
		while (s < e && is_space(buf[s]))
			s++;
		while (e > s && is_space(buf[e - 1]))
			e--;
		if (e - s > sizeof(want) - 2)
			e = s;
		memcpy(want, buf + s, e - s);
		want[e - s] = '\n';
		want[e - s + 1] = '\0';
		file_is(AGENT, want);
	} else {
		file_is(AGENT, OLD_AGENT "\n");
	}
	return r;
}

/* ---------- OP_FN cases ---------- */

/* -- write modes -- */

static int fn_pwrite_nor(void)
{
	int fd, r;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = pwrite(fd, "1", 1, 100) == 1 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "1\n");
	return r;
}

static int fn_pwrite_tasks(void)
{
	int fd, r;

	fd = open(HT "/tasks", O_WRONLY);
	r = pwrite(fd, "0", 1, 4096) == 1 ? 0 : errno;
	close(fd);
	in_container(main_pid, "/hostile/t\n");
	to_root(main_pid);
	return r;
}

static int fn_pwrite_agent(void)
{
	int fd, r;

	set_agent(OLD_AGENT);
	fd = open(AGENT, O_WRONLY);
	r = pwrite(fd, "/x", 2, 7) == 2 ? 0 : errno;
	close(fd);
	file_is(AGENT, "/x\n");
	return r;
}

static int fn_append_nor(void)
{
	int fd, r;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY | O_APPEND);
	r = write(fd, "1", 1) == 1 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "1\n");
	return r;
}

static int fn_append_agent(void)
{
	int fd, r;

	set_agent(OLD_AGENT);
	fd = open(AGENT, O_WRONLY | O_APPEND);
	r = write(fd, "/new", 4) == 4 ? 0 : errno;
	close(fd);
	file_is(AGENT, "/new\n");
	return r;
}

static int fn_bytewise_nor(void)
{
	int fd, r = 0;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	if (write(fd, "1", 1) != 1)
		r = errno;
	file_is(HN "/notify_on_release", "1\n");
	if (!r && write(fd, "0", 1) != 1)
		r = errno;
	close(fd);
	file_is(HN "/notify_on_release", "0\n");
	return r;
}

static int fn_bytewise_tasks(void)
{
	int fd, r;

	fd = open(HT "/tasks", O_WRONLY);
	r = write(fd, "0", 1) == 1 ? 0 : errno;
	if (r)
		bad_state("first byte '0': errno %d", r);
	in_container(main_pid, "/hostile/t\n");
	to_root(main_pid);
	/* The second byte alone is no number. */
	r = write(fd, "\n", 1) == 1 ? 0 : errno;
	close(fd);
	in_container(main_pid, "/\n");
	file_is(HT "/tasks", "");
	return r;
}

static int fn_bytewise_agent(void)
{
	int fd, r = 0;
	const char *s = "/ab";

	set_agent(OLD_AGENT);
	fd = open(AGENT, O_WRONLY);
	for (; *s && !r; s++)
		r = write(fd, s, 1) == 1 ? 0 : errno;
	close(fd);
	file_is(AGENT, "b\n");
	return r;
}

static int fn_writev_nor(void)
{
	struct iovec iov[2] = { { " 0x", 3 }, { "1\n", 2 } };
	int fd, r;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = writev(fd, iov, 2) == 5 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "1\n");
	return r;
}

static int fn_writev_tasks(void)
{
	struct iovec iov[3] = { { "+", 1 }, { "", 0 }, { "0", 1 } };
	int fd, r;

	fd = open(HT "/tasks", O_WRONLY);
	r = writev(fd, iov, 3) == 2 ? 0 : errno;
	close(fd);
	in_container(main_pid, "/hostile/t\n");
	to_root(main_pid);
	return r;
}

static int fn_writev_tasks_65(void)
{
	static char a[40], b[25];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd, r;

	memset(a, ' ', sizeof(a));
	memset(b, ' ', sizeof(b));
	b[24] = '0';
	fd = open(HT "/tasks", O_WRONLY);
	r = writev(fd, iov, 2) == 65 ? 0 : errno;
	close(fd);
	in_container(main_pid, "/\n");
	return r;
}

static int fn_writev_agent_big(void)
{
	static char a[2048];
	struct iovec iov[3] = { { a, 2048 }, { a, 2048 }, { a, 2048 } };
	int fd, r;

	memset(a, 'a', sizeof(a));
	set_agent(OLD_AGENT);
	fd = open(AGENT, O_WRONLY);
	r = writev(fd, iov, 3) >= 0 ? 0 : errno;
	close(fd);
	file_is(AGENT, OLD_AGENT "\n");
	return r;
}

static int fn_writev_efault(void)
{
	struct iovec iov[2] = { { "1", 1 }, { NULL, 1 } };
	int fd, r;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = writev(fd, iov, 2) >= 0 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "0\n");
	return r;
}

static int fn_write_null(void)
{
	int fd, r;

	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = write(fd, READ_ONCE(null_ptr), 1) >= 0 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "0\n");
	return r;
}

/* "1" on a mapped page, followed by a PROT_NONE page. */
static int fn_write_half_mapped(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd, r;

	if (m == MAP_FAILED)
		return fail_with(ENOMEM);
	m[pg - 1] = '1';
	mprotect(m + pg, pg, PROT_NONE);
	set_nor(0);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = write(fd, m + pg - 1, 2) >= 0 ? 0 : errno;
	close(fd);
	munmap(m, 2 * pg);
	file_is(HN "/notify_on_release", "0\n");
	return r;
}

static int fn_write_rdonly(void)
{
	int fd = open(HN "/notify_on_release", O_RDONLY), r;

	set_nor(0);
	r = write(fd, "1", 1) >= 0 ? 0 : errno;
	close(fd);
	file_is(HN "/notify_on_release", "0\n");
	return r;
}

static int fn_write_dir(void)
{
	int fd = open(HT, O_WRONLY);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* -- reads -- */

static int zero_read(const char *path)
{
	char b[4];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = read(fd, b, 0);
	close(fd);
	if (n > 0)
		bad_state("read(0) returned %zd", n);
	return n < 0 ? errno : 0;
}

static int fn_zero_read_tasks(void) { return zero_read(CROOT "/tasks"); }
static int fn_zero_read_nor(void) { return zero_read(HN "/notify_on_release"); }
static int fn_zero_read_agent(void) { return zero_read(AGENT); }

/* Read PATH one byte per read(); compare with WANT (NULL: a full read). */
static int bytewise_read(const char *path, const char *want)
{
	static char got[PATH_MAX * 2], full[PATH_MAX * 2];
	int fd = open(path, O_RDONLY);
	size_t off = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	while (off < sizeof(got) - 1 && (n = read(fd, got + off, 1)) == 1)
		off++;
	if (n < 0) {
		close(fd);
		return errno;
	}
	got[off] = '\0';
	close(fd);
	if (!want) {
		read_path(path, full, sizeof(full));
		want = full;
	}
	if (strcmp(got, want))
		bad_state("1-byte reads gave '%.40s', want '%.40s'", got, want);
	return 0;
}

static int fn_bytewise_read_tasks(void)
{
	char want[32];
	int r;

	snprintf(want, sizeof(want), "%d\n", kid);
	write_str(HT "/tasks", want);
	r = bytewise_read(HT "/tasks", want);
	to_root(kid);
	return r;
}

static int fn_bytewise_read_root_tasks(void)
{
	static char got[1 << 16];
	int fd = open(CROOT "/tasks", O_RDONLY);
	size_t off = 0;
	long prev = 0, v;
	bool self = false;
	char *s, *e;

	if (fd < 0)
		return errno;
	while (off < sizeof(got) - 1 && read(fd, got + off, 1) == 1)
		off++;
	got[off] = '\0';
	close(fd);
	for (s = got; *s; s = e + 1) {
		v = strtol(s, &e, 10);
		if (e == s || *e != '\n' || v <= prev) {
			bad_state("root tasks not ascending ids near '%.20s'", s);
			break;
		}
		self |= v == main_pid;
		prev = v;
	}
	if (!self)
		bad_state("root tasks read bytewise lacks %d", main_pid);
	return 0;
}

static int fn_bytewise_read_nor(void)
{
	set_nor(1);
	return bytewise_read(HN "/notify_on_release", "1\n");
}

static int fn_bytewise_read_agent(void)
{
	set_agent(OLD_AGENT);
	return bytewise_read(AGENT, OLD_AGENT "\n");
}

static int read_bad(const char *path, void *buf)
{
	int fd = open(path, O_RDONLY), r;

	if (fd < 0)
		return errno;
	r = read(fd, buf, 16) >= 0 ? 0 : errno;
	close(fd);
	return r;
}

static int fn_read_null_tasks(void) { return read_bad(CROOT "/tasks", READ_ONCE(null_ptr)); }
static int fn_read_null_nor(void) { return read_bad(HN "/notify_on_release", READ_ONCE(null_ptr)); }
static int fn_read_null_agent(void) { return read_bad(AGENT, READ_ONCE(null_ptr)); }
static int fn_read_bad_ptr(void) { return read_bad(CROOT "/tasks", (void *)16); }

static int fn_pread_nor(void)
{
	char b[8] = "";
	int fd = open(HN "/notify_on_release", O_RDONLY), r;

	set_nor(1);
	r = pread(fd, b, sizeof(b), 1);
	close(fd);
	if (r < 0)
		return errno;
	if (r != 1 || b[0] != '\n')
		bad_state("pread at 1 gave %d bytes '%.8s'", r, b);
	return 0;
}

static int fn_read_wronly(void)
{
	char b[8];
	int fd = open(HN "/notify_on_release", O_WRONLY), r;

	r = read(fd, b, sizeof(b)) >= 0 ? 0 : errno;
	close(fd);
	return r;
}

static int do_mmap(const char *path, int flags)
{
	int fd = open(path, O_RDONLY), r = 0;
	void *m;

	if (fd < 0)
		return errno;
	m = mmap(NULL, 4096, PROT_READ, flags, fd, 0);
	if (m == MAP_FAILED)
		r = errno;
	else
		munmap(m, 4096);
	close(fd);
	return r;
}

static int fn_mmap_tasks(void) { return do_mmap(CROOT "/tasks", MAP_SHARED); }
static int fn_mmap_nor(void) { return do_mmap(HN "/notify_on_release", MAP_PRIVATE); }
static int fn_mmap_agent(void) { return do_mmap(AGENT, MAP_SHARED); }

/* -- truncate -- */

static int fn_otrunc_tasks(void)
{
	char want[32];
	int fd, r;

	snprintf(want, sizeof(want), "%d\n", kid);
	write_str(HT "/tasks", want);
	fd = open(HT "/tasks", O_WRONLY | O_TRUNC);
	r = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	file_is(HT "/tasks", want);
	to_root(kid);
	return r;
}

static int fn_otrunc_nor(void)
{
	int fd, r;

	set_nor(1);
	fd = open(HN "/notify_on_release", O_RDWR | O_TRUNC);
	r = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	file_is(HN "/notify_on_release", "1\n");
	return r;
}

static int fn_ftruncate_nor(void)
{
	struct stat a, b;
	int fd, r;

	set_nor(1);
	stat(HN "/notify_on_release", &a);
	fd = open(HN "/notify_on_release", O_WRONLY);
	r = err0(ftruncate(fd, 100));
	close(fd);
	stat(HN "/notify_on_release", &b);
	if (a.st_size != b.st_size)
		bad_state("size changed %lld -> %lld", (long long)a.st_size,
			  (long long)b.st_size);
	file_is(HN "/notify_on_release", "1\n");
	return r;
}

static int fn_ftruncate_rdonly(void)
{
	int fd = open(HN "/notify_on_release", O_RDONLY), r;

	r = err0(ftruncate(fd, 0));
	close(fd);
	return r;
}

static int fn_truncate_agent(void)
{
	int r;

	set_agent(OLD_AGENT);
	r = err0(truncate(AGENT, 0));
	file_is(AGENT, OLD_AGENT "\n");
	return r;
}

/* -- chmod / chown -- */

static bool mode_is(const char *path, mode_t mode, uid_t uid)
{
	struct stat st;

	if (stat(path, &st) || (st.st_mode & 07777) != mode || st.st_uid != uid) {
		bad_state("%s: mode %o uid %d, want %o uid %d", path,
			  st.st_mode & 07777, st.st_uid, mode, uid);
		return false;
	}
	return true;
}

static int fn_chmod_file(void)
{
	int r = err0(chmod(HT "/tasks", 0600));

	mode_is(HT "/tasks", 0600, 0);
	chmod(HT "/tasks", 0644);
	mode_is(HT "/tasks", 0644, 0);
	return r;
}

static int fn_chown_file(void)
{
	int r = err0(chown(HT "/notify_on_release", 1001, 1001));

	mode_is(HT "/notify_on_release", 0644, 1001);
	chown(HT "/notify_on_release", 0, 0);
	return r;
}

static int fn_chmod_dir(void)
{
	int r = err0(chmod(HD, 0700));

	mode_is(HD, 0700, 0);
	chmod(HD, 0755);
	return r;
}

static int fn_chown_dir(void)
{
	int r = err0(chown(HD, 1002, 1002));

	mode_is(HD, 0755, 1002);
	chown(HD, 0, 0);
	return r;
}

static int u_chown_file(void) { return err0(chown(HT "/tasks", 1001, 1001)); }
static int u_chmod_file(void) { return err0(chmod(HT "/notify_on_release", 0666)); }
static int u_chmod_dir(void) { return err0(chmod(HT, 0777)); }
static int u_open_tasks(void) { return err0(open(HT "/tasks", O_WRONLY)); }
static int u_mkdir(void) { return err0(mkdir(HT "/u", 0755)); }

static int u_write_agent(void)
{
	ssize_t r = write_path(AGENT, "/evil", 5);

	return r < 0 ? (int)-r : 0;
}

static int fn_user_chown(void)
{
	int r = as_user(1001, u_chown_file);

	mode_is(HT "/tasks", 0644, 0);
	return r;
}

static int fn_user_chmod(void)
{
	int r = as_user(1001, u_chmod_file);

	mode_is(HT "/notify_on_release", 0644, 0);
	return r;
}

static int fn_user_chmod_dir(void)
{
	struct stat st;
	int r;

	stat(HT, &st);
	r = as_user(1001, u_chmod_dir);
	mode_is(HT, st.st_mode & 07777, 0);
	return r;
}

static int fn_user_open_tasks(void) { return as_user(1001, u_open_tasks); }

static int fn_user_mkdir(void)
{
	int r = as_user(1001, u_mkdir);

	if (!access(HT "/u", F_OK)) {
		bad_state("%s/u exists", HT);
		rmdir(HT "/u");
	}
	return r;
}

/* A world-writable release_agent still needs CAP_SYS_ADMIN. */
static int fn_user_agent_0666(void)
{
	int r;

	set_agent(OLD_AGENT);
	chmod(AGENT, 0666);
	r = as_user(1001, u_write_agent);
	chmod(AGENT, 0644);
	file_is(AGENT, OLD_AGENT "\n");
	return r;
}

/* -- link, symlink, mknod, create -- */

static int fn_link(void) { return err0(link(HT "/tasks", HT "/tasks2")); }
static int fn_link_out(void) { return err0(link(HT "/tasks", "/tmp/hostile_link")); }
static int fn_link_dir(void) { return err0(link(HD, H "/d2")); }
static int fn_symlink(void) { return err0(symlink("tasks", HT "/sym")); }
static int fn_mknod_reg(void) { return err0(mknod(HT "/node", S_IFREG | 0644, 0)); }
static int fn_mknod_fifo(void) { return err0(mknod(HT "/node", S_IFIFO | 0644, 0)); }
static int fn_mknod_chr(void) { return err0(mknod(HT "/node", S_IFCHR | 0644, makedev(1, 3))); }
static int fn_mknod_sock(void) { return err0(mknod(HT "/node", S_IFSOCK | 0644, 0)); }
static int fn_creat(void) { return err0(open(HT "/newfile", O_WRONLY | O_CREAT, 0644)); }

static int fn_creat_excl(void)
{
	return err0(open(HT "/tasks", O_WRONLY | O_CREAT | O_EXCL, 0644));
}

static int fn_unlink_tasks(void) { return err0(unlink(HT "/tasks")); }
static int fn_unlink_agent(void) { return err0(unlink(AGENT)); }
static int fn_rmdir_file(void) { return err0(rmdir(HT "/tasks")); }
static int fn_mkdir_over_file(void) { return err0(mkdir(HT "/tasks", 0755)); }
static int fn_unlink_dir(void) { return err0(unlink(HD)); }

/* -- names and paths -- */

static char *name_of(size_t n, char c)
{
	static char b[NAME_MAX + 8];

	memset(b, c, n);
	b[n] = '\0';
	return b;
}

static int fn_mkdir_255(void)
{
	char p[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), HD "/%s", name_of(255, 'n'));
	r = err0(mkdir(p, 0755));
	snprintf(p, sizeof(p), HD "/%s/tasks", name_of(255, 'n'));
	if (!r && access(p, F_OK))
		bad_state("no tasks file in the 255-byte container");
	snprintf(p, sizeof(p), HD "/%s", name_of(255, 'n'));
	if (!r && rmdir(p))
		bad_state("rmdir 255-byte name: %s", strerror(errno));
	return r;
}

static int fn_mkdir_256(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), HD "/%s", name_of(256, 'n'));
	return err0(mkdir(p, 0755));
}

/* What the filesystem tells pathconf()/statfs() about names. */
static int fn_statfs(void)
{
	struct statfs sf;

	if (statfs(CROOT, &sf))
		return errno;
	if (sf.f_namelen != NAME_MAX)
		bad_state("f_namelen %ld, want %d", (long)sf.f_namelen, NAME_MAX);
	return 0;
}

static int fn_mkdir_dot(void) { return err0(mkdir(HD "/.", 0755)); }
static int fn_mkdir_dotdot(void) { return err0(mkdir(HD "/..", 0755)); }
static int fn_mkdir_nl(void) { return err0(mkdir(HD "/a\nb", 0755)); }
static int fn_mkdir_root(void) { return err0(mkdir(CROOT, 0755)); }

static int fn_mkdir_odd_names(void)
{
	static const char * const names[] = { " ", "\t", "-", "\xef\xbc\x91",
					      "\xff\xfe", "a b", "\\", "*", "1" };
	char p[PATH_MAX];
	size_t i;
	int r = 0;

	for (i = 0; i < ARRAY_SIZE(names) && !r; i++) {
		snprintf(p, sizeof(p), HD "/%s", names[i]);
		r = err0(mkdir(p, 0755));
		if (!r && rmdir(p))
			bad_state("rmdir '%s': %s", names[i], strerror(errno));
	}
	return r;
}

static int fn_rmdir_dot(void) { return err0(rmdir(HD "/.")); }
static int fn_rmdir_dotdot(void) { return err0(rmdir(HD "/..")); }
static int fn_rmdir_root(void) { return err0(rmdir(CROOT)); }
static int fn_rmdir_missing(void) { return err0(rmdir(HD "/missing")); }

static int fn_rename_self(void)
{
	int r = err0(rename(HD, HD));

	if (access(HD "/tasks", F_OK))
		bad_state("%s gone after rename onto itself", HD);
	return r;
}

static int fn_rename_root_dot(void)
{
	int fd = open(CROOT, O_RDONLY | O_DIRECTORY), r;

	r = err0(renameat(fd, ".", fd, "hostile_root"));
	close(fd);
	if (access(CROOT "/release_agent", F_OK))
		bad_state("root lost release_agent");
	return r;
}

static int fn_rename_root_mnt(void)
{
	int r = err0(rename(CROOT, "/dev/hostile_root"));

	if (!r)
		rename("/dev/hostile_root", CROOT);

	if (access(CROOT "/release_agent", F_OK))
		bad_state("root mount gone");
	return r;
}

static int fn_rename_to_dot(void) { return err0(rename(HD, H "/.")); }
static int fn_rename_to_dotdot(void) { return err0(rename(HD, H "/..")); }

static int fn_rename_256(void)
{
	char p[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), H "/%s", name_of(256, 'r'));
	r = err0(rename(HD, p));
	if (!r)
		rename(p, HD);
	if (access(HD "/tasks", F_OK))
		bad_state("%s gone", HD);
	return r;
}

static int fn_rename_into_self(void)
{
	int r = err0(rename(HD, HD "/sub"));

	if (access(HD "/tasks", F_OK))
		bad_state("%s gone", HD);
	return r;
}

/*
 * A chain of 200-byte names below /hostile/deep until mkdir fails; the
 * core refuses a path from the root longer than PATH_MAX - 2 (4094).
 */
#define DEEP_MAX 32
static int deep_fd[DEEP_MAX + 2];
static int deep_n;		/* levels created below /hostile */
static size_t deep_len;		/* path length of the deepest from the root */
static char deep_last[NAME_MAX + 1];	/* boundary container, if made */

static int fn_deep_chain(void)
{
	const char *n200 = name_of(200, 'p');
	char n[NAME_MAX + 1];
	int r = 0, fd;

	memcpy(n, n200, strlen(n200) + 1);
	deep_fd[0] = open(H, O_RDONLY | O_DIRECTORY);
	deep_len = strlen("/hostile");
	deep_n = 0;
	while (deep_n < DEEP_MAX) {
		if (mkdirat(deep_fd[deep_n], n, 0755)) {
			r = errno;
			break;
		}
		fd = openat(deep_fd[deep_n], n, O_RDONLY | O_DIRECTORY);
		if (fd < 0) {
			r = errno;
			bad_state("open level %d: %s", deep_n + 1, strerror(r));
			break;
		}
		deep_fd[++deep_n] = fd;
		deep_len += 201;
	}
	/* 8 + 201 * k <= 4094 holds up to k = 20. */
	if (deep_n != 20 || deep_len != 8 + 201 * 20)
		bad_state("chain stopped at depth %d (path %zu bytes)",
			  deep_n, deep_len);
	return r;
}

/* The last name that fits (path of exactly 4094 bytes) and one more. */
static int fn_deep_fits(void)
{
	size_t n;

	if (!deep_n || deep_len > 4093 - 1)
		return fail_with(ERANGE);	/* the chain itself went wrong */
	n = 4093 - deep_len;
	memcpy(deep_last, name_of(n, 'q'), n + 1);
	return err0(mkdirat(deep_fd[deep_n], deep_last, 0755));
}

static int fn_deep_too_long(void)
{
	size_t n = 4094 - deep_len;
	int r;

	if (!deep_n || deep_len > 4093 - 1)
		return fail_with(ERANGE);	/* the chain itself went wrong */
	r = err0(mkdirat(deep_fd[deep_n], name_of(n, 'q'), 0755));
	if (!r)
		unlinkat(deep_fd[deep_n], name_of(n, 'q'), AT_REMOVEDIR);
	return r;
}

/* A task in the 4094-byte container reads its whole path. */
static int fn_deep_proc(void)
{
	char tp[NAME_MAX + 16];
	const char *got;
	int dfd, fd, r;

	if (!deep_last[0])
		return fail_with(ENOENT);
	snprintf(tp, sizeof(tp), "%s/tasks", deep_last);
	dfd = deep_fd[deep_n];
	fd = openat(dfd, tp, O_WRONLY);
	if (fd < 0)
		return errno;
	r = write(fd, "0", 1) == 1 ? 0 : errno;
	close(fd);
	got = proc_container(main_pid);
	if (strlen(got) != 4095 || got[4094] != '\n' ||
	    strncmp(got, "/hostile/ppp", 12))
		bad_state("/proc/self/container: %zu bytes '%.30s'",
			  strlen(got), got);
	return r;
}

/*
 * Renaming an ancestor may not push the path of a descendant past the
 * limit: refused, nothing renamed.
 */
static int fn_deep_rename_ancestor(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	int r;

	if (!deep_n)
		return fail_with(ENOENT);
	snprintf(p, sizeof(p), H "/%s", name_of(200, 'p'));
	snprintf(q, sizeof(q), H "/%s", name_of(255, 'P'));
	r = err0(rename(p, q));
	if (!r) {
		rename(q, p);
		return r;
	}
	if (access(p, F_OK) || !access(q, F_OK))
		bad_state("the refused rename changed the names");
	return r;
}

/* After the refused rename the task still reads its whole path. */
static int fn_deep_proc_too_long(void)
{
	char p[64];
	char b[PATH_MAX + 8];
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%d/container", main_pid);
	n = read_path(p, b, sizeof(b));
	if (n >= 0 && (n != 4095 || strncmp(b, "/hostile/ppp", 12)))
		bad_state("/proc/self/container: %zd bytes '%.30s'", n, b);
	return n < 0 ? (int)-n : 0;
}

static int fn_deep_mkdir_after_rename(void)
{
	char p[NAME_MAX + 8];
	int r;

	if (!deep_n || !deep_last[0])
		return fail_with(ENOENT);
	snprintf(p, sizeof(p), "%s/x", deep_last);
	r = err0(mkdirat(deep_fd[deep_n], p, 0755));
	if (!r)
		unlinkat(deep_fd[deep_n], p, AT_REMOVEDIR);
	return r;
}

/* A rename of the ancestor that keeps every path within the limit. */
static int fn_deep_rename_back(void)
{
	char p[PATH_MAX], q[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), H "/%s", name_of(200, 'p'));
	snprintf(q, sizeof(q), H "/%s", name_of(200, 'o'));
	r = err0(rename(p, q));
	if (!r) {
		r = err0(rename(q, p));
		if (r)
			bad_state("rename back: %s", strerror(r));
	}
	to_root(main_pid);
	in_container(main_pid, "/\n");
	return r;
}

static void deep_cleanup(void)
{
	char p[PATH_MAX];
	int i;

	to_root(main_pid);
	if (deep_n && deep_last[0])
		unlinkat(deep_fd[deep_n], deep_last, AT_REMOVEDIR);
	deep_last[0] = '\0';
	for (i = deep_n; i >= 1; i--) {
		unlinkat(deep_fd[i - 1], name_of(200, 'p'), AT_REMOVEDIR);
		close(deep_fd[i]);
	}
	if (deep_fd[0] > 0)
		close(deep_fd[0]);
	deep_fd[0] = 0;
	deep_n = 0;
	snprintf(p, sizeof(p), H "/%s", name_of(255, 'P'));
	rmdir(p);
}

static int fn_deep_cleanup(void)
{
	char p[PATH_MAX];

	deep_cleanup();
	snprintf(p, sizeof(p), H "/%s", name_of(200, 'p'));
	return access(p, F_OK) ? 0 : EEXIST;
}

/* -- mounts -- */

static int fn_mount_foo(void)
{
	int r = err0(mount("none", M2, "container", 0, "foo"));

	if (!r)
		umount(M2);
	return r;
}

static int fn_mount_ro_foo(void)
{
	int r = err0(mount("none", M2, "container", 0, "ro,foo"));

	if (!r)
		umount(M2);
	return r;
}

/*
 * "ro" in the data is the generic superblock flag: every mount shares the
 * one superblock, so it is refused rather than ignored.
 */
static int fn_mount_data_ro(void)
{
	int r = err0(mount("none", M2, "container", 0, "ro"));

	if (!r) {
		mount(NULL, M2, NULL, MS_REMOUNT, NULL);
		if (umount(M2))
			bad_state("umount: %s", strerror(errno));
	}
	if (mkdir(H "/rw", 0755) || rmdir(H "/rw"))
		bad_state("main mount no longer writable: %s", strerror(errno));
	return r;
}

static int fn_mount_empty_key(void)
{
	int r = err0(mount("none", M2, "container", 0, ","));

	if (!r)
		umount(M2);
	return r;
}

static int fn_mount_any_source(void)
{
	int r = err0(mount("\xff anything at all", M2, "container", 0, NULL));

	if (!r && access(M2 "/hostile/t/tasks", F_OK))
		bad_state("second mount does not show the tree");
	if (!r && umount(M2))
		bad_state("umount: %s", strerror(errno));
	return r;
}

static int fn_mount_null_source(void)
{
	int r = err0(mount(NULL, M2, "container", 0, NULL));

	if (!r && umount(M2))
		bad_state("umount: %s", strerror(errno));
	return r;
}

/* MS_RDONLY would make the shared superblock read-only: refused. */
static int fn_mount_rdonly(void)
{
	int r = err0(mount("none", M2, "container", MS_RDONLY, NULL));

	if (!r) {
		mount(NULL, M2, NULL, MS_REMOUNT, NULL);
		if (umount(M2))
			bad_state("umount: %s", strerror(errno));
	}
	if (mkdir(H "/rw", 0755) || rmdir(H "/rw"))
		bad_state("main mount no longer writable: %s", strerror(errno));
	return r;
}

/*
 * The read-only view is a bind mount made read-only: writes through it
 * fail, the main mount is not affected.
 */
static int fn_bind_rdonly(void)
{
	int r = err0(mount(CROOT, M2, NULL, MS_BIND, NULL)), e;

	if (r)
		return r;
	r = err0(mount(NULL, M2, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	if (r) {
		umount(M2);
		return r;
	}
	e = err0(mkdir(M2 "/hostile/ro", 0755));
	if (e != EROFS)
		bad_state("mkdir through ro mount: %s", strerror(e));
	if (!e)
		rmdir(H "/ro");
	e = err0(open(M2 "/hostile/t/tasks", O_WRONLY));
	if (e != EROFS)
		bad_state("open tasks for writing through ro mount: %s",
			  strerror(e));
	if (mkdir(H "/rw", 0755) || rmdir(H "/rw"))
		bad_state("main mount no longer writable: %s", strerror(errno));
	if (umount(M2))
		bad_state("umount: %s", strerror(errno));
	return 0;
}

static int fn_remount_foo(void)
{
	int r;

	if (mount("none", M2, "container", 0, NULL))
		return errno;
	r = err0(mount(NULL, M2, NULL, MS_REMOUNT, "foo"));
	if (umount(M2))
		bad_state("umount: %s", strerror(errno));
	return r;
}

static int fn_remount_plain(void)
{
	int r;

	if (mount("none", M2, "container", 0, NULL))
		return errno;
	r = err0(mount(NULL, M2, NULL, MS_REMOUNT, NULL));
	if (mkdir(H "/rw", 0755) || rmdir(H "/rw"))
		bad_state("main mount no longer writable: %s", strerror(errno));
	if (umount(M2))
		bad_state("umount: %s", strerror(errno));
	return r;
}

static int fn_remount_bind_ro(void)
{
	int r, e;

	if (mount("none", M2, "container", 0, NULL))
		return errno;
	r = err0(mount(NULL, M2, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	e = err0(mkdir(M2 "/hostile/ro", 0755));
	if (!r && e != EROFS)
		bad_state("mkdir after ro bind remount: %s", strerror(e));
	if (!e)
		rmdir(H "/ro");
	if (mount(NULL, M2, NULL, MS_REMOUNT | MS_BIND, NULL))
		bad_state("rw bind remount: %s", strerror(errno));
	else if (mkdir(M2 "/hostile/ro", 0755) || rmdir(M2 "/hostile/ro"))
		bad_state("mkdir after rw remount: %s", strerror(errno));
	if (umount(M2))
		bad_state("umount: %s", strerror(errno));
	return r;
}

static int fn_umount_busy(void)
{
	int fd, r;

	if (mount("none", M2, "container", 0, NULL))
		return errno;
	fd = open(M2 "/tasks", O_RDONLY);
	r = err0(umount(M2));
	close(fd);
	if (r && umount(M2))
		bad_state("umount after close: %s", strerror(errno));
	return r;
}

static int fn_same_tree(void)
{
	int r;

	if (mount("none", M2, "container", 0, NULL))
		return errno;
	r = err0(mkdir(M2 "/hostile/d/via2", 0755));
	if (!r && access(HD "/via2/tasks", F_OK))
		bad_state("via2 not visible in the main mount");
	rmdir(HD "/via2");
	if (umount(M2))
		bad_state("umount: %s", strerror(errno));
	/* Unmounting a second mount keeps the tree. */
	if (access(HT "/tasks", F_OK))
		bad_state("tree lost after umount");
	return r;
}

/* -- the mount/umount race -- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int race_mounter(double end)
{
	int bad = 0, tries;

	while (now() < end) {
		if (mount("none", M2, "container", 0, NULL)) {
			fprintf(stderr, "# race: mount: %s\n", strerror(errno));
			bad++;
			continue;
		}
		for (tries = 0; umount(M2); tries++) {
			if (errno != EBUSY || tries > 20000) {
				fprintf(stderr, "# race: umount: %s\n",
					strerror(errno));
				bad++;
				break;
			}
			usleep(100);
		}
	}
	return bad;
}

static int race_worker(double end)
{
	char d[128], t[160], b[256];
	int bad = 0, i = 0;
	ssize_t n;

	while (now() < end) {
		snprintf(d, sizeof(d), HR "/w%d", i++ % 4);
		if (mkdir(d, 0755)) {
			fprintf(stderr, "# race: mkdir %s: %s\n", d, strerror(errno));
			bad++;
			continue;
		}
		snprintf(t, sizeof(t), "%s/tasks", d);
		if (write_str(t, "0")) {
			fprintf(stderr, "# race: attach: %s\n", strerror(errno));
			bad++;
		}
		n = read_path(t, b, sizeof(b));
		if (n <= 0 || atoi(b) != getpid()) {
			fprintf(stderr, "# race: tasks reads '%s'\n", b);
			bad++;
		}
		if (write_str(CROOT "/tasks", "0")) {
			fprintf(stderr, "# race: detach: %s\n", strerror(errno));
			bad++;
		}
		if (rmdir(d)) {
			fprintf(stderr, "# race: rmdir %s: %s\n", d, strerror(errno));
			bad++;
		}
	}
	return bad;
}

/* Uses the second mount while it comes and goes. */
static int race_user(double end)
{
	char b[4096];
	int bad = 0, fd;

	while (now() < end) {
		fd = open(M2 "/hostile/race/tasks", O_RDONLY);
		if (fd < 0) {
			if (errno != ENOENT) {
				fprintf(stderr, "# race: open via M2: %s\n",
					strerror(errno));
				bad++;
			}
			continue;
		}
		if (read(fd, b, sizeof(b)) < 0) {
			fprintf(stderr, "# race: read via M2: %s\n", strerror(errno));
			bad++;
		}
		close(fd);
		usleep(200);
		if (mkdir(M2 "/hostile/race/u", 0755) == 0) {
			rmdir(H "/race/u");
		} else if (errno != ENOENT) {
			fprintf(stderr, "# race: mkdir via M2: %s\n", strerror(errno));
			bad++;
		}
	}
	return bad;
}

static int fn_race(void)
{
	int (*fns[3])(double) = { race_mounter, race_worker, race_user };
	pid_t p[3];
	double end = now() + 2.0;
	int i, st, bad = 0;

	if (mkdir(HR, 0755))
		return errno;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 3; i++) {
		p[i] = fork();
		if (p[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(fns[i](end) ? 1 : 0);
		}
	}
	for (i = 0; i < 3; i++) {
		if (p[i] < 0 || waitpid(p[i], &st, 0) != p[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			bad_state("race child %d failed", i);
			bad = 1;
		}
	}
	umount2(M2, MNT_DETACH);
	return bad ? EIO : 0;
}

static int fn_race_after(void)
{
	char p[128];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), HR "/w%d", i);
		if (!access(p, F_OK)) {
			bad_state("%s left behind", p);
			rmdir(p);
		}
	}
	if (!access(HR "/u", F_OK)) {
		bad_state("race/u left behind");
		rmdir(HR "/u");
	}
	file_is(HR "/tasks", "");
	in_container(main_pid, "/\n");
	if (!access(M2 "/tasks", F_OK))
		bad_state("second mount still mounted");
	return err0(rmdir(HR));
}

/* ---------- the cases ---------- */

static const struct hcase cases[] = {
	/* tasks: malformed, limits, accepted forms */
	TASKS("tasks: empty write", "", EINVAL, W_NONE),
	TASKS("tasks: newline only", "\n", EINVAL, W_NONE),
	TASKS("tasks: one space", " ", EINVAL, W_NONE),
	TASKSF("tasks: 4097 bytes", "", 4097, '0', false, E2BIG, W_NONE),
	TASKSF("tasks: 1 MiB", "", 1 << 20, '0', false, E2BIG, W_NONE),
	TASKS("tasks: binary garbage", "\xff\xfe\x80\x01\x7f", EINVAL, W_NONE),
	TASKS("tasks: single NUL byte", "\0", EINVAL, W_NONE),
	TASKS("tasks: \"0\\0\" (2 bytes, NUL is not white space)", "0\0", EINVAL, W_NONE),
	TASKS("tasks: \"\\0\" \"0\"", "\0\x30", EINVAL, W_NONE),
	TASKS("tasks: \"0\\0garbage\"", "0\0garbage", EINVAL, W_NONE),
	TASKS("tasks: pid, NUL, garbage", "$C\0xyz", EINVAL, W_NONE),
	TASKS("tasks: \"0 \\0\"", "0 \0", EINVAL, W_NONE),
	TASKS("tasks: INT_MAX (no such pid)", "2147483647", ESRCH, W_NONE),
	TASKS("tasks: INT_MAX + 1", "2147483648", EINVAL, W_NONE),
	TASKS("tasks: UINT_MAX", "4294967295", EINVAL, W_NONE),
	TASKS("tasks: 2^32", "4294967296", EINVAL, W_NONE),
	TASKS("tasks: 23 digits", "99999999999999999999999", EINVAL, W_NONE),
	TASKS("tasks: hex above INT_MAX", "0x80000000", EINVAL, W_NONE),
	TASKS("tasks: pid_max (no such pid)", "$M", ESRCH, W_NONE),
	TASKS("tasks: pid_max + 1 (no such pid)", "$N", ESRCH, W_NONE),
	TASKS("tasks: -0 is the writer", "-0", 0, W_SELF),
	TASKS("tasks: +0 is the writer", "+0", 0, W_SELF),
	TASKS("tasks: -0x0 is the writer", "-0x0", 0, W_SELF),
	TASKS("tasks: 00 is the writer", "00", 0, W_SELF),
	TASKS("tasks: 0x0 is the writer", "0x0", 0, W_SELF),
	TASKS("tasks: -+0 (sign after sign)", "-+0", EINVAL, W_NONE),
	TASKS("tasks: +-0", "+-0", EINVAL, W_NONE),
	TASKS("tasks: - 0", "- 0", EINVAL, W_NONE),
	TASKS("tasks: -1", "-1", EINVAL, W_NONE),
	TASKS("tasks: INT_MIN", "-2147483648", EINVAL, W_NONE),
	TASKS("tasks: leading + on a pid", "+$C", 0, W_KID),
	TASKS("tasks: ++pid", "++$C", EINVAL, W_NONE),
	TASKS("tasks: \" +pid \"", " +$C ", 0, W_KID),
	TASKS("tasks: 0x alone", "0x", EINVAL, W_NONE),
	TASKS("tasks: 0x1g", "0x1g", EINVAL, W_NONE),
	TASKS("tasks: 08 (bad octal)", "08", EINVAL, W_NONE),
	TASKS("tasks: 0b1 (no binary prefix)", "0b1", EINVAL, W_NONE),
	TASKS("tasks: pid in hex", "0x$X", 0, W_KID),
	TASKS("tasks: pid in HEX with 0X", "0X$X", 0, W_KID),
	TASKS("tasks: pid in octal", "0$O", 0, W_KID),
	TASKS("tasks: fullwidth digit one (UTF-8)", "\xef\xbc\x91", EINVAL, W_NONE),
	TASKS("tasks: Arabic-Indic digit three", "\xd9\xa3", EINVAL, W_NONE),
	TASKS("tasks: fullwidth zero", "\xef\xbc\x90", EINVAL, W_NONE),
	TASKS("tasks: tabs around pid", "\t$C\t", 0, W_KID),
	TASKS("tasks: vertical tabs around pid", "\v$C\v", 0, W_KID),
	TASKS("tasks: CR around pid", "\r$C\r\n", 0, W_KID),
	TASKS("tasks: form feeds around 0", "\f0\f", 0, W_SELF),
	TASKS("tasks: non-breaking space (UTF-8) before 0", "\xc2\xa0\x30", EINVAL, W_NONE),
	TASKS("tasks: two numbers", "$C $C", EINVAL, W_NONE),
	TASKS("tasks: two lines", "$C\n$C\n", EINVAL, W_NONE),
	TASKS("tasks: text", "abc", EINVAL, W_NONE),
	TASKS("tasks: 1e3", "1e3", EINVAL, W_NONE),
	TASKS("tasks: 0.0", "0.0", EINVAL, W_NONE),
	TASKS("tasks: pid then text", "$Cx", EINVAL, W_NONE),
	TASKS("tasks: pid 2 (kthreadd)", "2", EINVAL, W_NONE),
	TASKSF("tasks: 64 bytes (63 spaces + 0)", "0", 63, ' ', false, 0, W_SELF),
	TASKSF("tasks: 65 bytes (64 spaces + 0)", "0", 64, ' ', false, E2BIG, W_NONE),
	TASKSF("tasks: 64 bytes (0 + 63 newlines)", "0", 63, '\n', true, 0, W_SELF),
	TASKSF("tasks: 64 zeros", "", 64, '0', false, 0, W_SELF),
	TASKSF("tasks: 65 zeros", "", 65, '0', false, E2BIG, W_NONE),
	TASKS("tasks: plain pid", "$C", 0, W_KID),

	/* notify_on_release */
	NOR("notify: empty write", "", EINVAL, 0),
	NOR("notify: newline only", "\n", EINVAL, 0),
	NORF("notify: 4097 bytes", "", 4097, '1', false, E2BIG, 0),
	NORF("notify: 1 MiB", "", 1 << 20, '1', false, E2BIG, 0),
	NOR("notify: binary garbage", "\x01\xff\x80", EINVAL, 0),
	NOR("notify: \"1\\0\" (2 bytes)", "1\0", EINVAL, 0),
	NOR("notify: \"\\0\" \"1\"", "\0\x31", EINVAL, 0),
	NOR("notify: \"0\\0junk\"", "0\0junk", EINVAL, 0),
	NOR("notify: 1 sets", "1", 0, 1),
	NOR("notify: 0 clears", "0", 0, 0),
	NOR("notify: 2 sets", "2", 0, 1),
	NOR("notify: -0 (unsigned: refused)", "-0", EINVAL, 0),
	NOR("notify: -1", "-1", EINVAL, 0),
	NOR("notify: +1", "+1", 0, 1),
	NOR("notify: ++1", "++1", EINVAL, 0),
	NOR("notify: \" +1 \"", " +1 ", 0, 1),
	NOR("notify: 0x", "0x", EINVAL, 0),
	NOR("notify: 0x1g", "0x1g", EINVAL, 0),
	NOR("notify: 08", "08", EINVAL, 0),
	NOR("notify: 0x1", "0x1", 0, 1),
	NOR("notify: 010", "010", 0, 1),
	NOR("notify: 0x0 clears", "0x0", 0, 0),
	NOR("notify: 00 clears", "00", 0, 0),
	NOR("notify: 2147483648", "2147483648", 0, 1),
	NOR("notify: U64_MAX", "18446744073709551615", 0, 1),
	NOR("notify: U64_MAX + 1", "18446744073709551616", EINVAL, 0),
	NOR("notify: fullwidth one", "\xef\xbc\x91", EINVAL, 0),
	NOR("notify: Arabic-Indic three", "\xd9\xa3", EINVAL, 0),
	NOR("notify: tabs around 1", "\t1\t", 0, 1),
	NOR("notify: vertical tabs around 0", "\v0\v", 0, 0),
	NOR("notify: CR around 1", "\r1\r\n", 0, 1),
	NOR("notify: two numbers", "1 1", EINVAL, 0),
	NOR("notify: true", "true", EINVAL, 0),
	NOR("notify: 1 then text", "1x", EINVAL, 0),
	NORF("notify: 64 bytes (63 spaces + 1)", "1", 63, ' ', false, 0, 1),
	NORF("notify: 65 bytes (64 spaces + 1)", "1", 64, ' ', false, E2BIG, 0),
	NORF("notify: 64 zeros", "", 64, '0', false, 0, 0),
	NORF("notify: 65 ones", "", 65, '1', false, E2BIG, 0),

	/* release_agent */
	AG("agent: empty write disables it", "", 0),
	AG("agent: newline only disables it", "\n", 0),
	AG("agent: plain path", "/bin/true", 0),
	AG("agent: white space stripped", " \t/sbin/x \r\n", 0),
	AG("agent: inner space kept", "/a b", 0),
	AG("agent: inner newline refused", "/with\nnewline", EINVAL),
	AG("agent: non-UTF-8 bytes kept", "/\xff\xfe\x01", 0),
	AG("agent: NUL inside", "/x\0y", EINVAL),
	AG("agent: NUL alone", "\0", EINVAL),
	AG("agent: trailing NUL", "/bin/true\0", EINVAL),
	AGF("agent: 4095 bytes (PATH_MAX - 1)", "", 4095, 'a', 0),
	AGF("agent: 4096 bytes", "", 4096, 'a', E2BIG),
	AGF("agent: 4095 bytes + newline (4096 written)", "\n", 4095, 'a', 0),
	AGF("agent: 4096 bytes + newline (4097 written)", "\n", 4096, 'a', E2BIG),
	AGF("agent: 1 MiB", "", 1 << 20, 'a', E2BIG),
	AGF("agent: 4096 spaces disable it", "", 4096, ' ', 0),

	/* write modes */
	FN("pwrite notify at offset 100: offset ignored, 1 set", fn_pwrite_nor, 0),
	FN("pwrite tasks at offset 4096: offset ignored, writer moved", fn_pwrite_tasks, 0),
	FN("pwrite agent at offset 7: whole value replaced", fn_pwrite_agent, 0),
	FN("O_APPEND notify write", fn_append_nor, 0),
	FN("O_APPEND agent write replaces, does not append", fn_append_agent, 0),
	FN("notify \"1\" then \"0\" on one fd: each write parsed alone", fn_bytewise_nor, 0),
	FN("tasks \"0\" then \"\\n\" on one fd: 2nd write alone is EINVAL",
	   fn_bytewise_tasks, EINVAL),
	FN("agent written a byte at a time keeps the last byte", fn_bytewise_agent, 0),
	FN("writev notify \" 0x\" + \"1\\n\" gathered into one value", fn_writev_nor, 0),
	FN("writev tasks \"+\" + \"\" + \"0\" gathered", fn_writev_tasks, 0),
	FN("writev tasks 40 + 25 bytes: E2BIG", fn_writev_tasks_65, E2BIG),
	FN("writev agent 3 x 2048 bytes: E2BIG", fn_writev_agent_big, E2BIG),
	FN("writev with a NULL iov base: EFAULT, unchanged", fn_writev_efault, EFAULT),
	FN("write from NULL: EFAULT, unchanged", fn_write_null, EFAULT),
	FN("write crossing into a PROT_NONE page: EFAULT, unchanged", fn_write_half_mapped, EFAULT),
	FN("write on an O_RDONLY fd: EBADF", fn_write_rdonly, EBADF),
	FN("open a container directory for writing: EISDIR", fn_write_dir, EISDIR),

	/* reads */
	FN("zero-length read of tasks", fn_zero_read_tasks, 0),
	FN("zero-length read of notify_on_release", fn_zero_read_nor, 0),
	FN("zero-length read of release_agent", fn_zero_read_agent, 0),
	FN("1-byte reads of a container's tasks", fn_bytewise_read_tasks, 0),
	FN("1-byte reads of the root's tasks: ascending, has self", fn_bytewise_read_root_tasks, 0),
	FN("1-byte reads of notify_on_release", fn_bytewise_read_nor, 0),
	FN("1-byte reads of release_agent", fn_bytewise_read_agent, 0),
	FN("read tasks into NULL: EFAULT", fn_read_null_tasks, EFAULT),
	FN("read notify_on_release into NULL: EFAULT", fn_read_null_nor, EFAULT),
	FN("read release_agent into NULL: EFAULT", fn_read_null_agent, EFAULT),
	FN("read tasks into address 16: EFAULT", fn_read_bad_ptr, EFAULT),
	FN("pread notify_on_release at offset 1 gives \"\\n\"", fn_pread_nor, 0),
	FN("read on an O_WRONLY fd: EBADF", fn_read_wronly, EBADF),
	FN("mmap of tasks (MAP_SHARED): ENODEV (kernfs, no mmap op)", fn_mmap_tasks, ENODEV),
	FN("mmap of notify_on_release (MAP_PRIVATE): ENODEV", fn_mmap_nor, ENODEV),
	FN("mmap of release_agent: ENODEV", fn_mmap_agent, ENODEV),

	/* truncate */
	FN("open tasks O_TRUNC: allowed, no effect", fn_otrunc_tasks, 0),
	FN("open notify_on_release O_RDWR|O_TRUNC: allowed, no effect", fn_otrunc_nor, 0),
	FN("ftruncate notify_on_release to 100: allowed, no effect", fn_ftruncate_nor, 0),
	FN("ftruncate on an O_RDONLY fd: EINVAL", fn_ftruncate_rdonly, EINVAL),
	FN("truncate release_agent: allowed, no effect", fn_truncate_agent, 0),

	/* chmod, chown */
	FN("root: chmod 0600 tasks", fn_chmod_file, 0),
	FN("root: chown notify_on_release to 1001", fn_chown_file, 0),
	FN("root: chmod 0700 a container directory", fn_chmod_dir, 0),
	FN("root: chown a container directory to 1002", fn_chown_dir, 0),
	FN("uid 1001: chown root's tasks: EPERM", fn_user_chown, EPERM),
	FN("uid 1001: chmod root's notify_on_release: EPERM", fn_user_chmod, EPERM),
	FN("uid 1001: chmod root's container directory: EPERM", fn_user_chmod_dir, EPERM),
	FN("uid 1001: open root's tasks for writing: EACCES", fn_user_open_tasks, EACCES),
	FN("uid 1001: mkdir in root's container: EACCES", fn_user_mkdir, EACCES),
	FN("uid 1001: write a 0666 release_agent: EPERM", fn_user_agent_0666, EPERM),

	/* link, symlink, mknod, create, unlink */
	FN("link tasks inside the tree: EPERM", fn_link, EPERM),
	FN("link tasks out of the tree: EXDEV", fn_link_out, EXDEV),
	FN("link a container directory: EPERM", fn_link_dir, EPERM),
	FN("symlink inside the tree: EPERM", fn_symlink, EPERM),
	FN("mknod S_IFREG: EACCES", fn_mknod_reg, EACCES),
	FN("mknod S_IFIFO: EPERM", fn_mknod_fifo, EPERM),
	FN("mknod S_IFCHR: EPERM", fn_mknod_chr, EPERM),
	FN("mknod S_IFSOCK: EPERM", fn_mknod_sock, EPERM),
	FN("open O_CREAT of a new file: EACCES", fn_creat, EACCES),
	FN("open O_CREAT|O_EXCL of tasks: EEXIST", fn_creat_excl, EEXIST),
	FN("unlink tasks: EPERM", fn_unlink_tasks, EPERM),
	FN("unlink release_agent: EPERM", fn_unlink_agent, EPERM),
	FN("unlink a container directory: EISDIR", fn_unlink_dir, EISDIR),
	FN("rmdir tasks: ENOTDIR", fn_rmdir_file, ENOTDIR),
	FN("mkdir named like a control file: EEXIST", fn_mkdir_over_file, EEXIST),

	/* names, paths, rmdir, rename */
	FN("mkdir with a 255-byte name", fn_mkdir_255, 0),
	FN("mkdir with a 256-byte name: ENAMETOOLONG", fn_mkdir_256, ENAMETOOLONG),
	FN("statfs: f_namelen is NAME_MAX (255)", fn_statfs, 0),
	FN("mkdir \".\": EEXIST", fn_mkdir_dot, EEXIST),
	FN("mkdir \"..\": EEXIST", fn_mkdir_dotdot, EEXIST),
	FN("mkdir of the mounted root: EEXIST", fn_mkdir_root, EEXIST),
	FN("mkdir name with a newline: EINVAL", fn_mkdir_nl, EINVAL),
	FN("mkdir odd names (space, tab, UTF-8, 0xff, *, \\)", fn_mkdir_odd_names, 0),
	FN("rmdir \".\": EINVAL", fn_rmdir_dot, EINVAL),
	FN("rmdir \"..\": ENOTEMPTY", fn_rmdir_dotdot, ENOTEMPTY),
	FN("rmdir the root: EBUSY", fn_rmdir_root, EBUSY),
	FN("rmdir a missing container: ENOENT", fn_rmdir_missing, ENOENT),
	FN("rename a container onto itself: no-op success", fn_rename_self, 0),
	FN("rename the root (\".\"): EBUSY", fn_rename_root_dot, EBUSY),
	FN("rename the root mount point: EBUSY", fn_rename_root_mnt, EBUSY),
	FN("rename to \".\": EBUSY", fn_rename_to_dot, EBUSY),
	FN("rename to \"..\": EBUSY", fn_rename_to_dotdot, EBUSY),
	FN("rename to a 256-byte name: ENAMETOOLONG", fn_rename_256, ENAMETOOLONG),
	FN("rename into its own subdirectory: EINVAL", fn_rename_into_self, EINVAL),
	FN("chain of 200-byte names stops at depth 20: ENAMETOOLONG", fn_deep_chain, ENAMETOOLONG),
	FN("mkdir making a 4094-byte path (PATH_MAX - 2)", fn_deep_fits, 0),
	FN("mkdir making a 4095-byte path: ENAMETOOLONG", fn_deep_too_long, ENAMETOOLONG),
	FN("/proc/self/container in the 4094-byte container", fn_deep_proc, 0),
	FN("rename an ancestor to make a descendant's path too long: ENAMETOOLONG",
	   fn_deep_rename_ancestor, ENAMETOOLONG),
	FN("/proc/self/container after the refused rename: the whole path",
	   fn_deep_proc_too_long, 0),
	FN("mkdir below the 4094-byte path: ENAMETOOLONG",
	   fn_deep_mkdir_after_rename, ENAMETOOLONG),
	FN("rename the ancestor to a name as long, and back", fn_deep_rename_back, 0),
	FN("remove the deep chain", fn_deep_cleanup, 0),

	/* mounts */
	FN("mount -o foo: EINVAL", fn_mount_foo, EINVAL),
	FN("mount -o ro,foo: EINVAL", fn_mount_ro_foo, EINVAL),
	FN("mount with data \"ro\": EINVAL (shared superblock), tree stays writable",
	   fn_mount_data_ro, EINVAL),
	FN("mount with data \",\" (no option)", fn_mount_empty_key, 0),
	FN("mount with a binary source name", fn_mount_any_source, 0),
	FN("mount with a NULL source", fn_mount_null_source, 0),
	FN("mount MS_RDONLY: EINVAL (shared superblock), tree stays writable",
	   fn_mount_rdonly, EINVAL),
	FN("bind mount made ro: EROFS through it, main mount writable", fn_bind_rdonly, 0),
	FN("remount with -o foo: EINVAL", fn_remount_foo, EINVAL),
	FN("remount without options", fn_remount_plain, 0),
	FN("bind remount ro then rw", fn_remount_bind_ro, 0),
	FN("umount while a file is open: EBUSY", fn_umount_busy, EBUSY),
	FN("two mounts show the same tree", fn_same_tree, 0),
	FN("mount/umount racing with mkdir/attach/rmdir (2 s)", fn_race, 0),
	FN("after the race: no leftovers, race container removable", fn_race_after, 0),
};

/* ---------- setup and cleanup ---------- */

static void rm_tree(const char *path)
{
	char cmd[PATH_MAX + 64];

	if (rmdir(path) == 0 || errno == ENOENT)
		return;
	/* Only containers can be there; depth-first removal by find. */
	snprintf(cmd, sizeof(cmd),
		 "find '%s' -depth -type d -exec rmdir {} \\; 2>/dev/null", path);
	if (system(cmd))
		;
}

static void cleanup(void)
{
	if (getpid() != main_pid)
		return;
	if (kid > 0) {
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
		kid = -1;
	}
	to_root(main_pid);
	umount2(M2, MNT_DETACH);
	rmdir(M2);
	deep_cleanup();
	chmod(AGENT, 0644);
	if (have_orig_agent)
		write_path(AGENT, orig_agent, strlen(orig_agent));
	rm_tree(H);
}

static int setup(void)
{
	char b[32];
	ssize_t n;

	rm_tree(H);
	n = read_path(AGENT, orig_agent, sizeof(orig_agent));
	if (n < 0) {
		ksft_print_msg("read release_agent: %s\n", strerror(-n));
		return -1;
	}
	have_orig_agent = true;
	if (read_path("/proc/sys/kernel/pid_max", b, sizeof(b)) <= 0)
		return -1;
	pid_max = atoi(b);
	if (mkdir(H, 0755) || mkdir(HT, 0755) || mkdir(HN, 0755) ||
	    mkdir(HD, 0755)) {
		ksft_print_msg("mkdir: %s\n", strerror(errno));
		return -1;
	}
	mkdir(M2, 0755);
	fflush(stdout);
	kid = fork();
	if (kid < 0)
		return -1;
	if (kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	return 0;
}

int main(void)
{
	unsigned int i, n = ARRAY_SIZE(cases);
	double t0 = now();

	main_pid = getpid();
	ksft_print_header();
	require_containers(CROOT "/tasks");
	ksft_set_plan(n);
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	if (setup())
		ksft_exit_fail_msg("setup failed\n");
	ksft_print_msg("pid %d, helper %d, pid_max %d\n", main_pid, kid, pid_max);

	for (i = 0; i < n; i++) {
		const struct hcase *c = &cases[i];
		size_t len = 0;
		char *buf = NULL;
		int r;

		state_msg[0] = '\0';
		if (c->op != OP_FN) {
			buf = build_input(c, &len);
			if (!buf) {
				ksft_test_result_error("%s: out of memory\n", c->desc);
				continue;
			}
		}
		switch (c->op) {
		case OP_TASKS:
			r = run_tasks(c, buf, len);
			break;
		case OP_NOR:
			r = run_nor(c, buf, len);
			break;
		case OP_AGENT:
			r = run_agent(c, buf, len);
			break;
		default:
			r = c->fn();
			break;
		}
		free(buf);
		if (r == c->expect && !state_msg[0]) {
			ksft_test_result_pass("%s\n", c->desc);
		} else {
			if (r != c->expect)
				ksft_print_msg("%s: got %s (%d), want %s (%d)\n",
					       c->desc, r ? strerror(r) : "success", r,
					       c->expect ? strerror(c->expect) : "success",
					       c->expect);
			if (state_msg[0])
				ksft_print_msg("%s: %s\n", c->desc, state_msg);
			ksft_test_result_fail("%s\n", c->desc);
		}
	}
	cleanup();
	ksft_print_msg("guest time %.1f s\n", now() - t0);
	ksft_finished();
}
