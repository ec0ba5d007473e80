"""Peer values from SciPy for the gw conditioning tests (run by test_peers.cpp).

Usage: scipy_peer.py DATA OUT. DATA holds float64 samples (fs = 1024 Hz); OUT receives float64
values in this order: Welch mean (nperseg 256), Welch median (nperseg 256), |H|^2 of the order-4
Butterworth band-pass 20-200 Hz at f = 0..512 Hz step 2, |H|^2 of iirnotch(60, 30) at the same
frequencies, tukey(101, 0.3).
"""
import sys

import numpy as np
from scipy import signal

fs = 1024.0
x = np.fromfile(sys.argv[1], dtype=np.float64)
_, mean = signal.welch(x, fs, window="hann", nperseg=256, noverlap=128, average="mean")
_, median = signal.welch(x, fs, window="hann", nperseg=256, noverlap=128, average="median")
f = np.arange(0, 513, 2.0)
sos = signal.butter(4, [20, 200], btype="band", fs=fs, output="sos")
_, h = signal.sosfreqz(sos, worN=f, fs=fs)
b, a = signal.iirnotch(60, 30, fs=fs)
_, hn = signal.freqz(b, a, worN=f, fs=fs)
tukey = signal.windows.tukey(101, 0.3)
np.concatenate([mean, median, np.abs(h) ** 2, np.abs(hn) ** 2, tukey]).astype(np.float64).tofile(sys.argv[2])
