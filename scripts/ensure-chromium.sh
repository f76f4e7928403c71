#!/usr/bin/env bash
# Makes sure headless Chromium is available (the report test opens report.html in it).
# Idempotent: does nothing when `chromium` is already on PATH; otherwise installs the Debian
# package `chromium` with apt-get, through sudo when not running as root.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: chromium is not on PATH and apt-get is missing; install Chromium by hand" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: chromium is not on PATH and neither root nor sudo is available; install it with: apt-get install chromium" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
${as_root[@]+"${as_root[@]}"} apt-get update -qq
${as_root[@]+"${as_root[@]}"} apt-get install -y -qq --no-install-recommends chromium >/dev/null

if ! command -v chromium >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get installed chromium but it is not on PATH" >&2
  exit 1
fi
