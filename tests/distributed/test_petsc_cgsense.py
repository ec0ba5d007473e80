#!/usr/bin/python3
"""`mpiexec -n 2 tweed mri recon --method cgsense` (coils split over the ranks, PETSc's CG) against
the plain one-process run: same image to 1e-5 relative, same data scale and iterations, rank 0
alone writes, the provenance records the ranks; the other methods refuse to run under mpiexec;
PETSc's options database is reachable with the tweed_ prefix.

Environment: TWEED_BINARY (the tweed program), TWEED_MPIEXEC (mpiexec and its launcher flags)."""
import json
import os
import shlex
import subprocess
import sys
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from tweed_testing import TWEED, TweedCase  # noqa: E402

MPIEXEC = shlex.split(os.environ.get("TWEED_MPIEXEC", "mpiexec"))


class DistributedCgSense(TweedCase):
    def mpi(self, ranks, *args, expect=0, env=None):
        run_env = dict(os.environ, OMP_NUM_THREADS="1")
        run_env.update(env or {})
        proc = subprocess.run([*MPIEXEC, "-n", str(ranks), TWEED, *map(str, args)],
                              capture_output=True, text=True, cwd=self.dir, timeout=600,
                              stdin=subprocess.DEVNULL, env=run_env)
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"{ranks} ranks: tweed {' '.join(map(str, args))}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def simulate(self, coils=8, matrix=96):
        self.tweed("--seed", 5, "mri", "simulate", "-o", "sim.h5", "--matrix", matrix, "--coils",
                   coils, "--acceleration", 3, "--calibration", 20, "--noise", 0.002)

    @staticmethod
    def read(path):
        with h5py.File(path) as f:
            return f["image"][()], json.loads(f.attrs["provenance"])

    def test_two_ranks_match_one_process(self):
        self.simulate()
        # ESPIRiT maps (the default) are estimated by every rank from the whole k-space.
        self.tweed("--threads", 1, "mri", "recon", "sim.h5", "-o", "one.h5", "--method", "cgsense")
        self.mpi(2, "mri", "recon", "sim.h5", "-o", "two.h5", "--method", "cgsense")
        x1, p1 = self.read(self.path("one.h5"))
        x2, p2 = self.read(self.path("two.h5"))
        rel = np.linalg.norm(x2.astype(np.complex128) - x1) / np.linalg.norm(x1)
        print(f"2 ranks vs 1: relative difference {rel:.3e}", file=sys.stderr)
        self.assertLess(rel, 1e-5)
        self.assertEqual(p2["mpi_ranks"], 2)
        self.assertEqual(p1["options"]["data_scale"], p2["options"]["data_scale"])
        r1, r2 = p1["solver_reports"]["cgsense"], p2["solver_reports"]["cgsense"]
        self.assertEqual(r1["iterations"], r2["iterations"])
        self.assertEqual(r1["reason"], r2["reason"])
        self.assertEqual(self.leftovers(), [])

    def test_maps_from_file_and_petsc_options(self):
        self.simulate(coils=5, matrix=64)
        self.tweed("--threads", 1, "mri", "recon", "sim.h5", "-o", "one.h5", "--sens", "sim.h5",
                   "--iters", 12)
        proc = self.mpi(2, "mri", "recon", "sim.h5", "-o", "two.h5", "--sens", "sim.h5",
                        "--iters", 12, env={"PETSC_OPTIONS": "-tweed_ksp_monitor"})
        # PETSc's monitor prints on rank 0 only: one line before the first iteration, one per
        # iteration.
        lines = [l for l in proc.stdout.splitlines() if "KSP Residual norm" in l]
        self.assertEqual(len(lines), 13, proc.stdout)
        x1, _ = self.read(self.path("one.h5"))
        x2, _ = self.read(self.path("two.h5"))
        self.assertLess(np.linalg.norm(x2.astype(np.complex128) - x1) / np.linalg.norm(x1), 1e-5)

    def test_petsc_options_on_the_command_line(self):
        self.simulate(coils=4, matrix=48)
        proc = self.mpi(2, "mri", "recon", "sim.h5", "-o", "x.h5", "--sens", "sim.h5",
                        "-tweed_ksp_monitor", "-tweed_ksp_rtol", "1e-3",
                        "-tweed_ksp_converged_reason")
        self.assertIn("CONVERGED_RTOL", proc.stdout)
        _, prov = self.read(self.path("x.h5"))
        report = prov["solver_reports"]["cgsense"]
        self.assertEqual(report["reason"], "converged")
        self.assertLessEqual(report["final_residual"], 1e-3)
        lines = [l for l in proc.stdout.splitlines() if "KSP Residual norm" in l]
        self.assertEqual(len(lines), report["iterations"] + 1, proc.stdout)
        # A word after an option is never its value: here it is an unexpected argument.
        proc = self.mpi(2, "mri", "recon", "sim.h5", "-o", "y.h5", "-tweed_ksp_type", "cg",
                        expect=None)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cg", proc.stderr)
        self.assertFalse(os.path.exists(self.path("y.h5")))

    def test_other_methods_refuse_to_run_on_several_ranks(self):
        self.simulate(coils=4, matrix=32)
        proc = self.mpi(2, "mri", "recon", "sim.h5", "-o", "l1.h5", "--method", "l1wav",
                        expect=None)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("only cgsense is distributed", proc.stderr)
        self.assertFalse(os.path.exists(self.path("l1.h5")))

    def test_more_ranks_than_coils_is_refused(self):
        self.simulate(coils=2, matrix=32)
        proc = self.mpi(3, "mri", "recon", "sim.h5", "-o", "x.h5", "--sens", "sim.h5",
                        expect=None)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("2 coils cannot feed 3 ranks", proc.stderr)
        self.assertFalse(os.path.exists(self.path("x.h5")))


if __name__ == "__main__":
    unittest.main()
