#!/bin/sh
# Builds the portal as one static binary, the way the container image does (Dockerfile): no cgo (the
# SQLite driver is pure Go), no paths of the build machine, the time zone database inside (a scratch or
# distroless image has none). Usage: packaging/build.sh OUTPUT
set -eu
out=${1:?usage: packaging/build.sh OUTPUT}
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -trimpath -buildvcs=false -tags timetzdata -ldflags "-s -w" -o "$out" ./cmd/portal
