import { describe, expect, it } from 'vitest';
import { isPlanId, kindOf } from './ids';

describe('ids', () => {
  it('name their kind by the core prefix table', () => {
    expect(kindOf('PP-12')).toBe('package_plan');
    expect(kindOf('AO-3')).toBe('bolt_on_add_on');
    expect(kindOf('ST-1')).toBe('structure');
    expect(kindOf('XX-1')).toBeNull();
    expect(kindOf('PP')).toBeNull();
  });

  it('tell plans from the other kinds', () => {
    expect(isPlanId('BO-1')).toBe(true);
    expect(isPlanId('BG-1')).toBe(false);
    expect(isPlanId('CU-1')).toBe(false);
  });
});
