/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process containers: the C side of the Rust core.
 *
 * The core is Rust (container_core.rs and its modules). This header
 * declares, for bindgen, the little it needs from C: static kernfs and
 * filesystem tables, and wrappers around inline functions and macros
 * that have no Rust binding. It is private to kernel/container/.
 */
#ifndef _KERNEL_CONTAINER_GLUE_H
#define _KERNEL_CONTAINER_GLUE_H

#include <linux/process_container.h>
#include <linux/kernfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/umh.h>
#include <linux/workqueue.h>

/* Release agents that may run at once. */
#define CONTAINER_RELEASE_AGENTS_MAX	4

/* Implemented in Rust, called through the kernfs tables of the glue. */
int container_kf_mkdir(struct kernfs_node *parent, const char *name,
		       umode_t mode);
int container_kf_rmdir(struct kernfs_node *kn);
int container_kf_rename(struct kernfs_node *kn, struct kernfs_node *new_parent,
			const char *new_name);
int container_kf_seq_show(struct seq_file *sf, void *v);
ssize_t container_kf_write(struct kernfs_open_file *of, char *buf,
			   size_t nbytes, loff_t off);
void container_free_rcu_work(struct rcu_work *rwork);

/* The interface of <linux/process_container.h>, wrapped by the glue. */
int container_core_add_file(const struct container_file *cf);
int container_core_remove_file(const struct container_file *cf);
u64 container_core_id(const struct container *cont);
ssize_t container_core_path(const struct container *cont, char *buf,
			    size_t buflen);

/* The built-in control files, implemented in Rust. */
void *container_tasks_seq_start(struct seq_file *sf, loff_t *pos);
void *container_tasks_seq_next(struct seq_file *sf, void *v, loff_t *pos);
void container_tasks_seq_stop(struct seq_file *sf, void *v);
int container_tasks_seq_show(struct seq_file *sf, void *v);
void container_tasks_release(struct kernfs_open_file *of);
int container_tasks_write(struct container *cont, struct file *file,
			  char *buf, size_t nbytes);
int container_notify_show(struct container *cont, struct seq_file *sf);
int container_notify_write(struct container *cont, struct file *file,
			   char *buf, size_t nbytes);
int container_max_depth_show(struct container *cont, struct seq_file *sf);
int container_max_depth_write(struct container *cont, struct file *file,
			      char *buf, size_t nbytes);
int container_max_descendants_show(struct container *cont,
				   struct seq_file *sf);
int container_max_descendants_write(struct container *cont, struct file *file,
				    char *buf, size_t nbytes);
int container_agent_show(struct container *cont, struct seq_file *sf);
int container_agent_write(struct container *cont, struct file *file,
			  char *buf, size_t nbytes);
int container_events_show(struct container *cont, struct seq_file *sf);
int container_stat_show(struct container *cont, struct seq_file *sf);
int container_kill_write(struct container *cont, struct file *file,
			 char *buf, size_t nbytes);

/* Implemented in C, called from Rust. */
struct kernfs_node *container_glue_create_root(void);
int container_glue_register_fs(void);
struct workqueue_struct *container_glue_release_wq(void);
int container_glue_add_builtin_files(void);
struct kernfs_node *container_glue_create_dir(struct kernfs_node *parent,
					      const char *name, umode_t mode);
int container_glue_create_file(struct kernfs_node *dir,
			       const struct container_file *cf);
bool container_glue_is_dir(struct kernfs_node *kn);
struct kernfs_node *container_glue_parent(struct kernfs_node *kn);
size_t container_glue_path_len(struct kernfs_node *kn);
size_t container_glue_name_len(struct kernfs_node *kn);
struct kernfs_open_file *container_glue_seq_to_of(struct seq_file *sf);
bool container_glue_may_set_release_agent(struct file *file);
void container_glue_queue_rcu_free(struct rcu_work *rwork);

void container_glue_child_init(struct task_struct *child,
			       struct container *cont);
struct container *container_glue_child_container(struct task_struct *child);
struct container *container_glue_task_container(struct task_struct *task);
void container_glue_task_set_container(struct task_struct *task,
				       struct container *cont);
bool container_glue_task_listed(struct task_struct *task);
void container_glue_task_link(struct task_struct *task, struct list_head *list);
void container_glue_task_unlink(struct task_struct *task);
unsigned int container_glue_task_flags(struct task_struct *task);
void container_glue_cursor_start(struct list_head *list,
				 struct list_head *cursor);
struct task_struct *container_glue_cursor_next(struct list_head *list,
					       struct list_head *cursor);
int container_glue_next_pid(struct pid_namespace *ns, int nr, bool *in_root);
void container_glue_file_changed(struct kernfs_node *kn);
void container_glue_send_sigkill(struct task_struct *task);
uid_t container_glue_opener_euid(struct file *file);
void container_glue_task_uids(struct task_struct *task, uid_t *uid,
			      uid_t *suid);

#endif /* _KERNEL_CONTAINER_GLUE_H */
