// Money and percentages as the Commercials screens print them. Amounts arrive from the core in
// minor units with the currency's decimals beside them; this file only lays the digits out
// (thousands grouped, "—" where the core says unknown) and never computes a figure.

/** "1,793.00" for 179300 with 2 decimals; "—" for unknown. */
export function showMoney(minor: number | null | undefined, decimals: number): string {
  if (minor === null || minor === undefined) return '—';
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** decimals;
  const whole = Math.floor(abs / scale)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals ? '.' + String(abs % scale).padStart(decimals, '0') : '';
  return `${sign}${whole}${frac}`;
}

/** A difference with its sign: "+298.00", "−120.00", "0.00". */
export function showDifference(minor: number | null | undefined, decimals: number): string {
  if (minor === null || minor === undefined) return '—';
  return minor > 0 ? `+${showMoney(minor, decimals)}` : showMoney(minor, decimals);
}

/** "38.65 %" for 3865 basis points; "—" where the core gives none. */
export function showPercent(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—';
  return `${showMoney(bp, 2)} %`;
}
