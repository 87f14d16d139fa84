// SPDX-License-Identifier: GPL-2.0

//! Parsing of what user space writes into the control files.
//!
//! The rules follow the kernel's `kstrtoull()`/`kstrtoint()` with base 0,
//! as cgroup v1 uses them: surrounding white space is ignored, a `+` or
//! (for signed values) a `-` may lead, `0x` selects hexadecimal and a
//! leading `0` octal, and nothing else may follow the digits.

use kernel::prelude::*;

/// Longest name of a directory entry (`NAME_MAX`).
const NAME_MAX: usize = 255;

/// Checks a name given to `mkdir` or `rename`.
///
/// The VFS has already refused empty names, `/`, `.` and `..`, but kernfs
/// does not limit their length; a newline would make the one-path-per-line
/// output of `/proc/<pid>/container` and of the release agent ambiguous,
/// so it is refused, as cgroup v1 does.
pub(crate) fn check_name(name: &[u8]) -> Result {
    if name.is_empty() || name.contains(&b'\n') || name.contains(&b'/') {
        return Err(EINVAL);
    }
    if name.len() > NAME_MAX {
        return Err(ENAMETOOLONG);
    }
    Ok(())
}

/// White space as `isspace()` sees it.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Returns `buf` without leading and trailing white space.
pub(crate) fn strip(buf: &[u8]) -> &[u8] {
    let start = buf.iter().position(|&c| !is_space(c)).unwrap_or(buf.len());
    let end = buf
        .iter()
        .rposition(|&c| !is_space(c))
        .map_or(start, |i| i + 1);
    &buf[start..end]
}

/// Parses an unsigned number with automatic base, after an optional `+`.
///
/// Returns `EINVAL` for anything that is not exactly one number, and
/// `ERANGE` for a number that does not fit in 64 bits.
fn parse_unsigned(s: &[u8]) -> Result<u64> {
    let s = s.strip_prefix(b"+").unwrap_or(s);
    let (radix, digits) = match s {
        [b'0', b'x' | b'X', rest @ ..] if rest.first().is_some_and(u8::is_ascii_hexdigit) => {
            (16, rest)
        }
        [b'0', _, ..] => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() {
        return Err(EINVAL);
    }
    let mut value: u64 = 0;
    for &c in digits {
        let digit = match c {
            b'0'..=b'9' => u64::from(c - b'0'),
            b'a'..=b'f' => u64::from(c - b'a' + 10),
            b'A'..=b'F' => u64::from(c - b'A' + 10),
            _ => return Err(EINVAL),
        };
        if digit >= radix {
            return Err(EINVAL);
        }
        value = value
            .checked_mul(radix)
            .and_then(|v| v.checked_add(digit))
            .ok_or(ERANGE)?;
    }
    Ok(value)
}

/// Parses a `notify_on_release` write: an unsigned number, non-zero meaning
/// set. Every malformed or out-of-range input is `EINVAL`.
pub(crate) fn parse_flag(buf: &[u8]) -> Result<bool> {
    match parse_unsigned(strip(buf)) {
        Ok(value) => Ok(value != 0),
        Err(_) => Err(EINVAL),
    }
}

/// Parses a `tasks` write: exactly one non-negative `int` (a pid, or 0
/// for the writer itself). Every malformed, negative or out-of-range input
/// is `EINVAL`.
pub(crate) fn parse_pid(buf: &[u8]) -> Result<i32> {
    let s = strip(buf);
    // "-0" is zero to kstrtoint(), and so to cgroup v1; any other
    // negative number is not a pid.
    let (negative, digits) = match s.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if negative && digits.starts_with(b"+") {
        return Err(EINVAL);
    }
    let value = parse_unsigned(digits).map_err(|_| EINVAL)?;
    if negative && value != 0 {
        return Err(EINVAL);
    }
    i32::try_from(value).map_err(|_| EINVAL)
}

/// Parses a `max_depth` or `max_descendants` write: `max` (`None`), or a
/// number from 0 to `INT_MAX` written as for `tasks`.
pub(crate) fn parse_limit(buf: &[u8]) -> Result<Option<u32>> {
    if strip(buf) == b"max" {
        return Ok(None);
    }
    let s = strip(buf);
    if s.starts_with(b"-") {
        return Err(EINVAL);
    }
    let value = parse_pid(s)?;
    u32::try_from(value).map(Some).map_err(|_| EINVAL)
}

#[kunit_tests(container_input)]
mod tests {
    use super::*;

    #[test]
    fn strip_removes_surrounding_space_only() {
        assert_eq!(strip(b"  12 \n"), b"12");
        assert_eq!(strip(b"\t\x0b\x0c\r"), b"");
        assert_eq!(strip(b""), b"");
        assert_eq!(strip(b"1 2"), b"1 2");
    }

    #[test]
    fn flag_accepts_unsigned_numbers_in_any_base() {
        assert_eq!(parse_flag(b"0"), Ok(false));
        assert_eq!(parse_flag(b"1"), Ok(true));
        assert_eq!(parse_flag(b"2"), Ok(true));
        assert_eq!(parse_flag(b" 1\n"), Ok(true));
        assert_eq!(parse_flag(b"0x1"), Ok(true));
        assert_eq!(parse_flag(b"0x0"), Ok(false));
        assert_eq!(parse_flag(b"010"), Ok(true));
        assert_eq!(parse_flag(b"+1"), Ok(true));
        assert_eq!(parse_flag(b"18446744073709551615"), Ok(true));
    }

    #[test]
    fn flag_rejects_everything_else() {
        for bad in [
            &b""[..],
            b"\n",
            b"-1",
            b"ltp",
            b"0ddd",
            b"1ddd",
            b"08",
            b"0x",
            b"1 1",
            b"++1",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_flag(bad), Err(EINVAL));
        }
    }

    #[test]
    fn names_with_newline_or_slash_are_refused() {
        assert_eq!(check_name(b"Charlie"), Ok(()));
        assert_eq!(check_name(b"with space"), Ok(()));
        assert_eq!(check_name(b"a\nb"), Err(EINVAL));
        assert_eq!(check_name(b"\n"), Err(EINVAL));
        assert_eq!(check_name(b"a/b"), Err(EINVAL));
        assert_eq!(check_name(b""), Err(EINVAL));
        assert_eq!(check_name(&[b'x'; NAME_MAX]), Ok(()));
        assert_eq!(check_name(&[b'x'; NAME_MAX + 1]), Err(ENAMETOOLONG));
    }

    #[test]
    fn pid_accepts_one_non_negative_int() {
        assert_eq!(parse_pid(b"0"), Ok(0));
        assert_eq!(parse_pid(b"1\n"), Ok(1));
        assert_eq!(parse_pid(b"  4242  "), Ok(4242));
        assert_eq!(parse_pid(b"+7"), Ok(7));
        assert_eq!(parse_pid(b"-0"), Ok(0));
        assert_eq!(parse_pid(b"0x10"), Ok(16));
        assert_eq!(parse_pid(b"2147483647"), Ok(i32::MAX));
    }

    #[test]
    fn limit_is_max_or_a_non_negative_int() {
        assert_eq!(parse_limit(b"max"), Ok(None));
        assert_eq!(parse_limit(b" max\n"), Ok(None));
        assert_eq!(parse_limit(b"0"), Ok(Some(0)));
        assert_eq!(parse_limit(b"0x10\n"), Ok(Some(16)));
        assert_eq!(parse_limit(b"2147483647"), Ok(Some(i32::MAX as u32)));
        for bad in [
            &b""[..],
            b"Max",
            b"max max",
            b"-1",
            b"-0",
            b"2147483648",
            b"1 2",
        ] {
            assert_eq!(parse_limit(bad), Err(EINVAL));
        }
    }

    #[test]
    fn pid_rejects_malformed_negative_and_large_input() {
        for bad in [
            &b""[..],
            b" ",
            b"abc",
            b"-1",
            b"-+1",
            b"1 2",
            b"12abc",
            b"2147483648",
            b"99999999999999999999999",
        ] {
            assert_eq!(parse_pid(bad), Err(EINVAL));
        }
    }
}
