// The committed WebAssembly core (wasm/sparsedyn_core.generated.ts) is what its source gives:
// wasm/check_generated.sh rebuilds it from wasm/src, wasm/shim and the pinned LAPACK with the
// pinned toolchain (tests/setup.sh installs both) and fails unless the result is
// byte-identical. The check itself is tested on copies it must refuse, naming what differs.
import { assert, assertEquals } from "../_helpers/assert.ts";

const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const GENERATED = `${REPO}/wasm/sparsedyn_core.generated.ts`;

function assertStringIncludes(text: string, part: string): void {
  assert(text.includes(part), `expected to find ${JSON.stringify(part)} in:\n${text}`);
}

async function check(file?: string) {
  const out = await new Deno.Command("bash", {
    args: [`${REPO}/wasm/check_generated.sh`, ...(file ? [file] : [])],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

/** The module's base64 line, and where it starts in the file. */
function moduleOf(text: string): { b64: string; at: number } {
  const m = /^ {2}"([A-Za-z0-9+/=]+)";$/m.exec(text);
  assert(m, "the generated file holds one base64 line");
  return { b64: m[1], at: m.index + 3 };
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("the committed WebAssembly core is byte-identical to a rebuild from source", async () => {
  const r = await check();
  assertEquals(r.code, 0, r.text);
  assertStringIncludes(r.text, "byte-identical to a rebuild from source");
});

Deno.test("the header's size and SHA-256 are those of the module it holds", async () => {
  const text = await Deno.readTextFile(GENERATED);
  const bytes = Uint8Array.fromBase64(moduleOf(text).b64);
  assertStringIncludes(
    text,
    `WebAssembly module: ${bytes.length} bytes, SHA-256 ${await sha256(bytes)}.`,
  );
  assert(WebAssembly.validate(bytes), "the bytes are a valid WebAssembly module");
});

Deno.test("the rebuild check refuses a module its source does not give, naming the difference", async () => {
  const text = await Deno.readTextFile(GENERATED);
  const { b64, at } = moduleOf(text);
  const original = Uint8Array.fromBase64(b64);
  // One byte of the WebAssembly changed (base64 quartet 500 holds bytes 1500..1502).
  const changed = original.slice();
  changed[1501] ^= 0x40;
  const tampered = text.slice(0, at) + changed.toBase64() + text.slice(at + b64.length);
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-wasm-check-test-" });
  try {
    const file = `${dir}/changed.generated.ts`;
    await Deno.writeTextFile(file, tampered);
    const r = await check(file);
    assertEquals(r.code, 1, r.text);
    assertStringIncludes(r.text, `${file} differs from a rebuild from source`);
    assertStringIncludes(
      r.text,
      `committed WebAssembly: ${changed.length} bytes, SHA-256 ${await sha256(changed)}`,
    );
    assertStringIncludes(
      r.text,
      `rebuilt WebAssembly:   ${original.length} bytes, SHA-256 ${await sha256(original)}`,
    );
    assertStringIncludes(r.text, "first difference: at byte 1502"); // cmp counts from 1

    // The same WebAssembly with other text around it: the text is what differs.
    const edited = `${dir}/edited.generated.ts`;
    await Deno.writeTextFile(edited, text.replace("do not edit", "do not change"));
    const e = await check(edited);
    assertEquals(e.code, 1, e.text);
    assertStringIncludes(e.text, "the WebAssembly is the same; the text around it differs");
    assertStringIncludes(e.text, "do not change");

    // No module at all.
    const missing = await check(`${dir}/none.generated.ts`);
    assertEquals(missing.code, 1, missing.text);
    assertStringIncludes(missing.text, `${dir}/none.generated.ts does not exist`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a change to the C core without a regenerated module fails the check", async () => {
  // A copy of wasm/ whose C source returns another error reason; LAPACK's source is shared.
  const dir = await Deno.makeTempDir({ prefix: "sparsedyn-wasm-edit-" });
  try {
    for (const sub of ["src", "shim"]) {
      await Deno.mkdir(`${dir}/${sub}`);
      for await (const e of Deno.readDir(`${REPO}/wasm/${sub}`)) {
        await Deno.copyFile(`${REPO}/wasm/${sub}/${e.name}`, `${dir}/${sub}/${e.name}`);
      }
    }
    for (const f of ["build.sh", "check_generated.sh", "sparsedyn_core.generated.ts"]) {
      await Deno.copyFile(`${REPO}/wasm/${f}`, `${dir}/${f}`);
    }
    await Deno.symlink(`${REPO}/wasm/.build`, `${dir}/.build`);
    const c = `${dir}/src/sd_validate.c`;
    const source = await Deno.readTextFile(c);
    const line = "SD_EXPORT int sd_error_reason(void) { return sd_err_reason; }";
    assert(source.includes(line), `${c} still holds: ${line}`);
    await Deno.writeTextFile(
      c,
      source.replace(line, line.replace("sd_err_reason;", "sd_err_reason + 100;")),
    );
    const out = await new Deno.Command("bash", {
      args: [`${dir}/check_generated.sh`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    assertStringIncludes(text, `${dir}/sparsedyn_core.generated.ts differs from a rebuild`);
    assertStringIncludes(text, "regenerate it with: bash wasm/build.sh");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the build refuses a toolchain other than the pinned one, naming the package", async () => {
  // A dpkg-query that reports another emscripten (and passes every other question on).
  const bin = await Deno.makeTempDir({ prefix: "sparsedyn-fake-dpkg-" });
  try {
    const real = await new Deno.Command("bash", {
      args: ["-c", "command -v dpkg-query"],
      stdout: "piped",
    }).output();
    const dpkgQuery = new TextDecoder().decode(real.stdout).trim();
    assert(dpkgQuery !== "", "dpkg-query is installed");
    await Deno.writeTextFile(
      `${bin}/dpkg-query`,
      `#!/bin/sh\nfor a; do last=$a; done\n` +
        `if [ "$last" = emscripten ]; then printf 'ii 3.1.99-1'; exit 0; fi\n` +
        `exec ${dpkgQuery} "$@"\n`,
    );
    await Deno.chmod(`${bin}/dpkg-query`, 0o755);
    const out = await new Deno.Command("bash", {
      args: [`${REPO}/wasm/build.sh`, "--prepare"],
      env: { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    assertStringIncludes(text, "emscripten 3.1.99-1 (pinned: 3.1.6~dfsg-5)");
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});
