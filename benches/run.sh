#!/usr/bin/env bash
# Builds release binaries, starts a fresh server, runs the load tool against it, stops it.
#   benches/run.sh                                   # SQLite
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench benches/run.sh
#   benches/run.sh --concurrency none --rush 0 --emails 5000   # email delivery only
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
cargo build --release --bins
cargo bench --bench load --no-run

work=$(mktemp -d)
url="${BENCH_DATABASE_URL:-sqlite://$work/bench.db}"
if [[ "$url" == postgres* ]]; then
  db="${url##*/}"; server="${url%/*}/postgres"
  psql "$server" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  psql "$server" -qc "CREATE DATABASE \"$db\""
fi
# Emails go to the load tool's SMTP sink only for the email benchmark (--emails N); otherwise
# they are kept in the outbox as "held", as on a fresh install.
if [[ " $* " == *" --emails "* ]]; then
  export SMTP_URL="smtp://127.0.0.1:${BENCH_SMTP_PORT:-12525}?tls=none" TWINNING_EMAIL_CONCURRENCY=${TWINNING_EMAIL_CONCURRENCY:-64}
fi
export DATABASE_URL="$url" TWINNING_BIND=127.0.0.1:18080 TWINNING_REGISTRATIONS_PER_MINUTE=0 TWINNING_SAMPLE_DATA=never RUST_LOG=warn
./target/release/twinning migrate >/dev/null
./target/release/twinning admin create-staff --email bench@example.org --role admin <<< "bench password 123456" >/dev/null
token=$(./target/release/twinning admin create-token --email bench@example.org)
./target/release/twinning serve &
pid=$!
analyzer=
if [[ "$url" == postgres* ]] && [[ "$(psql "$url" -qtAc 'SHOW autovacuum')" == off ]]; then
  # This machine's cluster runs without autovacuum; do what its analyze would do on a default
  # installation (within a minute of a bulk change), so plans see the tables as they are.
  (while sleep 20; do psql "$url" -qc ANALYZE 2>/dev/null; done) &
  analyzer=$!
fi
trap 'kill $pid $analyzer 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.2; done
echo "database: ${url%%:*}; machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo bench --bench load -- --url http://127.0.0.1:18080 --token "$token" --server-pid "$pid" \
  --smtp-port "${BENCH_SMTP_PORT:-12525}" "$@"
