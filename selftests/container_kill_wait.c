// SPDX-License-Identifier: GPL-2.0
/*
 * Stop a job the way a container manager does: kill every task of a
 * container and of its descendants, wait until they have all exited, then
 * remove the container and the containers below it.
 *
 * Usage: container_kill_wait [-w] DIR [TIMEOUT_MS]
 *
 * DIR is a container directory, such as /dev/container/job. With -w, only
 * wait until no task is left in DIR or below it: nothing is killed and
 * nothing removed. TIMEOUT_MS (10000 by default) bounds the wait.
 *
 * Exit status: 0 done, 1 error (a message says which), 2 timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static int fail(const char *what)
{
	fprintf(stderr, "container_kill_wait: %s %s: %s\n", what, dir, strerror(errno));
	return 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * DIR/events reads "populated 0|1\nemptied N\n". Reading it from offset 0
 * also tells poll() that this reader has seen the current state: poll()
 * then blocks until the next change.
 */
static int read_events(int fd, int *populated, unsigned long long *emptied)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "populated %d emptied %llu", populated, emptied) != 2) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* With FTW_DEPTH, nftw() reports each directory after what it contains. */
static int remove_dir(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : 0;
}

int main(int argc, char **argv)
{
	unsigned long long emptied, first_emptied;
	int wait_only = 0, populated, fd, kfd;
	long timeout_ms = 10000, left, deadline;
	char path[PATH_MAX], *end;
	struct pollfd pfd;

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		wait_only = 1;
		argv++;
		argc--;
	}
	if (argc == 3) {
		errno = 0;
		timeout_ms = strtol(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || timeout_ms < 0)
			argc = 0;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: container_kill_wait [-w] DIR [TIMEOUT_MS]\n");
		return 1;
	}
	dir = argv[1];

	/* Open and read events before the kill: the wait starts from here. */
	snprintf(path, sizeof(path), "%s/events", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open the events of");
	if (read_events(fd, &populated, &first_emptied))
		return fail("cannot read the events of");

	if (!wait_only) {
		/* SIGKILL to every task of DIR and below, forks in flight too. */
		snprintf(path, sizeof(path), "%s/kill", dir);
		kfd = open(path, O_WRONLY | O_CLOEXEC);
		if (kfd < 0 || write(kfd, "1", 1) != 1)
			return fail("cannot kill the tasks of");
		close(kfd);
	}

	/*
	 * Wait for the subtree to be empty. Tasks killed are still exiting
	 * for a while; the last one to leave makes populated 0 and wakes
	 * poll(). Several changes may come with one wakeup, and a task may
	 * have entered again by the time the file is read: but each change
	 * from populated to empty increments emptied, which is read together
	 * with populated. A count above the one read first means that the
	 * subtree was empty at some point since, so no emptying is missed.
	 */
	deadline = now_ms() + timeout_ms;
	emptied = first_emptied;
	while (populated && emptied == first_emptied) {
		left = deadline - now_ms();
		if (left <= 0) {
			fprintf(stderr, "container_kill_wait: %s still has tasks after %ld ms\n",
				dir, timeout_ms);
			return 2;
		}
		pfd.fd = fd;
		pfd.events = POLLPRI;
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : left) < 0 && errno != EINTR)
			return fail("cannot poll the events of");
		if (read_events(fd, &populated, &emptied))
			return fail("cannot read the events of");
	}
	close(fd);

	/* No task is left: remove the containers, the deepest ones first. */
	if (!wait_only && nftw(dir, remove_dir, 16, FTW_DEPTH | FTW_PHYS))
		return fail("cannot remove");
	return 0;
}
