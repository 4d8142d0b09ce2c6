# Sourced by scripts/start and scripts/test: make .venv and install the kit into it.
# Usage: source scripts/setup-env.sh EXTRA   (EXTRA is "course" or "test")
# pip runs only when something is missing or pyproject.toml changed (scripts/venv_stamp.py keeps
# a stamp in the venv), so once installed the kit starts with no network.
# KIT_WHEELHOUSE=DIR installs from a wheelhouse made by scripts/wheelhouse, with no index at all.
set -euo pipefail
KIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KIT_VENV:-$KIT_ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
kit_install() {
  local from=()
  if [ -n "${KIT_WHEELHOUSE:-}" ]; then
    from=(--no-index --find-links "$KIT_WHEELHOUSE")
  else
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip || return
  fi
  # ${from[@]+...}: an empty array is "unbound" to macOS's bash 3.2 under `set -u`
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check ${from[@]+"${from[@]}"} \
    -e "$KIT_ROOT[$1]" || return
  "$VENV/bin/python" "$KIT_ROOT/scripts/venv_stamp.py" write "$KIT_ROOT" "$1"
}
# Explicit returns: `set -e` does not apply when this file is sourced inside `cmd && ...`.
if ! "$VENV/bin/python" "$KIT_ROOT/scripts/venv_stamp.py" check "$KIT_ROOT" "$1"; then
  kit_install "$1" || { echo "setup-env: the install failed (see above)" >&2; return 1; }
fi
export PATH="$VENV/bin:$PATH"
