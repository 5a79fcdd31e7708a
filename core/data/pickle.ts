/**
 * A small, safe reader of Python pickles (protocols 0–5): it builds plain values —
 * dicts, lists, tuples, strings, numbers, booleans, None, bytes — and turns every class
 * instance into an inert record (`{ $class, args, state }`) instead of running code. NumPy
 * scalars and dtypes are decoded, since Suite2p's `ops.npy` may hold `fs` as one.
 *
 * @example
 * ```ts
 * import { unpickle } from "./pickle.ts";
 *
 * // pickle.dumps({"Ly": 8, "fs": 15.5}, protocol=2)
 * const bytes = Uint8Array.from(atob("gAJ9cQAoWAIAAABMeXEBSwhYAgAAAGZzcQJHQC8AAAAAAAB1Lg=="), (c) => c.charCodeAt(0));
 * const v = unpickle(bytes, "ops.npy") as Record<string, unknown>;
 * if (v.Ly !== 8 || v.fs !== 15.5) throw new Error(JSON.stringify(v));
 * ```
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** A Python object that is not a plain value: its class, constructor arguments and state. */
export interface PickledObject {
  /** "module.name" of the class or function. */
  $class: string;
  /** Arguments it was called with (REDUCE / NEWOBJ). */
  args?: unknown[];
  /** State given by BUILD. */
  state?: unknown;
}

const MARK = Symbol("mark");

/**
 * Reads a pickle.
 *
 * @param bytes The pickle.
 * @param file For error messages.
 * @returns The value.
 * @throws {SparsedynError} `BAD_FILE` for a truncated or malformed pickle.
 */
export function unpickle(bytes: Uint8Array, file: string): unknown {
  const bad = (why: string) =>
    new SparsedynError("BAD_FILE", `${file}: unreadable pickle: ${why}`, { file });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw bad("truncated");
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), v.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), v.getUint32(pos - 4, true));
  const u64 = () => {
    need(8);
    const n = Number(v.getBigUint64(pos, true));
    pos += 8;
    return n;
  };
  const take = (n: number) => {
    if (n > bytes.length) throw bad("implausible length");
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) throw bad("truncated");
    const s = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);
  const pop = () => {
    if (stack.length === 0) throw bad("stack underflow");
    const x = stack.pop();
    if (x === MARK) throw bad("a mark where a value belongs");
    return x;
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw bad("missing mark");
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = () => {
    if (stack.length === 0) throw bad("stack underflow");
    const x = stack[stack.length - 1];
    if (x === MARK) throw bad("a mark where a value belongs");
    return x;
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (typeof d !== "object" || d === null || Array.isArray(d)) {
      throw bad("SETITEMS on a non-dict");
    }
    for (let i = 0; i + 1 < items.length; i += 2) {
      (d as Record<string, unknown>)[String(items[i])] = items[i + 1];
    }
  };
  const reduce = (fn: unknown, args: unknown[]): unknown => {
    const cls = (fn as PickledObject)?.$class ?? "?";
    if (/numpy\.(_?core\.)?multiarray\.scalar$/.test(cls) && args.length >= 2) {
      const dt = args[0] as PickledObject & { code?: string };
      const raw = args[1];
      const code = typeof dt?.args?.[0] === "string" ? String(dt.args[0]) : "";
      const b = raw instanceof Uint8Array
        ? raw
        : typeof raw === "string"
        ? Uint8Array.from(raw, (c) => c.charCodeAt(0))
        : null;
      if (b) {
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const read: Record<string, () => number | boolean> = {
          f8: () => dv.getFloat64(0, true),
          f4: () => dv.getFloat32(0, true),
          i8: () => Number(dv.getBigInt64(0, true)),
          i4: () => dv.getInt32(0, true),
          i2: () => dv.getInt16(0, true),
          i1: () => dv.getInt8(0),
          u8: () => Number(dv.getBigUint64(0, true)),
          u4: () => dv.getUint32(0, true),
          u2: () => dv.getUint16(0, true),
          u1: () => dv.getUint8(0),
          b1: () => dv.getUint8(0) !== 0,
        };
        if (read[code] && b.length >= Number(code.slice(1))) return read[code]();
      }
    }
    return { $class: cls, args };
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        u64();
        break; // FRAME
      case 0x2e:
        return pop(); // STOP
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x7d:
        stack.push({});
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE (tuples become arrays)
      case 0x8f:
        stack.push([]);
        break; // EMPTY_SET
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x4a:
        need(4);
        stack.push(v.getInt32(pos, true));
        pos += 4;
        break; // BININT
      case 0x8a: { // LONG1
        const n = u8();
        const b = take(n);
        let x = 0n;
        for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) x -= 1n << BigInt(8 * n);
        stack.push(Number(x));
        break;
      }
      case 0x8b:
        take(u32());
        stack.push(null);
        break; // LONG4: too large to matter
      case 0x47:
        need(8);
        stack.push(v.getFloat64(pos, false));
        pos += 8;
        break; // BINFLOAT (big-endian)
      case 0x49: { // INT (text)
        const s = line();
        stack.push(s === "00" ? false : s === "01" ? true : Number(s));
        break;
      }
      case 0x4c:
        stack.push(Number(line().replace(/L$/, "")));
        break; // LONG (text)
      case 0x46:
        stack.push(Number(line()));
        break; // FLOAT (text)
      case 0x53:
        stack.push(line().replace(/^['"]|['"]$/g, ""));
        break; // STRING (text)
      case 0x56:
        stack.push(line());
        break; // UNICODE (text, raw-unicode-escape: close enough)
      case 0x8c:
        stack.push(utf8(take(u8())));
        break; // SHORT_BINUNICODE
      case 0x58:
        stack.push(utf8(take(u32())));
        break; // BINUNICODE
      case 0x8d:
        stack.push(utf8(take(u64())));
        break; // BINUNICODE8
      case 0x55:
        stack.push(new TextDecoder("latin1").decode(take(u8())));
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(new TextDecoder("latin1").decode(take(u32())));
        break; // BINSTRING
      case 0x43:
        stack.push(take(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(take(u32()).slice());
        break; // BINBYTES
      case 0x8e:
        stack.push(take(u64()).slice());
        break; // BINBYTES8
      case 0x96:
        stack.push(take(u64()).slice());
        break; // BYTEARRAY8
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x70:
        memo.set(Number(line()), top());
        break; // PUT
      case 0x68:
        stack.push(memo.get(u8()));
        break; // BINGET
      case 0x6a:
        stack.push(memo.get(u32()));
        break; // LONG_BINGET
      case 0x67:
        stack.push(memo.get(Number(line())));
        break; // GET
      case 0x73: { // SETITEM
        const val = pop(), key = pop();
        setItems(top(), [key, val]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: { // APPEND
        const x = pop();
        const t = top();
        if (!Array.isArray(t)) throw bad("APPEND on a non-list");
        t.push(x);
        break;
      }
      case 0x65:
      case 0x90: { // APPENDS, ADDITEMS
        const items = popMark();
        const t = top();
        if (!Array.isArray(t)) throw bad("APPENDS on a non-list");
        t.push(...items);
        break;
      }
      case 0x74:
        stack.push(popMark());
        break; // TUPLE
      case 0x91:
        stack.push(popMark());
        break; // FROZENSET
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop(), a = pop();
        stack.push([a, b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop(), b = pop(), a = pop();
        stack.push([a, b, c]);
        break;
      } // TUPLE3
      case 0x6c:
        stack.push(popMark());
        break; // LIST
      case 0x64: { // DICT
        const d = {};
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x63: { // GLOBAL "module\nname\n"
        const mod = line(), name = line();
        stack.push({ $class: `${mod}.${name}` });
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(), mod = pop();
        stack.push({ $class: `${mod}.${name}` });
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(), fn = pop();
        stack.push(reduce(fn, Array.isArray(args) ? args : [args]));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop(), cls = pop();
        stack.push({
          $class: (cls as PickledObject)?.$class ?? "?",
          args: Array.isArray(args) ? args : [args],
        });
        break;
      }
      case 0x92: { // NEWOBJ_EX
        pop();
        const args = pop(), cls = pop();
        stack.push({
          $class: (cls as PickledObject)?.$class ?? "?",
          args: Array.isArray(args) ? args : [args],
        });
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (obj && typeof obj === "object") (obj as PickledObject).state = state;
        break;
      }
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      case 0x97:
      case 0x98:
        break; // READONLY_BUFFER, NEXT_BUFFER (out-of-band: unsupported data, no effect)
      default:
        throw bad(`unknown opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}

/**
 * Finds, depth first, the first dict in an unpickled value that has all `keys`.
 *
 * @param value An unpickled value.
 * @param keys Keys the dict must have.
 * @param depth Current depth (the search stops at 20).
 * @returns The dict, or undefined.
 */
export function findDict(
  value: unknown,
  keys: string[],
  depth = 0,
): Record<string, unknown> | undefined {
  if (depth > 20 || value === null || typeof value !== "object" || value instanceof Uint8Array) {
    return undefined;
  }
  if (!Array.isArray(value) && !("$class" in value) && keys.every((k) => k in value)) {
    return value as Record<string, unknown>;
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const c of children) {
    const d = findDict(c, keys, depth + 1);
    if (d) return d;
  }
  return undefined;
}
