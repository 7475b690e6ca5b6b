/**
 * XXH64, the hash that zstd frames carry as their content checksum. Node has no built-in for it,
 * and BigInt arithmetic is several times slower on multi-megabyte transcripts, so each 64-bit
 * value is kept as two unsigned 32-bit halves.
 */

/** A 64-bit unsigned integer as its high and low 32-bit halves, changed in place. */
class Word64 {
  constructor(
    public hi: number,
    public lo: number,
  ) {}

  static from(value: bigint): Word64 {
    return new Word64(Number((value >> 32n) & 0xffffffffn), Number(value & 0xffffffffn));
  }

  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  copy(): Word64 {
    return new Word64(this.hi, this.lo);
  }

  add(other: Word64): this {
    const lo = this.lo + other.lo;
    this.hi = (this.hi + other.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  xor(other: Word64): this {
    this.hi = (this.hi ^ other.hi) >>> 0;
    this.lo = (this.lo ^ other.lo) >>> 0;
    return this;
  }

  /** Multiplies modulo 2^64: the full low-half product plus the two cross terms shifted up. */
  multiply(other: Word64): this {
    const a0 = this.lo & 0xffff;
    const a1 = this.lo >>> 16;
    const b0 = other.lo & 0xffff;
    const b1 = other.lo >>> 16;

    const low = a0 * b0;
    const cross1 = a0 * b1;
    const cross2 = a1 * b0;
    const middle = (low >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff);
    const carry = a1 * b1 + (cross1 >>> 16) + (cross2 >>> 16) + (middle >>> 16);

    const hi = carry + Math.imul(this.hi, other.lo) + Math.imul(this.lo, other.hi);
    this.lo = (((middle & 0xffff) << 16) | (low & 0xffff)) >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  rotateLeft(bits: number): this {
    const { hi, lo } = this;
    if (bits >= 32) {
      this.hi = lo;
      this.lo = hi;
      bits -= 32;
    }
    if (bits > 0) {
      const newHi = (this.hi << bits) | (this.lo >>> (32 - bits));
      this.lo = ((this.lo << bits) | (this.hi >>> (32 - bits))) >>> 0;
      this.hi = newHi >>> 0;
    }
    return this;
  }

  /** `this ^= this >> bits`, the mixing step of the final avalanche. */
  xorShiftRight(bits: number): this {
    const shiftedHi = bits >= 32 ? 0 : this.hi >>> bits;
    const shiftedLo =
      bits >= 32 ? this.hi >>> (bits - 32) : (this.lo >>> bits) | (this.hi << (32 - bits));
    this.lo = (this.lo ^ shiftedLo) >>> 0;
    this.hi = (this.hi ^ shiftedHi) >>> 0;
    return this;
  }
}

const PRIME1 = Word64.from(0x9e3779b185ebca87n);
const PRIME2 = Word64.from(0xc2b2ae3d27d4eb4fn);
const PRIME3 = Word64.from(0x165667b19e3779f9n);
const PRIME4 = Word64.from(0x85ebca77c2b2ae63n);
const PRIME5 = Word64.from(0x27d4eb2f165667c5n);
/** The fourth accumulator starts at `seed - PRIME1`, wrapping below zero. */
const MINUS_PRIME1 = Word64.from(BigInt.asUintN(64, -0x9e3779b185ebca87n));

const STRIPE_BYTES = 32;

/** XXH64 of `bytes` with seed 0 (the seed zstd uses), as an unsigned 64-bit value. */
export function xxh64(bytes: Uint8Array): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.byteLength;
  let offset = 0;

  let hash: Word64;
  if (length >= STRIPE_BYTES) {
    const first = PRIME1.copy().add(PRIME2);
    const second = PRIME2.copy();
    const third = new Word64(0, 0);
    const fourth = MINUS_PRIME1.copy();
    for (; offset + STRIPE_BYTES <= length; offset += STRIPE_BYTES) {
      mixLane(first, view, offset);
      mixLane(second, view, offset + 8);
      mixLane(third, view, offset + 16);
      mixLane(fourth, view, offset + 24);
    }

    hash = first.copy().rotateLeft(1);
    hash.add(second.copy().rotateLeft(7));
    hash.add(third.copy().rotateLeft(12));
    hash.add(fourth.copy().rotateLeft(18));
    for (const accumulator of [first, second, third, fourth]) {
      hash.xor(mixWord(new Word64(0, 0), accumulator)).multiply(PRIME1).add(PRIME4);
    }
  } else {
    hash = PRIME5.copy();
  }

  hash.add(Word64.from(BigInt(length)));

  for (; offset + 8 <= length; offset += 8) {
    hash.xor(mixLane(new Word64(0, 0), view, offset));
    hash.rotateLeft(27).multiply(PRIME1).add(PRIME4);
  }
  if (offset + 4 <= length) {
    hash.xor(new Word64(0, view.getUint32(offset, true)).multiply(PRIME1));
    hash.rotateLeft(23).multiply(PRIME2).add(PRIME3);
    offset += 4;
  }
  for (; offset < length; offset += 1) {
    hash.xor(new Word64(0, bytes[offset]!).multiply(PRIME5));
    hash.rotateLeft(11).multiply(PRIME1);
  }

  hash.xorShiftRight(33).multiply(PRIME2);
  hash.xorShiftRight(29).multiply(PRIME3);
  hash.xorShiftRight(32);
  return hash.toBigInt();
}

/** Reused by every round so that hashing megabytes allocates nothing per lane. */
const scaledLane = new Word64(0, 0);

/** One XXH64 round on the little-endian lane at `offset`; returns the accumulator. */
function mixLane(accumulator: Word64, view: DataView, offset: number): Word64 {
  scaledLane.lo = view.getUint32(offset, true);
  scaledLane.hi = view.getUint32(offset + 4, true);
  return accumulator.add(scaledLane.multiply(PRIME2)).rotateLeft(31).multiply(PRIME1);
}

/** The same round on a whole word, as the final merge of the accumulators uses it. */
function mixWord(accumulator: Word64, word: Word64): Word64 {
  scaledLane.lo = word.lo;
  scaledLane.hi = word.hi;
  return accumulator.add(scaledLane.multiply(PRIME2)).rotateLeft(31).multiply(PRIME1);
}
