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

/**
 * The block statistics of the VAR(p) design with rows at t0 … T−1, blocks cut at `bounds`
 * (row offsets), all sums taken about `reference` (default: the column means).
 */
export function laggedBlocks(
  z: Float64Array,
  T: number,
  d: number,
  p: number,
  t0: number,
  bounds: number[],
  reference?: Float64Array,
): LaggedBlocks {
  const m = p * d, n = T - t0;
  // The column means unless told otherwise (zeros: the raw, uncentred sums).
  const ref = reference ?? columnMeans(z, T, d);
  // Every sum in a block is a lagged cross-product of the series over a shifted range:
  // Σ_t z_{t−k} z_{t−l}ᵀ (k ≤ l, lags 0 … p, lag 0 being y) = M_h over t − k, where
  // M_h(range) = Σ_{s ∈ range} z_s z_{s−h}ᵀ and h = l − k. So instead of the m×m outer
  // product per row (p²d²/2 + pd² + d²/2 products) we form the p + 1 d×d lagged products
  // per time point (d²/2 + pd²), on the column-major series, 2×2 register-blocked, over
  // the segments between all shifted block boundaries, each segment added into every
  // block range that contains it.
  const zc = columnMajorAbout(z, T, d, ref);
  const sums = shiftedSums(zc, T, d, p, t0, bounds);
  const blocks = sums.map((s, b) => blockFromSums(s, d, p, bounds[b + 1] - bounds[b]));
  return { d, p, m, t0, n, bounds, blocks, ref };
}

/** The mean of each column of z (T×d). */
function columnMeans(z: Float64Array, T: number, d: number): Float64Array {
  const ref = new Float64Array(d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) ref[j] += z[t * d + j];
  for (let j = 0; j < d; j++) ref[j] /= T;
  return ref;
}

/** z − ref transposed to column-major (d×T), the layout the lagged products stream over. */
function columnMajorAbout(z: Float64Array, T: number, d: number, ref: Float64Array) {
  const zc = new Float64Array(d * T);
  // Transposed in tiles of 16 time points, so both sides stay in cache.
  for (let t0 = 0; t0 < T; t0 += 16) {
    const t1 = Math.min(t0 + 16, T);
    for (let j = 0; j < d; j++) {
      const r = ref[j], col = j * T;
      for (let t = t0; t < t1; t++) zc[col + t] = z[t * d + j] - r;
    }
  }
  return zc;
}

/**
 * One block's sums over its rows shifted by k = 0 … p: `acc[h][k]` is M_h over the shifted
 * rows (k ≤ p − h) and `sums[k]` is Σ z_s over them.
 */
interface ShiftedSums {
  acc: Float64Array[][];
  sums: Float64Array[];
}

/** Zeroed {@link ShiftedSums} for d series and lags up to p. */
function emptyShiftedSums(d: number, p: number): ShiftedSums {
  const acc: Float64Array[][] = [], sums: Float64Array[] = [];
  for (let h = 0; h <= p; h++) {
    acc.push([]);
    for (let k = 0; k <= p - h; k++) acc[h].push(new Float64Array(d * d));
  }
  for (let k = 0; k <= p; k++) sums.push(new Float64Array(d));
  return { acc, sums };
}

/**
 * The {@link ShiftedSums} of every block, in one pass over the segments between all shifted
 * block boundaries: each segment's sums and lagged products are formed once and added into
 * every (block, shift) range that contains it.
 */
function shiftedSums(
  zc: Float64Array,
  T: number,
  d: number,
  p: number,
  t0: number,
  bounds: number[],
): ShiftedSums[] {
  const nb = bounds.length - 1;
  const cutSet = new Set<number>();
  for (const b of bounds) for (let k = 0; k <= p; k++) cutSet.add(t0 + b - k);
  const cuts = [...cutSet].sort((a, b) => a - b);
  const out: ShiftedSums[] = [];
  for (let b = 0; b < nb; b++) out.push(emptyShiftedSums(d, p));
  const M = new Float64Array(d * d), sz = new Float64Array(d);
  for (let c = 0; c + 1 < cuts.length; c++) {
    const s0 = cuts[c], s1 = cuts[c + 1];
    // Which (block, shift) ranges hold this segment.
    const holders: [number, number][] = [];
    for (let b = 0; b < nb; b++) {
      for (let k = 0; k <= p; k++) {
        if (t0 + bounds[b] - k <= s0 && s1 <= t0 + bounds[b + 1] - k) holders.push([b, k]);
      }
    }
    if (!holders.length) continue;
    segmentSum(zc, T, d, s0, s1, sz);
    for (const [b, k] of holders) add(out[b].sums[k], sz);
    for (let h = 0; h <= p; h++) {
      const users = holders.filter(([, k]) => k <= p - h);
      if (!users.length) continue;
      laggedProduct(zc, T, d, s0, s1, h, M);
      for (const [b, k] of users) add(out[b].acc[h][k], M);
    }
  }
  return out;
}

/** out[j] = Σ_{s0 ≤ s < s1} z_s[j] on column-major z (d×T). */
function segmentSum(
  zc: Float64Array,
  T: number,
  d: number,
  s0: number,
  s1: number,
  out: Float64Array,
) {
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let t = j * T + s0, e = j * T + s1; t < e; t++) s += zc[t];
    out[j] = s;
  }
}

/** A block's design statistics (x lag-major, y lag 0) read off its shifted sums. */
function blockFromSums(s: ShiftedSums, d: number, p: number, count: number): Block {
  const { acc, sums } = s;
  const m = p * d;
  const Sxx = new Float64Array(m * m),
    Sxy = new Float64Array(m * d),
    Syy = acc[0][0].slice(),
    sx = new Float64Array(m),
    sy = sums[0].slice();
  for (let k = 1; k <= p; k++) {
    sx.set(sums[k], (k - 1) * d);
    // Σ_t z_{t−k} z_tᵀ = (M_k unshifted)ᵀ.
    const Mk = acc[k][0];
    for (let a = 0; a < d; a++) {
      const row = ((k - 1) * d + a) * d;
      for (let i = 0; i < d; i++) Sxy[row + i] = Mk[i * d + a];
    }
    for (let l = k; l <= p; l++) {
      // Σ_t z_{t−k} z_{t−l}ᵀ = M_{l−k} shifted by k; its transpose fills the (l, k) block.
      const Mh = acc[l - k][k];
      for (let i = 0; i < d; i++) {
        const r1 = ((k - 1) * d + i) * m + (l - 1) * d;
        for (let j = 0; j < d; j++) {
          const v = Mh[i * d + j];
          Sxx[r1 + j] = v;
          Sxx[((l - 1) * d + j) * m + (k - 1) * d + i] = v;
        }
      }
    }
  }
  return { count, sx, sy, Sxx, Sxy, Syy };
}

/**
 * out[i·d + j] = Σ_{s0 ≤ s < s1} z_s[i]·z_{s−h}[j] on column-major z (d×T); symmetric when
 * h = 0 (only i ≤ j computed, then mirrored). 2×2 blocks: four products per four loads.
 */
function laggedProduct(
  zc: Float64Array,
  T: number,
  d: number,
  s0: number,
  s1: number,
  h: number,
  out: Float64Array,
) {
  const len = s1 - s0;
  const sym = h === 0;
  let i = 0;
  for (; i + 1 < d; i += 2) {
    const a0 = i * T + s0, a1 = a0 + T;
    let j = sym ? i : 0;
    for (; j + 1 < d; j += 2) {
      const b0 = j * T + s0 - h, b1 = b0 + T;
      let c00 = 0, c01 = 0, c10 = 0, c11 = 0;
      for (let t = 0; t < len; t++) {
        const x0 = zc[a0 + t], x1 = zc[a1 + t], y0 = zc[b0 + t], y1 = zc[b1 + t];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c10 += x1 * y0;
        c11 += x1 * y1;
      }
      out[i * d + j] = c00;
      out[i * d + j + 1] = c01;
      out[(i + 1) * d + j] = c10;
      out[(i + 1) * d + j + 1] = c11;
    }
    if (j < d) {
      const b0 = j * T + s0 - h;
      let c0 = 0, c1 = 0;
      for (let t = 0; t < len; t++) {
        const y = zc[b0 + t];
        c0 += zc[a0 + t] * y;
        c1 += zc[a1 + t] * y;
      }
      out[i * d + j] = c0;
      out[(i + 1) * d + j] = c1;
    }
  }
  if (i < d) {
    const a0 = i * T + s0;
    for (let j = sym ? i : 0; j < d; j++) {
      const b0 = j * T + s0 - h;
      let c = 0;
      for (let t = 0; t < len; t++) c += zc[a0 + t] * zc[b0 + t];
      out[i * d + j] = c;
    }
  }
  if (sym) mirrorUpper(out, d);
}

/** Copies the upper triangle (i ≤ j) into the lower. */
function mirrorUpper(S: Float64Array, k: number) {
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
