#!/usr/bin/env bash
# Install the named Debian packages that are missing (apt-get update only when
# something is), with sudo unless already root; as .ci/run does for Qt's.
#   bash packaging/ensure-debian-packages.sh binutils desktop-file-utils ...
set -euo pipefail
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "missing system packages:$missing (install them with your package manager)" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
