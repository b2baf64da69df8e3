#!/usr/bin/env python3
"""numpy baselines for bench/validator/run.sh, computed the way Flower computes them.

Krum: Flower's aggregate_krum / _compute_distances (flwr.server.strategy.aggregate): stack the
flattened deltas, form the full n x n matrix of squared distances with a fresh difference vector
and np.linalg.norm per ordered pair, score each delta by the sum of its n-f-2 smallest non-self
distances (argsort), pick the argmin.
Trimmed mean: Flower's aggregate_trimmed_avg / _trim_mean: np.asarray over the deltas, then
np.partition along axis 0 at (lowercut, uppercut - 1) and np.mean of the kept slice, with
lowercut = int(beta * n), beta = 0.2.

The synthetic deltas are generated with the same 32-bit integer hash as
io.deltachain.validator.bench.SyntheticDeltas, so both implementations see identical inputs and
their results can be compared, not only their times.

Usage:
  flower_numpy.py bench --out FILE [--n 10,20] [--d 4000000,16000000] [--reps 3] [--warmup 1]
  flower_numpy.py table JAVA_TSV NUMPY_TSV
"""
import argparse
import csv
import statistics
import sys
import time

import numpy as np


def synthetic_delta(i: int, d: int, poisoned: int) -> np.ndarray:
    """Delta i of d values; mirrors SyntheticDeltas.delta (32-bit wrapping arithmetic)."""
    k = np.arange(d, dtype=np.uint32)
    seed = np.uint32((i * 0x85EBCA77) & 0xFFFFFFFF)
    with np.errstate(over="ignore"):
        h = k * np.uint32(0x9E3779B1) + seed
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x7FEB352D)
        h ^= h >> np.uint32(15)
    u = (h >> np.uint32(8)).astype(np.float32) * np.float32(2.0 ** -24) - np.float32(0.5)
    scale = np.float32(1e-2 if i < poisoned else 1e-3)
    offset = np.float32(5e-3 if i < poisoned else 0.0)
    return u * scale + offset


def compute_distances(weights):
    """Flower's _compute_distances: full n x n matrix of squared L2 distances."""
    flat_w = np.array([np.concatenate(p, axis=None).ravel() for p in weights])
    distance_matrix = np.zeros((len(weights), len(weights)))
    for i, flat_w_i in enumerate(flat_w):
        for j, flat_w_j in enumerate(flat_w):
            delta = flat_w_i - flat_w_j
            norm = np.linalg.norm(delta)
            distance_matrix[i, j] = norm ** 2
    return distance_matrix


def krum(weights, num_malicious: int) -> int:
    """Flower's aggregate_krum with to_keep = 0: index of the chosen delta."""
    distance_matrix = compute_distances(weights)
    num_closest = max(1, len(weights) - num_malicious - 2)
    closest_indices = [np.argsort(row)[1:num_closest + 1].tolist() for row in distance_matrix]
    scores = [np.sum(distance_matrix[i, closest_indices[i]]) for i in range(len(distance_matrix))]
    return int(np.argmin(scores))


def trim_mean(array: np.ndarray, proportiontocut: float) -> np.ndarray:
    """Flower's _trim_mean along axis 0."""
    nobs = array.shape[0]
    lowercut = int(proportiontocut * nobs)
    uppercut = nobs - lowercut
    if lowercut > uppercut:
        raise ValueError("Proportion too big.")
    atmp = np.partition(array, (lowercut, uppercut - 1), 0)
    return np.mean(atmp[lowercut:uppercut], axis=0)


def trimmed_avg(weights, proportiontocut: float):
    """Flower's aggregate_trimmed_avg."""
    return [trim_mean(np.asarray(layer), proportiontocut) for layer in zip(*weights)]


def timed(fn, reps: int, warmup: int):
    result = None
    for _ in range(warmup):
        result = fn()
    runs = []
    for _ in range(reps):
        t0 = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(runs), runs, result


def bench(args) -> None:
    ns = [int(x) for x in args.n.split(",")]
    ds = [int(x) for x in args.d.split(",")]
    with open(args.out, "w", newline="") as f:
        out = csv.writer(f, delimiter="\t", lineterminator="\n")
        out.writerow(["impl", "method", "n", "d", "threads", "median_ms", "check"])
        for d in ds:
            for n in ns:
                f_byz = n // 5
                weights = [[synthetic_delta(i, d, f_byz)] for i in range(n)]
                med, runs, chosen = timed(lambda: krum(weights, f_byz), args.reps, args.warmup)
                out.writerow(["numpy", "krum", n, d, 1, f"{med:.1f}", chosen])
                f.flush()
                print(f"numpy\tkrum\t{n}\t{d}\t{med:.1f}\t{chosen}\t(runs ms: {[round(r, 1) for r in runs]})", flush=True)
                med, runs, res = timed(lambda: trimmed_avg(weights, 0.2), args.reps, args.warmup)
                check = f"sum={np.sum(res[0], dtype=np.float64):.6e}"
                out.writerow(["numpy", "trimmed_mean", n, d, 1, f"{med:.1f}", check])
                f.flush()
                print(f"numpy\ttrimmed_mean\t{n}\t{d}\t{med:.1f}\t{check}\t(runs ms: {[round(r, 1) for r in runs]})", flush=True)
                del weights


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def table(args) -> int:
    java = {(r["method"], r["n"], r["d"]): r for r in read_rows(args.java) if r["threads"] == "1"}
    java_mt = {(r["method"], r["n"], r["d"]): r for r in read_rows(args.java) if r["threads"] != "1"}
    numpy_rows = read_rows(args.numpy)
    print(f"numpy {np.__version__}; times are medians in ms; Java single-threaded unless noted")
    header = f"| {'method':<12} | {'n':>3} | {'floats':>10} | {'numpy (Flower) ms':>17} | {'Java ms':>9} | {'speedup':>7} | {'Java ' + (next(iter(java_mt.values()))['threads'] + ' thr ms' if java_mt else 'MT'):>12} | results agree |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    worst = None
    disagreements = 0
    for r in numpy_rows:
        key = (r["method"], r["n"], r["d"])
        j = java.get(key)
        if j is None:
            continue
        speedup = float(r["median_ms"]) / float(j["median_ms"])
        worst = speedup if worst is None else min(worst, speedup)
        agree = agrees(r["method"], j["check"], r["check"])
        disagreements += 0 if agree else 1
        mt = java_mt.get(key)
        mt_ms = mt["median_ms"] if mt else "-"
        print(f"| {r['method']:<12} | {r['n']:>3} | {int(r['d']):>10,} | {float(r['median_ms']):>17.1f} | "
              f"{float(j['median_ms']):>9.1f} | {speedup:>6.1f}x | {mt_ms:>12} | {'yes (' + j['check'] + ')' if agree else 'NO: java ' + j['check'] + ' numpy ' + r['check']} |")
    if worst is not None:
        print(f"slowest speedup: {worst:.1f}x (goal >= 1.5x)")
    return 1 if disagreements else 0


def agrees(method: str, java_check: str, numpy_check: str) -> bool:
    if method == "krum":
        return java_check == numpy_check
    jv = float(java_check.split("=")[1])
    nv = float(numpy_check.split("=")[1])
    return abs(jv - nv) <= 1e-4 * max(1.0, abs(nv))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--out", required=True)
    b.add_argument("--n", default="10,20")
    b.add_argument("--d", default="4000000,16000000")
    b.add_argument("--reps", type=int, default=3)
    b.add_argument("--warmup", type=int, default=1)
    t = sub.add_parser("table")
    t.add_argument("java")
    t.add_argument("numpy")
    args = p.parse_args()
    if args.cmd == "bench":
        bench(args)
        return 0
    return table(args)


if __name__ == "__main__":
    sys.exit(main())
