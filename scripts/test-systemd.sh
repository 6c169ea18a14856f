#!/usr/bin/env bash
# test-systemd.sh: deploy/edgecam.service and deploy/edgecam@.service pass
# `systemd-analyze verify` with no message at all (it only warns, exit 0, on
# a misspelt key or a bad value, so any output fails the test) and keep
# their `systemd-analyze security` exposure at or under 3.0. Both run offline
# against a scratch root holding the units, the distribution's own units and
# a stand-in /usr/local/bin/edgecam (verify checks that ExecStart exists).
# Skips, saying so, where systemd-analyze is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null; then
	echo "test-systemd: SKIP: systemd-analyze not found (Debian package systemd)"
	exit 0
fi
units=/usr/lib/systemd/system
[[ -d $units ]] || units=/lib/systemd/system
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/usr/local/bin" "$tmp/etc/systemd/system" "$tmp/usr/lib/systemd"
cp -a "$units" "$tmp/usr/lib/systemd/system"
printf '#!/bin/sh\nexit 0\n' >"$tmp/usr/local/bin/edgecam"
chmod 755 "$tmp/usr/local/bin/edgecam"
cp deploy/edgecam.service deploy/edgecam@.service "$tmp/etc/systemd/system/"

fail=0
# The template is checked as an instance, as systemd would start it.
for unit in edgecam.service edgecam@front.service; do
	out=$(systemd-analyze verify --man=no --generators=no --root="$tmp" "$unit" 2>&1) || fail=1
	if [[ -n $out ]]; then
		echo "test-systemd: verify $unit:"
		echo "$out"
		fail=1
	fi
	if ! sec=$(systemd-analyze security --offline=yes --root="$tmp" --threshold=30 "$unit" 2>&1); then
		echo "$sec" | grep -F '✗' || true
		echo "test-systemd: $unit exposure above 3.0"
		fail=1
	fi
	echo "test-systemd: $unit: $(echo "$sec" | grep -o 'Overall exposure level.*')"
done
# What the units must say (issue 15), checked by name so that a later edit
# cannot drop one silently.
for want in 'User=edgecam' 'SupplementaryGroups=video gpio' 'ProtectSystem=strict' 'Restart=on-failure' 'NoNewPrivileges=yes'; do
	for f in deploy/edgecam.service deploy/edgecam@.service; do
		grep -qx "$want" "$f" || { echo "test-systemd: $f lacks $want"; fail=1; }
	done
done
grep -qx 'ReadWritePaths=/var/lib/edgecam/snapshots' deploy/edgecam.service || { echo "test-systemd: edgecam.service: ReadWritePaths is not the snapshot directory"; fail=1; }
grep -qx 'ReadWritePaths=/var/lib/edgecam/%i/snapshots' deploy/edgecam@.service || { echo "test-systemd: edgecam@.service: ReadWritePaths is not the instance's snapshot directory"; fail=1; }
grep -qx 'EnvironmentFile=/etc/edgecam/%i.env' deploy/edgecam@.service || { echo "test-systemd: edgecam@.service: no per-instance env file"; fail=1; }
if grep -Eq '^(PrivateDevices=yes|DevicePolicy=(closed|strict)|ProtectClock=yes)' deploy/edgecam.service deploy/edgecam@.service; then
	echo "test-systemd: a unit cuts off /dev/video* or /dev/gpiochip*"
	fail=1
fi
[[ $fail == 0 ]] || exit 1
echo "test-systemd: ok"
