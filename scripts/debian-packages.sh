#!/bin/sh
# Installs the named Debian packages that are missing (apt-get, as root); quiet and quick when
# every one is already there. Usage: sh scripts/debian-packages.sh <purpose> <package>...
set -eu
purpose=$1
shift

# Installed means dpkg's status "install ok installed": `dpkg -s` also succeeds for a package
# removed with its configuration kept.
is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}
missing=""
for pkg in "$@"; do
  is_installed "$pkg" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

echo "$purpose: installing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "$purpose: need root to apt-get install$missing (run this as root, or install them first)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an install from stale lists can 404.
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
