// Integer yen arithmetic. Products go through bigint so a × b never loses precision, and
// every division floors (rounds toward −∞), which is "rounded down" for SPEC §6.3.

/** floor(a × b ÷ c) for integers, exact for any safe-integer inputs. */
export function mulDivFloor(a: number, b: number, c: number): number {
  for (const n of [a, b, c]) {
    if (!Number.isSafeInteger(n)) throw new RangeError(`integer expected, got ${n}`);
  }
  if (c === 0) throw new RangeError("division by zero");
  const [num, den] = [BigInt(a) * BigInt(b), BigInt(c)];
  let q = num / den; // truncates toward zero
  if (num % den !== 0n && num < 0n !== den < 0n) q -= 1n;
  return toSafeNumber(q);
}

/** floor(amount × percent ÷ 100) with `percent` given to at most two decimals (10.5 = 10.5 %). */
export function percentOfFloor(amountYen: number, percent: number): number {
  return mulDivFloor(amountYen, hundredths(percent), 10_000);
}

/** A percent with at most two decimals as an integer number of hundredths (10.25 → 1025). */
export function hundredths(percent: number): number {
  if (!hasAtMostTwoDecimals(percent)) {
    throw new RangeError(`percent must have at most two decimals: ${percent}`);
  }
  return Math.round(percent * 100);
}

/** 10.25 yes, 10.125 no; tolerant of binary noise (0.29 × 100 = 28.999…). */
export function hasAtMostTwoDecimals(value: number): boolean {
  const scaled = Math.round(value * 100);
  return Number.isSafeInteger(scaled) && Math.abs(scaled - value * 100) < 1e-6;
}

export function sumYen(amounts: Iterable<number>): number {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return toSafeNumber(total);
}

function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`amount out of the safe integer range: ${value}`);
  return n;
}
