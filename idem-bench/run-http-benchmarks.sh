#!/usr/bin/env bash
# HTTP load benchmark: POST /protected/orders (@Idempotent, a fresh key on every request) against
# POST /bare/orders (the same handler without Idem) on one Spring Boot load target
# (dev.idem.bench.http.LoadTargetApp), per store. Each round measures, bare and protected back to
# back (order alternating between rounds):
#   1. maximum throughput: wrk, closed loop, $CONNECTIONS connections for $DURATION s;
#   2. latency at half load: OpenLoopLoad, open loop at half of this round's lower maximum (the
#      protected one, unless noise says otherwise), the same rate for both endpoints; p99 measured
#      from each request's due time (no coordinated omission). Half of the bare maximum would
#      overload the protected endpoint wherever Idem costs more than half, and measure a queue.
# Results go to idem-bench/target/results/http.tsv and the summary (medians over rounds) is printed.
#
# Usage: idem-bench/run-http-benchmarks.sh [memory|redis ...]   (default: memory redis)
# Env: SKIP_BUILD (set: reuse the last build), ROUNDS (3), DURATION (15), WARMUP (10), CONNECTIONS (16), PORT (8089),
#      IDEM_BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_LOCK (/tmp/idem-build.lock: every round
#      holds it, so no build runs during a measurement; set empty to run without a lock).
# Needs wrk (Debian: apt-get install -y wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-15} WARMUP=${WARMUP:-10} CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-8089} REDIS_URL=${IDEM_BENCH_REDIS_URL:-redis://127.0.0.1:6379}
BENCH_LOCK=${BENCH_LOCK-/tmp/idem-build.lock}
out=idem-bench/target/results
mkdir -p "$out"
tsv=$out/http.tsv
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 1; }

locked() { if [ -n "$BENCH_LOCK" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }

cp_file=idem-bench/target/http-classpath.txt
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$cp_file" ]; then
  locked mvn -B -q -pl idem-bench -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile=target/http-classpath.txt -Dmdep.includeScope=runtime
fi
classpath="idem-bench/target/classes:$(cat "$cp_file")"
nonce=$(date +%s)

app_pid=
stop_app() { if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; app_pid=; fi; }
trap stop_app EXIT

start_app() { # store
  local args=(--server.port="$PORT" --idem.store.type="$1")
  if [ "$1" = redis ]; then
    args+=(--spring.data.redis.url="$REDIS_URL" --idem.store.redis.key-prefix="idem-bench:$nonce:")
  else
    args+=(--spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration)
  fi
  java -Xms1g -Xmx1g -XX:+UseG1GC ${TARGET_JAVA_OPTS:-} -cp "$classpath" dev.idem.bench.http.LoadTargetApp \
    "${args[@]}" >"$out/http-target-$1.log" 2>&1 9>&- &
  app_pid=$!
  for _ in $(seq 1 120); do
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"item":"x","quantity":1}' \
      "http://127.0.0.1:$PORT/bare/orders" && return 0
    kill -0 "$app_pid" 2>/dev/null || { cat "$out/http-target-$1.log" >&2; return 1; }
    sleep 0.5
  done
  echo "load target did not start" >&2; return 1
}

wrk_rps() { # endpoint seconds keyprefix -> prints requests/s; fails on any non-2xx answer
  local log
  log=$(wrk -t2 -c"$CONNECTIONS" -d"${2}s" -s idem-bench/wrk-unique-key.lua \
    "http://127.0.0.1:$PORT/$1/orders" -- "$3")
  if grep -q 'Non-2xx\|Socket errors' <<<"$log"; then echo "$log" >&2; return 1; fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$log"
}

open_loop() { # endpoint rate keyprefix -> prints the OpenLoopLoad line
  java -Xms256m -Xmx256m -XX:+UseSerialGC -cp "$classpath" dev.idem.bench.http.OpenLoopLoad \
    "http://127.0.0.1:$PORT/$1/orders" "$2" "$DURATION" 3 32 "$3"
}

round() { # store round-number; run under the lock
  local store=$1 r=$2 order=(bare protected) e rps half line
  [ $((r % 2)) -eq 0 ] && order=(protected bare)
  for e in bare protected; do wrk_rps "$e" "$WARMUP" "warm-$nonce-$store-$r-$e" >/dev/null; done
  declare -A max
  for e in "${order[@]}"; do
    max[$e]=$(wrk_rps "$e" "$DURATION" "max-$nonce-$store-$r-$e")
    printf '%s\t%s\t%s\tmax_rps\t%s\n' "$store" "$r" "$e" "${max[$e]}" | tee -a "$tsv"
  done
  half=$(awk -v b="${max[bare]}" -v p="${max[protected]}" 'BEGIN {printf "%d", (b < p ? b : p) / 2}')
  for e in "${order[@]}"; do
    line=$(open_loop "$e" "$half" "p99-$nonce-$store-$r-$e-") || { echo "open loop failed: $line" >&2; return 1; }
    printf '%s\t%s\t%s\thalf_load\t%s\n' "$store" "$r" "$e" "$line" | tee -a "$tsv"
  done
}
stores=("$@")
[ ${#stores[@]} -gt 0 ] || stores=(memory redis)
[ -z "$BENCH_LOCK" ] || exec 9>"$BENCH_LOCK"
lock() { [ -z "$BENCH_LOCK" ] || flock 9; }
unlock() { [ -z "$BENCH_LOCK" ] || flock -u 9; }
: >"$tsv"
for store in "${stores[@]}"; do
  for r in $(seq 1 "$ROUNDS"); do
    # One lock hold per round (about 2 minutes with the defaults), released in between. The target
    # starts inside the first hold so its start-up does not overlap anybody's build either.
    lock
    [ -n "$app_pid" ] || start_app "$store"
    round "$store" "$r"
    unlock
  done
  stop_app
done
python3 idem-bench/summarize.py "$tsv"
