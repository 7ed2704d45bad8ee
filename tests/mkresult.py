#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mkresult.py - write a synthetic lockbench result file (schema 1) for the
# compare tests: known medians and spreads, deterministic (seeded).
#   mkresult.py OUT [--slower F] [--spread S] [--reps N] [--seed N]
#               [--schema-version V] [--drop KEY] [--extra-method]
#               [--fail METHOD] [--busy CPUS] [--latency]
#               [--regimes SHARE]
import argparse
import json
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--slower", type=float, default=0.0,
               help="NEW takes this much more time per operation (0.2)")
p.add_argument("--spread", type=float, default=0.01,
               help="relative half-width of the uniform noise")
p.add_argument("--reps", type=int, default=8)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--schema-version", type=int, default=1)
p.add_argument("--drop", default=None, help="repetition key to remove")
p.add_argument("--extra-method", action="store_true")
p.add_argument("--fail", default=None)
p.add_argument("--busy", type=float, default=0.0)
p.add_argument("--latency", action="store_true")
p.add_argument("--regimes", type=float, default=0.0,
               help="this share of repetitions runs 3 times slower")
a = p.parse_args()
rnd = random.Random(a.seed)

BASE = {("pthread", 1): 60e6, ("pthread", 2): 40e6,
        ("ticket", 1): 100e6, ("ticket", 2): 5e6}
methods = ["pthread", "ticket"] + (["mcs-futex"] if a.extra_method else [])
runs = []
for m in methods:
    for t in (1, 2):
        rate = BASE.get((m, t), 20e6) / (1 + a.slower)
        reps = []
        for _ in range(a.reps):
            ops_s = rate * (1 + a.spread * rnd.uniform(-1, 1))
            if a.regimes and len(reps) < round(a.regimes * a.reps):
                ops_s /= 3
            ops = int(ops_s * 0.1)
            share = [ops // t] * t
            rep = {
                "ok": m != a.fail, "elapsed_ns": 100000000, "ops": ops,
                "thread_ops": share, "ops_per_sec": ops_s,
                "jain": 1.0 - 0.001 * rnd.random(), "min_share": 1.0,
                "max_share": 1.0,
                "cpu_user_s": 0.1 * t * (1 + a.spread * rnd.uniform(-1, 1)),
                "cpu_sys_s": 0.0, "vcsw": 0, "ivcsw": 0, "futex_waits": 0,
                "futex_wakes": 0, "counter": ops, "atomic_counter": ops,
                "machine": {"load1_before": 0.1, "running_before": 0,
                            "other_cpu_s": a.busy * 0.1, "steal_s": 0.0,
                            "machine_busy": 0.5},
            }
            if m == a.fail:
                rep["failure"] = "mutual exclusion broken (synthetic)"
            if a.latency:
                base = 1e9 / rate
                rep["latency"] = {"p50_ns": base, "p90_ns": 2 * base,
                                  "p99_ns": 5 * base, "p999_ns": 9 * base}
            if a.drop:
                rep.pop(a.drop, None)
            reps.append(rep)
        runs.append({
            "status": "failed" if m == a.fail else "ok",
            "config": {"method": m, "workload": "counter", "threads": t,
                       "pin": "compact",
                       "placement": [{"pu": i, "core": i, "package": 0,
                                      "numa": 0, "sharing": 1}
                                     for i in range(t)],
                       "oversubscribed": False, "cs_ns": 0, "think_ns": 0,
                       "duration_ns": 100000000, "warmup_ns": 20000000,
                       "cs_cycles": 0, "think_cycles": 0, "coroutines": 1,
                       "reps": a.reps},
            "reps": reps, "summary": None})
doc = {
    "schema": "lockbench-result", "schema_version": a.schema_version,
    "tool": {"name": "lockbench", "version": "0.1.0",
             "git_commit": "synthetic000"},
    "created": "2024-01-01T00:00:00Z", "command_line": ["mkresult.py"],
    "host": {"hostname": "synthetic", "kernel": "6.1", "machine": "x86_64",
             "cpu_model": "test CPU", "online_cpus": 4,
             "virtualized": False, "build": {"cc": "gcc"}},
    "topology": {"packages": 1, "numa_nodes": 1, "cores": 4, "pus": 4,
                 "pu_list": [{"os": i} for i in range(4)]},
    "calibration": {"ns_per_cycle": 0.4},
    "runs": runs,
}
with open(a.out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
