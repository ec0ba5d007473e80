#!/usr/bin/python3
"""Distributed CG-SENSE: 1 -> 2 MPI ranks on one problem (docs/benchmarks.md, issue 7).

Data: `tweed mri simulate` of a 16-coil 256 x 256 Shepp-Logan (R = 4, 24 ACS lines, noise 0.002).
Maps: the simulated ones (--sens sim.h5), so that the time is the reconstruction's, not ESPIRiT's
(ESPIRiT is not distributed: under mpiexec every rank would estimate all maps).

Compared, whole processes (start-up, MPI_Init, reading, solving and writing included), each run
--runs times, interleaved, median reported:
  1 rank, 1 thread    tweed --threads 1 mri recon sim.h5 --method cgsense --sens sim.h5
  1 rank, 2 threads   tweed --threads 2 ...
  2 ranks, 1 thread   mpiexec -n 2 tweed --threads 1 ...  (OMP_NUM_THREADS=1 per rank)
and the solve alone (the "recon" stage of each output's provenance), and the CPU time of all the
processes of a run (user + system, all ranks). Ratio = time with 1 rank /
time with 2 ranks (> 1: faster on 2 ranks). The 2-rank image is checked against the 1-rank one
(relative difference, the correctness target is 1e-5).

    /usr/bin/python3 tests/bench/dist_cgsense.py --tweed build/apps/tweed --runs 3
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tweed", default="build/apps/tweed")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--matrix", type=int, default=256)
    ap.add_argument("--coils", type=int, default=16)
    ap.add_argument("--mpiexec", default=shutil.which("mpiexec") or "mpiexec")
    ap.add_argument("--mpi-flags", default="--allow-run-as-root --oversubscribe",
                    help="launcher flags (the default suits a root container)")
    ap.add_argument("--yield", dest="yield_idle", action="store_true",
                    help="Open MPI ranks yield the core while they wait "
                         "(OMPI_MCA_mpi_yield_when_idle=1): helps on a busy machine")
    args = ap.parse_args()
    tweed = os.path.abspath(args.tweed)
    load = os.getloadavg()
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="passive")

    with tempfile.TemporaryDirectory(prefix="tweed-dist-bench-") as d:
        def cpu():
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime

        def run(cmd, extra_env=None):
            c0, t0 = cpu(), time.perf_counter()
            subprocess.run(cmd, cwd=d, check=True, capture_output=True, stdin=subprocess.DEVNULL,
                           env=dict(env, **(extra_env or {})))
            return time.perf_counter() - t0, cpu() - c0

        run([tweed, "--seed", "1", "-q", "mri", "simulate", "-o", "sim.h5", "--matrix",
             str(args.matrix), "--coils", str(args.coils), "--acceleration", "4",
             "--calibration", "24", "--noise", "0.002"])
        recon = ["mri", "recon", "sim.h5", "--method", "cgsense", "--sens", "sim.h5", "-q"]
        configs = {
            "1 rank, 1 thread": ([tweed, "--threads", "1", *recon, "-o", "r1t1.h5"],
                                 {}, "r1t1.h5"),
            "1 rank, 2 threads": ([tweed, "--threads", "2", *recon, "-o", "r1t2.h5"],
                                  {"OMP_NUM_THREADS": "2"}, "r1t2.h5"),
            "2 ranks, 1 thread": ([args.mpiexec, *args.mpi_flags.split(), "-n", "2", tweed,
                                   "--threads", "1", *recon, "-o", "r2t1.h5"],
                                  {"OMPI_MCA_mpi_yield_when_idle": "1"} if args.yield_idle
                                  else {}, "r2t1.h5"),
        }
        wall = {k: [] for k in configs}
        cpu_s = {k: [] for k in configs}
        solve = {k: [] for k in configs}
        for _ in range(args.runs):
            for name, (cmd, extra, out) in configs.items():
                w, c = run(cmd, extra)
                wall[name].append(w)
                cpu_s[name].append(c)
                with h5py.File(os.path.join(d, out)) as f:
                    prov = json.loads(f.attrs["provenance"])
                solve[name].append(prov["stages"]["recon"])

        def image(out):
            with h5py.File(os.path.join(d, out)) as f:
                return f["image"][()].astype(np.complex128)

        x1, x2 = image("r1t1.h5"), image("r2t1.h5")
        rel = np.linalg.norm(x2 - x1) / np.linalg.norm(x1)
        with h5py.File(os.path.join(d, "r2t1.h5")) as f:
            iters = json.loads(f.attrs["provenance"])["solver_reports"]["cgsense"]["iterations"]

    print(f"CG-SENSE, {args.coils} coils, {args.matrix}x{args.matrix}, {iters} iterations, "
          f"median of {args.runs}" + (", MPI ranks yield when idle" if args.yield_idle else ""))
    print(f"load average before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f} "
          f"({os.cpu_count()} cores)")
    print(f"{'configuration':<20} {'wall s':>8} {'solve s':>8} {'CPU s':>8}")
    med = {k: (statistics.median(wall[k]), statistics.median(solve[k]),
               statistics.median(cpu_s[k])) for k in configs}
    for k, (w, s, c) in med.items():
        print(f"{k:<20} {w:8.3f} {s:8.3f} {c:8.3f}")
    base = "2 ranks, 1 thread"
    for k in ("1 rank, 1 thread", "1 rank, 2 threads"):
        print(f"ratio ({k}) / ({base}): wall {med[k][0] / med[base][0]:.2f}x, "
              f"solve {med[k][1] / med[base][1]:.2f}x")
    print(f"2 ranks vs 1 rank: relative image difference {rel:.2e}")
    return 0 if rel < 1e-5 else 1


if __name__ == "__main__":
    sys.exit(main())
