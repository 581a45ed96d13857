#!/usr/bin/env python3
"""Summarises JMH JSON results: the median over every measured iteration of every fork, so one
noisy iteration on a shared machine does not move the figure. Usage: summarize.py FILE.json..."""
import json
import statistics
import sys

for path in sys.argv[1:]:
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
