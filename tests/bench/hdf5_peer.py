#!/usr/bin/python3
"""h5py peer of bench_hdf5: the same 64 MiB complex64 array ([2048, 4096], the same smooth signal),
written and read contiguous and chunked ([32, 4096]) with gzip level 1, as MB/s (10^6 bytes/s).

  /usr/bin/python3 tests/bench/hdf5_peer.py [--bench build/tests/bench/bench_hdf5] [--repeat N]

With --bench, the Tweed benchmark runs first in the same invocation and a table of both with the
ratio Tweed / h5py is printed (ratio > 1: Tweed is faster). Files go to $TWEED_BENCH_DIR or the
system temp folder; nothing is fsync'ed on either side.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROWS, COLS = 2048, 4096
MB = ROWS * COLS * 8 / 1e6


def signal():
    k = np.arange(ROWS * COLS, dtype=np.float64)
    x = np.sin(1e-3 * k).astype(np.float32) + 1j * np.cos(7e-4 * k).astype(np.float32)
    return x.astype(np.complex64).reshape(ROWS, COLS)


def kwargs(gzip):
    return {"chunks": (32, COLS), "compression": "gzip", "compression_opts": 1} if gzip else {}


def best_time(fn, repeat, min_seconds=2.0):
    """Best of `repeat` runs, with at least min_seconds of runs in total (as Google Benchmark)."""
    times = []
    start = time.perf_counter()
    while len(times) < repeat or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 50:
            break
    return min(times), np.median(times)


def h5py_rates(repeat):
    folder = os.environ.get("TWEED_BENCH_DIR", tempfile.gettempdir())
    x = signal()
    rates = {}
    for gzip in (False, True):
        tag = "chunked_gzip1" if gzip else "contiguous"
        path = os.path.join(folder, f"h5py_bench_{tag}_{os.getpid()}.h5")

        def write():
            with h5py.File(path, "w") as f:
                f.create_dataset("x", data=x, **kwargs(gzip))

        def read():
            with h5py.File(path, "r") as f:
                y = f["x"][()]
            assert y.dtype == np.complex64 and y.shape == (ROWS, COLS)

        _, med_w = best_time(write, repeat)
        _, med_r = best_time(read, repeat)
        os.remove(path)
        rates[f"hdf5_write/{tag}"] = MB / med_w
        rates[f"hdf5_read/{tag}"] = MB / med_r
    return rates


def tweed_rates(bench):
    out = subprocess.run([bench, "--benchmark_format=json"], check=True, capture_output=True, text=True)
    rates = {}
    for b in json.loads(out.stdout)["benchmarks"]:
        name = b["name"].split("/min_time")[0]
        rates[name] = b["MB/s"]
    return rates


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bench", help="path of bench_hdf5, to run it and print ratios")
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    tweed = tweed_rates(a.bench) if a.bench else {}
    peer = h5py_rates(a.repeat)
    print(f"h5py {h5py.__version__}, HDF5 {h5py.version.hdf5_version}; 64 MiB complex64, MB/s")
    print(f"{'case':28s} {'tweed':>9s} {'h5py':>9s} {'ratio':>7s}")
    for name, rate in peer.items():
        t = tweed.get(name)
        ts = f"{t:9.1f}" if t else f"{'-':>9s}"
        ratio = f"{t / rate:7.2f}" if t else f"{'-':>7s}"
        print(f"{name:28s} {ts} {rate:9.1f} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
