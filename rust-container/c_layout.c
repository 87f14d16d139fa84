// SPDX-License-Identifier: GPL-2.0
/*
 * The C compiler's layout of the C fields that the Rust core reads and
 * writes directly. bindgen lays the same structures out with clang and
 * the flags it is given, which need not be the compiler's: the Makefile
 * turns these figures into c_layout.rs and container_core.rs compares
 * them with bindgen's at build time, so that a mismatch fails the build
 * instead of reading another field at run time.
 *
 * Compiled to assembly only, like asm-offsets.c; nothing links it.
 */
#include <linux/kbuild.h>
#include <linux/kernfs.h>
#include <linux/stddef.h>

int main(void)
{
	OFFSET(KERNFS_OPEN_FILE_KN, kernfs_open_file, kn);
	OFFSET(KERNFS_OPEN_FILE_FILE, kernfs_open_file, file);
	OFFSET(KERNFS_OPEN_FILE_PRIV, kernfs_open_file, priv);
	DEFINE(KERNFS_OPEN_FILE_SIZE, sizeof(struct kernfs_open_file));
	OFFSET(KERNFS_NODE_ID, kernfs_node, id);
	OFFSET(KERNFS_NODE_PRIV, kernfs_node, priv);
	DEFINE(KERNFS_NODE_SIZE, sizeof(struct kernfs_node));
	return 0;
}
