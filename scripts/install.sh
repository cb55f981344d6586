#!/usr/bin/env bash
# Install wosync into ./.venv with everything it needs, on a fresh Debian machine as root.
# For users wosync is a regular install (a copy in .venv, as pip installs any package): an
# editable one makes every start of Python in .venv load pip's import hook first (45 ms of a
# 57 ms `wosync status --line`). `--test` installs it editable, with what the tests need: the
# tests run the source tree, and `.venv/bin/wosync` must run the same code.
# Idempotent: a second run with nothing to do skips pip (a stamp in .venv holds a hash of the
# install mode, pyproject.toml and, for a regular install, every file of the package, so a
# changed source is installed again) and only checks, in a second or two.
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

# 1. Python 3.11 or newer with venv (not asked again once .venv has one: a second run stays quick).
PY=${PYTHON:-python3}
if ! .venv/bin/python -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  if ! command -v "$PY" >/dev/null 2>&1 || ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    apt_install python3 python3-venv python3-pip
    PY=python3
  fi
  if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then apt_install python3-venv; fi
fi

# 2. The package and its Python dependencies, in .venv.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
# What the install holds: the mode, pyproject.toml (dependencies, scripts) and, for a
# regular install (a copy), every file of the package and its command (bin/wosync); an editable install reads the tree.
install_hash() {
  {
    printf 'mode %s\n' "$1"
    sha256sum pyproject.toml
    if [ "$1" = regular ]; then
      find wosync bin -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    fi
  } | sha256sum | cut -d' ' -f1
}
stamp=.venv/.wosync-install
if [ $want_tests -eq 1 ]; then mode=editable; else mode=regular; fi
wanted=$(install_hash "$mode")
# -I: the installed package, not the source tree in the current folder.
installed() { [ -x .venv/bin/wosync ] && .venv/bin/python -I -c 'import wosync.cli' >/dev/null 2>&1; }
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && installed; then
  say "wosync is installed ($mode, up to date)"
else
  rm -f "$stamp" .venv/.wosync-browser
  if [ "$mode" = editable ]; then
    say "pip install -e .[test]"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  else
    # setuptools reuses build/ and would copy files since deleted from the tree into the wheel.
    rm -rf build
    say "pip install ."
    .venv/bin/python -m pip install -q --disable-pip-version-check .
    rm -rf build
  fi
  installed || { say "wosync does not import after pip install"; exit 1; }
  printf '%s\n' "$wanted" > "$stamp"
fi

# 3. A Chromium: Playwright's own download where it works, else Debian's package.
browser_ok() {
  .venv/bin/python - <<'PY' 2>/dev/null
from wosync.workfossa import find_browser
print(find_browser())
PY
}
# Asking Playwright where its Chromium is takes a second: the one found last time (kept in
# .venv, forgotten whenever pip ran) is checked by itself, unless WOSYNC_BROWSER is set.
browser_stamp=.venv/.wosync-browser
if [ -z "${WOSYNC_BROWSER:-}" ] && [ -f "$browser_stamp" ] && found=$(cat "$browser_stamp") && [ -x "$found" ]; then
  say "browser: $found"
elif found=$(browser_ok); then
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
[ -n "${WOSYNC_BROWSER:-}" ] || printf '%s\n' "$found" > "$browser_stamp"

# 4. For the tests: a real terminal (tmux) for `wosync watch`, systemd-analyze for the unit file,
#    a real calendar client (khal) that imports `wosync calendar`'s feed.
if [ $want_tests -eq 1 ]; then
  apt_install tmux systemd khal
fi
say "done"
