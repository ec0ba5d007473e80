#!/usr/bin/python3
"""h5py side of the HDF5 compatibility test (test_h5py.cpp runs it).

  h5py_roundtrip.py check FILE   verify a file Tweed wrote: shapes, exact dtypes, values, attributes
  h5py_roundtrip.py write FILE   write a file for Tweed to read back

Expected values come from the formulas below, written independently of Tweed's code:
  ramp(shape)[k] = 0.25 * k - 3           (k = row-major flat index)
  complex ramp   = ramp + 1j * (-0.5 * k)
Exit status 0 when every check passes, 1 otherwise (the failures are printed).
"""
import json
import sys

import h5py
import numpy as np

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def ramp(shape, dtype):
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    v = 0.25 * k - 3.0
    if np.issubdtype(np.dtype(dtype), np.complexfloating):
        v = v + 1j * (-0.5 * k)
    return v.reshape(shape).astype(dtype)


def check(path):
    with h5py.File(path, "r") as f:
        for name, dtype in [("f32", np.float32), ("f64", np.float64),
                            ("c64", np.complex64), ("c128", np.complex128)]:
            d = f[name]
            expect(d.shape == (3, 4, 5), f"{name}: shape {d.shape}")
            expect(d.dtype == np.dtype(dtype), f"{name}: dtype {d.dtype}, want {np.dtype(dtype)}")
            expect(np.array_equal(d[()], ramp((3, 4, 5), dtype)), f"{name}: values differ")
        nested = f["group/nested"]
        expect(nested.shape == (2, 3) and nested.dtype == np.float32, "group/nested: shape/dtype")
        expect(np.array_equal(nested[()], ramp((2, 3), np.float32)), "group/nested: values")
        gz = f["chunked"]
        expect(gz.compression == "gzip" and gz.compression_opts == 1, "chunked: not gzip-1")
        expect(gz.chunks == (2, 4, 5), f"chunked: chunks {gz.chunks}")
        expect(np.array_equal(gz[()], ramp((3, 4, 5), np.complex64)), "chunked: values")
        a = f["f32"].attrs
        expect(isinstance(a["units"], str) and a["units"] == "strain", f"units: {a.get('units')!r}")
        expect(a["fs"] == 4096.0 and a["fs"].dtype == np.float64, "fs attribute")
        expect(a["n"] == 42 and a["n"].dtype == np.int64, "n attribute")
        expect(np.array_equal(a["v"], [0.5, 1.5]) and a["v"].dtype == np.float64, "v attribute")
        prov = f.attrs["provenance"]
        expect(isinstance(prov, str), f"provenance is {type(prov)}, not str")
        try:
            expect(json.loads(prov)["check"] == "h5py", "provenance content")
        except (ValueError, KeyError) as e:
            failures.append(f"provenance JSON: {e}")


def write(path):
    with h5py.File(path, "w") as f:
        for name, dtype in [("f32", np.float32), ("f64", np.float64),
                            ("c64", np.complex64), ("c128", np.complex128)]:
            f.create_dataset(name, data=ramp((2, 3, 4), dtype))
        f.create_dataset("deep/er/c64", data=ramp((7,), np.complex64), chunks=(3,),
                         compression="gzip", compression_opts=5)
        f.create_dataset("i16", data=np.arange(6, dtype=np.int16).reshape(2, 3) - 3)
        f["c64"].attrs["title"] = "written by h5py"
        f["c64"].attrs["scale"] = 0.125
        f["c64"].attrs["count"] = 17
        f["c64"].attrs["axis"] = np.array([1.0, 2.0, 4.0])
        f.attrs["provenance"] = json.dumps({"writer": "h5py"})


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "check":
        check(path)
    elif mode == "write":
        write(path)
    else:
        failures.append(f"unknown mode {mode}")
    for msg in failures:
        print("FAIL:", msg)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
