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
  const k = clampZoom(Math.min(1, (vw - 2 * pad) / Math.max(width, 1), (vh - 2 * pad) / Math.max(height, 1)));
  return { k, x: Math.round((vw - width * k) / 2), y: Math.round((vh - height * k) / 2) };
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
