#!/usr/bin/python3
"""Peer for tests/bench/var_select.ts: λ selection per output equation of a VAR(p) with
scikit-learn, on the same series (raw little-endian float64, T×d row-major).

    sklearn_lassolars_peer.py SERIES T d p folds repeats

Builds the lagged design once (rows t = p … T−1, X = [z_{t−1}, …, z_{t−p}], lag-major,
the column order of sparsedyn's design), then, per output equation, times
  - cv:  LassoLarsCV(cv=TimeSeriesSplit(folds)) — the same folds as sparsedyn's
  - bic: LassoLarsIC(criterion="bic")
both with an intercept and no normalisation. Prints JSON: per variant the seconds of
each repeat (all d equations), the chosen alpha per equation and the coefficients
(m×d, row-major) of the last repeat.
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LassoLarsCV, LassoLarsIC
from sklearn.model_selection import TimeSeriesSplit

path, T, d, p, folds, repeats = sys.argv[1:7]
T, d, p, folds, repeats = int(T), int(d), int(p), int(folds), int(repeats)
z = np.fromfile(path, dtype="<f8").reshape(T, d)
X = np.hstack([z[p - k:T - k] for k in range(1, p + 1)])
Y = z[p:]
m = X.shape[1]
warnings.simplefilter("ignore")


def make(variant):
    if variant == "cv":
        return LassoLarsCV(cv=TimeSeriesSplit(n_splits=folds), fit_intercept=True, normalize=False,
                           max_iter=100000)
    return LassoLarsIC(criterion="bic", fit_intercept=True, normalize=False, max_iter=100000)


out = {"sklearn": sklearn.__version__, "m": m}
for variant in ("cv", "bic"):
    times = []
    for _ in range(repeats):
        alphas = np.zeros(d)
        coefs = np.zeros((m, d))
        t0 = time.perf_counter()
        for i in range(d):
            est = make(variant).fit(X, Y[:, i])
            alphas[i] = est.alpha_
            coefs[:, i] = est.coef_
        times.append(time.perf_counter() - t0)
    out[variant] = {"seconds": times, "alphas": alphas.tolist(), "coefs": coefs.ravel().tolist()}
print(json.dumps(out))
