# Sourced by scripts/start and scripts/test: make .venv and install the kit into it.
# Usage: source scripts/setup-env.sh EXTRA   (EXTRA is "course" or "test")
set -euo pipefail
KIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KIT_VENV:-$KIT_ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$KIT_ROOT[$1]"
export PATH="$VENV/bin:$PATH"
