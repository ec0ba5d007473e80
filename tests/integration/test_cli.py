"""The tweed command: help, version, global options, config files, the demo and determinism."""
import json
import os
import sys
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from tweed_testing import TweedCase  # noqa: E402


class Basics(TweedCase):
    def test_version_flag_and_command(self):
        out = self.tweed("--version").stdout
        self.assertRegex(out, r"^tweed \d+\.\d+\.\d+ \(")
        out = self.tweed("version").stdout
        self.assertIn("commit", out)
        self.assertIn("fftw", out)

    def test_help_lists_every_entry_point(self):
        out = self.tweed("--help").stdout
        for cmd in ["version", "info", "demo", "ct", "mri", "radar", "hsi", "gw", "batch"]:
            self.assertIn(cmd, out)
        self.assertIn("--seed", out)
        self.assertIn("--threads", out)
        self.assertIn("--quiet", out)
        self.assertIn("--config", out)
        demo_help = self.tweed("demo", "--help").stdout
        self.assertIn("--output", demo_help)
        self.assertIn("Global options", demo_help)

    def test_unknown_option_is_a_usage_error(self):
        proc = self.tweed("info", "--no-such-option", "x", expect=2)
        self.assert_one_error_line(proc, "no-such-option")
        self.assert_one_error_line(self.tweed("--threads", "-3", "version", expect=2), "threads")

    def test_module_not_in_build_says_so(self):
        proc = self.tweed("radar", expect=1)
        self.assert_one_error_line(proc, "tweed radar", "not part of this build")


class ConfigFiles(TweedCase):
    def test_unknown_key_names_file_and_key(self):
        cfg = self.path("bad.json")
        with open(cfg, "w") as f:
            json.dump({"output": "x", "lambada": 3}, f)
        proc = self.tweed("demo", "--config", cfg, expect=2)
        self.assert_one_error_line(proc, cfg, "lambada")
        self.assertFalse(os.path.exists(self.path("x")))

    def test_malformed_yaml_and_missing_file(self):
        cfg = self.path("bad.yaml")
        with open(cfg, "w") as f:
            f.write("output: [unclosed\n")
        self.assert_one_error_line(self.tweed("demo", "--config", cfg, expect=2), cfg)
        missing = self.path("missing.yaml")
        self.assert_one_error_line(self.tweed("demo", "--config", missing, expect=2), missing)

    def test_yaml_keys_set_options_and_command_line_wins(self):
        cfg = self.path("demo.yaml")
        with open(cfg, "w") as f:
            f.write("output: from-config\nseed: 11\nquiet: true\nonly: [core]\n")
        self.tweed("demo", "--config", cfg)
        with open(self.path("from-config", "core.h5.provenance.json")) as f:
            prov = json.load(f)
        self.assertEqual(prov["seeds"]["noise"], 11)
        self.assertEqual(prov["options"]["config"], cfg)
        self.tweed("demo", "--config", cfg, "--output", "from-cli", "--seed", "12")
        self.assertFalse(os.path.exists(self.path("from-cli", "mri.h5")), "only: [core] ignored")
        with open(self.path("from-cli", "core.h5.provenance.json")) as f:
            prov = json.load(f)
        self.assertEqual(prov["seeds"]["noise"], 12)


class Demo(TweedCase):
    def test_demo_report_outputs_and_determinism_across_threads(self):
        # The CT job trains a network (torch is byte-identical only at equal thread counts, and
        # slow): it has its own test below.
        self.tweed("demo", "-o", "one", "--seed", "5", "--threads", "1", "--quiet",
                   "--only", "core,mri")
        self.tweed("--threads", "2", "--seed", "5", "demo", "-o", "two", "--only", "core,mri")
        with open(self.path("one", "report.md")) as f:
            report = f.read()
        self.assertIn("PSNR", report)
        for f in ["core.h5", "core.h5.provenance.json", "core_tv.nii.gz", "core_tv.png",
                  "core_noisy.png", "report.md"]:
            self.assertTrue(os.path.getsize(self.path("one", f)) > 0, f)
        self.assertEqual(self.leftovers(self.path("one")), [])
        with h5py.File(self.path("one", "core.h5"), "r") as a, \
                h5py.File(self.path("two", "core.h5"), "r") as b:
            self.assertEqual(set(a.keys()), {"phantom", "noisy", "tv", "lowpass"})
            for name in a:
                self.assertEqual(a[name].dtype, np.float32)
                self.assertEqual(a[name].shape, (256, 256))
                np.testing.assert_array_equal(a[name][()], b[name][()], err_msg=name)
            prov_a = json.loads(a.attrs["provenance"])
            prov_b = json.loads(b.attrs["provenance"])
            self.assertEqual(prov_a["threads"], 1)
            self.assertEqual(prov_b["threads"], 2)
            self.assertEqual(prov_a["seeds"]["noise"], 5)
            for key in ["tweed_version", "git_commit", "command_line", "host", "start_time",
                        "end_time", "stages", "solver_reports", "metrics"]:
                self.assertIn(key, prov_a)
            # Denoising must help: TV beats the noisy image by a wide margin.
            m = prov_a["metrics"]
            self.assertGreater(m["tv_psnr_db"], m["noisy_psnr_db"] + 6.0)
        with h5py.File(self.path("one", "core.h5"), "r") as a:
            noisy_a = a["noisy"][()]
        self.tweed("demo", "-o", "three", "--seed", "6", "-q", "--only", "core")
        with h5py.File(self.path("three", "core.h5"), "r") as c:
            self.assertFalse(np.array_equal(noisy_a, c["noisy"][()]), "seed must matter")

    def test_unknown_job_is_refused_before_writing(self):
        proc = self.tweed("demo", "-o", "none", "--only", "core,radar", expect=2)
        self.assert_one_error_line(proc, "--only", "radar")
        self.assertFalse(os.path.exists(self.path("none")))

    def test_ct_job_flicking_beats_fbp(self):
        self.tweed("demo", "-o", "ct", "--seed", "3", "-q", "--only", "ct")
        with h5py.File(self.path("ct", "ct.h5"), "r") as f:
            self.assertEqual(f["sinogram"].shape, (720, f["sinogram"].shape[1]))
            for name in ["reference", "fbp ram-lak", "fbp hann", "tv on fbp", "flicking"]:
                self.assertEqual(f[name].shape, (128, 128), name)
            m = json.loads(f.attrs["provenance"])["metrics"]
        # Low dose: the learned denoiser must clearly beat both FBP filters and TV on FBP.
        self.assertGreater(m["flicking_psnr_db"], m["fbp hann_psnr_db"] + 3.0)
        self.assertGreater(m["flicking_psnr_db"], m["tv on fbp_psnr_db"])
        self.assertGreater(m["flicking_ssim"], m["fbp hann_ssim"])
        self.assertEqual(self.leftovers(self.path("ct")), [])
        with open(self.path("ct", "report.md")) as f:
            self.assertIn("flicking", f.read())


if __name__ == "__main__":
    unittest.main()
