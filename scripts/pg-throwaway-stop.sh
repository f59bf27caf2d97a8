#!/usr/bin/env bash
# Stops a server started by pg-throwaway.sh and deletes its data directory.
set -uo pipefail
PGBIN=$1
DIR=$2
if [[ $(id -u) -eq 0 ]]; then
  runuser -u postgres -- "${PGBIN}/pg_ctl" -D "${DIR}/data" -m fast -w stop >/dev/null 2>&1
else
  "${PGBIN}/pg_ctl" -D "${DIR}/data" -m fast -w stop >/dev/null 2>&1
fi
rm -rf "${DIR}"
