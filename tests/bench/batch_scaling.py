#!/usr/bin/python3
"""Batch throughput of `tweed batch`, 2 ranks against 1, for docs/benchmarks.md.

Twelve jobs of a few seconds each (`tweed mri recon --method l1wav` of simulated 128 x 128,
8-coil k-space), one thread per job (--threads-per-rank 1). The one-rank run is `tweed batch`
alone (no MPI at all); the two-rank run is `mpiexec -n 2 tweed batch`, MPI start-up included.
Each run has a fresh state folder and output folder, so no job is skipped. Prints the median
wall time of `--repeats` runs of each and their ratio (the goal is >= 1.8x on 2 cores).

    /usr/bin/python3 tests/bench/batch_scaling.py --tweed build/apps/tweed

Run it on an otherwise idle machine: the ratio measures how well 2 ranks use 2 cores.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tweed", default=os.environ.get("TWEED_BINARY", "tweed"))
    ap.add_argument("--mpiexec", default="mpiexec")
    ap.add_argument("--mpi-flags", default="--allow-run-as-root --oversubscribe",
                    help="extra mpiexec flags (root in a container needs these)")
    ap.add_argument("--jobs", type=int, default=12)
    ap.add_argument("--matrix", type=int, default=128)
    ap.add_argument("--coils", type=int, default=8)
    ap.add_argument("--iters", type=int, default=1500, help="l1wav iterations per job")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    tweed = os.path.abspath(args.tweed)
    env = dict(os.environ, OMP_WAIT_POLICY="passive")

    with tempfile.TemporaryDirectory(prefix="tweed-batch-bench-") as work:
        os.makedirs(os.path.join(work, "in"))
        for i in range(args.jobs):
            subprocess.run([tweed, "mri", "simulate", "--matrix", str(args.matrix), "--coils",
                            str(args.coils), "--noise", "0.001", "--seed", str(i), "-q",
                            "-o", os.path.join(work, "in", f"k{i:02d}.h5")],
                           check=True, env=env)
        with open(os.path.join(work, "bench.yaml"), "w") as f:
            f.write("jobs:\n"
                    "  - id: \"rec-{stem}\"\n"
                    "    inputs: [\"in/*.h5\"]\n"
                    f"    run: [mri, recon, \"{{input}}\", --method, l1wav, --iters, {args.iters},"
                    " -o, \"out/{stem}-r.h5\"]\n")

        def run(ranks, n):
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            cmd = [tweed, "batch", "bench.yaml", "--quiet", "--threads-per-rank", "1",
                   "--state", f"state-{ranks}-{n}"]
            if ranks > 1:
                cmd = [args.mpiexec, *args.mpi_flags.split(), "-n", str(ranks), *cmd]
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=work, check=True, env=env, stdout=subprocess.DEVNULL)
            seconds = time.perf_counter() - t0
            with open(os.path.join(work, f"state-{ranks}-{n}", "summary.json")) as f:
                summary = json.load(f)
            assert summary["counts"]["done"] == args.jobs, summary["counts"]
            job_seconds = [j["seconds"] for j in summary["jobs"]]
            return seconds, statistics.median(job_seconds)

        times = {1: [], 2: []}
        per_job = {1: [], 2: []}
        for n in range(args.repeats):
            for ranks in (1, 2):  # interleaved, so a load change hits both alike
                s, j = run(ranks, n)
                times[ranks].append(s)
                per_job[ranks].append(j)
                print(f"run {n + 1}: {ranks} rank(s): {s:.2f} s (median job {j:.2f} s)",
                      flush=True)

    t1, t2 = statistics.median(times[1]), statistics.median(times[2])
    result = {
        "jobs": args.jobs, "matrix": args.matrix, "coils": args.coils, "iters": args.iters,
        "repeats": args.repeats, "seconds_1_rank": t1, "seconds_2_ranks": t2,
        "median_job_seconds_1_rank": statistics.median(per_job[1]),
        "median_job_seconds_2_ranks": statistics.median(per_job[2]),
        "throughput_ratio": t1 / t2,
    }
    print(f"{args.jobs} jobs (mri recon l1wav {args.matrix}^2, {args.coils} coils, "
          f"{args.iters} iterations, 1 thread each), median of {args.repeats}:")
    print(f"  1 rank (alone):     {t1:7.2f} s")
    print(f"  2 ranks (mpiexec):  {t2:7.2f} s")
    print(f"  throughput ratio:   {t1 / t2:7.2f}x")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
