// A trained run on the svoboda movie (500 frames of 64×64) with 128 latents, for the
// benchmarks of the commands that read a run (maps, fit): trained once with explicit flags
// (`--latents 128`, which grows the window to 130 frames so that the VAR fits it; one
// epoch: speed does not care how well it is trained) and cached in the system's temp folder,
// keyed by the project's version, so that a second bench reuses it (remove the folder after
// changing the run format).
import { VERSION } from "../../core/version.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

/** $SPARSEDYN_DATA, else ../shared/data beside the repository. */
export const DATA = Deno.env.get("SPARSEDYN_DATA") ??
  new URL("../../../shared/data/", import.meta.url).pathname;

/** The movie. */
export const SVOBODA = `${DATA.replace(/\/+$/, "")}/svoboda_thunder_mouse_500x64x64_int16.tif`;

/** The flags the run is trained with. */
export const SVOBODA_TRAIN_FLAGS = ["--latents", "128", "--epochs", "1", "--seed", "1"];

/** Wall and CPU seconds (user + system, all threads) of a command. */
export interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Runs `sparsedyn <args>` under bash, whose `times` gives the child's CPU time too: on a
 * shared machine the wall time depends on the other tenants, the CPU time much less.
 * Throws with its stderr when it fails.
 */
export async function timedCli(args: string[]): Promise<Timing> {
  const quoted = [Deno.execPath(), "run", "--allow-all", MAIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const t0 = performance.now();
  const out = await new Deno.Command("bash", {
    args: ["-c", `${quoted} >/dev/null || exit $?; times`],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = (performance.now() - t0) / 1000;
  if (out.code !== 0) {
    throw new Error(
      `sparsedyn ${args.join(" ")} exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  // `times`: the shell's user and system time, then its children's.
  const children = new TextDecoder().decode(out.stdout).trim().split("\n")[1] ?? "";
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)]
    .reduce((s, m) => s + 60 * Number(m[1]) + Number(m[2]), 0);
  return { wall, cpu };
}

/**
 * The cached run's folder, trained first when missing; undefined (with a line saying why)
 * when the movie is not there.
 */
export async function svobodaRun(): Promise<string | undefined> {
  if (!(await Deno.stat(SVOBODA).then(() => true, () => false))) {
    console.log(`(skipped: ${SVOBODA} not found; set SPARSEDYN_DATA)`);
    return undefined;
  }
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  const dir = `${tmp}/sparsedyn-bench/svoboda-128-${VERSION}`;
  if (await Deno.stat(`${dir}/var.json`).then(() => true, () => false)) return dir;
  await Deno.mkdir(`${tmp}/sparsedyn-bench`, { recursive: true });
  // Trained beside the cache and renamed in: a bench killed while training leaves no run
  // that looks complete.
  const partial = `${dir}.training-${Deno.pid}`;
  await Deno.remove(partial, { recursive: true }).catch(() => {});
  const t = await timedCli(["train", SVOBODA, "--out", partial, ...SVOBODA_TRAIN_FLAGS]);
  await Deno.rename(partial, dir);
  console.log(`(trained ${dir} in ${t.wall.toFixed(0)} s: ${SVOBODA_TRAIN_FLAGS.join(" ")})`);
  return dir;
}
