#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh machine, then
# runs lint, type checks, the build, every test on SQLite (unit, API, emulator, browser), and the
# database-touching tests again on a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s\n' "$*"; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# Debian's packages for the browser and manifest tests download and unpack while npm installs:
# on a fresh machine the two one after the other were a fifth of the whole run.
DEBS=()
command -v chromium >/dev/null 2>&1 || DEBS+=(chromium fonts-liberation)
command -v xmllint >/dev/null 2>&1 || DEBS+=(libxml2-utils)
APT_PID=""
if ((${#DEBS[@]})); then
  section "Installing from Debian's packages, beside npm: ${DEBS[*]}"
  (${SUDO} apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive ${SUDO} apt-get install -y -qq --no-install-recommends "${DEBS[@]}" >/dev/null) &
  APT_PID=$!
fi

section "Installing dependencies"
# better-sqlite3 is compiled here (its prebuilt binaries are on GitHub, out of reach): node-gyp
# compiles its files side by side with JOBS=max.
JOBS=max npm ci --no-audit --no-fund
if [[ -n "${APT_PID}" ]]; then wait "${APT_PID}"; fi

section "Lint and format check"
npx biome check .

section "Type check and build, side by side"
# The type check writes nothing (--noEmit) and the build does not read what it checks, so they
# share the two cores; a failure of either stops the run.
npm run typecheck &
TYPECHECK_PID=$!
npm run build
wait "${TYPECHECK_PID}"

# Tests that measure rates or race the clock (a learned send rate, a lockout burst behind the
# password hash, a kill within a page's commit) run after the parallel passes, away from the
# browser tests: beside another worker's Chromium they measured the machine, not Baitwise
# (mail-throughput learned 499 a minute, not the 540 it asks for). Every test still runs.
MAIL_TIMED=(test/api/mail-throughput.test.ts)
CLOCK_TIMED=(test/api/lockout.test.ts test/cli-sync-kill.test.ts)
PG_ONLY_TIMED=(test/mail-shared-rate.test.ts)
TIMED_EXCLUDES=()
for f in "${MAIL_TIMED[@]}" "${CLOCK_TIMED[@]}" "${PG_ONLY_TIMED[@]}"; do TIMED_EXCLUDES+=(--exclude "$f"); done

section "Tests on SQLite (unit, API, emulator, browser)"
# worker-kill and the mail worker tests are about pg-boss workers, db-idle-error,
# db-pg-statements, db-pg-lanes and db-pg-statistics about PostgreSQL itself: they run in the PostgreSQL pass below.
npx vitest run --exclude test/worker-kill.test.ts --exclude test/mail-worker-kill.test.ts --exclude test/db-idle-error.test.ts --exclude test/db-pg-statements.test.ts --exclude test/db-pg-lanes.test.ts --exclude test/db-pg-statistics.test.ts "${TIMED_EXCLUDES[@]}"

section "Tests on PostgreSQL"
eval "$(scripts/pg-throwaway.sh)"
trap 'eval "${PG_THROWAWAY_STOP}"' EXIT
# Only the tests that touch the database (the emulator and the browser tests ran above).
mapfile -t DB_TESTS < <(find src test/api -name '*.test.ts' | sort; echo test/cli.test.ts; echo test/worker-kill.test.ts; echo test/mail-worker-kill.test.ts; echo test/db-idle-error.test.ts; echo test/db-pg-statements.test.ts; echo test/db-pg-lanes.test.ts; echo test/db-pg-statistics.test.ts)
npx vitest run "${DB_TESTS[@]}" "${TIMED_EXCLUDES[@]}"

section "Tests that measure time, on SQLite then PostgreSQL, in two lanes side by side"
# One file at a time in each lane. The mail lane paces itself by the clock on a third of a core;
# the other lane's password hashing and killed sync take about one core. Each lane's output is
# printed whole when both are done.
LANES=$(mktemp -d)
sqlite() { env -u BAITWISE_TEST_DATABASE_URL "$@"; }
(sqlite npx vitest run --maxWorkers=1 "${MAIL_TIMED[@]}" &&
  npx vitest run --maxWorkers=1 "${MAIL_TIMED[@]}" "${PG_ONLY_TIMED[@]}") >"${LANES}/mail.log" 2>&1 &
MAIL_PID=$!
(sqlite npx vitest run --maxWorkers=1 "${CLOCK_TIMED[@]}" &&
  npx vitest run --maxWorkers=1 "${CLOCK_TIMED[@]}") >"${LANES}/clock.log" 2>&1 &
CLOCK_PID=$!
LANE_FAILED=0
wait "${MAIL_PID}" || LANE_FAILED=1
wait "${CLOCK_PID}" || LANE_FAILED=1
cat "${LANES}/mail.log" "${LANES}/clock.log"
rm -rf "${LANES}"
exit "${LANE_FAILED}"
