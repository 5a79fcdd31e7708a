/**
 * sparsedyn — sparse, interpretable dynamics in calcium-imaging movies.
 *
 * This entry point holds the everyday workflow, and every other public name: train a
 * convolutional autoencoder with a lasso VAR on its latents ({@link trainRun}), load the run
 * ({@link loadModel}, {@link loadRun}), encode movies with it ({@link encodeMovie}), judge it
 * ({@link evaluateRun}), test two conditions ({@link conditionTest},
 * {@link readConditionInputs} for files and `FILE[start:end]` segments) and draw contribution
 * maps ({@link mapsForRun}).
 *
 * The same names, grouped by concept, come from the sub-paths:
 * - `./lasso` — LARS / lasso paths on sufficient statistics, their adjoint, designs.
 * - `./data` — movie readers and writers (TIFF, NPY, NWB, suite2p), segments, preprocessing,
 *   synthetic movies and series.
 * - `./model` — the autoencoder, the VAR layer, backends, training.
 * - `./analysis` — VAR fits, order selection, the condition test, maps, held-out evaluation.
 * - `./runs` — run folders, loading and encoding, ONNX export, studies.
 *
 * @example Fit a lasso path from G = XᵀX and c = Xᵀy
 * ```ts
 * import { lassoPath } from "./mod.ts";
 *
 * const path = lassoPath(Float64Array.of(1, 0, 0, 1), Float64Array.of(3, 1), 4);
 * if (path.lambdas[0] !== 0.75) throw new Error("λ₀ = max|c|/n");
 * ```
 *
 * @example A VAR on a simulated series, and its network
 * ```ts
 * import { fitVar, simulateVar, varNetwork } from "./mod.ts";
 *
 * const sim = simulateVar({ d: 4, p: 1, T: 500, density: 0.2, seed: 7 });
 * const model = fitVar(sim.series, sim.T, sim.d, { lags: 1 });
 * if (model.stability.spectralRadius >= 1) throw new Error("stable");
 * const net = varNetwork(model.A, model.d, model.p);
 * if (net.nodes !== 4 || net.edges.length > 12) throw new Error("a network on 4 series");
 * ```
 *
 * @module
 */
// The everyday entry point is the union of the sub-path entry points (deno.json `exports`):
// each name is declared once, in the sub-path that owns its concept.
export * from "./lasso.ts";
export * from "./data.ts";
export * from "./model.ts";
export * from "./analysis.ts";
export * from "./runs.ts";
export { VERSION } from "./core/version.ts";
