/**
 * The state of the pickle reader (`pickle.ts`): the bytes and the read position, the value
 * stack with its marks, and the memo; with the primitive reads (little-endian integers,
 * lengths, text lines) and stack operations that every opcode is made of. Each check throws
 * the reader's one error, `BAD_FILE` naming the file and what is wrong.
 *
 * @module
 */
import { SparsedynError } from "../errors.ts";

/** The stack entry MARK pushes: where a variable-length group of values begins. */
export const MARK = Symbol("mark");

/** A pickle being read: position, stack, memo, and the reads the opcodes are built of. */
export class PickleMachine {
  /** Next byte to read. */
  pos = 0;
  /** The value stack (values and marks). */
  readonly stack: unknown[] = [];
  /** Values remembered by PUT / MEMOIZE, by index. */
  readonly memo = new Map<number, unknown>();
  /** The bytes as a view, for multi-byte numbers. */
  readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The reader's error: `BAD_FILE`, naming the file and `why`. */
  bad(why: string): SparsedynError {
    const file = this.file;
    return new SparsedynError("BAD_FILE", `${file}: unreadable pickle: ${why}`, { file });
  }

  /** Throws unless `n` more bytes are there. */
  need(n: number): void {
    if (this.pos + n > this.bytes.length) throw this.bad("truncated");
  }

  /** One unsigned byte. */
  u8(): number {
    return (this.need(1), this.bytes[this.pos++]);
  }

  /** An unsigned 16-bit little-endian integer. */
  u16(): number {
    return (this.need(2), (this.pos += 2), this.view.getUint16(this.pos - 2, true));
  }

  /** An unsigned 32-bit little-endian integer. */
  u32(): number {
    return (this.need(4), (this.pos += 4), this.view.getUint32(this.pos - 4, true));
  }

  /** An unsigned 64-bit little-endian integer, as a number. */
  u64(): number {
    this.need(8);
    const n = Number(this.view.getBigUint64(this.pos, true));
    this.pos += 8;
    return n;
  }

  /** The next `n` bytes (a view, not a copy); a length beyond the file is refused first. */
  take(n: number): Uint8Array {
    if (n > this.bytes.length) throw this.bad("implausible length");
    this.need(n);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }

  /** Text up to the next newline (protocol 0's arguments), as Latin-1. */
  line(): string {
    const end = this.bytes.indexOf(10, this.pos);
    if (end < 0) throw this.bad("truncated");
    const s = new TextDecoder("latin1").decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  /** Pushes a value. */
  push(x: unknown): void {
    this.stack.push(x);
  }

  /** Pops a value (not a mark). */
  pop(): unknown {
    if (this.stack.length === 0) throw this.bad("stack underflow");
    const x = this.stack.pop();
    if (x === MARK) throw this.bad("a mark where a value belongs");
    return x;
  }

  /** Pops the values above the topmost mark, and the mark. */
  popMark(): unknown[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) throw this.bad("missing mark");
    const items = this.stack.splice(i);
    items.shift();
    return items;
  }

  /** The top value (not a mark), left on the stack. */
  top(): unknown {
    if (this.stack.length === 0) throw this.bad("stack underflow");
    const x = this.stack[this.stack.length - 1];
    if (x === MARK) throw this.bad("a mark where a value belongs");
    return x;
  }
}
