#!/usr/bin/env bash
# Installs the Debian packages Park Atlas needs: the run-time libraries of the window (OpenGL,
# X11 input); with --ci also Xvfb for the headless smoke test. Works as root and as a user
# with sudo; runs `apt-get update` before installing; does nothing when all are there.
set -euo pipefail
packages=(libgl1-mesa-dri libegl1 libglx-mesa0 libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1)
[[ ${1:-} == --ci ]] && packages+=(xvfb xauth iproute2 util-linux)
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
