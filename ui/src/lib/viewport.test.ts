import { describe, expect, it } from 'vitest';
import type { Diagram } from './bindings';
import { MAX_ZOOM, MIN_ZOOM, contentBox, fit, fitBox, keepInside, nearestToCentre, neighbour, pan, reveal, visible, zoomAt } from './viewport';
import fixtures from './fixtures/diagram.demo.json';

const mobile = (fixtures as unknown as Record<string, Diagram>)['structure ST-2']!;
const node = (key: string) => mobile.nodes.find((n) => n.key === key)!;

describe('the diagram view', () => {
  it('fits the whole diagram centred, never enlarged past 100 %', () => {
    const v = fit(2000, 1000, 1016, 516, 8);
    expect(v.k).toBeCloseTo(0.5);
    expect(v).toMatchObject({ x: 8, y: 8 });
    expect(fit(100, 100, 800, 600).k).toBe(1);
    expect(fit(25_540, 17_226, 900, 600).k).toBeGreaterThanOrEqual(MIN_ZOOM);
  });

  it('fits the drawn part: sections, lanes and boxes, not the page margins', () => {
    const box = contentBox(mobile);
    for (const n of mobile.nodes) {
      expect(n.x >= box.x && n.y >= box.y && n.x + n.w <= box.x + box.w && n.y + n.h <= box.y + box.h).toBe(true);
    }
    expect(box.h).toBeLessThan(mobile.height);
    const v = fitBox(box, 900, 500, 0);
    expect(box.x * v.k + v.x).toBeGreaterThanOrEqual(0);
    expect((box.y + box.h) * v.k + v.y).toBeLessThanOrEqual(500.5);
    expect(Math.max(box.w * v.k, box.h * v.k * (900 / 500))).toBeCloseTo(900, -1);
  });

  it('zooms about the pointer: the point under it stays put', () => {
    const v = { x: 40, y: -20, k: 0.5 };
    const z = zoomAt(v, 2, 300, 200);
    expect(z.k).toBe(1);
    const before = { x: (300 - v.x) / v.k, y: (200 - v.y) / v.k };
    expect((300 - z.x) / z.k).toBeCloseTo(before.x);
    expect((200 - z.y) / z.k).toBeCloseTo(before.y);
    expect(zoomAt(v, 1000, 0, 0).k).toBe(MAX_ZOOM);
    expect(zoomAt(v, 0.0001, 0, 0).k).toBe(MIN_ZOOM);
  });

  it('pans, shows which part is visible, and never loses the diagram off screen', () => {
    const v = pan({ x: 0, y: 0, k: 0.5 }, -100, 50);
    expect(visible(v, 800, 600)).toEqual({ x: 200, y: -100, w: 1600, h: 1200 });
    const lost = keepInside({ x: -5000, y: 9000, k: 1 }, 2000, 1000, 800, 600, 80);
    expect(lost).toEqual({ x: 80 - 2000, y: 600 - 80, k: 1 });
  });

  it('reveals a box with the least pan', () => {
    const v = { x: 0, y: 0, k: 1 };
    expect(reveal(v, { x: 10, y: 10, w: 50, h: 50 }, 800, 600)).toEqual({ x: 14, y: 14, k: 1 });
    expect(reveal(v, { x: 100, y: 100, w: 50, h: 50 }, 800, 600)).toEqual(v);
    expect(reveal(v, { x: 1000, y: 700, w: 100, h: 50 }, 800, 600)).toEqual({ x: -324, y: -174, k: 1 });
  });

  it('moves between nodes with the arrow keys as they are drawn', () => {
    // Down from the SELL service plan: its bolt-on; left: the BUY service plan (the counterpart row).
    expect(neighbour(mobile.nodes, node('SP-6'), 'down')?.key).toBe('BO-2');
    expect(neighbour(mobile.nodes, node('SP-6'), 'left')?.key).toBe('SP-5');
    expect(neighbour(mobile.nodes, node('SP-6'), 'up')?.key).toBe('PP-6');
    expect(neighbour(mobile.nodes, node('PP-6'), 'up')).toBeNull();
    const v = fit(mobile.width, mobile.height, 800, 600);
    expect(nearestToCentre(mobile, v, 800, 600)).not.toBeNull();
  });
});
