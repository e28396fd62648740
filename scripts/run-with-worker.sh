#!/usr/bin/env bash
# `make run`: serve the app and run one background worker beside it (imports and other jobs,
# events outbox delivery), both with TRIALOFFICE_JOBS=worker. Ctrl-C (or SIGTERM to this script)
# stops both; if either stops by itself, so does the other. Usage: run-with-worker.sh VENV_BIN HOST PORT
set -uo pipefail
bin="${1:?usage: run-with-worker.sh VENV_BIN HOST PORT}"
host="${2:?host}"
port="${3:?port}"
export TRIALOFFICE_JOBS="${TRIALOFFICE_JOBS:-worker}"

"$bin/trialoffice" worker &
worker=$!
"$bin/trialoffice" run --host "$host" --port "$port" &
server=$!
stop_both() {
    kill -TERM "$worker" "$server" 2>/dev/null
    wait 2>/dev/null
}
trap stop_both EXIT
trap 'exit 130' INT TERM

wait -n "$worker" "$server"
