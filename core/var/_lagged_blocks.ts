// Sufficient statistics of a VAR(p) design over contiguous blocks of its rows, so that
// any union of consecutive blocks (a training window of time-series cross-validation, or
// the whole sample) and any single block (a validation window) can be formed in O(m²)
// without touching the data again. One pass over the series builds every block.
//
// Rows r = 0 … n−1 of the design are time points t = t0 + r (t0 ≥ p): x_r = [z_{t−1}, …,
// z_{t−p}] (lag-major, m = p·d), y_r = z_t. The sums are of the series minus `ref` (a
// per-column reference, the column means), which keeps the later centring free of
// cancellation.

export interface Block {
  /** Rows in the block. */
  count: number;
  /** Σ x (m). */
  sx: Float64Array;
  /** Σ y (d). */
  sy: Float64Array;
  /** Σ x xᵀ (m×m, full). */
  Sxx: Float64Array;
  /** Σ x yᵀ (m×d). */
  Sxy: Float64Array;
  /** Σ y yᵀ (d×d, full). */
  Syy: Float64Array;
}

export interface LaggedBlocks {
  d: number;
  p: number;
  m: number;
  /** First time point of the design. */
  t0: number;
  /** Design rows. */
  n: number;
  /** Row offsets of the blocks: block b holds rows [bounds[b], bounds[b+1]). */
  bounds: number[];
  blocks: Block[];
  /** The reference subtracted from every column of the series. */
  ref: Float64Array;
}

/** Centred statistics of a set of rows: G, C and YᵀY about their own means. */
export interface CentredStats {
  n: number;
  m: number;
  d: number;
  G: Float64Array;
  C: Float64Array;
  YY: Float64Array;
  yty: Float64Array;
  /** Column means of X and Y (in the series' units, `ref` added back). */
  meanX: Float64Array;
  meanY: Float64Array;
  /** Means about `ref` (for validation blocks). */
  mxRef: Float64Array;
  myRef: Float64Array;
}

export function laggedBlocks(
  z: Float64Array,
  T: number,
  d: number,
  p: number,
  t0: number,
  bounds: number[],
): LaggedBlocks {
  const m = p * d, n = T - t0;
  const ref = new Float64Array(d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) ref[j] += z[t * d + j];
  for (let j = 0; j < d; j++) ref[j] /= T;
  const blocks: Block[] = [];
  const x = new Float64Array(m), y = new Float64Array(d);
  for (let b = 0; b + 1 < bounds.length; b++) {
    const Sxx = new Float64Array(m * m),
      Sxy = new Float64Array(m * d),
      Syy = new Float64Array(d * d),
      sx = new Float64Array(m),
      sy = new Float64Array(d);
    for (let r = bounds[b]; r < bounds[b + 1]; r++) {
      const t = t0 + r;
      for (let k = 1; k <= p; k++) {
        const src = (t - k) * d, dst = (k - 1) * d;
        for (let j = 0; j < d; j++) x[dst + j] = z[src + j] - ref[j];
      }
      for (let i = 0; i < d; i++) y[i] = z[t * d + i] - ref[i];
      for (let a = 0; a < m; a++) {
        const xa = x[a];
        sx[a] += xa;
        if (xa === 0) continue;
        const row = a * m;
        for (let c = a; c < m; c++) Sxx[row + c] += xa * x[c];
        const crow = a * d;
        for (let i = 0; i < d; i++) Sxy[crow + i] += xa * y[i];
      }
      for (let i = 0; i < d; i++) {
        const yi = y[i];
        sy[i] += yi;
        const row = i * d;
        for (let j = i; j < d; j++) Syy[row + j] += yi * y[j];
      }
    }
    mirror(Sxx, m);
    mirror(Syy, d);
    blocks.push({ count: bounds[b + 1] - bounds[b], sx, sy, Sxx, Sxy, Syy });
  }
  return { d, p, m, t0, n, bounds, blocks, ref };
}

function mirror(S: Float64Array, k: number) {
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) S[b * k + a] = S[a * k + b];
}

/** Sum of blocks [from, to). */
export function sumBlocks(lb: LaggedBlocks, from: number, to: number): Block {
  const { m, d } = lb;
  const out: Block = {
    count: 0,
    sx: new Float64Array(m),
    sy: new Float64Array(d),
    Sxx: new Float64Array(m * m),
    Sxy: new Float64Array(m * d),
    Syy: new Float64Array(d * d),
  };
  for (let b = from; b < to; b++) {
    const s = lb.blocks[b];
    out.count += s.count;
    add(out.sx, s.sx);
    add(out.sy, s.sy);
    add(out.Sxx, s.Sxx);
    add(out.Sxy, s.Sxy);
    add(out.Syy, s.Syy);
  }
  return out;
}

function add(a: Float64Array, b: Float64Array) {
  for (let q = 0; q < a.length; q++) a[q] += b[q];
}

/** The block's statistics centred about its own means (a regression with an intercept). */
export function centre(lb: LaggedBlocks, s: Block): CentredStats {
  const { m, d, p, ref } = lb;
  const n = s.count;
  const mx = s.sx.map((v) => v / n), my = s.sy.map((v) => v / n);
  const G = new Float64Array(m * m), C = new Float64Array(m * d), YY = new Float64Array(d * d);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) G[a * m + b] = s.Sxx[a * m + b] - n * mx[a] * mx[b];
    for (let i = 0; i < d; i++) C[a * d + i] = s.Sxy[a * d + i] - n * mx[a] * my[i];
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) YY[i * d + j] = s.Syy[i * d + j] - n * my[i] * my[j];
  }
  const yty = new Float64Array(d).map((_, i) => Math.max(YY[i * d + i], 0));
  const meanX = new Float64Array(m);
  for (let k = 0; k < p; k++) for (let j = 0; j < d; j++) meanX[k * d + j] = mx[k * d + j] + ref[j];
  const meanY = my.map((v, i) => v + ref[i]);
  return { n, m, d, G, C, YY, yty, meanX, meanY, mxRef: mx, myRef: my };
}

/**
 * The quadratic form of a validation block about a training fit's means: for
 * x̃ = x − mx, ỹ = y − my (training means), returns Σx̃x̃ᵀ (m×m), Σx̃ỹᵀ (m×d), Σỹ² (d),
 * so that the block's squared error of ŷ = my + βᵀ(x − mx) is ỹᵀỹ − 2βᵀc + βᵀGβ.
 */
export function aboutMeans(
  lb: LaggedBlocks,
  s: Block,
  mx: Float64Array,
  my: Float64Array,
): { G: Float64Array; C: Float64Array; yy: Float64Array; count: number } {
  const { m, d } = lb;
  const n = s.count;
  const G = new Float64Array(m * m), C = new Float64Array(m * d), yy = new Float64Array(d);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      G[a * m + b] = s.Sxx[a * m + b] - mx[a] * s.sx[b] - s.sx[a] * mx[b] + n * mx[a] * mx[b];
    }
    for (let i = 0; i < d; i++) {
      C[a * d + i] = s.Sxy[a * d + i] - mx[a] * s.sy[i] - s.sx[a] * my[i] + n * mx[a] * my[i];
    }
  }
  for (let i = 0; i < d; i++) yy[i] = s.Syy[i * d + i] - 2 * my[i] * s.sy[i] + n * my[i] * my[i];
  return { G, C, yy, count: n };
}
