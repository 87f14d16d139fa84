// SPDX-License-Identifier: GPL-2.0

//! Container names and paths.

use kernel::prelude::*;

/// Checks a name given to `mkdir` or `rename`.
///
/// The VFS has already refused empty names, `/`, `.` and `..`; a newline
/// would make the one-path-per-line output of `/proc/<pid>/container` and
/// of the release agent ambiguous, so it is refused here.
pub(crate) fn check_name(name: &[u8]) -> Result {
    if name.is_empty() || name.contains(&b'\n') || name.contains(&b'/') {
        return Err(EINVAL);
    }
    Ok(())
}

/// Builds the path of a container from the names of the containers from
/// the root (excluded) down to it: `/` for the root, `/a/b` otherwise.
pub(crate) fn build_path<'a>(names_from_root: impl Iterator<Item = &'a [u8]>) -> Result<KVec<u8>> {
    let mut path = KVec::new();
    for name in names_from_root {
        path.push(b'/', GFP_KERNEL)?;
        path.extend_from_slice(name, GFP_KERNEL)?;
    }
    if path.is_empty() {
        path.push(b'/', GFP_KERNEL)?;
    }
    Ok(path)
}

#[kunit_tests(container_path)]
mod tests {
    use super::*;

    #[test]
    fn root_path_is_slash() -> Result {
        assert_eq!(&build_path(core::iter::empty())?[..], b"/");
        Ok(())
    }

    #[test]
    fn nested_path_joins_names() -> Result {
        let names: [&[u8]; 3] = [b"a", b"bb", b"c c"];
        assert_eq!(&build_path(names.iter().copied())?[..], b"/a/bb/c c");
        Ok(())
    }

    #[test]
    fn names_with_newline_or_slash_are_refused() {
        assert_eq!(check_name(b"Charlie"), Ok(()));
        assert_eq!(check_name(b"with space"), Ok(()));
        assert_eq!(check_name(b"a\nb"), Err(EINVAL));
        assert_eq!(check_name(b"\n"), Err(EINVAL));
        assert_eq!(check_name(b"a/b"), Err(EINVAL));
        assert_eq!(check_name(b""), Err(EINVAL));
    }
}
