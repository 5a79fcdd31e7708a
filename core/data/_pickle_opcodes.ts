/**
 * What each pickle opcode does to the reader's stack and memo (`pickle.ts` runs them), by
 * family: framing, constants, numbers, text, bytes, the memo, containers, objects and stack
 * manipulation. Class instances are never built: GLOBAL, REDUCE, NEWOBJ and BUILD make inert
 * records `{ $class, args, state }`, except the NumPy scalars that REDUCE decodes.
 *
 * @module
 */
import { MARK, type PickleMachine } from "./_pickle_machine.ts";

/** One opcode's effect; its arguments are read from the machine's bytes. */
type Op = (m: PickleMachine) => void;

/** The class name of a GLOBAL record ("?" for anything else). */
function classOf(x: unknown): string {
  return (x as { $class?: string })?.$class ?? "?";
}

/** Arguments as a list: a tuple is one already, any other value is the only argument. */
function argList(args: unknown): unknown[] {
  return Array.isArray(args) ? args : [args];
}

const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);
const latin1 = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

/** Protocol framing: the version and frame lengths are skipped; out-of-band buffers are not supported data, and have no effect. */
const FRAMING: [number, Op][] = [
  [0x80, (m) => void m.u8()], // PROTO
  [0x95, (m) => void m.u64()], // FRAME
  [0x97, () => {}], // READONLY_BUFFER
  [0x98, () => {}], // NEXT_BUFFER
];

/** Marks, empty containers (tuples and sets become arrays), None, True and False. */
const CONSTANTS: [number, Op][] = [
  [0x28, (m) => m.push(MARK)], // MARK
  [0x7d, (m) => m.push({})], // EMPTY_DICT
  [0x5d, (m) => m.push([])], // EMPTY_LIST
  [0x29, (m) => m.push([])], // EMPTY_TUPLE
  [0x8f, (m) => m.push([])], // EMPTY_SET
  [0x4e, (m) => m.push(null)], // NONE
  [0x88, (m) => m.push(true)], // NEWTRUE
  [0x89, (m) => m.push(false)], // NEWFALSE
];

/** A LONG1 integer: n little-endian two's-complement bytes. */
function long1(m: PickleMachine): void {
  const n = m.u8();
  const b = m.take(n);
  let x = 0n;
  for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  if (n > 0 && b[n - 1] & 0x80) x -= 1n << BigInt(8 * n);
  m.push(Number(x));
}

/** Integers and floats, binary and text (protocol 0). */
const NUMBERS: [number, Op][] = [
  [0x4b, (m) => m.push(m.u8())], // BININT1
  [0x4d, (m) => m.push(m.u16())], // BININT2
  [0x4a, (m) => { // BININT
    m.need(4);
    m.push(m.view.getInt32(m.pos, true));
    m.pos += 4;
  }],
  [0x8a, long1], // LONG1
  [0x8b, (m) => { // LONG4: too large to matter
    m.take(m.u32());
    m.push(null);
  }],
  [0x47, (m) => { // BINFLOAT (big-endian)
    m.need(8);
    m.push(m.view.getFloat64(m.pos, false));
    m.pos += 8;
  }],
  [0x49, (m) => { // INT (text)
    const s = m.line();
    m.push(s === "00" ? false : s === "01" ? true : Number(s));
  }],
  [0x4c, (m) => m.push(Number(m.line().replace(/L$/, "")))], // LONG (text)
  [0x46, (m) => m.push(Number(m.line()))], // FLOAT (text)
];

/** Strings: text lines (protocol 0), UTF-8 (unicode) and Latin-1 (Python 2 str). */
const TEXT: [number, Op][] = [
  [0x53, (m) => m.push(m.line().replace(/^['"]|['"]$/g, ""))], // STRING (text)
  [0x56, (m) => m.push(m.line())], // UNICODE (text, raw-unicode-escape: close enough)
  [0x8c, (m) => m.push(utf8(m.take(m.u8())))], // SHORT_BINUNICODE
  [0x58, (m) => m.push(utf8(m.take(m.u32())))], // BINUNICODE
  [0x8d, (m) => m.push(utf8(m.take(m.u64())))], // BINUNICODE8
  [0x55, (m) => m.push(latin1(m.take(m.u8())))], // SHORT_BINSTRING
  [0x54, (m) => m.push(latin1(m.take(m.u32())))], // BINSTRING
];

/** Bytes and bytearrays, copied out of the pickle. */
const BYTES: [number, Op][] = [
  [0x43, (m) => m.push(m.take(m.u8()).slice())], // SHORT_BINBYTES
  [0x42, (m) => m.push(m.take(m.u32()).slice())], // BINBYTES
  [0x8e, (m) => m.push(m.take(m.u64()).slice())], // BINBYTES8
  [0x96, (m) => m.push(m.take(m.u64()).slice())], // BYTEARRAY8
];

/** The memo: values remembered by index and pushed again (shared references). */
const MEMO: [number, Op][] = [
  [0x94, (m) => m.memo.set(m.memo.size, m.top())], // MEMOIZE
  [0x71, (m) => m.memo.set(m.u8(), m.top())], // BINPUT
  [0x72, (m) => m.memo.set(m.u32(), m.top())], // LONG_BINPUT
  [0x70, (m) => m.memo.set(Number(m.line()), m.top())], // PUT
  [0x68, (m) => m.push(m.memo.get(m.u8()))], // BINGET
  [0x6a, (m) => m.push(m.memo.get(m.u32()))], // LONG_BINGET
  [0x67, (m) => m.push(m.memo.get(Number(m.line())))], // GET
];

/** Stores key/value pairs (flat: k0, v0, k1, v1, …) into a dict; keys become strings. */
function setItems(m: PickleMachine, d: unknown, items: unknown[]): void {
  if (typeof d !== "object" || d === null || Array.isArray(d)) {
    throw m.bad("SETITEMS on a non-dict");
  }
  for (let i = 0; i + 1 < items.length; i += 2) {
    (d as Record<string, unknown>)[String(items[i])] = items[i + 1];
  }
}

/** APPENDS and ADDITEMS: the values above the mark, appended to the list (or set) below it. */
function appends(m: PickleMachine): void {
  const items = m.popMark();
  const t = m.top();
  if (!Array.isArray(t)) throw m.bad("APPENDS on a non-list");
  t.push(...items);
}

/** Dicts, lists, tuples and sets: built from marks, or filled in place. */
const CONTAINERS: [number, Op][] = [
  [0x73, (m) => { // SETITEM
    const val = m.pop(), key = m.pop();
    setItems(m, m.top(), [key, val]);
  }],
  [0x75, (m) => { // SETITEMS
    const items = m.popMark();
    setItems(m, m.top(), items);
  }],
  [0x61, (m) => { // APPEND
    const x = m.pop();
    const t = m.top();
    if (!Array.isArray(t)) throw m.bad("APPEND on a non-list");
    t.push(x);
  }],
  [0x65, appends], // APPENDS
  [0x90, appends], // ADDITEMS
  [0x74, (m) => m.push(m.popMark())], // TUPLE
  [0x91, (m) => m.push(m.popMark())], // FROZENSET
  [0x85, (m) => m.push([m.pop()])], // TUPLE1
  [0x86, (m) => { // TUPLE2
    const b = m.pop(), a = m.pop();
    m.push([a, b]);
  }],
  [0x87, (m) => { // TUPLE3
    const c = m.pop(), b = m.pop(), a = m.pop();
    m.push([a, b, c]);
  }],
  [0x6c, (m) => m.push(m.popMark())], // LIST
  [0x64, (m) => { // DICT
    const d = {};
    setItems(m, d, m.popMark());
    m.push(d);
  }],
];

/** Reads of the NumPy scalar's bytes, by dtype code (little-endian, as NumPy writes them). */
function scalarReaders(dv: DataView): Record<string, () => number | boolean> {
  return {
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
}

/**
 * A call recorded by REDUCE. `numpy.core.multiarray.scalar(dtype, bytes)` is decoded to
 * its number (Suite2p's `ops.npy` may hold `fs` as one); anything else stays a record.
 */
function reduce(fn: unknown, args: unknown[]): unknown {
  const cls = classOf(fn);
  if (/numpy\.(_?core\.)?multiarray\.scalar$/.test(cls) && args.length >= 2) {
    const dt = args[0] as { args?: unknown[] };
    const raw = args[1];
    const code = typeof dt?.args?.[0] === "string" ? String(dt.args[0]) : "";
    const b = raw instanceof Uint8Array
      ? raw
      : typeof raw === "string"
      ? Uint8Array.from(raw, (c) => c.charCodeAt(0))
      : null;
    if (b) {
      const read = scalarReaders(new DataView(b.buffer, b.byteOffset, b.byteLength));
      if (read[code] && b.length >= Number(code.slice(1))) return read[code]();
    }
  }
  return { $class: cls, args };
}

/** Classes and calls, recorded as inert `{ $class, args, state }` records, never run. */
const OBJECTS: [number, Op][] = [
  [0x63, (m) => { // GLOBAL "module\nname\n"
    const mod = m.line(), name = m.line();
    m.push({ $class: `${mod}.${name}` });
  }],
  [0x93, (m) => { // STACK_GLOBAL
    const name = m.pop(), mod = m.pop();
    m.push({ $class: `${mod}.${name}` });
  }],
  [0x52, (m) => { // REDUCE
    const args = m.pop(), fn = m.pop();
    m.push(reduce(fn, argList(args)));
  }],
  [0x81, (m) => { // NEWOBJ
    const args = m.pop(), cls = m.pop();
    m.push({ $class: classOf(cls), args: argList(args) });
  }],
  [0x92, (m) => { // NEWOBJ_EX (the keyword arguments are dropped)
    m.pop();
    const args = m.pop(), cls = m.pop();
    m.push({ $class: classOf(cls), args: argList(args) });
  }],
  [0x62, (m) => { // BUILD
    const state = m.pop();
    const obj = m.top();
    if (obj && typeof obj === "object") (obj as { state?: unknown }).state = state;
  }],
];

/** Dropping and duplicating stack entries. */
const STACK: [number, Op][] = [
  [0x30, (m) => void m.pop()], // POP
  [0x31, (m) => void m.popMark()], // POP_MARK
  [0x32, (m) => m.push(m.top())], // DUP
];

/** The STOP opcode: the value on top of the stack is the pickle's value. */
export const STOP = 0x2e;

/** Every opcode read, but STOP; an opcode not here is refused. */
export const OPCODES: ReadonlyMap<number, Op> = new Map([
  ...FRAMING,
  ...CONSTANTS,
  ...NUMBERS,
  ...TEXT,
  ...BYTES,
  ...MEMO,
  ...CONTAINERS,
  ...OBJECTS,
  ...STACK,
]);
