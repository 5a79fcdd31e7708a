/**
 * Paths from requests, confined to the runs root: a relative path is decoded, refused when
 * it is absolute or has `.`/`..` segments, backslashes or NUL, then resolved with symlinks
 * (realpath) and refused unless the result lies inside the root's own realpath. A symlink
 * inside the root that points outside it is refused too.
 *
 * @example
 * ```ts
 * import { resolveUnderRoot } from "./safe_path.ts";
 *
 * const root = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${root}/a.txt`, "x");
 * if (await resolveUnderRoot(root, "a.txt") !== `${root}/a.txt`) throw new Error("inside");
 * if (await resolveUnderRoot(root, "../etc/passwd") !== null) throw new Error("outside");
 * if (await resolveUnderRoot(root, "%2e%2e/x") !== null) throw new Error("encoded");
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

/**
 * Checks a relative path's form (no resolution): decoded segments, none empty, `.`, `..`.
 *
 * @param rel The path, percent-encoded or not (decoded once; `%252e` stays literal).
 * @returns The decoded segments, or null when the path is not a plain relative path.
 */
export function safeSegments(rel: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  if (decoded === "" || decoded.startsWith("/") || /[\\\0]/.test(decoded)) return null;
  if (/^[a-zA-Z]:/.test(decoded)) return null; // a drive letter: absolute elsewhere
  const parts = decoded.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return null;
  return parts;
}

/**
 * Resolves a relative path under the root, following symlinks.
 *
 * @param rootReal The root's realpath (`Deno.realPath(root)`).
 * @param rel The relative path (see {@link safeSegments}).
 * @returns The realpath inside the root, or null when the path is malformed, missing, or
 *   leads outside the root.
 */
export async function resolveUnderRoot(rootReal: string, rel: string): Promise<string | null> {
  const parts = safeSegments(rel);
  if (!parts) return null;
  let real: string;
  try {
    real = await Deno.realPath(`${rootReal}/${parts.join("/")}`);
  } catch {
    return null;
  }
  return isInside(rootReal, real) ? real : null;
}

/**
 * Whether `path` is `root` or lies below it (both absolute, normalised).
 *
 * @param root The root.
 * @param path The path.
 * @returns True when inside.
 */
export function isInside(root: string, path: string): boolean {
  const r = root.endsWith("/") ? root : root + "/";
  return path === root || path.startsWith(r);
}
