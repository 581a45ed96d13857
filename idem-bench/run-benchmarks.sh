#!/usr/bin/env bash
# Runs every benchmark the way docs/BENCHMARKS.md reports them, writing JMH JSON and text logs to
# idem-bench/target/results/. Each idem figure is measured in the same run as its baseline.
# Usage: idem-bench/run-benchmarks.sh [keys|engine|fingerprint|redis|redis-latency|jdbc ...]
#        (default: all)
# Env for redis-latency: RUNS (3), each in its own JVM; BENCH_LOCK (/tmp/idem-build.lock: each run
# holds it, so no build runs during a measurement and others' builds run in between; set it empty
# to run without a lock, and do not wrap this suite in flock on the same file: it would wait on
# itself).
set -euo pipefail
cd "$(dirname "$0")/.."
out=idem-bench/target/results
mkdir -p "$out"
jar=idem-bench/target/benchmarks.jar
[ -f "$jar" ] || mvn -B -q -pl idem-bench -am package -DskipTests -Dspotless.check.skip=true
jmh() { java -jar "$jar" "$@"; }
BENCH_LOCK=${BENCH_LOCK-/tmp/idem-build.lock}
locked() { if [ -n "$BENCH_LOCK" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(keys engine fingerprint redis redis-latency jdbc)
short=(-wi 3 -w 1s -i 3 -r 1s)

for suite in "${suites[@]}"; do
  case "$suite" in
    keys)
      jmh 'KeyGenerationBenchmark' -f 3 "${short[@]}" -t 1 -rf json -rff "$out/keys-t1.json" | tee "$out/keys-t1.txt"
      jmh 'KeyGenerationBenchmark.(idemBase64Url128|idemUuid4|jdkRandomUuid|jdkSecureRandomBase64Url128)$' \
        -f 3 "${short[@]}" -t 2 -rf json -rff "$out/keys-t2.json" | tee "$out/keys-t2.txt" ;;
    engine)
      for t in 1 2; do
        jmh 'EngineBenchmark' -f 3 "${short[@]}" -t "$t" -rf json -rff "$out/engine-t$t.json" | tee "$out/engine-t$t.txt"
      done ;;
    fingerprint)
      jmh 'FingerprintBenchmark' -f 2 "${short[@]}" -rf json -rff "$out/fingerprint.json" | tee "$out/fingerprint.txt" ;;
    redis)
      for t in 1 8 32; do
        jmh 'RedisStoreBenchmark' -f 1 -wi 2 -w 2s -i 3 -r 2s -t "$t" -bm thrpt,sample \
          -rf json -rff "$out/redis-t$t.json" | tee "$out/redis-t$t.txt"
      done ;;
    redis-latency)
      # Open-loop claim latency at half of the store's maximum claim + complete throughput, against
      # raw SET NX PX on the same schedule (see RedisClaimLatencyBenchmark). One JVM per run.
      : >"$out/redis-claim-latency.kv"
      for r in $(seq 1 "${RUNS:-3}"); do
        locked java -Xms1g -Xmx1g -cp "$jar" dev.idem.bench.RedisClaimLatencyBenchmark \
          --runs 1 --first-run "$r" --out "$out/redis-claim-latency.kv"
      done
      idem-bench/summarize.py "$out/redis-claim-latency.kv" ;;
    jdbc)
      java -cp "$jar" dev.idem.bench.JdbcStoreBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s | tee "$out/jdbc.txt" ;;
    *) echo "unknown suite: $suite" >&2; exit 2 ;;
  esac
done
