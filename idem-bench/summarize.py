#!/usr/bin/env python3
"""Summarises JMH JSON results: the median over every measured iteration of every fork, so one
noisy iteration on a shared machine does not move the figure. Also summarises the HTTP load
benchmark's http.tsv (run-http-benchmarks.sh): per store, the median over rounds of each figure and
of each round's protected/bare ratio. Usage: summarize.py FILE.json|http.tsv..."""
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


for path in sys.argv[1:]:
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
