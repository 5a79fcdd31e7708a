#!/usr/bin/python3
"""Peer for tests/bench/lasso_path.ts: times scikit-learn's lars_path_gram on G, C given
as raw little-endian float64 files (G m*m, C m*d row-major), one full path per column.
Prints JSON: {"seconds": [...per repeat...], "breakpoints": total}."""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.linear_model import lars_path_gram

gfile, cfile, m, d, n, repeats, method = sys.argv[1:8]
m, d, n, repeats = int(m), int(d), int(n), int(repeats)
G = np.fromfile(gfile, dtype="<f8").reshape(m, m)
C = np.fromfile(cfile, dtype="<f8").reshape(m, d)
times, total = [], 0
warnings.simplefilter("ignore")
for _ in range(repeats):
    t0 = time.perf_counter()
    total = 0
    for r in range(d):
        alphas, _, _ = lars_path_gram(C[:, r].copy(), G, n_samples=n, method=method, max_iter=100000)
        total += len(alphas)
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": times, "breakpoints": total, "sklearn": __import__("sklearn").__version__}))
