// SPDX-License-Identifier: GPL-2.0
/*
 * Process containers: the C side of the Rust core.
 *
 * Only what Rust cannot express through the kernel's bindings lives
 * here: the static kernfs and filesystem tables, the built-in control
 * file descriptions, wrappers around inline functions and macros, and
 * every access to a task_struct field. bindgen's layout of task_struct
 * need not match the one GCC builds (it did not, here), so Rust never
 * reads task_struct directly. Every decision is taken by the Rust code.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs_context.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "container_glue.h"

static struct kernfs_root *container_kf_root;

/*
 * Release agents run from here, at most CONTAINER_RELEASE_AGENTS_MAX at a
 * time, each work item waiting for its agent to exit: a delegated owner
 * who sets notify_on_release cannot make the kernel start root helpers
 * without bound.
 */
static struct workqueue_struct *container_release_wq;

static struct kernfs_syscall_ops container_kf_syscall_ops = {
	.mkdir = container_kf_mkdir,
	.rmdir = container_kf_rmdir,
	.rename = container_kf_rename,
};

/*
 * One table for every control file: writes up to a page are delivered
 * whole, and the core applies each file's own, smaller limit.
 */
static const struct kernfs_ops container_kf_file_ops = {
	.atomic_write_len = PAGE_SIZE,
	.seq_show = container_kf_seq_show,
	.write = container_kf_write,
};

/*
 * "tasks" lists thread ids in batches of at most a page, collected by a
 * walk of the container's tasks that gives the list lock up every few
 * tasks; the open file keeps one batch between reads. The file position
 * is the next thread id to show.
 */
static const struct kernfs_ops container_kf_tasks_ops = {
	.atomic_write_len = PAGE_SIZE,
	.release = container_tasks_release,
	.seq_start = container_tasks_seq_start,
	.seq_next = container_tasks_seq_next,
	.seq_stop = container_tasks_seq_stop,
	.seq_show = container_tasks_seq_show,
	.write = container_kf_write,
};

#ifdef CONFIG_DEBUG_LOCK_ALLOC
/* Lets lockdep check the order: kernfs active reference, then the core. */
static struct lock_class_key container_kf_file_key;
#define CONTAINER_KF_FILE_KEY	(&container_kf_file_key)
#else
#define CONTAINER_KF_FILE_KEY	NULL
#endif

static const struct container_file container_builtin_files[] = {
	{
		/* Read through container_kf_tasks_ops, which have no ->show. */
		.name = "tasks",
		.max_write_len = 64,
		.write = container_tasks_write,
	},
	{
		.name = "notify_on_release",
		.max_write_len = 64,
		.show = container_notify_show,
		.write = container_notify_write,
	},
	{
		.name = "max_depth",
		.max_write_len = 64,
		.show = container_max_depth_show,
		.write = container_max_depth_write,
	},
	{
		.name = "max_descendants",
		.max_write_len = 64,
		.show = container_max_descendants_show,
		.write = container_max_descendants_write,
	},
	{
		.name = "release_agent",
		.flags = CONTAINER_FILE_ONLY_ON_ROOT,
		.max_write_len = PATH_MAX,
		.show = container_agent_show,
		.write = container_agent_write,
	},
	{
		.name = "events",
		.show = container_events_show,
	},
	{
		.name = "stat",
		.show = container_stat_show,
	},
	{
		/* Killing the root would kill every user task. */
		.name = "kill",
		.flags = CONTAINER_FILE_NOT_ON_ROOT,
		.mode = 0200,
		.max_write_len = 64,
		.write = container_kill_write,
	},
};

/*
 * The interface of <linux/process_container.h>. The core implements it in
 * Rust, whose #[export] creates no export entry: these are the symbols
 * that modules link against.
 */
int container_add_file(const struct container_file *cf)
{
	return container_core_add_file(cf);
}
EXPORT_SYMBOL_GPL(container_add_file);

int container_remove_file(const struct container_file *cf)
{
	return container_core_remove_file(cf);
}
EXPORT_SYMBOL_GPL(container_remove_file);

u64 container_id(const struct container *cont)
{
	return container_core_id(cont);
}
EXPORT_SYMBOL_GPL(container_id);

ssize_t container_path(const struct container *cont, char *buf, size_t buflen)
{
	return container_core_path(cont, buf, buflen);
}
EXPORT_SYMBOL_GPL(container_path);

/* The built-in files are added the way any other kernel code adds one. */
int container_glue_add_builtin_files(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(container_builtin_files); i++) {
		ret = container_add_file(&container_builtin_files[i]);
		if (ret)
			return ret;
	}
	return 0;
}

struct kernfs_node *container_glue_create_root(void)
{
	struct kernfs_root *root;

	root = kernfs_create_root(&container_kf_syscall_ops,
				  KERNFS_ROOT_CREATE_DEACTIVATED |
				  KERNFS_ROOT_INVARIANT_PARENT, NULL);
	if (IS_ERR(root))
		return ERR_CAST(root);
	container_kf_root = root;
	return kernfs_root_to_node(root);
}

/*
 * Every mount shares one superblock, so a read-only superblock would be
 * read-only for every mount: refuse it, at mount and at remount. A
 * read-only view is a read-only bind mount.
 */
static int container_refuse_ro(struct fs_context *fc)
{
	bool ro = fc->sb_flags & SB_RDONLY;

	/* A remount changes only the flags in the mask. */
	if (fc->purpose == FS_CONTEXT_FOR_RECONFIGURE)
		ro = ro && (fc->sb_flags_mask & SB_RDONLY);
	if (ro)
		return invalfc(fc, "shared superblock; use a read-only bind mount");
	return 0;
}

static int container_get_tree(struct fs_context *fc)
{
	struct kernfs_fs_context *kfc = fc->fs_private;
	int ret;

	ret = container_refuse_ro(fc);
	if (ret)
		return ret;

	/* Every mount shows the one hierarchy. */
	kfc->root = container_kf_root;
	kfc->magic = CONTAINER_SUPER_MAGIC;
	return kernfs_get_tree(fc);
}

static void container_fs_context_free(struct fs_context *fc)
{
	struct kernfs_fs_context *kfc = fc->fs_private;

	kernfs_free_fs_context(fc);
	kfree(kfc);
}

static const struct fs_context_operations container_fs_context_ops = {
	.free = container_fs_context_free,
	.get_tree = container_get_tree,
	.reconfigure = container_refuse_ro,
};

static int container_init_fs_context(struct fs_context *fc)
{
	struct kernfs_fs_context *kfc;

	kfc = kzalloc_obj(*kfc);
	if (!kfc)
		return -ENOMEM;
	fc->fs_private = kfc;
	fc->ops = &container_fs_context_ops;
	fc->global = true;
	return 0;
}

static struct file_system_type container_fs_type = {
	.name = "container",
	.init_fs_context = container_init_fs_context,
	.kill_sb = kernfs_kill_sb,
};

int container_glue_register_fs(void)
{
	container_release_wq = alloc_workqueue("container_release", WQ_UNBOUND,
					       CONTAINER_RELEASE_AGENTS_MAX);
	if (!container_release_wq)
		return -ENOMEM;
	return register_filesystem(&container_fs_type);
}

struct workqueue_struct *container_glue_release_wq(void)
{
	return container_release_wq;
}

/* Directories and files belong to the task that creates the container. */
struct kernfs_node *container_glue_create_dir(struct kernfs_node *parent,
					      const char *name, umode_t mode)
{
	return kernfs_create_dir_ns(parent, name, mode, current_fsuid(),
				    current_fsgid(), NULL, NULL);
}

int container_glue_create_file(struct kernfs_node *dir,
			       const struct container_file *cf)
{
	struct kernfs_node *kn;
	umode_t mode = cf->mode;

	if (!mode)
		mode = cf->write ? 0644 : 0444;
	/* kernfs keeps priv as void *; the core never writes through it. */
	kn = __kernfs_create_file(dir, cf->name, mode, current_fsuid(),
				  current_fsgid(), 0,
				  cf == &container_builtin_files[0] ?
				  &container_kf_tasks_ops : &container_kf_file_ops,
				  (void *)cf, NULL, CONTAINER_KF_FILE_KEY);
	return PTR_ERR_OR_ZERO(kn);
}

bool container_glue_is_dir(struct kernfs_node *kn)
{
	return kernfs_type(kn) == KERNFS_DIR;
}

/* The root is created with KERNFS_ROOT_INVARIANT_PARENT. */
struct kernfs_node *container_glue_parent(struct kernfs_node *kn)
{
	return rcu_dereference_check(kn->__parent, true);
}

/*
 * One walk up, where kernfs_path_from_node() walks up once per level and
 * formats every name: mkdir checks this length at every depth.
 */
size_t container_glue_path_len(struct kernfs_node *kn)
{
	struct kernfs_node *parent;
	size_t len = 0;

	rcu_read_lock();
	while ((parent = rcu_dereference(kn->__parent))) {
		len += strlen(rcu_dereference(kn->name)) + 1;
		kn = parent;
	}
	rcu_read_unlock();
	return len;
}

/* Names of container nodes change only under the core's tree lock. */
size_t container_glue_name_len(struct kernfs_node *kn)
{
	size_t len;

	rcu_read_lock();
	len = strlen(rcu_dereference(kn->name));
	rcu_read_unlock();
	return len;
}

struct kernfs_open_file *container_glue_seq_to_of(struct seq_file *sf)
{
	return sf->private;
}

/*
 * The release agent runs with full privileges: only a task with
 * CAP_SYS_ADMIN in the initial user namespace, through a file opened by
 * such a task, may choose it.
 */
bool container_glue_may_set_release_agent(struct file *file)
{
	return current_user_ns() == &init_user_ns &&
	       file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       capable(CAP_SYS_ADMIN);
}

static void container_rcu_free_workfn(struct work_struct *work)
{
	container_free_rcu_work(to_rcu_work(work));
}

/*
 * rmdir hands the tree's reference on a removed container to a work item
 * that runs after a grace period: no rmdir waits for one, and the final
 * kernfs_put() runs in process context.
 */
void container_glue_queue_rcu_free(struct rcu_work *rwork)
{
	INIT_RCU_WORK(rwork, container_rcu_free_workfn);
	WARN_ON_ONCE(!queue_rcu_work(system_dfl_wq, rwork));
}

/* A child in copy_process() is not visible: no lock, nor RCU, needed. */
void container_glue_child_init(struct task_struct *child,
			       struct container *cont)
{
	RCU_INIT_POINTER(child->container, cont);
	INIT_LIST_HEAD(&child->container_node);
}

struct container *container_glue_child_container(struct task_struct *child)
{
	return rcu_dereference_protected(child->container, true);
}

struct container *container_glue_task_container(struct task_struct *task)
{
	return rcu_dereference_check(task->container,
				     lockdep_is_held(&task->alloc_lock));
}

void container_glue_task_set_container(struct task_struct *task,
				       struct container *cont)
{
	rcu_assign_pointer(task->container, cont);
}

bool container_glue_task_listed(struct task_struct *task)
{
	return !list_empty(&task->container_node);
}

void container_glue_task_link(struct task_struct *task, struct list_head *list)
{
	list_add_tail(&task->container_node, list);
}

void container_glue_task_unlink(struct task_struct *task)
{
	list_del_init(&task->container_node);
}

unsigned int container_glue_task_flags(struct task_struct *task)
{
	return READ_ONCE(task->flags);
}

/*
 * A walk of a container's task list keeps its place with @cursor, a node
 * of the list that is not a task: the list lock can be dropped between
 * steps, and tasks that join or leave meanwhile do not disturb it. The
 * core lets one walker at a time use a container's cursor.
 */
void container_glue_cursor_start(struct list_head *list,
				 struct list_head *cursor)
{
	list_add(cursor, list);
}

/* The task after @cursor, which moves past it; NULL (cursor off) at the end. */
struct task_struct *container_glue_cursor_next(struct list_head *list,
					       struct list_head *cursor)
{
	struct list_head *next = cursor->next;

	if (next == list) {
		list_del_init(cursor);
		return NULL;
	}
	list_move(cursor, next);
	return list_entry(next, struct task_struct, container_node);
}

/*
 * The lowest pid number at or above @nr in @ns, or -1 if there is none;
 * *@in_root tells whether its task is a task of the root container (whose
 * ->container is NULL) that is not exiting. Called under RCU.
 */
int container_glue_next_pid(struct pid_namespace *ns, int nr, bool *in_root)
{
	struct task_struct *task;
	struct pid *pid;

	pid = find_ge_pid(nr, ns);
	if (!pid)
		return -1;
	task = pid_task(pid, PIDTYPE_PID);
	*in_root = task && !rcu_access_pointer(task->container) &&
		   !(READ_ONCE(task->flags) & PF_EXITING);
	return pid_nr_ns(pid, ns);
}

/*
 * A change of @kn's content: the time first, so that a watcher woken by
 * poll or inotify reads the new one. Without memory for the node's
 * attributes the time stays as it was; the wakeups still happen.
 */
void container_glue_file_changed(struct kernfs_node *kn)
{
	struct iattr ia = { .ia_valid = ATTR_MTIME | ATTR_CTIME };

	ktime_get_real_ts64(&ia.ia_mtime);
	ia.ia_ctime = ia.ia_mtime;
	kernfs_setattr(kn, &ia);
	kernfs_notify(kn);
}

void container_glue_send_sigkill(struct task_struct *task)
{
	if (!(READ_ONCE(task->flags) & PF_KTHREAD) &&
	    !__fatal_signal_pending(task))
		send_sig(SIGKILL, task, 0);
}

uid_t container_glue_opener_euid(struct file *file)
{
	return __kuid_val(file->f_cred->euid);
}

void container_glue_task_uids(struct task_struct *task, uid_t *uid,
			      uid_t *suid)
{
	const struct cred *cred;

	rcu_read_lock();
	cred = __task_cred(task);
	*uid = __kuid_val(cred->uid);
	*suid = __kuid_val(cred->suid);
	rcu_read_unlock();
}
