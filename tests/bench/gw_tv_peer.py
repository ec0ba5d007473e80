#!/usr/bin/python3
"""Peer for bench_gw: TV denoising of 32 s of whitened strain at 4096 Hz, Tweed's solvers against
scikit-image's denoise_tv_chambolle at equal objective value.

One run drives both. bench_gw writes the series (a GW150914-like chirp at optimal SNR 15 in aLIGO
design noise, whitened and band-passed 20-1000 Hz: 131072 samples), then times every solver of
tweed::gw::rrof_solve on it at weight lambda (exact TV by taut string; rROF with beta = 1e-4 by
Newton, FISTA and PDHG; exact TV by split Bregman) and reports each output's objective
    E(u) = 1/2 ||u - f||^2 + lambda sum_i |u_{i+1} - u_i|,
the functional scikit-image minimises with weight = lambda. For each Tweed solver this script then
finds the fewest Chambolle iterations after which scikit-image's output has E <= the Tweed
output's E (from one pass of a line-for-line copy of scikit-image's loop that records E after
every iteration; the copy is checked against scikit-image's output), and times whole
denoise_tv_chambolle calls with that iteration count and eps = 0 (median of --repeats; one call
beyond 2000 iterations). The exact minimum E* has no finite
iteration count: for the exact solvers the target is E* (1 + --exact-gap). Ratio = scikit-image
time / Tweed time (above 1: Tweed is faster). Tweed runs on 1 thread, as NumPy does.

    cmake -S . -B build && cmake --build build -j2 --target bench_gw
    /usr/bin/python3 tests/bench/gw_tv_peer.py --bench build/tests/bench/bench_gw
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import skimage
from skimage.restoration import denoise_tv_chambolle


def objective(u, f, weight):
    return 0.5 * float(((u - f) ** 2).sum()) + weight * float(np.abs(np.diff(u)).sum())


def chambolle(f, weight, iterations):
    return denoise_tv_chambolle(f, weight=weight, eps=0.0, max_num_iter=int(iterations))


def chambolle_objectives(f, weight, max_iter):
    """E of scikit-image's output after k = 1..max_iter iterations, in one pass.

    A line-for-line 1-D copy of skimage.restoration._denoise._denoise_tv_chambolle_nd (0.19):
    with max_num_iter = k it returns `out` of its loop's last pass, i = k - 1. The copy's output
    is checked against scikit-image's own at the iteration counts that are timed."""
    p = np.zeros_like(f)
    tau = 0.5  # 1 / (2 ndim)
    energies = np.empty(max_iter)
    g = np.zeros_like(f)
    for i in range(max_iter):
        if i > 0:
            d = -p
            d[1:] += p[:-1]
            out = f + d
        else:
            out = f
        energies[i] = objective(out, f, weight)
        g[:-1] = np.diff(out)
        norm = np.abs(g) * (tau / weight) + 1.0
        p -= tau * g
        p /= norm
    return energies


def replica_output(f, weight, k):
    p = np.zeros_like(f)
    g = np.zeros_like(f)
    out = f
    for i in range(k):
        if i > 0:
            d = -p
            d[1:] += p[:-1]
            out = f + d
        g[:-1] = np.diff(out)
        norm = np.abs(g) * (0.5 / weight) + 1.0
        p -= 0.5 * g
        p /= norm
    return out


def time_chambolle(f, weight, iterations, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        chambolle(f, weight, iterations)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default="build/tests/bench/bench_gw")
    ap.add_argument("--weight", type=float, default=5.6, help="lambda (scikit-image's weight)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--max-iter", type=int, default=32768, help="largest Chambolle iteration count")
    ap.add_argument("--exact-gap", type=float, default=1e-6,
                    help="relative objective gap that stands for 'exact' in scikit-image")
    ap.add_argument("--solvers", default="exact,newton,fista,pdhg,bregman")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "series.f64")
        subprocess.run([args.bench, f"--write_series={path}"], check=True)
        f = np.fromfile(path, dtype=np.float64)
        res = subprocess.run([args.bench, f"--peer_series={path}", f"--peer_lambda={args.weight}",
                              f"--peer_repeats={args.repeats}", "--peer_threads=1",
                              f"--peer_solvers={args.solvers}"],
                             check=True, capture_output=True, text=True)
    tweed = [json.loads(l) for l in res.stdout.splitlines() if l.startswith("{")]
    n = f.size
    exact = [t for t in tweed if t["solver"] == "exact"]
    e_star = exact[0]["objective_tv"] if exact else min(t["objective_tv"] for t in tweed)
    print(f"scikit-image {skimage.__version__}, numpy {np.__version__}; {n} samples, "
          f"weight {args.weight}; exact minimum E* = {e_star:.10g}; load "
          f"{os.getloadavg()[0]:.1f}")
    energies = chambolle_objectives(f, args.weight, args.max_iter)
    print(f"scikit-image after {args.max_iter} iterations: E/E* - 1 = "
          f"{energies[-1] / e_star - 1:.2e}")
    check = min(200, args.max_iter)
    np.testing.assert_allclose(replica_output(f, args.weight, check), chambolle(f, args.weight, check),
                               rtol=0, atol=1e-9)
    print("| solver | beta | iterations | Tweed ns/sample | E/E* - 1 | scikit-image iterations "
          "| scikit-image ns/sample | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for t in tweed:
        gap = t["objective_tv"] / e_star - 1
        target = t["objective_tv"]
        if t["solver"] in ("exact", "bregman"):
            target = max(target, e_star * (1 + args.exact_gap))
        reached = np.nonzero(energies <= target)[0]
        conv = "" if t["converged"] else " (cap)"
        if reached.size == 0:
            k = args.max_iter
            sk = time_chambolle(f, args.weight, k, 1)
            sk_text, sk_ns, ratio = f"> {k}", f"> {sk / n * 1e9:.0f}", f"> {sk / t['seconds']:.2g}"
        else:
            k = int(reached[0]) + 1
            runs = args.repeats if k <= 2000 else 1
            sk = time_chambolle(f, args.weight, k, runs)
            sk_text, sk_ns, ratio = str(k), f"{sk / n * 1e9:.0f}", f"{sk / t['seconds']:.1f}"
        print(f"| {t['solver']} | {t['beta']:g} | {t['iterations']}{conv} | "
              f"{t['ns_per_sample']:.1f} | {gap:.1e} | {sk_text} | {sk_ns} | {ratio} |", flush=True)

if __name__ == "__main__":
    main()
