#!/usr/bin/env bash
# Creates the Orleans membership and reminder tables, functions and queries (lenssweep-orleans-schema.sql) in an
# existing database. Safe to run again: it completes a partial schema and refreshes the queries, keeping the data.
#   infra/postgres/apply-schema.sh -h db.example -p 5432 -U orleans -d lenssweep     (psql's connection options)
#   infra/postgres/apply-schema.sh 'postgresql://orleans@db.example:5432/lenssweep'
# The password is read as psql reads it (PGPASSWORD, ~/.pgpass, or a prompt), never from the command line.
# The script runs in one transaction: on any error the database is left as it was.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ] || [ "$1" = "--help" ]; then sed -n '2,7p' "$0"; exit 2; fi
command -v psql >/dev/null 2>&1 || { echo "apply-schema.sh: psql is required (Debian/Ubuntu: apt-get install postgresql-client)" >&2; exit 2; }

# Re-running prints a NOTICE per object that already exists; only warnings and errors matter here.
PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
  psql -X -q -v ON_ERROR_STOP=1 --single-transaction "$@" \
    -f "$here/lenssweep-orleans-schema.sql"
echo "apply-schema.sh: Orleans membership and reminder schema is in place"
