#!/usr/bin/python3
"""Peer for bench_ct: scikit-image's radon / iradon against Tweed's CT projector and FBP.

One run drives both, on the same image: the 256 x 256 Shepp-Logan of scikit-image
(skimage.data.shepp_logan_phantom, rescaled to 256^2) written as raw float64. scikit-image runs
radon(image, theta, circle=False) and iradon(sinogram, theta, filter_name='ramp', circle=False,
interpolation='linear') with theta = 720 angles over 360 degrees (endpoint excluded); each call is
timed whole (median of --repeats runs after a warm-up). Then `bench_ct --peer_image=...` times
Tweed's Joseph forward projection (projector setup included) and ram-lak FBP of the same image in
the same geometry (parallel beam, 720 views over 2 pi, ceil(sqrt 2 * 256) = 363 bins of one
pixel), with 1 thread (scikit-image uses one) and with all threads, and the script prints the
ratios scikit-image / Tweed (goal: >= 20). This is repeated for --rounds rounds, scikit-image and
Tweed alternating so that both see the same machine load; the last lines give the median of the
per-round ratios. Both FBPs' PSNR against the image are printed as a sanity check that the same
work is done (different interpolation, so not identical numbers).

    cmake -S . -B build-ct -DTWEED_BUILD_BENCH=ON && cmake --build build-ct --target bench_ct
    /usr/bin/python3 tests/bench/ct_peer.py --bench build-ct/tests/bench/bench_ct
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
from skimage.data import shepp_logan_phantom
from skimage.metrics import peak_signal_noise_ratio
from skimage.transform import iradon, radon, resize


def median_time(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_tweed(bench, path, n, views, repeats, threads):
    env = dict(os.environ, OMP_NUM_THREADS=threads)
    out = subprocess.run(
        [bench, f"--peer_image={path}", f"--peer_size={n}", f"--peer_views={views}",
         f"--peer_repeats={repeats}"],
        env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", required=True, help="path to the bench_ct binary")
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--views", type=int, default=720)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of (scikit-image, tweed) timings; the summary is the median "
                         "over rounds of each round's ratio")
    args = ap.parse_args()

    n, views = args.size, args.views
    image = resize(shepp_logan_phantom(), (n, n), anti_aliasing=True).astype(np.float64)
    theta = np.arange(views) * 360.0 / views
    thread_counts = ("1", str(os.cpu_count()))
    ratios = {(t, k): [] for t in thread_counts for k in ("forward", "fbp")}
    times = {k: [] for k in ("radon", "iradon")}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "image.f64")
        image.astype("<f8").tofile(path)
        for rnd in range(args.rounds):
            # scikit-image and tweed alternate, round by round, so that both see the same load.
            sino = radon(image, theta=theta, circle=False)
            t_radon = median_time(lambda: radon(image, theta=theta, circle=False), args.repeats)
            rec = iradon(sino, theta=theta, filter_name="ramp", circle=False,
                         interpolation="linear")
            t_iradon = median_time(
                lambda: iradon(sino, theta=theta, filter_name="ramp", circle=False,
                               interpolation="linear"), args.repeats)
            times["radon"].append(t_radon)
            times["iradon"].append(t_iradon)
            psnr_sk = peak_signal_noise_ratio(image, rec[:n, :n] if rec.shape[0] >= n else rec,
                                              data_range=image.max() - image.min())
            print(f"round {rnd + 1}: scikit-image {skimage.__version__}: {n}x{n}, {views} views "
                  f"over 360 deg, {sino.shape[0]} bins")
            print(f"  radon  {t_radon * 1e3:9.1f} ms")
            print(f"  iradon {t_iradon * 1e3:9.1f} ms  (PSNR vs image {psnr_sk:.2f} dB)")
            for threads in thread_counts:
                r = run_tweed(args.bench, path, n, views, max(args.repeats, 5), threads)
                rf, rb = t_radon / r["forward_s"], t_iradon / r["fbp_s"]
                ratios[(threads, "forward")].append(rf)
                ratios[(threads, "fbp")].append(rb)
                print(f"  tweed, {r['threads']} thread(s), {r['detectors']} bins:")
                print(f"    forward {r['forward_s'] * 1e3:9.1f} ms  -> scikit-image radon / tweed "
                      f"= {rf:.1f}x  (projector setup {r['projector_setup_s'] * 1e3:.1f} ms, "
                      f"included)")
                print(f"    fbp     {r['fbp_s'] * 1e3:9.1f} ms  -> scikit-image iradon / tweed "
                      f"= {rb:.1f}x  (PSNR vs image {r['fbp_psnr_vs_image']:.2f} dB)")
    print(f"summary over {args.rounds} round(s), median of the per-round ratios "
          f"(scikit-image radon {statistics.median(times['radon']) * 1e3:.1f} ms, iradon "
          f"{statistics.median(times['iradon']) * 1e3:.1f} ms):")
    for threads in thread_counts:
        print(f"  tweed {threads} thread(s): forward "
              f"{statistics.median(ratios[(threads, 'forward')]):.1f}x, fbp "
              f"{statistics.median(ratios[(threads, 'fbp')]):.1f}x")


if __name__ == "__main__":
    main()
