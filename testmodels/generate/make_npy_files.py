#!/usr/bin/python3
"""Writes the .npy fixtures in testmodels/npy with NumPy's own np.save.

Run from the repository root: /usr/bin/python3 testmodels/generate/make_npy_files.py
"""
import os

import numpy as np

d = 'testmodels/npy'
os.makedirs(d, exist_ok=True)
np.save(d + '/f32_2x3.npy', np.arange(6, dtype=np.float32).reshape(2, 3) / 4)
np.save(d + '/f64_3.npy', np.array([1.5, -2.25, 1e-300]))
np.save(d + '/i64_lengths.npy', np.array([3, 1], dtype=np.int64))
np.save(d + '/i32_lengths.npy', np.array([2, 0], dtype=np.int32))
np.save(d + '/f32_bigendian.npy', np.array([1.0, -0.5], dtype='>f4'))
np.save(d + '/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype=np.float32)))
np.save(d + '/object.npy', np.array([{'a': 1}], dtype=object), allow_pickle=True)
np.save(d + '/complex.npy', np.array([1 + 2j], dtype=np.complex64))
np.save(d + '/scalar.npy', np.float32(2.5))
