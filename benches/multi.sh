#!/usr/bin/env bash
# Two web processes and two workers on one PostgreSQL database, behind Debian's Caddy (round
# robin), driven by the load tool through the proxy: the "several processes" deployment of
# README's "Run it on a server".
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench benches/multi.sh --concurrency 32,128 --requests 2000 --rush 500 --pages 0 --checkins 0
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
cargo build --release --bins
cargo bench --bench load --no-run

url="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/twinning_bench}"
db="${url##*/}"; server="${url%/*}/postgres"
psql "$server" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
psql "$server" -qc "CREATE DATABASE \"$db\""
work=$(mktemp -d)
export DATABASE_URL="$url" TWINNING_REGISTRATIONS_PER_MINUTE=0 TWINNING_SAMPLE_DATA=never RUST_LOG=warn \
  TWINNING_DB_MAX_CONNECTIONS=16 TWINNING_TRUSTED_PROXIES=127.0.0.1
./target/release/twinning migrate >/dev/null
./target/release/twinning admin create-staff --email bench@example.org --role admin <<< "bench password 123456" >/dev/null
token=$(./target/release/twinning admin create-token --email bench@example.org)
pids=()
for port in 18081 18082; do
  TWINNING_BIND=127.0.0.1:$port ./target/release/twinning serve --no-workers & pids+=($!)
done
for _ in 1 2; do ./target/release/twinning-worker & pids+=($!); done
cat > "$work/Caddyfile" <<CADDY
{
	admin off
	auto_https off
}
http://127.0.0.1:18090 {
	reverse_proxy 127.0.0.1:18081 127.0.0.1:18082 {
		lb_policy round_robin
	}
}
CADDY
caddy run --adapter caddyfile --config "$work/Caddyfile" >"$work/caddy.log" 2>&1 & pids+=($!)
analyzer=
if [[ "$(psql "$url" -qtAc 'SHOW autovacuum')" == off ]]; then
  (while sleep 20; do psql "$url" -qc ANALYZE 2>/dev/null; done) &
  analyzer=$!
fi
trap 'kill ${pids[*]} $analyzer 2>/dev/null; rm -rf "$work"' EXIT
for port in 18081 18082 18090; do
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
done
echo "database: postgres, 2 web (--no-workers) + 2 twinning-worker behind caddy; machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
cargo bench --bench load -- --url http://127.0.0.1:18090 --token "$token" "$@"
