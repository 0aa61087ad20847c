#!/usr/bin/env bash
# Runs every test of the solution against real components: SQLite files, a throwaway PostgreSQL
# cluster started here (and stopped on exit), and the portal itself.
# Usage: scripts/test.sh [extra arguments for dotnet test, e.g. --filter-class '*Tamper*']
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/postgres.sh

trap postgres_stop EXIT
postgres_start
export AUDITPORTAL_REQUIRE_POSTGRES=1

log=$(mktemp /tmp/auditportal-test.XXXXXX.log)
set +e
dotnet test --solution AuditPortal.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Microsoft.Testing.Platform prints "total: N / failed: F / succeeded: S / skipped: K" per run;
# CI wants one plain line.
awk '
  /^[[:space:]]*total:/     { total += $2 }
  /^[[:space:]]*failed:/    { failed += $2 }
  /^[[:space:]]*succeeded:/ { passed += $2 }
  /^[[:space:]]*skipped:/   { skipped += $2 }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
rm -f "$log"
exit "$status"
