#!/usr/bin/python3
"""Peer for tests/bench/movie_io.ts: reads a TIFF page by page with tifffile (Debian's
python3-tifffile), as a streaming reader would, touching every pixel. Prints JSON:
{"seconds": s, "pages": n, "checksum": sum of all pixels, "tifffile": version}."""
import json
import sys
import time

import numpy as np
import tifffile

t0 = time.perf_counter()
total = 0.0
pages = 0
with tifffile.TiffFile(sys.argv[1]) as tif:
    for page in tif.pages:
        total += float(page.asarray().sum(dtype=np.float64))
        pages += 1
print(json.dumps({"seconds": time.perf_counter() - t0, "pages": pages, "checksum": total,
                  "tifffile": tifffile.__version__}))
