#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure and build one kernel variant out of tree:
#   ci/build-kernel.sh VARIANT [--config-only|--menuconfig]
# The config is the variant's base (tinyconfig, plus
# kconfig-fragments/64bit.config on x86_64; or x86_64_defconfig) and then
# the variant's fragments (see variant_fragments in lib.sh). It is generated in a scratch
# directory and copied into the build directory only when it changed, so
# an unchanged setup rebuilds nothing.
source "$(dirname "$0")/lib.sh"

variant=${1:?usage: build-kernel.sh VARIANT [--config-only|--menuconfig]}
O=$(variant_dir "$variant")
S=$O.config-scratch
FRAG=$TOP/kconfig-fragments
frags_line=$(variant_fragments "$variant") || exit 1
read -r -a frags <<<"$frags_line"
base=$(variant_base "$variant")
arch=$(variant_arch "$variant")
image=$(variant_image "$variant")
variant_make "$variant"

need_disk_mib "$BUILD_ROOT" 1500
mkdir -p "$O" "$S"

merge() {
	(cd "$S" && "$KSRC/scripts/kconfig/merge_config.sh" -m -O "$S" "$S/.config" "$@") \
		>>"$S/config.log" 2>&1 || die "merge_config.sh failed; see $S/config.log"
	run_logged "$S/olddefconfig.log" "${KMAKE[@]}" O="$S" olddefconfig ||
		die "make olddefconfig failed"
}

: >"$S/config.log"
run_logged "$S/base.log" "${KMAKE[@]}" O="$S" "$base" || die "make $base failed"
if [ "$base" = tinyconfig ] && [ "$arch" = x86_64 ]; then
	merge "$FRAG/64bit.config"
fi
merge "${frags[@]/#/$FRAG/}"
run_logged "$S/olddefconfig.log" "${KMAKE[@]}" O="$S" olddefconfig || die "make olddefconfig failed"

# Every line of the fragments must have made it into the config: a typo
# or an unmet dependency would otherwise silently give another kernel.
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		sym=$(echo "$want" | sed -E 's/^# (CONFIG_[A-Za-z0-9_]+).*/\1/; s/^(CONFIG_[A-Za-z0-9_]+)=.*/\1/')
		got=$(grep -E "^($sym=|# $sym is not set)" "$S/.config" || true)
		if [ "$got" != "$want" ]; then
			# "not set" is also satisfied by an option that does not exist,
			# and so is anything when bisect-check builds a prefix of the
			# series that predates the option (PC_CONFIG_LENIENT=1).
			if [ -z "$got" ] && { [ "${want#\# }" != "$want" ] ||
				[ "${PC_CONFIG_LENIENT:-0}" = 1 ]; }; then
				continue
			fi
			die "kconfig-fragments/$f asks for '$want' but the config has '${got:-nothing}' (missing dependency?)"
		fi
	done <"$FRAG/$f"
done

if ! cmp -s "$S/.config" "$O/.config"; then
	log "kernel-$variant: config changed"
	cp "$S/.config" "$O/.config"
fi

case ${2:-} in
--config-only) exit 0 ;;
# To explore options; lasting changes belong in kconfig-fragments/, from
# which the next build regenerates the config.
--menuconfig) exec "${KMAKE[@]}" O="$O" menuconfig ;;
esac

targets=("$(basename "$image")")
grep -q '^CONFIG_MODULES=y' "$O/.config" && targets+=(modules)
log "building kernel-$variant: ${targets[*]} (log: $O/build.log)"
run_logged "$O/build.log" "${KMAKE[@]}" O="$O" olddefconfig "${targets[@]}" ||
	die "building kernel-$variant failed (full log: $O/build.log)"
log "kernel-$variant: $O/$image"

# The modules go to the guest as a second cpio archive, which qemu/run
# appends to the initramfs: /lib/modules/<release>/ as modules_install
# lays it out. Rebuilt only when a module changed.
if grep -q '^CONFIG_MODULES=y' "$O/.config"; then
	mods=$O/modules.cpio.gz
	if [ ! -f "$mods" ] || [ -n "$(find "$O" -name '*.ko' -newer "$mods" -print -quit)" ]; then
		rm -rf "$O/modules-root"
		run_logged "$O/modules_install.log" "${KMAKE[@]}" O="$O" \
			INSTALL_MOD_PATH="$O/modules-root" INSTALL_MOD_STRIP=1 modules_install ||
			die "make modules_install failed (log: $O/modules_install.log)"
		mkdir -p "$O/modules-root/lib/modules"
		(cd "$O/modules-root" && find lib | cpio -o -H newc --quiet) | gzip -1 >"$mods.tmp"
		mv "$mods.tmp" "$mods"
		log "kernel-$variant: $(find "$O/modules-root" -name '*.ko' | wc -l) modules in $mods"
	fi
fi
