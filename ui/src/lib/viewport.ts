// Pan and zoom of the diagram view, as plain functions so they are tested apart from the
// component. A view maps diagram coordinates to screen pixels of the view's box:
// screen = diagram × k + (x, y). The component applies it as one translate of one layer (cheap
// to pan: the browser moves pixels it already painted) and the layer's size (k).

import type { Diagram, Node } from './bindings';

export interface View {
  x: number;
  y: number;
  /** Screen pixels per diagram pixel. */
  k: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Zoom limits: from a whole 5 000-box catalog on a laptop screen, to twice the print size. */
export const MIN_ZOOM = 0.02;
export const MAX_ZOOM = 2;
/** One step of the zoom buttons and keys. */
export const ZOOM_STEP = 1.25;

export const clampZoom = (k: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** The view that shows the whole `width` × `height` diagram centred in a `vw` × `vh` box. */
export function fit(width: number, height: number, vw: number, vh: number, pad = 16): View {
  return fitBox({ x: 0, y: 0, w: width, h: height }, vw, vh, pad);
}

/** The view that shows `box` (diagram coordinates) centred in a `vw` × `vh` box, at most 100 %. */
export function fitBox(box: Box, vw: number, vh: number, pad = 16): View {
  const k = clampZoom(Math.min(1, (vw - 2 * pad) / Math.max(box.w, 1), (vh - 2 * pad) / Math.max(box.h, 1)));
  return { k, x: Math.round((vw - box.w * k) / 2 - box.x * k), y: Math.round((vh - box.h * k) / 2 - box.y * k) };
}

/**
 * What the view fits: the drawn part of the diagram (its sections, lanes and boxes). The core's
 * page also reserves room for a title and a legend, which the window shows around the view.
 */
export function contentBox(d: Diagram): Box {
  const boxes: Box[] = [
    ...d.sections.map((s) => ({ x: s.x - 8, y: s.y - 4, w: s.w + 16, h: s.h + 8 })),
    ...d.lanes,
    ...d.nodes,
  ];
  if (boxes.length === 0) return { x: 0, y: 0, w: d.width, h: d.height };
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    left = Math.min(left, b.x);
    top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.w);
    bottom = Math.max(bottom, b.y + b.h);
  }
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/** Zooms by `factor`, keeping the diagram point under screen point (cx, cy) where it is. */
export function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const k = clampZoom(v.k * factor);
  const f = k / v.k;
  return { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
}

export function pan(v: View, dx: number, dy: number): View {
  return { k: v.k, x: v.x + dx, y: v.y + dy };
}

/** Keeps at least `margin` screen pixels of the diagram inside the box, so it cannot be lost. */
export function keepInside(v: View, width: number, height: number, vw: number, vh: number, margin = 80): View {
  const w = width * v.k;
  const h = height * v.k;
  const x = Math.min(vw - Math.min(margin, w), Math.max(Math.min(margin, w) - w, v.x));
  const y = Math.min(vh - Math.min(margin, h), Math.max(Math.min(margin, h) - h, v.y));
  return { k: v.k, x, y };
}

/** The part of the diagram the box shows, in diagram coordinates. */
export function visible(v: View, vw: number, vh: number): Box {
  return { x: -v.x / v.k, y: -v.y / v.k, w: vw / v.k, h: vh / v.k };
}

/** The smallest pan that brings `box` (diagram coordinates) fully into view, with a margin. */
export function reveal(v: View, box: Box, vw: number, vh: number, margin = 24): View {
  const left = box.x * v.k + v.x;
  const top = box.y * v.k + v.y;
  const right = left + box.w * v.k;
  const bottom = top + box.h * v.k;
  let dx = 0;
  let dy = 0;
  if (right > vw - margin) dx = vw - margin - right;
  if (left + dx < margin) dx = margin - left;
  if (bottom > vh - margin) dy = vh - margin - bottom;
  if (top + dy < margin) dy = margin - top;
  return pan(v, dx, dy);
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The node an arrow key moves to from `from`: the nearest node whose centre lies in that
 * direction (within a 45° cone on either side), nearer along the direction first; `null` when
 * there is none.
 */
export function neighbour(nodes: readonly Node[], from: Node, direction: Direction): Node | null {
  const cx = from.x + from.w / 2;
  const cy = from.y + from.h / 2;
  let best: Node | null = null;
  let bestScore = Infinity;
  for (const n of nodes) {
    if (n.key === from.key) continue;
    const dx = n.x + n.w / 2 - cx;
    const dy = n.y + n.h / 2 - cy;
    const [along, across] =
      direction === 'right' ? [dx, dy] : direction === 'left' ? [-dx, dy] : direction === 'down' ? [dy, dx] : [-dy, dx];
    if (along <= 0 || Math.abs(across) > along) continue;
    const score = along + 2 * Math.abs(across);
    if (score < bestScore) {
      bestScore = score;
      best = n;
    }
  }
  return best;
}

/** The node nearest the centre of the view: where keyboard navigation starts. */
export function nearestToCentre(d: Diagram, v: View, vw: number, vh: number): Node | null {
  const c = visible(v, vw, vh);
  const mx = c.x + c.w / 2;
  const my = c.y + c.h / 2;
  let best: Node | null = null;
  let bestDistance = Infinity;
  for (const n of d.nodes) {
    const distance = (n.x + n.w / 2 - mx) ** 2 + (n.y + n.h / 2 - my) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = n;
    }
  }
  return best;
}
