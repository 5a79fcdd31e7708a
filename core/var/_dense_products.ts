// Dense float64 products of small matrices (a window's design: tens of rows, up to a few
// hundred columns), row-major, written so that V8 keeps them fast: the explicit-design
// regression statistics (design.ts) and the VAR layer's forward and backward pass
// (core/model/var_layer.ts) use these, so both sum in the same order and agree to the bit.

/** Column means of A (rows×cols): each column summed, then divided by rows. */
export function columnMeans(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += A[r * cols + c];
  for (let c = 0; c < cols; c++) out[c] /= rows;
  return out;
}

/** AᵀB for A (rows×a) and B (rows×b): a×b. */
export function crossProduct(A: Float64Array, B: Float64Array, rows: number, a: number, b: number) {
  const out = new Float64Array(a * b);
  // Four rows of B per pass over out: a quarter of the loads and stores of out.
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    for (let i = 0; i < a; i++) {
      const o = r * a + i;
      axpy4(out, i * b, A[o], A[o + a], A[o + 2 * a], A[o + 3 * a], B, r * b, b, b);
    }
  }
  for (; r < rows; r++) {
    for (let i = 0; i < a; i++) axpy4(out, i * b, A[r * a + i], 0, 0, 0, B, r * b, 0, b);
  }
  return out;
}

/** AB for A (rows×k) and B (k×cols): rows×cols. */
export function product(A: Float64Array, B: Float64Array, rows: number, k: number, cols: number) {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let i = 0;
    for (; i + 4 <= k; i += 4) {
      axpy4(
        out,
        r * cols,
        A[o + i],
        A[o + i + 1],
        A[o + i + 2],
        A[o + i + 3],
        B,
        i * cols,
        cols,
        cols,
      );
    }
    for (; i < k; i++) axpy4(out, r * cols, A[o + i], 0, 0, 0, B, i * cols, 0, cols);
  }
  return out;
}

/** ABᵀ for A (rows×k) and B (cols×k): rows×cols. */
export function productTransposed(
  A: Float64Array,
  B: Float64Array,
  rows: number,
  k: number,
  cols: number,
) {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let c = 0;
    for (; c + 4 <= cols; c += 4) dot4(out, r * cols + c, A, r * k, B, c * k, k, k);
    for (; c < cols; c++) dot4(out, r * cols + c, A, r * k, B, c * k, 0, k, 1);
  }
  return out;
}

// The inner loops as functions of their own, so that V8 optimises them whole; each works
// on four rows at once, so that a value loaded once serves four products.

/** y[o + t] += a0·x[i + t] + a1·x[i + s + t] + a2·x[i + 2s + t] + a3·x[i + 3s + t]. */
function axpy4(
  y: Float64Array,
  o: number,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  x: Float64Array,
  i: number,
  s: number,
  n: number,
) {
  if (s === 0) {
    for (let t = 0; t < n; t++) y[o + t] += a0 * x[i + t];
    return;
  }
  for (let t = 0; t < n; t++) {
    y[o + t] += a0 * x[i + t] + a1 * x[i + s + t] + a2 * x[i + 2 * s + t] + a3 * x[i + 3 * s + t];
  }
}

/**
 * out[o + q] = Σ_t x[i + t]·y[j + q·s + t] for q < count (four by default): four dot
 * products sharing x.
 */
function dot4(
  out: Float64Array,
  o: number,
  x: Float64Array,
  i: number,
  y: Float64Array,
  j: number,
  s: number,
  n: number,
  count = 4,
) {
  if (count < 4) {
    let v = 0;
    for (let t = 0; t < n; t++) v += x[i + t] * y[j + t];
    out[o] = v;
    return;
  }
  let v0 = 0, v1 = 0, v2 = 0, v3 = 0;
  for (let t = 0; t < n; t++) {
    const a = x[i + t];
    v0 += a * y[j + t];
    v1 += a * y[j + s + t];
    v2 += a * y[j + 2 * s + t];
    v3 += a * y[j + 3 * s + t];
  }
  out[o] = v0;
  out[o + 1] = v1;
  out[o + 2] = v2;
  out[o + 3] = v3;
}

/** y += x, elementwise. */
export function addInto(y: Float64Array, x: Float64Array) {
  for (let i = 0; i < y.length; i++) y[i] += x[i];
}
