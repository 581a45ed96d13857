#!/usr/bin/env python3
"""Summarises JMH JSON results: the median over every measured iteration of every fork, so one
noisy iteration on a shared machine does not move the figure. Also summarises the HTTP load
benchmark's http.tsv (run-http-benchmarks.sh): per store, the median over rounds of each figure and
of each round's protected/bare ratio, and RedisClaimLatencyBenchmark's .kv lines: per side, the
median over runs of the maximum throughput and of each open-loop percentile, with each run's
Idem/raw ratio. Usage: summarize.py FILE.json|http.tsv|FILE.kv..."""
import json
import statistics
import sys


def summarize_http(path):
    rows = {}
    with open(path) as f:
        for line in f:
            store, rnd, endpoint, kind, value = line.rstrip("\n").split("\t")
            if kind == "half_load":
                value = dict(field.split("=") for field in value.split())
            rows.setdefault(store, {}).setdefault(int(rnd), {})[(endpoint, kind)] = value
    print(f"## {path}")
    print("| store | rounds | bare req/s | protected req/s | protected/bare | half-load rate | "
          "bare p50 / p99 | protected p50 / p99 | p99 added |")
    print("|---|---:|---:|---:|---:|---:|---|---|---:|")
    med = statistics.median
    for store, rounds in rows.items():
        done = [r for r in rounds.values() if ("protected", "half_load") in r and ("bare", "half_load") in r]
        bare = [float(r[("bare", "max_rps")]) for r in done]
        prot = [float(r[("protected", "max_rps")]) for r in done]
        ratio = [p / b for p, b in zip(prot, bare)]
        lat = {e: {q: [int(r[(e, "half_load")][q]) / 1000 for r in done] for q in ("p50_us", "p99_us")}
               for e in ("bare", "protected")}
        added = [p - b for p, b in zip(lat["protected"]["p99_us"], lat["bare"]["p99_us"])]
        rate = med([float(r[("bare", "half_load")]["rate"]) for r in done])
        print(f"| {store} | {len(done)} | {med(bare):,.0f} | {med(prot):,.0f} | **{med(ratio):.0%}** "
              f"({min(ratio):.0%}..{max(ratio):.0%}) | {rate:,.0f}/s | "
              f"{med(lat['bare']['p50_us']):.2f} / {med(lat['bare']['p99_us']):.2f} ms | "
              f"{med(lat['protected']['p50_us']):.2f} / {med(lat['protected']['p99_us']):.2f} ms | "
              f"**{med(added):+.2f} ms** ({min(added):+.2f}..{max(added):+.2f}) |")


def summarize_kv(path):
    rows = []
    with open(path) as f:
        for line in f:
            fields = dict(field.split("=", 1) for field in line.split()[1:])
            rows.append(fields)
    med = statistics.median
    print(f"## {path}")
    runs = sorted({int(r["run"]) for r in rows})
    print(f"{len(runs)} runs; medians over runs, each run's Idem/raw in brackets")
    by = {}
    for r in rows:
        key = (r["phase"], r.get("fraction", ""), r.get("complete", ""))
        by.setdefault(key, {}).setdefault(int(r["run"]), {})[r["side"]] = r

    def both(runs_of, name):
        pairs = [(float(s["idem"][name]), float(s["raw"][name])) for s in runs_of.values()
                 if "idem" in s and "raw" in s]
        idem, raw = med([p[0] for p in pairs]), med([p[1] for p in pairs])
        per_run = ", ".join(f"{p[0] / p[1]:.0%}" for p in pairs if p[1])
        return idem, raw, per_run

    for (phase, fraction, complete), runs_of in by.items():
        if phase == "max":
            idem, raw, per_run = both(runs_of, "ops_s")
            print(f"max claim+complete, closed loop: idem {idem:,.0f}/s raw {raw:,.0f}/s "
                  f"ratio {idem / raw:.0%} ({per_run})")
            for name in ("jvm_cpu_us_op", "redis_cpu_us_op"):
                idem, raw, _ = both(runs_of, name)
                print(f"  {name}: idem {idem:.1f} raw {raw:.1f}")
            continue
        rate = med([float(s[side]["rate"]) for s in runs_of.values() for side in s])
        print(f"open loop at {float(fraction):.0%} of idem max ({rate:,.0f}/s), complete={complete}:")
        for name in ("p50_us", "p90_us", "p99_us", "p999_us", "max_us", "queued_pct",
                     "queue_p99_us", "wake_p50_us", "wake_p99_us", "service_p50_us",
                     "service_p99_us", "jvm_cpu_us_op", "redis_cpu_us_op"):
            idem, raw, per_run = both(runs_of, name)
            print(f"  {name:16s} idem {idem:10.1f}  raw {raw:10.1f}  (idem/raw per run: {per_run})")
        for side in ("idem", "raw"):
            vals = [s[side]["p99_us"] for s in runs_of.values() if side in s]
            errors = sum(int(s[side]["errors"]) for s in runs_of.values() if side in s)
            print(f"  {side} p99 per run (us): {', '.join(vals)}; errors {errors}")


for path in sys.argv[1:]:
    if path.endswith(".kv"):
        summarize_kv(path)
        continue
    if path.endswith(".tsv"):
        summarize_http(path)
        continue
    with open(path) as f:
        runs = json.load(f)
    print(f"## {path}")
    for run in runs:
        name = run["benchmark"].rsplit(".", 1)[-1]
        metric = run["primaryMetric"]
        if run["mode"] == "sample":
            pct = metric["scorePercentiles"]
            print(f"{name:34s} t={run['threads']:<3d} sample p50={pct['50.0']:.3f} p99={pct['99.0']:.3f} {metric['scoreUnit']}")
            continue
        samples = [score for fork in metric["rawData"] for score in fork]
        median = statistics.median(samples)
        spread = f"{min(samples):.3f}..{max(samples):.3f}"
        print(f"{name:34s} t={run['threads']:<3d} {run['mode']:6s} median={median:10.3f} {metric['scoreUnit']:8s} ({len(samples)} iterations, {spread})")
