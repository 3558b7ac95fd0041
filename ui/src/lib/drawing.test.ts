import { describe, expect, it } from 'vitest';
import type { Diagram } from './bindings';
import { arrowhead, badgeWidth, describeNode, editorTarget, edgeStyle, polyline, statusColours } from './drawing';
import fixtures from './fixtures/diagram.demo.json';

const diagrams = fixtures as unknown as Record<string, Diagram>;
const node = (d: Diagram, key: string) => d.nodes.find((n) => n.key === key)!;

describe('drawing the core layout', () => {
  it('uses the SVG writer colours and line styles', () => {
    expect(statusColours('approved')).toEqual({ fill: '#e4eefa', stroke: '#2f6fb5', dashed: false, dash: null });
    expect(statusColours('retired').dash).toBe('5 3');
    expect(edgeStyle('member')).toEqual({ stroke: '#7a6f51', width: 1.3, dash: '2 3' });
    expect(statusColours('retired').dashed).toBe(true);
    expect(edgeStyle('counterpart').dash).toBe('6 4');
    expect(edgeStyle('link').dash).toBeNull();
  });

  it('draws arrowheads pointing along the last segment', () => {
    expect(arrowhead([{ x: 0, y: 0 }, { x: 100, y: 0 }])).toBe('M 100 0 L 91 4.5 L 91 -4.5 Z');
    expect(arrowhead([{ x: 5, y: 5 }])).toBeNull();
    expect(polyline([{ x: 1, y: 2 }, { x: 3, y: 4 }])).toBe('1,2 3,4');
    expect(badgeWidth(3)).toBe(18);
    expect(badgeWidth(1234)).toBeGreaterThan(18);
  });

  it('opens the plan behind every node', () => {
    const mobile = diagrams['structure ST-2']!;
    expect(editorTarget(mobile, node(mobile, 'AO-2'))).toBe('AO-2');
    // An allowance is set on the bolt-on link of a service plan: that plan's editor.
    expect(editorTarget(mobile, node(mobile, 'AL-4'))).toBe('SP-6');
    const shared = diagrams['shared_data ST-1']!;
    expect(editorTarget(shared, node(shared, 'SI-2/SELL'))).toBe('SP-4');
    expect(editorTarget(shared, node(shared, 'CU-1'))).toBe('PP-2');
  });

  it('says each node in words', () => {
    const mobile = diagrams['structure ST-2']!;
    expect(describeNode(node(mobile, 'BO-2'))).toBe('SELL bolt-on BO-2: Mobile data 8 GB bolt-on, draft');
    expect(describeNode({ ...node(mobile, 'BO-2'), errors: 2, warnings: 1 })).toContain(', 2 errors, 1 warning');
  });
});
