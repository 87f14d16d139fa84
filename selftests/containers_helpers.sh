# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers of the container kselftests, sourced after
# ktap_helpers.sh. Errors are checked through the strerror text that
# busybox prints ("File exists" is EEXIST, and so on).

# run CMD...: runs CMD, keeps its standard error in ERR, returns its status.
run() {
	ERR=$("$@" 2>&1 >/dev/null)
}

# expect_fail TEXT CMD...: CMD fails and its error message holds TEXT.
expect_fail() {
	_want=$1
	shift
	if run "$@"; then
		ktap_print_msg "'$*' succeeded; expected a failure with '$_want'"
		return 1
	fi
	case $ERR in
	*"$_want"*) return 0 ;;
	esac
	ktap_print_msg "'$*' failed with '$ERR'; expected '$_want'"
	return 1
}

# expect_ok CMD...: CMD succeeds.
expect_ok() {
	if run "$@"; then
		return 0
	fi
	ktap_print_msg "'$*' failed: $ERR"
	return 1
}
