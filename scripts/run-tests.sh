#!/usr/bin/env bash
# Run the whole suite on SQLite, then again on PostgreSQL; fail unless every run passes.
# PostgreSQL: in CI (CI set) the database scripts/ci-services.sh prepares; elsewhere the URL in
# TRIALOFFICE_TEST_POSTGRES_URL, when set. Redis (the job tests' distributed queue): in CI the one
# ci-services.sh starts; elsewhere TRIALOFFICE_TEST_REDIS_URL, when set. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."

python="${VENV_PYTHON:-.venv/bin/python}"
postgres_url="${TRIALOFFICE_TEST_POSTGRES_URL:-}"
if [[ -n "${CI:-}" ]]; then
    services="$(scripts/ci-services.sh)" || { echo "run-tests: CI services failed" >&2; exit 1; }
    postgres_url="$(tail -n 1 <<<"$services")"
    TRIALOFFICE_TEST_REDIS_URL="$(grep '^redis://' <<<"$services" | tail -n 1)"
    export TRIALOFFICE_TEST_REDIS_URL
fi

declare -a summary=()
failed=0

run_suite() {
    local label="$1" url="$2" started status
    shift 2
    echo "==> test suite on $label"
    started=$SECONDS
    if [[ -n "$url" ]]; then
        TRIALOFFICE_TEST_DATABASE_URL="$url" "$python" -m pytest "$@"
    else
        env -u TRIALOFFICE_TEST_DATABASE_URL "$python" -m pytest "$@"
    fi
    status=$?
    if ((status == 5)); then
        summary+=("$label: FAILED, no tests were collected")
        failed=1
    elif ((status != 0)); then
        summary+=("$label: FAILED (pytest exit code $status)")
        failed=1
    else
        summary+=("$label: passed in $((SECONDS - started))s")
    fi
}

echo "==> lint (ruff)"
if "$python" -m ruff check host sdk plugins tests docs/examples; then
    summary+=("lint: passed")
else
    summary+=("lint: FAILED (ruff)")
    failed=1
fi

run_suite SQLite "" "$@"
if [[ -n "$postgres_url" ]]; then
    run_suite PostgreSQL "$postgres_url" "$@"
else
    summary+=("PostgreSQL: not run (set TRIALOFFICE_TEST_POSTGRES_URL to run it locally)")
fi

echo "==> summary"
printf '    %s\n' "${summary[@]}"
exit "$failed"
