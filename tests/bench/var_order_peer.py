#!/usr/bin/python3
"""Peer for tests/bench/fit_defaults.ts: what `sparsedyn fit` does with its defaults, done
with statsmodels and scikit-learn on the same series (raw little-endian float64, T×d
row-major, the training part only).

    var_order_peer.py SERIES T d maxlags p repeats

Times, per repeat:
  - order: statsmodels' VAR(z).select_order(maxlags) (least squares at p = 1 … maxlags on
    the same sample; trend "c") — sparsedyn's order selection with the default bound;
  - lambda: scikit-learn's LassoLarsIC(criterion="bic") per equation on the lagged design
    of order p of the standardised series — sparsedyn's λ per equation by BIC.
Prints JSON: versions, the order statsmodels chose by BIC, and the seconds of each part.
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.linear_model import LassoLarsIC

path, T, d, maxlags, p, repeats = sys.argv[1:7]
T, d, maxlags, p, repeats = int(T), int(d), int(maxlags), int(p), int(repeats)
z = np.fromfile(path, dtype="<f8").reshape(T, d)
warnings.simplefilter("ignore")
out = {"sklearn": sklearn.__version__, "order": [], "lambda": []}
try:
    import statsmodels
    from statsmodels.tsa.api import VAR

    out["statsmodels"] = statsmodels.__version__
except ImportError:
    VAR = None

zs = z / z.std(axis=0, ddof=1)
X = np.hstack([zs[p - k:T - k] for k in range(1, p + 1)])
Y = zs[p:]
for _ in range(repeats):
    if VAR is not None:
        t0 = time.perf_counter()
        sel = VAR(z).select_order(maxlags, trend="c")
        out["order"].append(time.perf_counter() - t0)
        out["bicOrder"] = int(sel.selected_orders["bic"])
    t0 = time.perf_counter()
    for i in range(d):
        LassoLarsIC(criterion="bic", fit_intercept=True, normalize=False, max_iter=100000).fit(
            X, Y[:, i])
    out["lambda"].append(time.perf_counter() - t0)
print(json.dumps(out))
