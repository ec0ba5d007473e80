#!/usr/bin/python3
"""Whole-command tests of `tweed gw`: simulate -> denoise prints the match and SNR-gain lines and
improves the match; GWOSC-layout files written by h5py and GWOSC ASCII files (.txt, .txt.gz) are
read and give the same result as the C plug-in API called through ctypes; files without
strain/Strain, without Xspacing or with NaNs give one error line naming the file and leave nothing
behind; the study writes its CSVs and plot, the same for any thread count."""
import ctypes
import csv
import gzip
import os
import re
import unittest

import h5py
import numpy as np

from tweed_testing import TWEED, TweedCase

MATCH = re.compile(r"^match: ([0-9.]+) -> ([0-9.]+)$", re.M)
GAIN = re.compile(r"^snr gain: (-?[0-9.]+) dB$", re.M)
FS = 4096
GPS = 1126259446.0


def c_library():
    """lib/libtweed_gw_c.so of the build that holds the tweed binary (build/apps/tweed)."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(TWEED))), "lib",
                        "libtweed_gw_c.so")
    lib = ctypes.CDLL(path)
    lib.tweed_gw_denoise.restype = ctypes.c_int
    lib.tweed_gw_last_error.restype = ctypes.c_char_p
    return lib


class Params(ctypes.Structure):
    """tweed_gw_params, field for field (tweed/gw/tweed_gw.h)."""
    _fields_ = [("struct_size", ctypes.c_size_t), ("method", ctypes.c_int),
                ("lambda_", ctypes.c_double), ("beta", ctypes.c_double),
                ("iterations", ctypes.c_int), ("discrepancy_stop", ctypes.c_int),
                ("noise_sigma", ctypes.c_double), ("whiten", ctypes.c_int),
                ("band_low", ctypes.c_double), ("band_high", ctypes.c_double)]


def c_denoise(x, method=0):
    lib = c_library()
    p = Params()
    lib.tweed_gw_default_params(ctypes.byref(p))
    p.method = method
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.zeros_like(x)
    dp = ctypes.POINTER(ctypes.c_double)
    status = lib.tweed_gw_denoise(x.ctypes.data_as(dp), y.ctypes.data_as(dp), ctypes.c_size_t(x.size),
                                  ctypes.c_double(FS), ctypes.byref(p))
    assert status == 0, lib.tweed_gw_last_error()
    return y


def test_series(n=8 * FS, seed=4):
    """Unit white noise plus a sine-Gaussian burst (f0 = 80 Hz, Q = 8) at 4 s."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FS
    tau = 8 / (np.sqrt(2) * np.pi * 80)
    return rng.standard_normal(n) + 3 * np.sin(2 * np.pi * 80 * (t - 4)) * np.exp(-((t - 4) / tau) ** 2)


def write_gwosc_h5(path, x, strain=True, xspacing=True):
    """A GWOSC event file as h5py writes one (the layout in docs/gw.md)."""
    with h5py.File(path, "w") as f:
        if strain:
            d = f.create_dataset("strain/Strain", data=x, compression="gzip", compression_opts=9)
            d.attrs["Xstart"] = GPS
            if xspacing:
                d.attrs["Xspacing"] = 1.0 / FS
            d.attrs["Npoints"] = x.size
            d.attrs["Xunits"] = "second"
            d.attrs["Xlabel"] = "GPS time"
            d.attrs["Ylabel"] = "Strain"
        else:
            f.create_dataset("strain/Other", data=x)
        f["meta/Detector"] = "H1"
        f["meta/Observatory"] = "H"
        f["meta/GPSstart"] = int(GPS)
        f["meta/Duration"] = x.size // FS
        f["meta/Description"] = "Strain data time series from LIGO"
        f["meta/Type"] = "StrainTimeSeries"
        f["meta/UTCstart"] = "2015-09-14T09:50:29"
        f.create_dataset("quality/simple/DQmask", data=np.full(x.size // FS, 127, dtype=np.int32))
        f["quality/simple/DQShortnames"] = [b"DATA", b"CBC_CAT1"]


def write_gwosc_txt(path, x):
    text = ("# Gravitational wave strain for H1_LOSC_4_V2 for H1 (see http://losc.ligo.org)\n"
            f"# This file has {FS} samples per second\n"
            f"# starting GPS {int(GPS)} duration {x.size // FS}\n" +
            "".join(f"{v:.17e}\n" for v in x))
    if path.endswith(".gz"):
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


class GwCase(TweedCase):
    def match_lines(self, proc):
        m, g = MATCH.search(proc.stdout), GAIN.search(proc.stdout)
        self.assertIsNotNone(m, proc.stdout)
        self.assertIsNotNone(g, proc.stdout)
        return float(m.group(1)), float(m.group(2)), float(g.group(1))

    def assert_png(self, name):
        self.assertEqual(self.read_bytes(name)[:8], b"\x89PNG\r\n\x1a\n")


class SimulateDenoiseTest(GwCase):
    def test_simulate_then_denoise_improves_the_match(self):
        self.tweed("--seed", 3, "gw", "simulate", "--event", "GW150914", "--snr", 15, "-o", "sim.hdf5")
        with h5py.File(self.path("sim.hdf5"), "r") as f:
            s = f["strain/Strain"]
            self.assertEqual(s.shape, (32 * FS,))
            self.assertAlmostEqual(s.attrs["Xspacing"], 1.0 / FS)
            self.assertAlmostEqual(s.attrs["Xstart"] + 20, 1126259462.4, delta=1)
            self.assertEqual(f["injection/signal"].shape, s.shape)
            self.assertIn("provenance", f.attrs)
            self.assertGreater(np.abs(f["injection/signal"][()]).max(), 0)
        self.assertTrue(os.path.exists(self.path("sim.hdf5.provenance.json")))

        results = {}
        for method in ("rrof", "irrof", "tv"):
            proc = self.tweed("gw", "denoise", "sim.hdf5", "-o", f"{method}.hdf5", "--method", method,
                              "--whiten", "--band", "20,1000", "--plot", f"{method}.png",
                              "--spectrogram", f"{method}_tf.png")
            before, after, gain = self.match_lines(proc)
            results[method] = after
            self.assertGreater(after, before + 0.2, method)
            self.assertGreater(gain, 3, method)
            self.assert_png(f"{method}.png")
            self.assert_png(f"{method}_tf.png")
            with h5py.File(self.path(f"{method}.hdf5"), "r") as f:
                self.assertEqual(f["strain/Strain"].shape, (32 * FS,))
                self.assertIn("injection/signal", f)
                self.assertEqual(f.attrs["tweed_method"], method)
                self.assertIn("provenance", f.attrs)
        # The default irrof (16 passes of the total weight / 16) is not worse than one step.
        self.assertGreater(results["irrof"], results["rrof"] - 0.02)
        proc = self.tweed("gw", "denoise", "sim.hdf5", "-o", "bregman.hdf5", "--method", "irrof",
                          "--bregman", "--whiten", "--band", "20,1000")
        before, after, _ = self.match_lines(proc)
        self.assertGreater(after, before + 0.2)
        with h5py.File(self.path("bregman.hdf5"), "r") as f:
            self.assertEqual(f.attrs["tweed_method"], "irrof-bregman")
            self.assertEqual(f.attrs["tweed_passes"], 3)

    def test_same_seed_same_file(self):
        for name in ("a.hdf5", "b.hdf5"):
            self.tweed("--seed", 9, "gw", "simulate", "--m1", 20, "--m2", 15, "--snr", 12,
                       "--duration", 8, "--glitches", 2, "-o", name)
        with h5py.File(self.path("a.hdf5"), "r") as a, h5py.File(self.path("b.hdf5"), "r") as b:
            np.testing.assert_array_equal(a["strain/Strain"][()], b["strain/Strain"][()])


class GwoscFilesTest(GwCase):
    def test_h5py_file_and_ascii_files_agree_with_the_c_api(self):
        x = test_series()
        write_gwosc_h5(self.path("H-H1_GWOSC_4KHZ_R1-1126259446-8.hdf5"), x)
        write_gwosc_txt(self.path("H-H1_GWOSC_4KHZ_R1-1126259446-8.txt"), x)
        write_gwosc_txt(self.path("H-H1_GWOSC_4KHZ_R1-1126259446-8.txt.gz"), x)
        expected = c_denoise(x)  # rROF, automatic weight, no conditioning
        for ext in ("hdf5", "txt", "txt.gz"):
            out = f"out_{ext.replace('.', '_')}.hdf5"
            proc = self.tweed("gw", "denoise", f"H-H1_GWOSC_4KHZ_R1-1126259446-8.{ext}", "-o", out)
            self.assertNotIn("match:", proc.stdout)  # no injection in the file
            with h5py.File(self.path(out), "r") as f:
                u = f["strain/Strain"][()]
                self.assertAlmostEqual(f["strain/Strain"].attrs["Xstart"], GPS)
                self.assertEqual(f["meta/Detector"][()].decode() if isinstance(f["meta/Detector"][()], bytes)
                                 else f["meta/Detector"][()], "H1")
            np.testing.assert_allclose(u, expected, rtol=0, atol=1e-9, err_msg=ext)
            # Denoising removed most of the unit noise and kept the burst.
            self.assertLess(np.std(u[:2 * FS]), 0.5)
            self.assertGreater(np.abs(u[4 * FS - 200:4 * FS + 200]).max(), 1.0)

    def test_bad_files_give_one_error_line_and_no_output(self):
        x = test_series(n=4 * FS)
        write_gwosc_h5(self.path("nostrain.hdf5"), x, strain=False)
        write_gwosc_h5(self.path("nospacing.hdf5"), x, xspacing=False)
        y = x.copy()
        y[1234] = np.nan
        write_gwosc_h5(self.path("nan.hdf5"), y)
        write_gwosc_txt(self.path("nan.txt"), y)
        cases = [("nostrain.hdf5", "strain/Strain"), ("nospacing.hdf5", "Xspacing"),
                 ("nan.hdf5", "1234"), ("nan.txt", "1234"), ("missing.hdf5", "missing.hdf5")]
        for name, needle in cases:
            proc = self.tweed("gw", "denoise", name, "-o", "out.hdf5", "--whiten", expect=None)
            self.assert_one_error_line(proc, name, needle)
            self.assertFalse(os.path.exists(self.path("out.hdf5")), name)
            self.assertFalse(os.path.exists(self.path("out.hdf5.provenance.json")), name)
            self.assertEqual(self.leftovers(), [], name)
        proc = self.tweed("gw", "denoise", "nan.txt", "-o", "out.txt", expect=None)
        self.assert_one_error_line(proc, "--output", "out.txt")
        write_gwosc_txt(self.path("good.txt"), x)
        for band in ("20", "300,100", "a,b"):
            proc = self.tweed("gw", "denoise", "good.txt", "-o", "o.hdf5", "--band", band, expect=None)
            self.assert_one_error_line(proc, "--band", band)
            self.assertFalse(os.path.exists(self.path("o.hdf5")))


class StudyTest(GwCase):
    def test_tiny_study_writes_csvs_and_plot_deterministically(self):
        args = ["gw", "study", "--events", "GW150914,GW151226", "--snr", "15", "--seeds", 2,
                "--methods", "rrof,irrof,lowpass", "--lambda-grid", "1.8,5.6", "--cutoffs", "80,200"]
        proc = self.tweed("--seed", 1, "--threads", 2, *args, "-o", "st2")
        self.tweed("--seed", 1, "--threads", 1, *args, "-o", "st1")
        for name in ("gw_study.csv", "gw_study_summary.csv"):
            self.assertEqual(self.read_bytes(os.path.join("st1", name)),
                             self.read_bytes(os.path.join("st2", name)), name)
        self.assert_png(os.path.join("st2", "gw_study.png"))
        self.assertTrue(os.path.exists(self.path("st2", "gw_study.provenance.json")))
        with open(self.path("st2", "gw_study.csv")) as f:
            rows = list(csv.DictReader(f))
        # 2 events x 2 seeds x (rrof 2 + default, irrof 2 + default, lowpass 2).
        self.assertEqual(len(rows), 2 * 2 * 8)
        self.assertEqual({r["seed"] for r in rows}, {"1", "2"})
        with open(self.path("st2", "gw_study_summary.csv")) as f:
            summary = list(csv.DictReader(f))
        self.assertEqual(len(summary), 2 * 5)  # rrof, irrof: best + default; lowpass: best
        for r in summary:
            self.assertIn(r["lowpass_cutoff"], ("80", "200"))
            self.assertGreater(float(r["match_after_mean"]), float(r["match_before_mean"]))
        self.assertIn("GW151226", proc.stdout)


if __name__ == "__main__":
    unittest.main()
