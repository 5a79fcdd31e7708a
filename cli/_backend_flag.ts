// --backend and --device, shared by the subcommands that run the model (train, maps,
// evaluate, test): checked here, then the backend started; with torch, one line on stderr
// says which torch runs (version, CUDA, folder, device).
import {
  BACKEND_NAMES,
  type BackendName,
  torchBackendDescription,
  useBackend,
} from "../core/model/backend.ts";
import type { TorchDevice } from "../core/model/torch/libtorch.ts";
import { UsageError } from "./_flags.ts";
import type { FlagTable } from "./_command.ts";

/** The one list of `--backend` values, as help text: "auto, wasm, …, tensorflow or cpu". */
export const BACKEND_LIST = `${BACKEND_NAMES.slice(0, -1).join(", ")} or ${BACKEND_NAMES.at(-1)}`;

/**
 * Checks `--backend` against the one list of backends ({@link BACKEND_NAMES}).
 *
 * @param value The flag's value, if given.
 * @param fallback The command's default.
 * @returns The backend's name.
 * @throws {UsageError} Naming `--backend`, when the value is not in the list.
 */
export function backendFlag(value: string | undefined, fallback: BackendName): BackendName {
  const requested = value ?? fallback;
  if (!BACKEND_NAMES.includes(requested as BackendName)) {
    throw new UsageError(`--backend must be ${BACKEND_LIST}; got "${requested}"`, "--backend");
  }
  return requested as BackendName;
}

/**
 * Checks `--backend` and `--device` together, before any work.
 *
 * @param values The parsed flags.
 * @returns The backend's name and torch's device.
 * @throws {UsageError} Naming the flag, when a value is not allowed.
 */
export function checkBackendFlags(
  values: { backend?: string; device?: string },
): { backend: BackendName; device?: TorchDevice } {
  const backend = backendFlag(values.backend, "auto");
  const device = values.device;
  if (device !== undefined) {
    if (device !== "cpu" && device !== "cuda") {
      throw new UsageError(`--device must be cuda or cpu; got "${device}"`, "--device");
    }
    if (backend !== "torch") {
      throw new UsageError(`--device is for --backend torch`, "--device");
    }
  }
  return { backend, device: device as TorchDevice | undefined };
}

/**
 * Checks the flags and starts the backend.
 *
 * @param values The parsed flags.
 * @param quiet No line on stderr (--json).
 * @returns The backend now active.
 */
export async function startBackend(
  values: { backend?: string; device?: string },
  quiet = false,
): Promise<string> {
  const { backend: requested, device } = checkBackendFlags(values);
  const backend = await useBackend(requested, { device });
  if (backend === "torch" && !quiet) console.error(`sparsedyn: ${torchBackendDescription()}`);
  return backend;
}

/** The two flags as a table for `defineCommand` (cli/_command.ts); `startBackend` checks them. */
export const BACKEND_TABLE = {
  backend: {
    type: "string",
    arg: "B",
    help: `auto (default: torch on CUDA where a CUDA build of torch and an
NVIDIA GPU are there, else wasm), torch (libtorch from python3's
torch or SPARSEDYN_TORCH), ${
      BACKEND_NAMES.filter((b) => b !== "auto" && b !== "torch").join(", ")
    }`,
  },
  device: {
    type: "string",
    arg: "D",
    help: "torch's device: cuda or cpu (default: cuda when it can)",
  },
} as const satisfies FlagTable;
