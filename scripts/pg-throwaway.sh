#!/usr/bin/env bash
# Starts a throwaway PostgreSQL from the installed server binaries: a temporary data directory,
# a free port on 127.0.0.1, fsync off (test data only). Prints `export` lines for the caller to
# eval, including PG_THROWAWAY_STOP, the command that stops it and deletes its data.
# Commits stay synchronous, as on a production server (with fsync off they cost a write, not a
# flush): a vacuum can mark a page all-visible only once the commits of its rows are on disk, so
# with asynchronous commits the vacuum a bulk write runs (src/db/statistics.ts) missed the rows it
# had just written, as it never does in production.
# initdb refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "${PGBIN}" || ! -x "${PGBIN}/initdb" ]]; then
  echo "pg-throwaway: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin" >&2
  exit 1
fi

DIR=$(mktemp -d /tmp/baitwise-pg.XXXXXX)
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [[ $(id -u) -eq 0 ]]; then chown postgres "${DIR}"; fi
as_owner "${PGBIN}/initdb" -D "${DIR}/data" -A trust -U postgres --no-sync -E UTF8 >"${DIR}/initdb.log" 2>&1 ||
  { cat "${DIR}/initdb.log" >&2; exit 1; }
as_owner "${PGBIN}/pg_ctl" -D "${DIR}/data" -l "${DIR}/server.log" -w -t 60 \
  -o "-p ${PORT} -k ${DIR} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "${DIR}/server.log" >&2; exit 1; }

STOP="$(printf '%q' "${BASH_SOURCE[0]%/*}/pg-throwaway-stop.sh") ${PGBIN} ${DIR}"
echo "export BAITWISE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:${PORT}/postgres"
echo "export PG_THROWAWAY_STOP=$(printf '%q' "${STOP}")"
