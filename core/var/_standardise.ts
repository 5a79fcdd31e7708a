// Dividing each series by its standard deviation, so that one λ treats all series alike
// (the lasso penalty is not scale-free); the fits are mapped back to the series' units.

/** Columns divided by their standard deviation (a copy), and Σ 2·ln s_j. */
export function standardised(
  series: Float64Array,
  T: number,
  d: number,
): { z: Float64Array; scale: Float64Array; logScale: number } {
  const mean = new Float64Array(d), scale = new Float64Array(d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) mean[j] += series[t * d + j] / T;
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) scale[j] += (series[t * d + j] - mean[j]) ** 2;
  }
  let logScale = 0;
  for (let j = 0; j < d; j++) {
    scale[j] = Math.sqrt(scale[j] / Math.max(T - 1, 1)) || 1;
    logScale += 2 * Math.log(scale[j]);
  }
  const z = new Float64Array(series.length);
  for (let t = 0; t < T; t++) {
    for (let j = 0; j < d; j++) z[t * d + j] = series[t * d + j] / scale[j];
  }
  return { z, scale, logScale };
}
