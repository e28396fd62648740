#!/usr/bin/env bash
# CI only: install and start PostgreSQL, Redis and Chromium (Debian packages), create the test
# role and database, and print two lines on stdout: the Redis URL, then the database URL (last).
# Safe to run again. Must run as root when a package is missing (CI does); the rest goes to stderr.
set -euo pipefail
exec 3>&1 1>&2

db_name="${TRIALOFFICE_CI_DB_NAME:-trialoffice_ci}"
db_user="${TRIALOFFICE_CI_DB_USER:-trialoffice}"
db_password="${TRIALOFFICE_CI_DB_PASSWORD:-trialoffice}"
redis_port="${TRIALOFFICE_CI_REDIS_PORT:-6379}"
packages=(postgresql chromium redis-server)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
        echo "ci-services: run as root to install: ${missing[*]}"
        exit 1
    fi
    echo "ci-services: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# The newest installed cluster, else a new "main" cluster for the newest installed server.
read -r version cluster port status < <(pg_lsclusters -h | sort -V | tail -n 1 | awk '{print $1, $2, $3, $4}') || true
if [[ -z "${version:-}" ]]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    cluster=main
    pg_createcluster "$version" "$cluster"
    read -r port status < <(pg_lsclusters -h "$version" "$cluster" | awk '{print $3, $4}')
fi
if [[ "$status" != online* ]]; then
    echo "ci-services: starting PostgreSQL $version/$cluster"
    # The server must not inherit this script's output pipes (fd 3 above all): a daemon holding
    # them open keeps the caller's `$(... | tail -n 1)` waiting for an end of file forever.
    pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start </dev/null >/dev/null 2>&1 3>&- \
        || { echo "ci-services: PostgreSQL did not start; see /var/log/postgresql"; exit 1; }
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$port"

as_postgres() {
    if [[ "$(id -u)" == 0 ]]; then
        su postgres -c "$(printf '%q ' "$@")"
    else
        sudo -u postgres "$@"
    fi
}

as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -q -d postgres <<SQL
SELECT 'CREATE ROLE "$db_user" LOGIN'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$db_user')\gexec
-- The app's role must stay confined by row-level security: neither superuser nor BYPASSRLS.
ALTER ROLE "$db_user" LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '$db_password';
SELECT 'CREATE DATABASE "$db_name" OWNER "$db_user"'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db_name')\gexec
SQL

# Redis for the job tests' distributed queue: started as a daemon with no disk persistence, its
# output and this script's fd 3 closed for the same reason as PostgreSQL's above.
if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; then
    echo "ci-services: starting Redis on port $redis_port"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --logfile /tmp/trialoffice-ci-redis.log </dev/null >/dev/null 2>&1 3>&- \
        || { echo "ci-services: Redis did not start; see /tmp/trialoffice-ci-redis.log"; exit 1; }
fi
for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.2
done
redis-cli -h 127.0.0.1 -p "$redis_port" ping

echo "ci-services: PostgreSQL $version/$cluster on port $port, database $db_name; Redis on port $redis_port;" \
     "chromium at $(command -v chromium)"
echo "redis://127.0.0.1:$redis_port/0" >&3
echo "postgresql+psycopg://$db_user:$db_password@127.0.0.1:$port/$db_name" >&3
