// Dividing each series by its standard deviation, so that one λ treats all series alike
// (the lasso penalty is not scale-free); the fits are mapped back to the series' units.
//
// Moments at any scale: squares of values near 1e160 overflow (and near 1e-160 underflow
// to subnormals or 0), which made a series scaled by 1e160 look constant or collinear.
// Each column is first divided by a power of two near its largest |value| — exact in
// floating point — so the arithmetic runs on numbers of order 1 and the moments of x·2^k
// are exactly 2^k times those of x.

/** The power of two at or below max |x| over column j of a T×d series (1 for a zero column). */
function columnUnit(series: Float64Array, T: number, d: number, j: number): number {
  let mx = 0;
  for (let t = 0; t < T; t++) mx = Math.max(mx, Math.abs(series[t * d + j]));
  return mx > 0 && Number.isFinite(mx) ? 2 ** Math.floor(Math.log2(mx)) : 1;
}

/**
 * Mean and standard deviation (denominator T − 1) of each column, without overflow or
 * underflow at any scale of the data.
 */
export function columnMoments(
  series: Float64Array,
  T: number,
  d: number,
): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(d), sd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const u = columnUnit(series, T, d, j);
    let m = 0;
    for (let t = 0; t < T; t++) m += series[t * d + j] / u / T;
    let ss = 0;
    for (let t = 0; t < T; t++) ss += (series[t * d + j] / u - m) ** 2;
    mean[j] = m * u;
    sd[j] = Math.sqrt(ss / Math.max(T - 1, 1)) * u;
  }
  return { mean, sd };
}

/** Columns divided by their standard deviation (a copy), and Σ 2·ln s_j. */
export function standardised(
  series: Float64Array,
  T: number,
  d: number,
): { z: Float64Array; scale: Float64Array; logScale: number } {
  const scale = columnMoments(series, T, d).sd;
  let logScale = 0;
  for (let j = 0; j < d; j++) {
    scale[j] = scale[j] || 1;
    logScale += 2 * Math.log(scale[j]);
  }
  const z = new Float64Array(series.length);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) z[t * d + j] = series[t * d + j] / scale[j];
  }
  return { z, scale, logScale };
}
