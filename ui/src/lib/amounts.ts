// Included value amounts as a consultant types them. The core stores each amount in its
// type's base unit (cents for dollar, KB for kilobytes, a count for units, seconds); people
// think in dollars and GB, so the editors show and read those and convert at the edge.

import type { IncludedValueType } from './bindings';
import { KB_PER_GB, formatMoney, parseMoney } from './fields';

export const VALUE_TYPES: [IncludedValueType, string][] = [
  ['dollar', 'Dollar'],
  ['kilobytes', 'Data'],
  ['units', 'Units'],
  ['seconds', 'Seconds'],
];

/** The unit an amount of `type` is typed in. */
export function unitOf(type: IncludedValueType): string {
  return { dollar: '$', kilobytes: 'GB', units: 'units', seconds: 'seconds' }[type];
}

/** "8" (GB) for 8 388 608 KB, "12.50" for 1250 cents. */
export function showAmount(type: IncludedValueType, amount: number, decimals = 2): string {
  if (type === 'dollar') return formatMoney(amount, decimals);
  if (type === 'kilobytes') return String(Math.round((amount / KB_PER_GB) * 1000) / 1000);
  return String(amount);
}

/** The base-unit amount for what was typed, or a sentence saying what to type. */
export function readAmount(type: IncludedValueType, text: string, decimals = 2): number | string {
  const t = text.trim();
  if (type === 'dollar') {
    const m = parseMoney(t, decimals);
    return m === null || m === undefined ? `Write an amount like 12.50 (at most ${decimals} decimals).` : m;
  }
  const n = Number(t);
  if (t === '' || !Number.isFinite(n) || n < 0) return `Write a number of ${unitOf(type)}, like 2.`;
  if (type === 'kilobytes') return Math.round(n * KB_PER_GB);
  if (!Number.isInteger(n)) return `Write a whole number of ${unitOf(type)}.`;
  return n;
}

/** "2 GB", "$5.00", "50 units". */
export function amountLabel(type: IncludedValueType, amount: number, decimals = 2): string {
  if (type === 'dollar') return `$${formatMoney(amount, decimals)}`;
  return `${showAmount(type, amount, decimals)} ${unitOf(type)}`;
}
