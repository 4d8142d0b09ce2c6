# Sourced by scripts/start and scripts/test: make .venv and install the kit into it.
# Usage: source scripts/setup-env.sh EXTRA   (EXTRA is "course" or "test")
# pip runs only when something is missing or pyproject.toml changed (scripts/venv_stamp.py keeps
# a stamp in the venv), so once installed the kit starts with no network, and says nothing.
# When it does install, it says so step by step, and pip prints a line per package it collects,
# downloads and installs (its "already satisfied" lines left out): the first install takes
# minutes on a slow network, and should never look stuck.
# KIT_WHEELHOUSE=DIR installs from a wheelhouse made by scripts/wheelhouse, with no index at all.
set -euo pipefail
KIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KIT_VENV:-$KIT_ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-env: making the virtual environment $VENV (once)" >&2
  python3 -m venv "$VENV"
fi
pip_lines() {  # pip's output, indented, on stderr; a line as it comes (pip flushes each one)
  sed -e '/^Requirement already satisfied/d' -e 's/^/    /' >&2
}
kit_install() {
  local from=() pip=("$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off)
  if [ -n "${KIT_WHEELHOUSE:-}" ]; then
    from=(--no-index --find-links "$KIT_WHEELHOUSE")
  else
    echo "setup-env: step 1 of 2: updating pip" >&2
    "${pip[@]}" --quiet --upgrade pip || return
  fi
  echo "setup-env: step 2 of 2: installing the kit and its '$1' packages" \
    "(the first time, a few minutes: a line per package)" >&2
  # ${from[@]+...}: an empty array is "unbound" to macOS's bash 3.2 under `set -u`
  PYTHONUNBUFFERED=1 "${pip[@]}" ${from[@]+"${from[@]}"} -e "$KIT_ROOT[$1]" | pip_lines || return
  "$VENV/bin/python" "$KIT_ROOT/scripts/venv_stamp.py" write "$KIT_ROOT" "$1"
  echo "setup-env: installed; the next start needs no network" >&2
}
# Explicit returns: `set -e` does not apply when this file is sourced inside `cmd && ...`.
if ! "$VENV/bin/python" "$KIT_ROOT/scripts/venv_stamp.py" check "$KIT_ROOT" "$1"; then
  kit_install "$1" || { echo "setup-env: the install failed (see above)" >&2; return 1; }
fi
export PATH="$VENV/bin:$PATH"
