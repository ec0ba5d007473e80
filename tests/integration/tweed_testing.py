"""Helpers for the whole-command tests: run the tweed binary in a scratch folder."""
import os
import subprocess
import tempfile
import unittest

TWEED = os.environ.get("TWEED_BINARY", "tweed")


class TweedCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="tweed-it-")
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def read_bytes(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def write_bytes(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)

    def tweed(self, *args, expect=0, timeout=600):
        proc = subprocess.run([TWEED, *map(str, args)], capture_output=True, text=True,
                              cwd=self.dir, timeout=timeout, stdin=subprocess.DEVNULL)
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"tweed {' '.join(map(str, args))}\nstdout:\n{proc.stdout}\n"
                             f"stderr:\n{proc.stderr}")
        return proc

    def assert_one_error_line(self, proc, *needles):
        """A failure must be one clear line naming the file and the problem, never a crash."""
        self.assertNotEqual(proc.returncode, 0)
        self.assertLess(proc.returncode, 128, "killed by a signal")
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, proc.stderr)
        self.assertTrue(lines[0].startswith("tweed: error: "), lines[0])
        for n in needles:
            self.assertIn(n, lines[0])

    def leftovers(self, folder=None):
        """Temporary files of atomic writes that were left behind."""
        folder = folder or self.dir
        return [f for f in os.listdir(folder) if ".tmp" in f]
