#!/usr/bin/python3
"""Peer for bench_tv: scikit-image's denoise_tv_chambolle against Tweed on the same image.

One run drives both. The script builds a noisy 512x512 image (scikit-image's `camera`, scaled to
[0, 1], plus seeded Gaussian noise of standard deviation 0.1), writes it as raw float64, times
whole calls of skimage.restoration.denoise_tv_chambolle (median of --repeats runs after a warm-up
run), then runs `bench_tv --peer_image=...`, which times whole tweed::priors::tv_denoise calls on
the same file in scikit-image's mode (TvOptions::skimage: Chambolle's projection with the same
weight, the same eps stopping rule and the same iteration cap, so the same iterates). Both
objectives 1/2||u - f||^2 + weight * TV(u) (isotropic, forward differences, Neumann boundary) are
printed to show that the same point is reached, with the time ratio Tweed / scikit-image.
Tweed runs with 1 thread (scikit-image/NumPy use one) and, for information, with all threads.

A second comparison runs Tweed's default certified FGP solver (duality-gap tolerance 1e-2).

Then exact 1-D TV (taut string) on 10^6 samples (steps plus noise), in ns/sample. scikit-image
has no exact 1-D solver; its iterative denoise_tv_chambolle on the same 1-D signal is timed for
scale only (it reaches a different, approximate point: both objectives are printed).

    cmake -S . -B build-priors && make -C build-priors -j2 bench_tv
    /usr/bin/python3 tests/bench/tv_peer.py --bench build-priors/tests/bench/bench_tv
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
from skimage import data, img_as_float
from skimage.restoration import denoise_tv_chambolle


def tv_iso(u):
    """Isotropic TV with forward differences and Neumann boundary (n-D)."""
    g2 = np.zeros_like(u, dtype=np.float64)
    for ax in range(u.ndim):
        d = np.zeros_like(u, dtype=np.float64)
        sl = [slice(None)] * u.ndim
        sl[ax] = slice(0, -1)
        d[tuple(sl)] = np.diff(u.astype(np.float64), axis=ax)
        g2 += d * d
    return float(np.sqrt(g2).sum())


def objective(u, f, weight):
    r = u.astype(np.float64) - f.astype(np.float64)
    return 0.5 * float((r * r).sum()) + weight * tv_iso(u)


def time_skimage(f, weight, eps, max_iter, repeats):
    denoise_tv_chambolle(f, weight=weight, eps=eps, max_num_iter=max_iter)  # warm-up
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = denoise_tv_chambolle(f, weight=weight, eps=eps, max_num_iter=max_iter)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run_bench(bench, path, shape, dtype, weight, eps, max_iter, repeats, threads, solver="skimage"):
    cmd = [bench, f"--peer_image={path}", "--peer_shape=" + ",".join(str(s) for s in shape),
           f"--peer_dtype={dtype}", f"--peer_weight={weight}", f"--peer_eps={eps}",
           f"--peer_max_iter={max_iter}", f"--peer_repeats={repeats}", f"--peer_threads={threads}",
           f"--peer_solver={solver}"]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default="build-priors/tests/bench/bench_tv")
    ap.add_argument("--weight", type=float, default=0.1)
    ap.add_argument("--sigma", type=float, default=0.1, help="noise standard deviation")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--n1d", type=int, default=1_000_000)
    args = ap.parse_args()

    rng = np.random.default_rng(2024)
    clean = img_as_float(data.camera())  # 512 x 512
    noisy = clean + args.sigma * rng.standard_normal(clean.shape)
    print(f"scikit-image {skimage.__version__}, numpy {np.__version__}; image camera 512x512 + "
          f"N(0, {args.sigma}^2), weight {args.weight}; median of {args.repeats} whole runs; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "image.f64")
        noisy.astype("<f8").tofile(path)
        print("\n2-D isotropic TV, scikit-image's algorithm and stopping rule on both sides")
        print(f"{'dtype':8} {'eps':>7} {'iters':>5} {'skimage ms':>11} {'tweed ms (1 thr)':>17} "
              f"{'ratio':>6} {'tweed ms (' + str(args.threads) + ' thr)':>17} {'ratio':>6}   "
              f"objectives (skimage / tweed)")
        for dtype in ("float64", "float32"):
            f = noisy.astype(dtype)
            for eps, max_iter in ((2e-4, 200), (1e-6, 200)):
                t_sk, u_sk = time_skimage(f, args.weight, eps, max_iter, args.repeats)
                one = run_bench(args.bench, path, noisy.shape, dtype, args.weight, eps, max_iter,
                                args.repeats, 1)
                many = run_bench(args.bench, path, noisy.shape, dtype, args.weight, eps,
                                 max_iter, args.repeats, args.threads)
                obj_sk = objective(u_sk, f, args.weight)
                print(f"{dtype:8} {eps:7.0e} {one['iterations']:5d} {t_sk * 1e3:11.2f} "
                      f"{one['median_s'] * 1e3:17.2f} {one['median_s'] / t_sk:6.3f} "
                      f"{many['median_s'] * 1e3:17.2f} {many['median_s'] / t_sk:6.3f}   "
                      f"{obj_sk:.10g} / {one['objective']:.10g}")

        print("\n2-D isotropic TV, Tweed's default solver (FGP, certified duality-gap tolerance 1e-2)")
        for dtype in ("float64", "float32"):
            r = run_bench(args.bench, path, noisy.shape, dtype, args.weight, 0, 0, args.repeats, 1,
                          solver="fgp")
            print(f"{dtype:8} iterations {r['iterations']:4d}  {r['median_s'] * 1e3:8.2f} ms "
                  f"(1 thread)  objective {r['objective']:.10g}")

        # 1-D: steps plus noise.
        n = args.n1d
        levels = np.cumsum(rng.random(n) < 1e-3) % 7 / 7.0
        signal = levels + 0.1 * rng.standard_normal(n)
        path1 = os.path.join(tmp, "signal.f64")
        signal.astype("<f8").tofile(path1)
        r = run_bench(args.bench, path1, (n,), "float64", args.weight, 0, 0, args.repeats, 1)
        t_sk, u_sk = time_skimage(signal, args.weight, 2e-4, 200, max(3, args.repeats // 2))
        print(f"\nExact 1-D TV, {n} samples, weight {args.weight}: Tweed taut string "
              f"{r['median_s'] * 1e3:.2f} ms = {r['median_s'] / n * 1e9:.1f} ns/sample "
              f"(objective {r['objective']:.10g}, the exact minimum)")
        print(f"  for scale: skimage denoise_tv_chambolle (iterative, approximate) on the same "
              f"signal {t_sk * 1e3:.1f} ms = {t_sk / n * 1e9:.1f} ns/sample "
              f"(objective {objective(u_sk, signal, args.weight):.10g})")


if __name__ == "__main__":
    main()
