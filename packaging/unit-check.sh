#!/usr/bin/env bash
# CI's check of the systemd unit: systemd-analyze verify finds no error and no warning (an unknown or
# misspelt setting is only a warning to systemd, so any output fails), and systemd-analyze security
# rates its exposure at most 2.0 (OK; 0 is the most locked down, 10 the least). verify needs ExecStart's
# binary to exist: it checks a copy of the unit whose ExecStart names a freshly built portal.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "unit check: systemd-analyze is missing (apt-get install systemd)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packaging/build.sh "$work/portal"
sed "s#^ExecStart=/usr/local/bin/portal#ExecStart=$work/portal#" packaging/portal.service >"$work/portal.service"
grep -q "^ExecStart=$work/portal" "$work/portal.service" || { echo "unit check: the unit's ExecStart is not /usr/local/bin/portal" >&2; exit 1; }
out=$(systemd-analyze verify "$work/portal.service" 2>&1) || { echo "$out" >&2; echo "unit check: systemd-analyze verify failed" >&2; exit 1; }
[ -z "$out" ] || { echo "$out" >&2; echo "unit check: systemd-analyze verify warns" >&2; exit 1; }
for setting in User=portal ProtectSystem=strict StateDirectory=portal NoNewPrivileges=yes; do
	grep -qx "$setting" packaging/portal.service || { echo "unit check: the unit lacks $setting" >&2; exit 1; }
done
# --threshold is on a scale of 100: 20 is the 2.0 systemd shows. A setting loosened fails here.
systemd-analyze security --offline=yes --threshold=20 "$work/portal.service" | tail -1
echo "unit check passed: systemd-analyze verify clean, hardening settings present"
