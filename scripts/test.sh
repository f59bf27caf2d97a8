#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need on a fresh machine, then
# runs lint, type checks, the build, every test on SQLite (unit, API, emulator, browser), and the
# database-touching tests again on a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n=== %s\n' "$*"; }

section "Installing dependencies"
npm ci --no-audit --no-fund

if ! command -v chromium >/dev/null 2>&1; then
  section "Installing Chromium (Debian package) for the browser tests"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  ${SUDO} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${SUDO} apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi

if ! command -v xmllint >/dev/null 2>&1; then
  section "Installing xmllint (Debian package libxml2-utils) for the add-in manifest tests"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  ${SUDO} apt-get update -qq
  DEBIAN_FRONTEND=noninteractive ${SUDO} apt-get install -y -qq --no-install-recommends libxml2-utils >/dev/null
fi

section "Lint and format check"
npx biome check .

section "Type check"
npm run typecheck

section "Build"
npm run build

# Tests that measure rates or race the clock (a learned send rate, a lockout burst behind the
# password hash, a kill within a page's commit) run on their own after each parallel run: beside
# another worker's Chromium they measure the machine, not Baitwise. Every test still runs.
SOLO=(test/api/mail-throughput.test.ts test/api/lockout.test.ts test/cli-sync-kill.test.ts test/mail-shared-rate.test.ts)
SOLO_EXCLUDES=()
for f in "${SOLO[@]}"; do SOLO_EXCLUDES+=(--exclude "$f"); done

section "Tests on SQLite (unit, API, emulator, browser)"
# worker-kill and the mail worker tests are about pg-boss workers, db-idle-error,
# db-pg-statements, db-pg-lanes and db-pg-statistics about PostgreSQL itself: they run in the PostgreSQL pass below.
npx vitest run --exclude test/worker-kill.test.ts --exclude test/mail-worker-kill.test.ts --exclude test/db-idle-error.test.ts --exclude test/db-pg-statements.test.ts --exclude test/db-pg-lanes.test.ts --exclude test/db-pg-statistics.test.ts "${SOLO_EXCLUDES[@]}"
section "Tests on SQLite that measure time, one at a time"
npx vitest run --maxWorkers=1 test/api/mail-throughput.test.ts test/api/lockout.test.ts test/cli-sync-kill.test.ts

section "Tests on PostgreSQL"
eval "$(scripts/pg-throwaway.sh)"
trap 'eval "${PG_THROWAWAY_STOP}"' EXIT
# Only the tests that touch the database (the emulator and the browser tests ran above).
mapfile -t DB_TESTS < <(find src test/api -name '*.test.ts' | sort; echo test/cli.test.ts; echo test/worker-kill.test.ts; echo test/mail-worker-kill.test.ts; echo test/db-idle-error.test.ts; echo test/db-pg-statements.test.ts; echo test/db-pg-lanes.test.ts; echo test/db-pg-statistics.test.ts)
npx vitest run "${DB_TESTS[@]}" "${SOLO_EXCLUDES[@]}"
section "Tests on PostgreSQL that measure time, one at a time"
npx vitest run --maxWorkers=1 "${SOLO[@]}"
