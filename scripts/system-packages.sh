#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing.
# Usage: scripts/system-packages.sh run|test
set -euo pipefail

run_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext)
# postgresql: only its server programs (/usr/lib/postgresql/<version>/bin) for scripts/with_postgres.py, which runs
# a throwaway server of its own for the tests; the Debian cluster and its service are not used.
test_packages=("${run_packages[@]}" redis-server chromium poppler-utils postgresql)

case "${1:-run}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Please install these system packages: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  # No "main" cluster is created (nor started) on install: the tests start their own server.
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/no-main-cluster.conf >/dev/null
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
