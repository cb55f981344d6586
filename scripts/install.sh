#!/usr/bin/env bash
# Install wosync into ./.venv with everything it needs, on a fresh Debian machine as root.
# Idempotent: a second run only checks. `--test` also installs what the test suite needs.
# Usage: bash scripts/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

say() { printf 'install: %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  # Install Debian packages that are missing; `apt-get update` at most once per run.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "please install with your package manager: ${missing[*]}"; return 1
  fi
  # Other apt work may hold the dpkg lock: wait for it rather than fail.
  if [ $apt_updated -eq 0 ]; then apt-get -o DPkg::Lock::Timeout=120 update -qq; apt_updated=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq "${missing[@]}" >/dev/null
}

# 1. Python 3.11 or newer with venv.
PY=${PYTHON:-python3}
if ! command -v "$PY" >/dev/null 2>&1 || ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  apt_install python3 python3-venv python3-pip
  PY=python3
fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then apt_install python3-venv; fi

# 2. The package and its Python dependencies, in .venv.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
extras=""
[ $want_tests -eq 1 ] && extras="[test]"
say "pip install -e .${extras}"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"

# 3. A Chromium: Playwright's own download where it works, else Debian's package.
browser_ok() {
  .venv/bin/python - <<'PY' 2>/dev/null
from wosync.workfossa import find_browser
print(find_browser())
PY
}
if found=$(browser_ok); then
  say "browser: $found"
else
  say "trying Playwright's own Chromium download"
  if ! timeout 300 .venv/bin/python -m playwright install chromium >/dev/null 2>&1; then
    say "the download is not reachable; installing Debian's chromium"
    apt_install chromium
  fi
  found=$(browser_ok) || { say "no Chromium could be installed; set WOSYNC_BROWSER to a Chromium executable"; exit 1; }
  say "browser: $found"
fi

# 4. For the tests: a real terminal (tmux) for `wosync watch`, systemd-analyze for the unit file,
#    a real calendar client (khal) that imports `wosync calendar`'s feed.
if [ $want_tests -eq 1 ]; then
  apt_install tmux systemd khal
fi
say "done"
