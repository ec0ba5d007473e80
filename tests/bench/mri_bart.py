#!/usr/bin/python3
"""Tweed against BART on the same multi-coil k-space, in the same run (docs/benchmarks.md, issue 4).

Data: BART's own 8-coil phantom, `bart phantom -x N -s 8 -k` (k-space) and `bart phantom -x N -S 8`
(maps), undersampled in y by a pattern of every R-th line from the centre plus ACS centre lines
(written by this script) and `bart fmac`. Reference: the fully sampled image, the root-sum-of-squares of the
coil images (`bart fft -i -u 3`, `bart rss 8`).

Compared, whole processes (start-up, reading, computing and writing included), each run --runs
times, interleaved, median reported; both with --threads (BART through OMP_NUM_THREADS):
  cgsense  bart pics -l2 -r 0.001 -i 30    vs  tweed mri recon --method cgsense --sens <BART maps>
  l1wav    bart pics -l1 -r 0.01 -i 100    vs  tweed mri recon --method l1wav --lambda 0.01 --iters 100
  espirit  bart ecalib -m1                 vs  tweed mri sens --method espirit
and CG-SENSE with each tool's ESPIRiT maps. NRMSE: magnitudes after a least-squares scale fit
(as `bart nrmse -s`) against the reference; lower is better. Ratio = Tweed time / BART time.

    /usr/bin/python3 tests/bench/mri_bart.py --tweed build/apps/tweed --runs 5
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def read_cfl(base):
    with open(base + ".hdr") as f:
        lines = f.read().splitlines()
    dims = [int(v) for v in lines[lines.index("# Dimensions") + 1].split()]
    data = np.fromfile(base + ".cfl", dtype=np.complex64)
    return data.reshape(dims, order="F")


def write_cfl(base, array):
    dims = list(array.shape) + [1] * (16 - array.ndim)
    with open(base + ".hdr", "w") as f:
        f.write("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    array.astype(np.complex64).reshape(-1, order="F").tofile(base + ".cfl")


def write_pattern(base, n, acceleration, acs):
    """BART pattern [1, n]: every R-th phase-encoding line (y) from the centre, plus `acs` centre lines.
    (`bart upat -c` counts its centre differently: -c 24 keeps 49 lines.)"""
    y = np.arange(n)
    start = n // 2 - acs // 2
    lines = ((y - n // 2) % acceleration == 0) | ((y >= start) & (y < start + acs))
    write_cfl(base, lines.astype(np.complex64).reshape(1, n))


def magnitude_image(base):
    """|image| as a 2-D array (root-sum-of-squares over any map sets)."""
    a = read_cfl(base)
    a = np.abs(a.reshape(a.shape[0], a.shape[1], -1))
    return np.sqrt((a ** 2).sum(axis=2))


def nrmse_scaled(ref, x):
    s = float((ref * x).sum() / max((x * x).sum(), 1e-30))
    return float(np.linalg.norm(s * x - ref) / np.linalg.norm(ref))


def run(cmd, env):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return dt


def timed_pair(bart_cmd, tweed_cmd, runs, env):
    """Interleaved whole-process timings; returns (median bart, median tweed)."""
    tb, tt = [], []
    for _ in range(runs):
        tb.append(run(bart_cmd, env))
        tt.append(run(tweed_cmd, env))
    return statistics.median(tb), statistics.median(tt)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tweed", required=True)
    ap.add_argument("--bart", default=shutil.which("bart") or "bart")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--acceleration", type=int, default=4)
    ap.add_argument("--acs", type=int, default=24)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", help="keep the files in this folder")
    a = ap.parse_args()
    tweed = os.path.abspath(a.tweed)
    work = a.keep or tempfile.mkdtemp(prefix="tweed-mri-bench-")
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))
    b, n, t = a.bart, str(a.size), str(a.threads)
    tw = [tweed, "--threads", t, "-q"]

    run([b, "phantom", "-x", n, "-s", "8", "-k", "ksp"], env)
    run([b, "phantom", "-x", n, "-S", "8", "sens"], env)
    write_pattern("pat", a.size, a.acceleration, a.acs)
    run([b, "fmac", "ksp", "pat", "ksp_us"], env)
    # BART's phantom maps are not normalised (sum |S|^2 is about 1e10); FISTA's fixed step in
    # `pics -l1` assumes ||A|| <= 1 and diverges with them, so l1-wavelet uses normalised maps.
    run([b, "rss", "8", "sens", "sens_rss"], env)
    run([b, "invert", "sens_rss", "sens_inv"], env)
    run([b, "fmac", "sens", "sens_inv", "sens_n"], env)
    run([b, "fft", "-i", "-u", "3", "ksp", "coils"], env)
    run([b, "rss", "8", "coils", "ref"], env)
    ref = magnitude_image("ref")
    lines = int(round(read_cfl("pat").real.sum()))
    print("data: %s^2, 8 coils, %d of %s lines (R = %.2f), %d ACS; %d threads, median of %d runs"
          % (n, lines, n, a.size / lines, a.acs, a.threads, a.runs))

    rows = []
    # Zero-filled, for scale.
    run(tw + ["mri", "recon", "ksp_us", "-o", "zf_tweed", "--method", "zf", "--sens", "sens"], env)
    rows.append(("zero-filled (Tweed, BART maps)", None, nrmse_scaled(ref, magnitude_image("zf_tweed")), None, None))

    tb, tt = timed_pair([b, "pics", "-l2", "-r", "0.001", "-i", "30", "ksp_us", "sens", "cg_bart"],
                        tw + ["mri", "recon", "ksp_us", "-o", "cg_tweed", "--method", "cgsense", "--sens", "sens",
                              "--lambda", "0.001", "--iters", "30"], a.runs, env)
    rows.append(("CG-SENSE, BART maps: pics -l2 -r 0.001 -i 30", nrmse_scaled(ref, magnitude_image("cg_bart")),
                 nrmse_scaled(ref, magnitude_image("cg_tweed")), tb, tt))

    tb, tt = timed_pair([b, "pics", "-l1", "-r", "0.01", "-i", "100", "ksp_us", "sens_n", "l1_bart"],
                        tw + ["mri", "recon", "ksp_us", "-o", "l1_tweed", "--method", "l1wav", "--sens", "sens_n",
                              "--lambda", "0.01", "--iters", "100"], a.runs, env)
    rows.append(("l1-wavelet, normalised BART maps: pics -l1 -r 0.01 -i 100", nrmse_scaled(ref, magnitude_image("l1_bart")),
                 nrmse_scaled(ref, magnitude_image("l1_tweed")), tb, tt))

    tb, tt = timed_pair([b, "ecalib", "-m1", "ksp_us", "ecalib_bart"],
                        tw + ["mri", "sens", "ksp_us", "-o", "ecalib_tweed"], a.runs, env)
    run([b, "pics", "-l2", "-r", "0.001", "-i", "30", "ksp_us", "ecalib_bart", "cg_bart_e"], env)
    run(tw + ["mri", "recon", "ksp_us", "-o", "cg_tweed_e", "--method", "cgsense", "--sens", "ecalib_tweed"], env)
    run(tw + ["mri", "recon", "ksp_us", "-o", "cg_tweed_be", "--method", "cgsense", "--sens", "ecalib_bart"], env)
    rows.append(("ESPIRiT (ecalib -m1 vs mri sens), then CG-SENSE", nrmse_scaled(ref, magnitude_image("cg_bart_e")),
                 nrmse_scaled(ref, magnitude_image("cg_tweed_e")), tb, tt))
    rows.append(("CG-SENSE (Tweed) with BART's ecalib maps", None,
                 nrmse_scaled(ref, magnitude_image("cg_tweed_be")), None, None))

    print("\n| case | NRMSE BART | NRMSE Tweed | BART s | Tweed s | time ratio Tweed/BART |")
    print("|---|---|---|---|---|---|")
    fmt = lambda v, f: "-" if v is None else f % v
    for name, nb, nt, tb, tt in rows:
        print("| %s | %s | %s | %s | %s | %s |" % (name, fmt(nb, "%.4f"), fmt(nt, "%.4f"), fmt(tb, "%.3f"),
                                                  fmt(tt, "%.3f"), "-" if tb is None else "%.2f" % (tt / tb)))
    if not a.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
