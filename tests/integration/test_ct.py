#!/usr/bin/python3
"""Whole-command tests of `tweed ct`: simulate a scan, reconstruct it with each method as a user
does, check the printed metrics, determinism, and the errors on bad inputs."""
import os
import re
import unittest

import h5py
import numpy as np

from tweed_testing import TweedCase

METRICS = re.compile(r"^PSNR: ([0-9.]+) dB  SSIM: ([0-9.-]+)$", re.M)


class CtTest(TweedCase):
    def metrics(self, proc):
        m = METRICS.search(proc.stdout)
        self.assertIsNotNone(m, proc.stdout)
        return float(m.group(1)), float(m.group(2))

    def scan(self, dose=True):
        self.tweed("ct", "simulate", "--phantom", "shepp-logan", "--size", 96, "--views", 360,
                   "-o", "clean.h5")
        self.tweed("ct", "recon", "clean.h5", "-o", "ref.h5")
        if dose:
            self.tweed("--seed", 4, "ct", "simulate", "--phantom", "shepp-logan", "--size", 96,
                       "--views", 360, "--I0", 5000, "-o", "noisy.h5")

    def test_simulate_writes_sinogram_with_geometry(self):
        self.scan()
        with h5py.File(self.path("noisy.h5")) as f:
            self.assertEqual(f["sinogram"].shape[0], 360)
            self.assertEqual(f["sinogram"].attrs["ct_beam"], "parallel")
            self.assertIn("sinogram_clean", f)
            self.assertIn("provenance", f.attrs)
        self.assertEqual(self.leftovers(), [])

    def test_noiseless_fbp_matches_phantom(self):
        # The set-up: Shepp-Logan 256^2, 720 views over 360 degrees, PSNR >= 30 dB.
        self.tweed("ct", "simulate", "--phantom", "shepp-logan", "--size", 256, "--views", 720,
                   "-o", "clean.h5")
        self.tweed("ct", "recon", "clean.h5", "-o", "ref.h5")
        with h5py.File(self.path("clean.h5")) as f, h5py.File(self.path("ref.h5")) as g:
            truth, rec = f["image"][()], g["image"][()]
        psnr = 10 * np.log10(truth.max() ** 2 / np.mean((truth - rec) ** 2))
        self.assertGreaterEqual(psnr, 30)

    def test_denoisers_beat_plain_fbp(self):
        self.scan()
        fbp = self.metrics(self.tweed("ct", "recon", "noisy.h5", "-o", "fbp.h5", "--ref", "ref.h5"))
        tv = self.metrics(self.tweed("ct", "recon", "noisy.h5", "-o", "tv.nii.gz", "--method",
                                     "tv-fbp", "--ref", "ref.h5"))
        # 150 steps: the default 8-layer network starts near the identity and needs ~120 steps
        # before its held-out blocks prefer a trained checkpoint to it.
        flick = self.metrics(self.tweed("ct", "recon", "noisy.h5", "-o", "flick.h5", "--method",
                                        "flicker", "--iters", 150, "--pairs", 4, "--flicks", 2,
                                        "--ref", "ref.h5"))
        self.assertGreater(tv[0], fbp[0] + 1)
        self.assertGreater(flick[0], fbp[0])

    def test_same_seed_same_image(self):
        self.scan()
        for name in ("a.h5", "b.h5"):
            self.tweed("--seed", 5, "ct", "recon", "noisy.h5", "-o", name, "--method", "zsn2n",
                       "--iters", 20)
        with h5py.File(self.path("a.h5")) as a, h5py.File(self.path("b.h5")) as b:
            self.assertTrue(np.array_equal(a["image"][()], b["image"][()]))

    def test_bad_inputs(self):
        self.assert_one_error_line(self.tweed("ct", "recon", "nothere.h5", "-o", "x.h5",
                                              expect=None), "nothere.h5")
        with h5py.File(self.path("other.h5"), "w") as f:
            f["data"] = np.zeros((4, 4), np.float32)
        proc = self.tweed("ct", "recon", "other.h5", "-o", "x.h5", expect=None)
        self.assert_one_error_line(proc, "other.h5", "sinogram")
        self.scan(dose=False)
        with h5py.File(self.path("clean.h5"), "r+") as f:
            s = f["sinogram"][()]
            s[3, 3] = np.nan
            f["sinogram"][...] = s
        proc = self.tweed("ct", "recon", "clean.h5", "-o", "x.h5", expect=None)
        self.assert_one_error_line(proc, "clean.h5")
        self.assertFalse(os.path.exists(self.path("x.h5")))
        proc = self.tweed("ct", "simulate", "-o", "y.h5", expect=None)
        self.assertNotEqual(proc.returncode, 0)


if __name__ == "__main__":
    unittest.main()
