"""`tweed batch`: a manifest of 12 small MRI and CT jobs, alone and under mpiexec -n 2.

(a) the two runs write the same datasets byte for byte, plus a summary; (b) with one corrupt input
the other 11 jobs complete, the summary names the failing job and its error, and the exit code is
3; (c) after SIGKILL to mpiexec midway, a rerun runs only the unfinished jobs and no output is
truncated; (d) the manifest's `gather` stacks the MRI reconstructions into one volume (the same
alone and under mpiexec, equal to the stack of the job outputs), not written when one of its jobs
failed, skipped on a rerun. Also: the tweed program does not link MPI. Labelled integration and
mpi.
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

import h5py
import numpy as np

from tweed_testing import TWEED, TweedCase

MPIEXEC = os.environ.get("TWEED_MPIEXEC", "mpiexec")
# CI runs as root in a container with 2 cores: the launcher flags live here, not in user docs.
MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe"]
PARTLY_FAILED = 3

# 6 MRI jobs from a grid (simulate, then CG-SENSE against the phantom), 3 CT jobs (simulate, then
# FBP), 3 MRI reconstructions of k-space files made beforehand (a template over inputs).
MANIFEST = """
jobs:
  - id: "mri-c{coils}-r{acc}"
    grid: {coils: [4, 8], acc: [2, 3, 4]}
    steps:
      - [mri, simulate, --matrix, 64, --coils, "{coils}", --acceleration, "{acc}",
         --noise, 0.001, -o, "out/{id}-k.h5"]
      - [mri, recon, "out/{id}-k.h5", --method, cgsense, --ref, "out/{id}-k.h5",
         -o, "out/{id}-r.h5"]
  - id: "ct-{views}"
    grid: {views: [60, 90, 120]}
    steps:
      - ct simulate --phantom shepp-logan --size 64 --views {views} --I0 1e4 -o out/{id}-s.h5
      - ct recon out/{id}-s.h5 --method fbp --ref out/{id}-s.h5 -o out/{id}-r.h5
  - id: "rec-{stem}"
    inputs: ["in/*.h5"]
    run: [mri, recon, "{input}", --method, cgsense, -o, "out/{stem}-r.h5"]
gather:
  - {output: vol/image.h5, dataset: image, jobs: ["mri-*", "rec-*"]}
  - {output: vol/magnitude.h5, dataset: magnitude, jobs: "mri-*"}
"""
JOB_IDS = ([f"mri-c{c}-r{a}" for c in (4, 8) for a in (2, 3, 4)]
           + [f"ct-{v}" for v in (60, 90, 120)] + [f"rec-k{i}" for i in (1, 2, 3)])

MRI_RECONS = ([(f"mri-c{c}-r{a}", f"out/mri-c{c}-r{a}-r.h5") for c in (4, 8) for a in (2, 3, 4)]
              + [(f"rec-k{i}", f"out/k{i}-r.h5") for i in (1, 2, 3)])


def datasets(path):
    """Every dataset of an HDF5 file: name -> (dtype, shape, raw bytes). Attributes (the
    provenance, with times and hosts) are left out on purpose."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                out[name] = (str(obj.dtype), obj.shape, np.asarray(data).tobytes())
        f.visititems(visit)
    return out


class BatchTest(TweedCase):
    def setUp(self):
        super().setUp()
        os.makedirs(self.path("in"))
        for i, coils in enumerate((4, 6, 8), start=1):
            self.tweed("mri", "simulate", "--matrix", 64, "--coils", coils, "-q",
                       "-o", f"in/k{i}.h5")
        self.write_bytes("batch.yaml", MANIFEST.encode())

    def batch(self, *extra, ranks=0, folder=None, expect=0):
        """Runs the batch (under mpiexec when ranks > 0); returns (process, summary)."""
        folder = folder or self.dir
        cmd = [TWEED, "batch", "batch.yaml", "--quiet", *map(str, extra)]
        if ranks:
            cmd = [MPIEXEC, *MPI_FLAGS, "-n", str(ranks), *cmd]
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"{' '.join(cmd)}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        with open(os.path.join(folder, "batch.batch", "summary.json")) as f:
            return proc, json.load(f)

    def outputs(self, folder):
        out = os.path.join(folder, "out")
        return sorted(f for f in os.listdir(out) if f.endswith(".h5"))

    def check_volume(self, folder, volume, dataset, sources):
        """The volume is the stack of `dataset` of each (job, file) in `sources`, in that order,
        with the first slice's attributes and a provenance record of every source's hash."""
        with h5py.File(os.path.join(folder, volume), "r") as f:
            got = f[dataset][()]
            slices = []
            for _, file in sources:
                with h5py.File(os.path.join(folder, file), "r") as s:
                    slices.append(s[dataset][()])
            with h5py.File(os.path.join(folder, sources[0][1]), "r") as s:
                first_attrs = dict(s[dataset].attrs)
            want = np.stack(slices)
            self.assertEqual(got.dtype, want.dtype)
            self.assertEqual(got.shape, want.shape)
            self.assertEqual(got.tobytes(), want.tobytes())
            self.assertEqual(f[dataset].attrs["layout"], "jobs, " + first_attrs["layout"])
            prov = json.loads(f.attrs["provenance"])
        self.assertEqual(prov["dataset"], dataset)
        self.assertEqual([(p["job"], p["file"]) for p in prov["slices"]], sources)
        for p in prov["slices"]:
            with open(os.path.join(folder, p["file"]), "rb") as src:
                self.assertEqual(p["sha256"], hashlib.sha256(src.read()).hexdigest())

    def test_mpi_matches_alone_byte_for_byte(self):
        mpi_dir = self.path("mpi")
        os.makedirs(mpi_dir)
        shutil.copytree(self.path("in"), os.path.join(mpi_dir, "in"))
        shutil.copy(self.path("batch.yaml"), mpi_dir)

        proc, alone = self.batch()
        self.assertEqual(alone["ranks"], 1)
        self.assertEqual(alone["counts"], {"jobs": 12, "done": 12, "skipped": 0, "failed": 0})
        self.assertEqual([j["id"] for j in alone["jobs"]], JOB_IDS)
        for line in ("mri-c4-r2", "done", "12 jobs: 12 done, 0 skipped, 0 failed",
                     "gather vol/image.h5  done  9 slices"):
            self.assertIn(line, proc.stdout)
        self.assertEqual([(g["output"], g["status"], g["slices"]) for g in alone["gathers"]],
                         [("vol/image.h5", "done", 9), ("vol/magnitude.h5", "done", 6)])
        self.check_volume(self.dir, "vol/image.h5", "image", MRI_RECONS)
        self.check_volume(self.dir, "vol/magnitude.h5", "magnitude", MRI_RECONS[:6])

        _, mpi = self.batch("--threads-per-rank", 1, ranks=2, folder=mpi_dir)
        self.assertEqual(mpi["ranks"], 2)
        self.assertEqual(mpi["threads_per_rank"], 1)
        self.assertEqual(mpi["counts"], alone["counts"])
        self.assertEqual(mpi["manifest_sha256"], alone["manifest_sha256"])
        self.assertEqual({j["rank"] for j in mpi["jobs"]}, {0, 1}, "both ranks ran jobs")

        names = self.outputs(self.dir)
        self.assertEqual(len(names), 6 * 2 + 3 * 2 + 3)
        self.assertEqual(names, self.outputs(mpi_dir))
        for name in names:
            a = datasets(self.path("out", name))
            b = datasets(os.path.join(mpi_dir, "out", name))
            self.assertTrue(a, name)
            self.assertEqual(a.keys(), b.keys(), name)
            for key in a:
                self.assertEqual(a[key], b[key], f"{name}:{key} differs")
        self.assertEqual(mpi["gathers"], alone["gathers"])
        for volume in ("vol/image.h5", "vol/magnitude.h5"):
            self.assertEqual(datasets(self.path(volume)),
                             datasets(os.path.join(mpi_dir, volume)), volume)

        # A rerun skips every job and both volumes (their sources are unchanged).
        before = os.stat(self.path("vol/image.h5")).st_mtime_ns
        proc, again = self.batch()
        self.assertEqual(again["counts"]["skipped"], 12)
        self.assertEqual([g["status"] for g in again["gathers"]], ["skipped", "skipped"])
        self.assertEqual(os.stat(self.path("vol/image.h5")).st_mtime_ns, before)

        by_id = {j["id"]: j for j in mpi["jobs"]}
        self.assertGreater(by_id["mri-c8-r2"]["metrics"]["PSNR"], 30)
        self.assertIn("SSIM", by_id["ct-120"]["metrics"])
        self.assertEqual(by_id["rec-k1"]["outputs"], ["out/k1-r.h5"])
        for j in mpi["jobs"]:
            self.assertEqual(j["status"], "done")
            self.assertTrue(os.path.isfile(os.path.join(mpi_dir, "batch.batch", "jobs",
                                                        j["id"] + ".json")))

    def test_a_corrupt_input_fails_one_job_only(self):
        data = self.read_bytes("in/k2.h5")
        self.write_bytes("in/k2.h5", data[: len(data) // 2])
        proc, summary = self.batch(ranks=2, expect=PARTLY_FAILED)
        self.assertEqual(summary["exit_code"], PARTLY_FAILED)
        self.assertEqual(summary["counts"], {"jobs": 12, "done": 11, "skipped": 0, "failed": 1})
        failed = [j for j in summary["jobs"] if j["status"] == "failed"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["id"], "rec-k2")
        self.assertNotEqual(failed[0]["exit_code"], 0)
        self.assertIn("in/k2.h5", failed[0]["message"])
        self.assertIn("error", failed[0]["message"])
        self.assertIn("rec-k2", proc.stdout)
        self.assertIn("1 failed", proc.stdout)
        self.assertFalse(os.path.exists(self.path("out", "k2-r.h5")))
        self.assertEqual(len(self.outputs(self.dir)), 20)
        # The volume that needs rec-k2 is not written; the other one is.
        gathers = {g["output"]: g for g in summary["gathers"]}
        self.assertEqual(gathers["vol/image.h5"]["status"], "failed")
        self.assertIn("rec-k2 failed", gathers["vol/image.h5"]["message"])
        self.assertEqual(gathers["vol/magnitude.h5"]["status"], "done")
        self.assertFalse(os.path.exists(self.path("vol/image.h5")))
        self.assertEqual(os.listdir(self.path("vol")), ["magnitude.h5"])
        self.assertIn("gather vol/image.h5  failed", proc.stdout)

        # Rerun after repairing the input: only the failed job runs.
        self.tweed("mri", "simulate", "--matrix", 64, "--coils", 6, "-q", "-o", "in/k2.h5")
        _, summary = self.batch()
        self.assertEqual(summary["counts"], {"jobs": 12, "done": 1, "skipped": 11, "failed": 0})
        self.assertEqual([g["status"] for g in summary["gathers"]], ["done", "skipped"])
        self.check_volume(self.dir, "vol/image.h5", "image", MRI_RECONS)

    def processes_in(self, folder):
        """Processes whose working folder is `folder` (the ranks and their jobs)."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if os.readlink(f"/proc/{pid}/cwd") == folder:
                    with open(f"/proc/{pid}/stat") as f:
                        if f.read().split(") ")[-1].split()[0] != "Z":  # zombies hold nothing
                            found.append(pid)
            except OSError:
                pass
        return found

    def test_sigkill_midway_then_resume_runs_only_unfinished_jobs(self):
        records = self.path("batch.batch", "jobs")
        cmd = [MPIEXEC, *MPI_FLAGS, "-n", "2", TWEED, "batch", "batch.yaml", "--quiet",
               "--threads-per-rank", "1"]
        launcher = subprocess.Popen(cmd, cwd=self.dir, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.isdir(records) and len(os.listdir(records)) >= 3:
                break
            if launcher.poll() is not None:
                self.fail("the batch ended before it could be killed")
            time.sleep(0.01)
        launcher.send_signal(signal.SIGKILL)
        launcher.wait()
        deadline = time.time() + 10
        while self.processes_in(os.path.realpath(self.dir)) and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.processes_in(os.path.realpath(self.dir)), [],
                         "ranks and jobs must end with their launcher")

        finished = {f[:-5] for f in os.listdir(records) if f.endswith(".json")}
        self.assertGreaterEqual(len(finished), 3)
        self.assertLess(len(finished), 12, "killed midway")
        for name in self.outputs(self.dir):  # whatever is there is complete
            self.assertTrue(datasets(self.path("out", name)), name)

        _, summary = self.batch(ranks=2)
        status = {j["id"]: j["status"] for j in summary["jobs"]}
        self.assertEqual({i for i, s in status.items() if s == "skipped"}, finished)
        self.assertEqual({i for i, s in status.items() if s == "done"}, set(JOB_IDS) - finished)
        names = self.outputs(self.dir)
        self.assertEqual(len(names), 21)
        for name in names:
            self.assertTrue(datasets(self.path("out", name)), name)
        self.assertEqual([f for f in os.listdir(self.path("out")) if ".tweedtmp-" in f], [],
                         "temporaries of killed jobs are cleaned up when they rerun")

    def test_tweed_does_not_link_mpi(self):
        ldd = subprocess.run(["ldd", TWEED], capture_output=True, text=True, check=True).stdout
        self.assertNotIn("libmpi", ldd)
        self.assertNotIn("libpetsc", ldd)


if __name__ == "__main__":
    unittest.main()
