#!/usr/bin/env bash
# Create the project's virtual environment with the first Python 3.11+ on the PATH.
# In CI (running as root) a Debian image without the venv module gets python3-venv first.
set -euo pipefail

venv="${1:-.venv}"

supported() {
    command -v "$1" >/dev/null 2>&1 &&
        "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if supported "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

can_apt() {
    [[ -n "${CI:-}" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1
}

python="$(find_python || true)"
if [[ -z "$python" ]] && can_apt; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv
    python="$(find_python || true)"
fi
if [[ -z "$python" ]]; then
    echo "make-venv: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11+)" >&2
    exit 1
fi

if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    if can_apt; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        "$python" -m venv "$venv"
    else
        echo "make-venv: '$python -m venv' failed; install your distribution's venv package (Debian: python3-venv)" >&2
        exit 1
    fi
fi
echo "make-venv: created $venv with $("$venv/bin/python" --version)"
