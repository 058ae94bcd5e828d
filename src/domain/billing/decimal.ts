/**
 * Exact decimal amounts. Money is summed as a whole number of its smallest decimal unit (a
 * bigint with a scale), never in binary floating point: a million costs of a few tenths of a
 * cent add up to what they add up to, to the last digit they were written with, where a float
 * sum drifts in the last places and rounding each term to the cent loses them altogether.
 */
export interface Decimal {
  /** The amount in units of 10^-scale. */
  readonly units: bigint;
  /** Digits after the decimal point. */
  readonly scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** More decimal places than any billing data carries; beyond it a figure is noise, not a cost. */
export const MAX_SCALE = 40;

const powers: bigint[] = [1n];
const pow10 = (n: number): bigint => {
  while (powers.length <= n) powers.push(powers.at(-1)! * 10n);
  return powers[n]!;
};

// Plain or scientific notation, a minus but no plus sign: what FOCUS and PostgreSQL write.
const decimalPattern = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d{1,6}))?$/;

/** The exact value of a decimal text, or null when it is none or has more than MAX_SCALE places (or an exponent beyond them). */
export function parseDecimal(text: string): Decimal | null {
  const match = decimalPattern.exec(text);
  if (!match) return null;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return null;
  const scale = fraction.length - Number(exponent);
  if (scale > MAX_SCALE || scale < -MAX_SCALE) return null;
  const digits = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  return scale >= 0 ? { units: digits, scale } : { units: digits * pow10(-scale), scale: 0 };
}

/** The same amount written with `scale` places (scale at least the amount's own). */
const widened = (amount: Decimal, scale: number): bigint => amount.units * pow10(scale - amount.scale);

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: widened(a, scale) + widened(b, scale), scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return add(a, { units: -b.units, scale: b.scale });
}

/**
 * `amount × part / whole`, cut toward zero to at least `minScale` places: a proportional share
 * (a day of a monthly fee). Whoever splits an amount gives the last share what the others left,
 * so the shares add up to the amount exactly.
 */
export function share(amount: Decimal, part: number, whole: number, minScale: number): Decimal {
  const scale = Math.max(amount.scale, minScale);
  return { units: (widened(amount, scale) * BigInt(part)) / BigInt(whole), scale };
}

/** A running sum, in place (the hot path of an import: one per row). */
export class DecimalSum {
  #units = 0n;
  #scale = 0;

  add(amount: Decimal): void {
    if (amount.scale === this.#scale) this.#units += amount.units;
    else if (amount.scale < this.#scale) this.#units += widened(amount, this.#scale);
    else {
      this.#units = this.#units * pow10(amount.scale - this.#scale) + amount.units;
      this.#scale = amount.scale;
    }
  }

  get value(): Decimal {
    return { units: this.#units, scale: this.#scale };
  }
}

/** The amount to `places` decimal places, halves away from zero (as PostgreSQL's round does): for showing it, never for summing. */
export function round(amount: Decimal, places: number): Decimal {
  if (amount.scale <= places) return amount;
  const unit = pow10(amount.scale - places);
  const negative = amount.units < 0n;
  const magnitude = negative ? -amount.units : amount.units;
  const rounded = (magnitude + unit / 2n) / unit;
  return { units: negative ? -rounded : rounded, scale: places };
}

/** Plain decimal notation with all the amount's places: 0.1 + 0.20 is "0.30". */
export function decimalText(amount: Decimal): string {
  const negative = amount.units < 0n;
  const digits = (negative ? -amount.units : amount.units).toString();
  if (amount.scale === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(amount.scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -amount.scale)}.${padded.slice(-amount.scale)}`;
}

/**
 * An amount for people: at least two places (cents), more only where they are not zeros, so a
 * sub-cent cost shows ("0.0012") and a whole one reads as money ("12.50"). Nothing is rounded.
 */
export function moneyText(amount: Decimal): string {
  const text = decimalText(amount);
  if (amount.scale <= 2) return amount.scale === 0 ? `${text}.00` : text.padEnd(text.indexOf('.') + 3, '0');
  const trimmed = text.replace(/0+$/, '');
  const places = trimmed.length - trimmed.indexOf('.') - 1;
  return places >= 2 ? trimmed : trimmed.padEnd(trimmed.indexOf('.') + 3, '0');
}

/** A binary approximation, for comparisons of magnitude only: never sum these. */
export const toNumber = (amount: Decimal): number => Number(decimalText(amount));
