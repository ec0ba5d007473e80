"""tweed info on every input format, and one clear error for truncated or malformed inputs."""
import os
import sys
import unittest

import h5py
import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

sys.path.insert(0, os.path.dirname(__file__))
from tweed_testing import TweedCase  # noqa: E402


def write_dicom(path, pixels, position_z=0.0, instance=1, series_uid=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT image storage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.StudyInstanceUID = "1.2.3.4"
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.InstanceNumber = instance
    ds.PatientName = "Phantom^Test"
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelSpacing = [0.5, 0.7]
    ds.SliceThickness = 2.0
    ds.ImagePositionPatient = [0.0, 0.0, position_z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept = -1024
    ds.RescaleSlope = 1
    ds.PixelData = pixels.astype(np.int16).tobytes()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)


def write_cfl(base, array):
    """BART's layout: .hdr lists dims with the fastest first; .cfl is complex64, column-major."""
    arr = np.asarray(array, dtype=np.complex64)
    dims = list(arr.shape[::-1]) + [1] * (16 - arr.ndim)
    with open(base + ".hdr", "w") as f:
        f.write("# Dimensions\n" + " ".join(map(str, dims)) + "\n")
    arr.tofile(base + ".cfl")  # row-major of the reversed shape == column-major of BART dims


class Describe(TweedCase):
    def test_nifti(self):
        img = nib.Nifti1Image(np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6),
                              np.diag([1.5, 2.0, 2.5, 1.0]))
        nib.save(img, self.path("vol.nii.gz"))
        out = self.tweed("info", "vol.nii.gz").stdout
        self.assertIn("nifti", out.lower())
        # nibabel's (x, y, z) = (4, 5, 6) is Tweed's row-major [z, y, x] = [6, 5, 4].
        self.assertIn("[6, 5, 4]", out)
        self.assertIn("1.5", out)

    def test_dicom_file_and_series(self):
        os.mkdir(self.path("series"))
        uid = generate_uid()
        for k in range(3):
            write_dicom(self.path("series", f"slice{k}.dcm"),
                        np.full((8, 10), 1000 + k, dtype=np.int16), position_z=2.0 * k,
                        instance=k + 1, series_uid=uid)
        out = self.tweed("info", self.path("series", "slice0.dcm")).stdout
        self.assertIn("dicom", out.lower())
        self.assertIn("[8, 10]", out.replace("[1, 8, 10]", "[8, 10]"))
        out = self.tweed("info", "series").stdout
        self.assertIn("[3, 8, 10]", out)

    def test_cfl_pair_by_base_name(self):
        write_cfl(self.path("ksp"), np.ones((2, 3, 4)))
        out = self.tweed("info", "ksp").stdout
        self.assertIn("cfl", out.lower())
        self.assertIn("[2, 3, 4]", out)

    def test_tweed_hdf5_with_complex_and_attributes(self):
        with h5py.File(self.path("d.h5"), "w") as f:
            f["image"] = np.zeros((3, 4), np.complex64)
            f["group/wide"] = np.zeros((5,), np.complex128)
            f["image"].attrs["units"] = "a.u."
        out = self.tweed("info", "d.h5").stdout
        for needle in ["image", "[3, 4]", "complex64", "group/wide", "complex128", "units"]:
            self.assertIn(needle, out)


class Malformed(TweedCase):
    def check(self, name, *needles):
        proc = self.tweed("info", name, expect=None)
        self.assert_one_error_line(proc, name, *needles)
        self.assertEqual(self.leftovers(), [])

    def test_missing_file(self):
        self.check("nothing-here.h5")

    def test_half_a_dicom_file(self):
        write_dicom(self.path("full.dcm"), np.zeros((64, 64), np.int16))
        data = self.read_bytes("full.dcm")
        self.write_bytes("half.dcm", data[: len(data) // 2])
        self.check("half.dcm")

    def test_cfl_size_disagrees_with_hdr(self):
        write_cfl(self.path("bad"), np.ones((4, 4)))
        with open(self.path("bad.cfl"), "ab") as f:
            f.write(b"\0" * 8)
        self.check("bad")

    def test_truncated_hdf5(self):
        with h5py.File(self.path("t.h5"), "w") as f:
            f["x"] = np.zeros((100, 100), np.float32)
        self.write_bytes("cut.h5", self.read_bytes("t.h5")[:1000])
        self.check("cut.h5")

    def test_hdf5_without_the_expected_dataset(self):
        with h5py.File(self.path("other.h5"), "w") as f:
            f["something"] = np.zeros(3, np.float32)
        proc = self.tweed("info", "other.h5", "--dataset", "kspace", expect=None)
        self.assert_one_error_line(proc, "other.h5", "kspace", "something")
        out = self.tweed("info", "other.h5", "--dataset", "something").stdout
        self.assertIn("float32", out)

    def test_nifti_negative_dimension(self):
        img = nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), np.eye(4))
        nib.save(img, self.path("ok.nii"))
        raw = bytearray(self.read_bytes("ok.nii"))
        # dim[2] is the int16 at byte 40 + 2*2 of the NIfTI-1 header.
        raw[44:46] = np.int16(-5).tobytes()
        self.write_bytes("neg.nii", bytes(raw))
        self.check("neg.nii", "dim")

    def test_file_of_unknown_format(self):
        self.write_bytes("notes.txt", b"plain text")
        self.check("notes.txt", "not a format")

    def test_garbage_with_known_extension(self):
        self.write_bytes("junk.nii.gz", b"this is not gzip")
        self.check("junk.nii.gz")


if __name__ == "__main__":
    unittest.main()
