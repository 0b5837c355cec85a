#!/usr/bin/env bash
# CI's check of the container image: build it, run it as it runs for real (read-only root file system,
# a data volume, a non-root user, no SMTP server so the dev mailbox), and check that it answers
# /healthz, that its HEALTHCHECK passes, that the process is not root, that its root file system is
# read-only and that the database is on the volume.
#
# Where no Docker engine runs (CI's machines have the docker client but no daemon), it says so and checks
# the same build and run without Docker: the Dockerfile's own build script, a root file system laid out
# as the image's (the binary, /data owned by the image's user, /etc/passwd, CA certificates), mounted
# read-only in a mount namespace, and the final stage's USER, ENV, ENTRYPOINT and HEALTHCHECK read from
# the Dockerfile, run with chroot. That needs root (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "container check: $*" >&2; exit 1; }

# The final stage of the Dockerfile: what the image runs.
final=$(awk '/^FROM /{stage=""} {stage=stage $0 "\n"} END{printf "%s", stage}' Dockerfile)
instruction() { printf '%s' "$final" | sed -n "s/^$1 //p" | tail -1; }
# words of a JSON array of plain strings: ["/portal", "healthcheck"] -> /portal healthcheck
words() { local s=${1#[}; s=${s%]}; s=${s//\"/}; s=${s//,/ }; echo $s; }
user=$(instruction USER)
image_env=$(instruction ENV)
entrypoint=$(words "$(instruction ENTRYPOINT)")
healthcheck=$(words "$(printf '%s' "$final" | sed -n 's/^HEALTHCHECK .*CMD //p')")
volume=$(instruction VOLUME)
[ -n "$user" ] && [ -n "$entrypoint" ] && [ -n "$healthcheck" ] && [ -n "$volume" ] || fail "the Dockerfile's final stage lacks USER, ENTRYPOINT, HEALTHCHECK or VOLUME"
uid=${user%%:*}
gid=${user##*:}
[ "$uid" != 0 ] && [ "$uid" != root ] || fail "the image runs as root (USER $user)"
container_port=$(sed -n 's/.*PORTAL_ADDR=[^ ]*:\([0-9]*\).*/\1/p' <<<"$image_env")

port=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

# check_running PID: the process is not root, sees a read-only root file system and a writable volume.
check_running() {
	local pid=$1
	read -r _ ruid euid _ < <(grep '^Uid:' "/proc/$pid/status")
	[ "$ruid" = "$uid" ] && [ "$euid" = "$uid" ] || fail "the portal runs as uid $ruid/$euid, want $uid"
	local root_opts data_opts
	root_opts=$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | tail -1)
	data_opts=$(awk -v v="$volume" '$5 == v {print $6}' "/proc/$pid/mountinfo" | tail -1)
	[[ ",$root_opts," == *,ro,* ]] || fail "the root file system is not read-only ($root_opts)"
	[[ ",$data_opts," == *,rw,* ]] || fail "$volume is not a writable volume ($data_opts)"
	echo "running as uid $ruid, root file system $root_opts, $volume $data_opts"
}

wait_healthz() {
	for _ in $(seq 1 100); do
		if [ "$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null)" = ok ]; then return 0; fi
		sleep 0.2
	done
	fail "/healthz never answered ok"
}

if docker info >/dev/null 2>&1; then
	echo "Docker engine: building the image"
	docker build -t formportal:ci .
	vol=formportal-ci-$$
	docker volume create "$vol" >/dev/null
	cid=$(docker run -d --read-only --user "$user" -v "$vol:$volume" -p "127.0.0.1:$port:$container_port" -e PORTAL_DEV_MAILBOX=true formportal:ci)
	trap 'docker rm -f "$cid" >/dev/null; docker volume rm "$vol" >/dev/null' EXIT
	wait_healthz
	for _ in $(seq 1 60); do
		status=$(docker inspect -f '{{.State.Health.Status}}' "$cid")
		[ "$status" = healthy ] && break
		[ "$status" = unhealthy ] && fail "HEALTHCHECK says unhealthy"
		sleep 1
	done
	[ "$status" = healthy ] || fail "HEALTHCHECK never passed ($status)"
	check_running "$(docker inspect -f '{{.State.Pid}}' "$cid")"
	docker exec "$cid" $healthcheck || fail "the HEALTHCHECK command failed"
	docker stop -t 30 "$cid" >/dev/null
	[ "$(docker inspect -f '{{.State.ExitCode}}' "$cid")" = 0 ] || fail "the portal did not stop cleanly"
	echo "container check passed (Docker): healthy, non-root, read-only root file system"
	exit 0
fi

why=$(docker info 2>&1 | grep -m1 -i 'cannot connect\|error' || true)
echo "No Docker engine runs here (${why:-docker info failed}):"
echo "checking the same build and run without Docker (chroot on a read-only mount, the Dockerfile's USER, ENV, ENTRYPOINT, HEALTHCHECK)"
[ "$(id -u)" = 0 ] || fail "the check without Docker needs root, for its mount namespace and chroot"
work=$(mktemp -d)
root=$work/root
data=$work/volume
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$root" "$data"

# The build stage: the same script the Dockerfile runs.
binary=${entrypoint%% *}
packaging/build.sh "$root$binary"
go version -m "$root$binary" | grep -q 'CGO_ENABLED=0' || fail "the binary was built with cgo"
if readelf -lW "$root$binary" | grep -q 'Requesting program interpreter'; then fail "the binary is not static"; fi
[ -z "$(readelf -dW "$root$binary" 2>/dev/null | grep NEEDED || true)" ] || fail "the binary needs shared libraries"

# The runtime stage: distroless static's files, the COPYs of the Dockerfile.
mkdir -p "$root$volume" "$root/etc/ssl/certs" "$root/tmp"
chmod 1777 "$root/tmp"
echo "nonroot:x:$uid:$gid:nonroot:/home/nonroot:/sbin/nologin" >"$root/etc/passwd"
echo "nonroot:x:$gid:" >"$root/etc/group"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
chown "$uid:$gid" "$root$volume" "$data"

# run ARGS...: ARGS in the image's root, read-only, with the volume and the image's environment, as its
# user; the process keeps the shell's pid (every step execs the next).
run() {
	local env_args=() kv
	for kv in $image_env; do env_args+=("$kv"); done
	env_args+=("PORTAL_ADDR=:$port" "PORTAL_DEV_MAILBOX=true")
	local chroot
	chroot=$(command -v chroot)
	exec unshare --mount --propagation private sh -c '
		root=$1 data=$2 volume=$3 user=$4; shift 4
		mount --bind "$root" "$root" && mount -o remount,bind,ro "$root" && mount --bind "$data" "$root$volume" &&
		exec "$@"' sh "$root" "$data" "$volume" "$user" env -i "${env_args[@]}" "$chroot" --userspec="$user" "$root" "$@"
}

(run $entrypoint) &
pid=$!
wait_healthz
check_running "$pid"
(run $healthcheck) || fail "the HEALTHCHECK command failed"
[ "$(stat -c %u "$data/portal.db")" = "$uid" ] || fail "no database of the portal's user on the volume"
kill -TERM "$pid"
wait "$pid" || fail "the portal did not stop cleanly on SIGTERM"
pid=""
echo "container check passed (without Docker): static binary, healthy, non-root, read-only root file system, database on the volume"
