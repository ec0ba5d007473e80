#!/usr/bin/python3
"""Peer for bench_fft: NumPy's fft2 + ifft2 round trip on a 256x256 complex64 image.

Prints the median time of one round trip in microseconds, to compare with
BM_fftc_roundtrip_cfloat/n:256 of bench_fft. NumPy (pocketfft) computes in complex128 whatever
the input precision and is single-threaded; the centred variant (with fftshift/ifftshift, what
Tweed's fftc/ifftc compute) is timed as well.

    /usr/bin/python3 tests/bench/fft_peer.py [--n 256] [--repeats 15]
"""
import argparse
import statistics
import time

import numpy as np


def median_us(fn, x, repeats, inner):
    fn(x)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn(x)
        times.append((time.perf_counter() - t0) / inner * 1e6)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--inner", type=int, default=20, help="round trips per timed sample")
    args = ap.parse_args()

    rng = np.random.default_rng(1)
    x = (rng.standard_normal((args.n, args.n)) + 1j * rng.standard_normal((args.n, args.n)))
    x = x.astype(np.complex64)

    def plain(a):
        return np.fft.ifft2(np.fft.fft2(a, norm="ortho"), norm="ortho")

    def centred(a):
        y = np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(a), norm="ortho"))
        return np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(y), norm="ortho"))

    print(f"numpy {np.__version__}, {args.n}x{args.n} complex64, median of {args.repeats} "
          f"samples x {args.inner} round trips")
    print(f"numpy fft2+ifft2 round trip: {median_us(plain, x, args.repeats, args.inner):.1f} us")
    print(f"numpy centred round trip (with shifts): "
          f"{median_us(centred, x, args.repeats, args.inner):.1f} us")


if __name__ == "__main__":
    main()
