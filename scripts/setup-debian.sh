#!/usr/bin/env bash
# Installs the Debian packages Park Atlas needs: the run-time libraries of the window (OpenGL,
# X11 input); with --ci also what the tests check files with and Xvfb for the smoke test. Works as root and as a user
# with sudo; runs `apt-get update` before installing; does nothing when all are there.
set -euo pipefail
packages=(libgl1-mesa-dri libegl1 libglx-mesa0 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1)
# --ci: what the tests and the smoke test use besides: Xvfb, a network namespace, GDAL
# (ogrinfo opens the GeoPackage exports), poppler (pdftotext reads the PDF briefs) and
# PostgreSQL 15 + PostGIS 3 (the team store's tests run against a throwaway server).
[[ ${1:-} == --ci ]] && packages+=(xvfb xauth iproute2 util-linux gdal-bin poppler-utils
  postgresql-15 postgresql-15-postgis-3 openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup-debian.sh: run it as root, or install sudo; missing packages: ${missing[*]}" >&2
  exit 1
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
