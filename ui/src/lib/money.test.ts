import { describe, expect, it } from 'vitest';
import { showDifference, showMoney, showPercent } from './money';

describe('money as printed', () => {
  it('groups thousands and keeps the currency decimals', () => {
    expect(showMoney(179300, 2)).toBe('1,793.00');
    expect(showMoney(123456789, 2)).toBe('1,234,567.89');
    expect(showMoney(1200, 0)).toBe('1,200');
    expect(showMoney(-5, 2)).toBe('−0.05');
    expect(showMoney(null, 2)).toBe('—');
  });
  it('signs differences and prints basis points as percent', () => {
    expect(showDifference(29800, 2)).toBe('+298.00');
    expect(showDifference(-12000, 2)).toBe('−120.00');
    expect(showPercent(3865)).toBe('38.65 %');
    expect(showPercent(null)).toBe('—');
  });
});
