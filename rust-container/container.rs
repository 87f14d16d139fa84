// SPDX-License-Identifier: GPL-2.0

//! The container hierarchy: containers, their tree, and the directories
//! that represent them in the container filesystem.
//!
//! Locking, outermost first: a kernfs active reference (held by kernfs
//! around every callback), [`TREE`] or a container's `walker` mutex (never
//! both), a task's `alloc_lock` (task_lock), a container's [`Members`]
//! lock, and [`POPULATION`]. The two `Members` locks of an attach are
//! taken one after the other, never nested.
//!
//! Lifetime: a container is an [`Arc`]. Its parent's `children` hold one
//! reference while it is in the tree, every task in it holds one (through
//! `task_struct::container`), and so do its children (through `parent`)
//! and a queued release work item. The root is never freed, and its tasks
//! hold no reference: their pointer is NULL (see [`crate::membership`]). Freeing a
//! container may free its ancestors too; that happens in a loop, not by
//! recursion, so the depth of the tree does not matter.

use crate::{
    glue::{self, Node},
    input,
    kill::KillState,
};
use kernel::{
    bindings,
    prelude::*,
    sync::{
        atomic::{ordering::Relaxed, Atomic},
        new_mutex, new_spinlock, Arc, ArcBorrow, GlobalLockedBy, Mutex, MutexGuard, SetOnce,
        SpinLock, SpinLockGuard,
    },
    types::Opaque,
    workqueue::{impl_has_work, new_work, Work},
};

kernel::sync::global_lock! {
    // SAFETY: `init()` initializes it before the filesystem exists, the
    // only way anything can reach it.
    pub(crate) unsafe(uninit) static TREE: Mutex<TreeState> = TreeState::new();
}

kernel::sync::global_lock! {
    // SAFETY: `init()` initializes it before the filesystem exists, the
    // only way anything can reach it.
    //
    // Serializes `container_add_file()` and `container_remove_file()`,
    // a removal up to the end of its wait for the file's users. Taken
    // before [`TREE`].
    pub(crate) unsafe(uninit) static REGISTRATION: Mutex<()> = ();
}

kernel::sync::global_lock! {
    // SAFETY: `init()` initializes it before the filesystem exists, the
    // only way anything can reach it.
    //
    // Serializes the changes of `populated` (see [`crate::events`]),
    // which happen only when a container gains its first task or loses
    // its last one; taken inside a `Members` lock.
    pub(crate) unsafe(uninit) static POPULATION: SpinLock<()> = ();
}

/// State of the whole hierarchy, under [`TREE`].
pub(crate) struct TreeState {
    /// The release agent; empty when disabled.
    pub(crate) release_agent: KVec<u8>,
    /// Every registered control file, in registration order.
    files: KVec<FileRef>,
    /// Containers that rmdir took out of the tree and whose directories
    /// may still be waiting for their users: `container_remove_file()`
    /// must wait for those users too.
    removing: KVec<Arc<Container>>,
}

impl TreeState {
    const fn new() -> Self {
        Self {
            release_agent: KVec::new(),
            files: KVec::new(),
            removing: KVec::new(),
        }
    }
}

/// A registered control file.
#[derive(Clone, Copy)]
pub(crate) struct FileRef(*const bindings::container_file);

// SAFETY: A registered `container_file` is neither freed nor changed
// until `container_remove_file()` has returned (the contract of
// `container_add_file()`), so its address may move between threads.
unsafe impl Send for FileRef {}

impl FileRef {
    /// # Safety
    ///
    /// `cf` must stay valid and unchanged until it has been unregistered
    /// by [`remove_file()`], and its `name` be a NUL-terminated string
    /// that lives as long.
    pub(crate) unsafe fn new(cf: *const bindings::container_file) -> Self {
        Self(cf)
    }

    pub(crate) fn as_ptr(&self) -> *const bindings::container_file {
        self.0
    }

    fn get(&self) -> &bindings::container_file {
        // SAFETY: Valid while it is used, by the contract of `new()`.
        unsafe { &*self.0 }
    }

    /// The file's name. The caller has checked that it is not NULL.
    fn name(&self) -> &CStr {
        // SAFETY: A NUL-terminated string that lives as long as the
        // file, by the contract of `new()`.
        unsafe { CStr::from_char_ptr(self.get().name) }
    }

    fn placed_in(&self, container: &Container) -> bool {
        let flags = self.get().flags;
        if container.is_root() {
            flags & bindings::CONTAINER_FILE_NOT_ON_ROOT == 0
        } else {
            flags & bindings::CONTAINER_FILE_ONLY_ON_ROOT == 0
        }
    }
}

/// Proof that a container's `members` lock is held.
pub(crate) type MembersGuard<'a> = SpinLockGuard<'a, Members>;

/// Proof that a container's `walker` mutex is held.
pub(crate) type WalkerGuard<'a> = MutexGuard<'a, ()>;

/// A limit of `max_depth` or `max_descendants`; `u32::MAX` is "max".
pub(crate) const NO_LIMIT: u32 = u32::MAX;

/// The limits a container puts on its subtree, and what they count,
/// under [`TREE`].
pub(crate) struct Limits {
    /// How many levels below this container descendants may be.
    pub(crate) max_depth: u32,
    /// How many live descendants this container may have.
    pub(crate) max_descendants: u32,
    /// Live (not removed) descendants.
    pub(crate) descendants: u32,
}

/// Tasks accounting of a container, under its own spinlock. Unused in
/// the root, which counts and lists no task.
pub(crate) struct Members {
    /// Tasks whose `container` points here: linked ones plus children
    /// between `container_fork()` and `container_post_fork()`.
    pub(crate) count: usize,
    /// Those children: counted, not linked yet.
    pub(crate) forks_in_flight: usize,
    /// Kills of a subtree that holds this container.
    pub(crate) kill: KillState,
}

/// A process container.
///
/// # Invariants
///
/// Every `Container` lives inside an [`Arc`]: [`Container::new()`] is the
/// only way to make one.
#[pin_data(PinnedDrop)]
pub(crate) struct Container {
    /// Our directory; we hold a reference on it (dropped in `Drop`).
    kn: Node,
    /// Taken out only by `Drop`, which frees the ancestors in a loop.
    parent: Option<Arc<Container>>,
    /// Levels below the root: 0 for the root.
    depth: u32,
    pub(crate) limits: GlobalLockedBy<Limits, TREE>,
    /// The `notify_on_release` flag.
    pub(crate) notify_on_release: Atomic<bool>,
    /// Set under [`TREE`] by rmdir; a removed container takes no new task
    /// or child and its files answer `ENODEV`.
    removed: Atomic<bool>,
    #[pin]
    pub(crate) members: SpinLock<Members>,
    /// A copy of `members.count`, written under that lock, read without
    /// it by `stat`.
    pub(crate) nr_tasks: Atomic<usize>,
    /// 1 if the container has tasks of its own, plus 1 for each child
    /// whose subtree has tasks: the subtree is populated when non-zero.
    pub(crate) populated_below: GlobalLockedBy<u32, POPULATION>,
    /// How many times the subtree went from empty to populated or back,
    /// changed under [`POPULATION`]: odd while populated. One word, so
    /// that `events` reads `populated` and `emptied` together.
    pub(crate) transitions: Atomic<u64>,
    /// Descendants removed by rmdir and not freed yet.
    pub(crate) removed_below: Atomic<u32>,
    /// Head of the list of tasks linked through `task_struct::container_node`,
    /// protected by `members`.
    #[pin]
    task_list: Opaque<bindings::list_head>,
    /// Serializes the walks of the task list, which share `cursor`.
    #[pin]
    pub(crate) walker: Mutex<()>,
    /// The place of the current walk in `task_list`, protected by
    /// `members` and used only by the holder of `walker`.
    #[pin]
    cursor: Opaque<bindings::list_head>,
    /// Unordered, so that rmdir removes from it in constant time.
    children: GlobalLockedBy<KVec<Arc<Container>>, TREE>,
    /// Where this container is in its parent's `children`.
    sibling_index: GlobalLockedBy<usize, TREE>,
    #[pin]
    pub(crate) release_work: Work<Container>,
    /// Announces a change of `populated` (see [`crate::events`]).
    #[pin]
    pub(crate) events_work: Work<Container, 1>,
    /// Drops the tree's reference a grace period after rmdir (see
    /// [`drop_removed()`]); queued at most once.
    #[pin]
    free_work: Opaque<bindings::rcu_work>,
}

// SAFETY: The task list is only touched under `members`; everything else
// is `Send` itself.
unsafe impl Send for Container {}
// SAFETY: Every shared mutable field is atomic or under a lock; the task
// list is only touched under `members`.
unsafe impl Sync for Container {}

impl_has_work! {
    impl HasWork<Self> for Container { self.release_work }
    impl HasWork<Self, 1> for Container { self.events_work }
}

#[pinned_drop]
impl PinnedDrop for Container {
    fn drop(self: Pin<&mut Self>) {
        // SAFETY: We took this reference when the container was created,
        // and nothing uses the node through us any more.
        unsafe { self.kn.put() };
        self.uncount_removed();
        // SAFETY: `parent` is not structurally pinned; nothing is moved
        // out of a pinned field.
        let mut ancestor = unsafe { self.get_unchecked_mut() }.parent.take();
        // Each ancestor we hold the last reference on is freed here, with
        // its own parent taken out first, so that its drop does not
        // recurse: a deep chain of removed containers costs no stack.
        while let Some(container) = ancestor {
            ancestor = Arc::into_unique_or_drop(container).and_then(|mut last| {
                // While it still has its parent, which its own drop will
                // not.
                last.uncount_removed();
                // SAFETY: As above, for the ancestor's `parent`.
                unsafe { Pin::get_unchecked_mut(last.as_mut()) }
                    .parent
                    .take()
            });
        }
    }
}

static ROOT: SetOnce<Arc<Container>> = SetOnce::new();

/// The root container, once `init()` has created it.
pub(crate) fn root() -> Option<&'static Arc<Container>> {
    ROOT.as_ref()
}

impl Container {
    fn new(kn: Node, parent: Option<Arc<Container>>, notify_on_release: bool) -> Result<Arc<Self>> {
        // Dropped in `Drop`, or below on failure.
        kn.get();
        let depth = parent.as_ref().map_or(0, |p| p.depth + 1);
        let container = Arc::pin_init(
            pin_init!(Self {
                kn,
                parent,
                depth,
                limits: GlobalLockedBy::new(Limits {
                    max_depth: NO_LIMIT,
                    max_descendants: NO_LIMIT,
                    descendants: 0,
                }),
                notify_on_release: Atomic::new(notify_on_release),
                removed: Atomic::new(false),
                members <- new_spinlock!(
                    Members {
                        count: 0,
                        forks_in_flight: 0,
                        kill: KillState::new(),
                    },
                    "container_members"
                ),
                nr_tasks: Atomic::new(0),
                populated_below: GlobalLockedBy::new(0),
                transitions: Atomic::new(0),
                removed_below: Atomic::new(0),
                // SAFETY: `INIT_LIST_HEAD` initializes the list head in place.
                task_list <- Opaque::ffi_init(|slot| unsafe { bindings::INIT_LIST_HEAD(slot) }),
                walker <- new_mutex!((), "container_walker"),
                // SAFETY: As for `task_list`.
                cursor <- Opaque::ffi_init(|slot| unsafe { bindings::INIT_LIST_HEAD(slot) }),
                children: GlobalLockedBy::new(KVec::new()),
                sibling_index: GlobalLockedBy::new(0),
                release_work <- new_work!("Container::release_work"),
                events_work <- new_work!("Container::events_work"),
                // Initialized by the glue when it is queued.
                free_work: Opaque::uninit(),
            }),
            // Charged to the creator's memory cgroup, as its kernfs nodes
            // are not.
            GFP_KERNEL_ACCOUNT,
        );
        match container {
            // INVARIANT: The container is inside an `Arc`.
            Ok(container) => {
                // The tree keeps the container alive while the node is
                // active; nothing reads `priv` before activation.
                kn.set_private(Arc::as_ptr(&container).cast_mut().cast());
                Ok(container)
            }
            Err(e) => {
                // SAFETY: Gives back the reference taken above.
                unsafe { kn.put() };
                Err(e)
            }
        }
    }

    /// The container of a directory node.
    ///
    /// # Safety
    ///
    /// `kn` must be the directory of a container, and the caller must hold
    /// an active reference on it (as kernfs does around its callbacks) or
    /// otherwise keep the container alive for `'a`.
    pub(crate) unsafe fn from_kn<'a>(kn: Node) -> ArcBorrow<'a, Self> {
        // SAFETY: `priv` was set from an `Arc` that the tree keeps alive
        // while the node is active (the caller's guarantee).
        unsafe { ArcBorrow::from_raw(kn.private().cast::<Self>()) }
    }

    /// The container as the `Arc` it lives in.
    pub(crate) fn as_arc_borrow(&self) -> ArcBorrow<'_, Self> {
        // SAFETY: Every container is inside an `Arc` (type invariant),
        // which `self` keeps alive for the borrow.
        unsafe { ArcBorrow::from_raw(self) }
    }

    pub(crate) fn is_root(&self) -> bool {
        self.parent.is_none()
    }

    pub(crate) fn is_removed(&self) -> bool {
        self.removed.load(Relaxed)
    }

    /// The raw task list head; only to be used under `members`.
    pub(crate) fn task_list(&self) -> *mut bindings::list_head {
        self.task_list.get()
    }

    /// The raw walk cursor; only to be used under `members` and `walker`.
    pub(crate) fn cursor(&self) -> *mut bindings::list_head {
        self.cursor.get()
    }

    /// The container itself, then its ancestors up to the root.
    pub(crate) fn self_and_ancestors(&self) -> impl Iterator<Item = &Container> {
        core::iter::successors(Some(self), |c| c.parent.as_deref())
    }

    /// Its ancestors, from its parent up to the root.
    fn ancestors(&self) -> impl Iterator<Item = &Container> {
        self.self_and_ancestors().skip(1)
    }

    /// Takes a container that is being freed out of the
    /// `nr_removed_descendants` of its ancestors. Only a removed container
    /// was counted there (a failed mkdir frees one that never was), and
    /// only until its parent is taken out.
    fn uncount_removed(&self) {
        if self.is_removed() {
            for ancestor in self.ancestors() {
                ancestor.removed_below.fetch_sub(1, Relaxed);
            }
        }
    }

    /// Levels below the root: 0 for the root.
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    /// The control file `name` of this container, with a reference the
    /// caller gives back with [`Node::put()`].
    pub(crate) fn find_file(&self, name: &CStr) -> Option<Node> {
        self.kn.find_and_get(name)
    }

    /// Whether the container has neither tasks nor children, under [`TREE`].
    fn is_unused(&self, tree: &TreeGuard) -> bool {
        self.children.as_ref(tree).is_empty() && self.members.lock().count == 0
    }

    /// Whether the release agent should run for this container now.
    pub(crate) fn should_release(&self, tree: &TreeGuard) -> bool {
        releasable(&ReleaseState {
            is_root: self.is_root(),
            removed: self.is_removed(),
            notify_on_release: self.notify_on_release.load(Relaxed),
            tasks: self.members.lock().count,
            children: self.children.as_ref(tree).len(),
        })
    }

    /// Writes the path of the container from the root of the filesystem
    /// into `buf` (a [`glue::path_buffer()`]): `/` for the root, `/a/b`
    /// below it. Does not sleep. `ENAMETOOLONG` if it is longer than
    /// `PATH_MAX - 2` bytes.
    pub(crate) fn path(&self, buf: &mut KVec<u8>) -> Result {
        self.kn.path(buf)
    }

    /// Writes the path, as [`Container::path()`] does, and a NUL into
    /// `buf`; returns the length of the path.
    pub(crate) fn path_to_slice(&self, buf: &mut [u8]) -> Result<usize> {
        self.kn.path_to_slice(buf)
    }

    /// The container's id: its directory's, unique during this boot.
    pub(crate) fn id(&self) -> u64 {
        self.kn.id()
    }
}

pub(crate) type TreeGuard = kernel::sync::GlobalGuard<TREE>;

/// What decides whether a container is released.
struct ReleaseState {
    is_root: bool,
    removed: bool,
    notify_on_release: bool,
    tasks: usize,
    children: usize,
}

/// The release rule: a `notify_on_release` container that is still in
/// the tree and has neither tasks nor children. The root is never
/// released.
fn releasable(state: &ReleaseState) -> bool {
    !state.is_root
        && !state.removed
        && state.notify_on_release
        && state.tasks == 0
        && state.children == 0
}

/// Queues the release of `container`: the agent runs later, from a
/// workqueue, without any lock held here. A release already queued
/// absorbs this one.
pub(crate) fn queue_release(container: Arc<Container>) {
    let Some(queue) = glue::release_queue() else {
        return;
    };
    // An `Err` gives the reference back: the work is already pending.
    let _ = queue.enqueue::<Arc<Container>, 0>(container);
}

/// Creates the root container and the filesystem. Called once, at boot.
pub(crate) fn init() -> Result {
    // SAFETY: Called once, before anything can take the locks.
    unsafe {
        TREE.init();
        REGISTRATION.init();
        POPULATION.init();
    }
    TREE.lock()
        .release_agent
        .extend_from_slice(b"/sbin/container_release_agent", GFP_KERNEL)?;
    let kn = glue::create_root()?;
    let root = Container::new(kn, None, false)?;
    if !ROOT.populate(root) {
        return Err(EBUSY);
    }
    glue::add_builtin_files()?;
    glue::register_fs()?;
    kn.activate();
    Ok(())
}

/// Calls `f` for every container of the tree, depth first, without
/// recursion; stops at the first error.
fn for_each_container<'t>(
    root: &'t Container,
    tree: &'t TreeGuard,
    mut f: impl FnMut(&'t Container) -> Result,
) -> Result {
    let mut pending: KVec<&'t Container> = KVec::new();
    pending.push(root, GFP_KERNEL)?;
    while let Some(container) = pending.pop() {
        f(container)?;
        let children = container.children.as_ref(tree);
        pending.reserve(children.len(), GFP_KERNEL)?;
        for child in children.iter() {
            let _ = pending.push_within_capacity(child);
        }
    }
    Ok(())
}

/// `container` and every container below it, each with a reference,
/// collected under the tree lock without recursion.
pub(crate) fn subtree(
    container: ArcBorrow<'_, Container>,
    tree: &TreeGuard,
) -> Result<KVec<Arc<Container>>> {
    let mut all = KVec::new();
    all.push(Arc::from(container), GFP_KERNEL)?;
    let mut next = 0;
    while let Some(parent) = all.get(next).cloned() {
        let children = parent.children.as_ref(tree);
        all.reserve(children.len(), GFP_KERNEL)?;
        for child in children.iter() {
            let _ = all.push_within_capacity(child.clone());
        }
        next += 1;
    }
    Ok(all)
}

/// Registers `cf` and adds it to every container (`container_add_file()`).
pub(crate) fn add_file(cf: FileRef) -> Result {
    let root = root().ok_or(ENODEV)?;
    let desc = cf.get();
    if desc.name.is_null()
        || desc.max_write_len > bindings::PAGE_SIZE
        || u32::from(desc.mode) & !0o777 != 0
    {
        return Err(EINVAL);
    }
    let name = cf.name();
    input::check_name(name.to_bytes())?;
    let _registration = REGISTRATION.lock();
    let mut tree = TREE.lock();
    if tree.files.iter().any(|other| other.name() == name) {
        return Err(EEXIST);
    }
    tree.files.reserve(1, GFP_KERNEL)?;
    // On failure, take the file away again from where it was added, so
    // that it ends up nowhere.
    let mut added: KVec<Node> = KVec::new();
    let result = for_each_container(root, &tree, |container| {
        if cf.placed_in(container) {
            added.reserve(1, GFP_KERNEL)?;
            container.kn.create_file(cf)?;
            let _ = added.push_within_capacity(container.kn);
        }
        Ok(())
    });
    if let Err(e) = result {
        for dir in added.iter() {
            dir.remove_file(name);
        }
        return Err(e);
    }
    // One activation of the root reaches every new file.
    root.kn.activate();
    let _ = tree.files.push_within_capacity(cf);
    Ok(())
}

/// Unregisters `cf` and removes it from every container
/// (`container_remove_file()`). Returns once none of its callbacks runs
/// nor will run again.
pub(crate) fn remove_file(cf: *const bindings::container_file) -> Result {
    let root = root().ok_or(ENOENT)?;
    let _registration = REGISTRATION.lock();
    // The nodes of the file, each with a reference, collected under the
    // tree lock and drained without it: a callback of the file may wait
    // for something that needs the tree lock.
    let mut nodes: KVec<Node> = KVec::new();
    let collected = (|| -> Result {
        let mut tree = TREE.lock();
        let index = tree
            .files
            .iter()
            .position(|f| core::ptr::eq(f.as_ptr(), cf))
            .ok_or(ENOENT)?;
        let name = tree.files[index].name();
        let mut collect = |container: &Container| -> Result {
            nodes.reserve(1, GFP_KERNEL)?;
            if let Some(kn) = container.kn.find_and_get(name) {
                let _ = nodes.push_within_capacity(kn);
            }
            Ok(())
        };
        for container in tree.removing.iter() {
            collect(container)?;
        }
        for_each_container(root, &tree, collect)?;
        // From here on mkdir adds the file to no new container.
        let _ = tree.files.remove(index);
        Ok(())
    })();
    for kn in nodes.iter() {
        if collected.is_ok() {
            // SAFETY: Neither the tree lock nor an active reference is
            // held: the interface forbids calling this from a callback of
            // a control file. An rmdir may be removing the node too, which
            // kernfs allows; the reference keeps it live.
            unsafe { kn.remove_and_drain() };
        }
        // SAFETY: The reference taken by `find_and_get()`, not used after.
        unsafe { kn.put() };
    }
    collected
}

/// Checks that a container named `name` below `parent` has a path that
/// `/proc/<pid>/container` and the release agent can show whole.
fn check_path_fits(parent: &Container, name: &CStr) -> Result {
    // "/" + name after the parent's path, whose length counts the root's
    // as zero.
    if parent.kn.path_len() + 1 + name.to_bytes().len() >= glue::PATH_MAX - 1 {
        return Err(ENAMETOOLONG);
    }
    Ok(())
}

/// Checks the limits of `parent` and of its ancestors for a new child:
/// `EAGAIN` where one is reached, as cgroup v2 answers.
fn check_limits(parent: &Container, tree: &TreeGuard) -> Result {
    let depth = parent.depth + 1;
    for ancestor in parent.self_and_ancestors() {
        let limits = ancestor.limits.as_ref(tree);
        if depth - ancestor.depth > limits.max_depth || limits.descendants >= limits.max_descendants
        {
            return Err(EAGAIN);
        }
    }
    Ok(())
}

/// Counts a new (`added`) or removed descendant below `parent`, in it and
/// in each of its ancestors.
fn count_descendant(parent: &Container, tree: &mut TreeGuard, added: bool) {
    for ancestor in parent.self_and_ancestors() {
        let limits = ancestor.limits.as_mut(tree);
        limits.descendants = if added {
            limits.descendants.saturating_add(1)
        } else {
            limits.descendants.saturating_sub(1)
        };
    }
}

/// mkdir: creates `name` below `parent`, with the parent's
/// `notify_on_release` and every registered control file.
pub(crate) fn mkdir(parent: ArcBorrow<'_, Container>, name: &CStr, mode: u16) -> Result {
    input::check_name(name.to_bytes())?;
    let mut tree = TREE.lock();
    if parent.is_removed() {
        return Err(ENODEV);
    }
    check_path_fits(&parent, name)?;
    check_limits(&parent, &tree)?;
    parent
        .children
        .as_mut(&mut tree)
        .reserve(1, GFP_KERNEL_ACCOUNT)?;
    let kn = parent.kn.create_dir(name, mode)?;
    let child = match Container::new(
        kn,
        Some(parent.into()),
        parent.notify_on_release.load(Relaxed),
    ) {
        Ok(child) => child,
        Err(e) => {
            // SAFETY: Created just above and never activated.
            unsafe { kn.remove_inactive() };
            return Err(e);
        }
    };
    for cf in tree.files.iter() {
        if !cf.placed_in(&child) {
            continue;
        }
        if let Err(e) = kn.create_file(*cf) {
            // SAFETY: Never activated: nobody can be using it.
            unsafe { kn.remove_inactive() };
            return Err(e);
        }
    }
    let index = parent.children.as_ref(&tree).len();
    *child.sibling_index.as_mut(&mut tree) = index;
    let _ = parent
        .children
        .as_mut(&mut tree)
        .push_within_capacity(child);
    count_descendant(&parent, &mut tree, true);
    kn.activate();
    Ok(())
}

/// The tree's reference on a container that [`rmdir()`] took out of the
/// tree. Only a successful rmdir makes one, and it does so once per
/// container.
pub(crate) struct Removed(Arc<Container>);

/// rmdir, first step: takes an unused container out of the tree and
/// removes its directory. Returns the tree's reference, which the caller
/// hands to [`drop_removed()`] once it no longer uses the container.
///
/// # Safety
///
/// Called from the rmdir callback of `kn`, a container directory.
pub(crate) unsafe fn rmdir(kn: Node) -> Result<Removed> {
    // SAFETY: kernfs holds `kn` active during its rmdir callback.
    let container = unsafe { Container::from_kn(kn) };
    let (tree_ref, parent_to_release) = {
        let mut tree = TREE.lock();
        let parent = container.parent.as_ref().ok_or(EBUSY)?;
        if container.is_removed() {
            return Err(ENODEV);
        }
        if !container.is_unused(&tree) {
            return Err(EBUSY);
        }
        tree.removing.reserve(1, GFP_KERNEL)?;
        let index = *container.sibling_index.as_ref(&tree);
        let siblings = parent.children.as_mut(&mut tree);
        if !siblings
            .get(index)
            .is_some_and(|c| core::ptr::eq(&**c, &*container))
        {
            return Err(ENOENT);
        }
        // The last sibling fills the hole.
        let last = siblings.len() - 1;
        siblings.swap(index, last);
        let tree_ref = siblings.pop().ok_or(ENOENT)?;
        if let Some(moved) = siblings.get(index).cloned() {
            *moved.sibling_index.as_mut(&mut tree) = index;
        }
        container.removed.store(true, Relaxed);
        let _ = tree.removing.push_within_capacity(tree_ref.clone());
        count_descendant(parent, &mut tree, false);
        // Taken back when it is freed, in `Drop`.
        for ancestor in container.ancestors() {
            ancestor.removed_below.add(1, Relaxed);
        }
        let release = parent.should_release(&tree).then(|| parent.clone());
        (tree_ref, release)
    };
    // SAFETY: The caller's guarantee: this is our own rmdir callback.
    unsafe { kn.remove_self() };
    {
        let mut tree = TREE.lock();
        let removing = &mut tree.removing;
        if let Some(index) = removing
            .iter()
            .position(|c| core::ptr::eq(&**c, &*container))
        {
            // Not the last reference: the caller holds the tree's.
            let _ = removing.remove(index);
        }
    }
    if let Some(parent) = parent_to_release {
        queue_release(parent);
    }
    Ok(Removed(tree_ref))
}

/// rmdir, last step: drops the tree's reference on a removed container
/// once a grace period has passed, without waiting for it.
///
/// Readers of a task's container pointer work under RCU only; every task
/// moved its pointer away before the container's count could reach zero,
/// the condition of rmdir, so after a grace period nothing can see the
/// container through a task any more. The drop runs from a work item,
/// not from an RCU callback, because putting the kernfs node must not
/// happen in softirq context.
pub(crate) fn drop_removed(removed: Removed) {
    let work = removed.0.free_work.get();
    // Handed over to `free_after_grace_period()`, which takes it back.
    let _ = Arc::into_raw(removed.0);
    // SAFETY: `work` belongs to a container that the reference leaked
    // above keeps alive until the work has run. A `Removed` exists once
    // per container, so the work is queued at most once.
    unsafe { bindings::container_glue_queue_rcu_free(work) };
}

/// Completes [`drop_removed()`] after the grace period.
///
/// # Safety
///
/// `work` is the `free_work` of a container queued by [`drop_removed()`],
/// and this is its only run.
pub(crate) unsafe fn free_after_grace_period(work: *mut bindings::rcu_work) {
    // SAFETY: By the caller's guarantee, `work` is the `free_work` field
    // of a `Container` inside an `Arc`.
    let container = unsafe { kernel::container_of!(Opaque::cast_from(work), Container, free_work) };
    // SAFETY: The reference that `drop_removed()` leaked; taken back once.
    drop(unsafe { Arc::from_raw(container) });
}

/// rename: renames a container directory within its parent.
///
/// # Safety
///
/// Called from the rename callback, with both nodes held active.
pub(crate) unsafe fn rename(kn: Node, new_parent: Node, new_name: &CStr) -> Result {
    input::check_name(new_name.to_bytes())?;
    if !kn.is_dir() {
        return Err(ENOTDIR);
    }
    if kn.parent() != new_parent {
        return Err(EIO);
    }
    // SAFETY: `kn` is a container directory, held active by kernfs.
    let container = unsafe { Container::from_kn(kn) };
    let tree = TREE.lock();
    if container.is_removed() {
        return Err(ENODEV);
    }
    if let Some(parent) = &container.parent {
        // Every path below grows with the name: the longest must still
        // fit.
        let below = longest_path_below(&container, &tree)?;
        let longest = parent.kn.path_len() + 1 + new_name.to_bytes().len() + below;
        if longest >= glue::PATH_MAX - 1 {
            return Err(ENAMETOOLONG);
        }
    }
    kn.rename(new_parent, new_name)
}

/// The length of the longest path from `container` down to one of its
/// descendants ("/b/c" below "/a" is 4), found without recursion: the
/// walk costs in proportion to the descendants.
fn longest_path_below(container: &Container, tree: &TreeGuard) -> Result<usize> {
    let mut longest = 0;
    let mut pending: KVec<(&Container, usize)> = KVec::new();
    pending.push((container, 0), GFP_KERNEL)?;
    while let Some((next, len)) = pending.pop() {
        longest = longest.max(len);
        let children = next.children.as_ref(tree);
        pending.reserve(children.len(), GFP_KERNEL)?;
        for child in children.iter() {
            let _ = pending.push_within_capacity((child, len + 1 + child.kn.name_len()));
        }
    }
    Ok(longest)
}

#[kunit_tests(container_release_rule)]
mod tests {
    use super::*;

    const EMPTY: ReleaseState = ReleaseState {
        is_root: false,
        removed: false,
        notify_on_release: true,
        tasks: 0,
        children: 0,
    };

    #[test]
    fn empty_notifying_container_is_released() {
        assert!(releasable(&EMPTY));
    }

    #[test]
    fn tasks_or_children_keep_it() {
        assert!(!releasable(&ReleaseState { tasks: 1, ..EMPTY }));
        assert!(!releasable(&ReleaseState {
            children: 1,
            ..EMPTY
        }));
        assert!(!releasable(&ReleaseState {
            tasks: 3,
            children: 2,
            ..EMPTY
        }));
    }

    #[test]
    fn flag_removal_and_root_prevent_it() {
        assert!(!releasable(&ReleaseState {
            notify_on_release: false,
            ..EMPTY
        }));
        assert!(!releasable(&ReleaseState {
            removed: true,
            ..EMPTY
        }));
        assert!(!releasable(&ReleaseState {
            is_root: true,
            ..EMPTY
        }));
    }
}
