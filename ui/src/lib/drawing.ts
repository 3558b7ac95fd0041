// How the window draws the core's diagram layout: the colours, line styles and arrowheads are
// the core's SVG writer's own (src-tauri/core/src/diagram/svg.rs, generated into
// bindings/domain.ts), so the picture on screen, the exported file and the bundle look alike. Pure functions, tested apart from the
// component; the layout itself (every coordinate) comes from the core.

import type { Diagram, EdgeKind, Id, Node, NodeKind, Point, Status } from './bindings';
import { BOX_LOOKS, LINE_LOOKS } from './bindings/domain';
import { isPlanId } from './ids';

/** Text sizes of the core's layout (label.rs): the core fitted every label to them. */
export const CAPTION_SIZE = 10;
export const NAME_SIZE = 13;
export const DETAIL_SIZE = 11;
export const SMALL_SIZE = 11;
/** Text inset inside a box (structure.rs TEXT_PAD). */
export const TEXT_PAD = 10;

/** `fill:#fff;stroke:#000` as `{fill: '#fff', stroke: '#000'}`. */
function declarations(css: string): Record<string, string> {
  return Object.fromEntries(
    css.split(';').flatMap((d) => {
      const at = d.indexOf(':');
      return at > 0 ? [[d.slice(0, at).trim(), d.slice(at + 1).trim()]] : [];
    }),
  );
}

/** Fill, stroke and dash pattern of a box, by lifecycle status: the core's own look. */
export function statusColours(status: Status | null): { fill: string; stroke: string; dashed: boolean; dash: string | null } {
  const d = declarations(BOX_LOOKS[status ?? 'none']);
  const dash = d['stroke-dasharray'] ?? null;
  return { fill: d['fill'] ?? 'none', stroke: d['stroke'] ?? 'none', dashed: dash !== null, dash };
}

/** Stroke colour, width and dash pattern of an edge kind: the core's own look. */
export function edgeStyle(kind: EdgeKind): { stroke: string; width: number; dash: string | null } {
  const d = declarations(LINE_LOOKS[kind].css);
  return { stroke: d['stroke'] ?? 'none', width: Number(d['stroke-width'] ?? 1), dash: d['stroke-dasharray'] ?? null };
}

export const EDGE_WORDS: Record<EdgeKind, string> = {
  contains: 'contains',
  link: 'bolt-on link (behaviour)',
  member: 'also in this group',
  allowance: 'allowance of the add-on',
  counterpart: 'SELL → BUY counterpart',
  pool: 'draws from the pool',
  orders: 'orders',
};

export const NODE_WORDS: Record<NodeKind, string> = {
  package_plan: 'package plan',
  service_plan: 'service plan',
  bolt_on: 'bolt-on',
  bolt_on_add_on: 'add-on',
  allowance: 'allowance',
  customer: 'customer',
  data_pool: 'data pool',
  tail: 'tail',
};

export function arrowed(kind: EdgeKind): boolean {
  return LINE_LOOKS[kind].arrowed;
}

/** `points` of an SVG polyline. */
export function polyline(points: readonly Point[]): string {
  return points.map((p) => `${p.x},${p.y}`).join(' ');
}

/** The arrowhead at the end of an edge, as a path (no markers: they need `url(…)`). */
export function arrowhead(points: readonly Point[]): string | null {
  if (points.length < 2) return null;
  const from = points[points.length - 2]!;
  const to = points[points.length - 1]!;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const len = Math.hypot(dx, dy);
  if (len < 1) return null;
  const ux = dx / len;
  const uy = dy / len;
  const bx = to.x - ux * 9;
  const by = to.y - uy * 9;
  const r = (v: number) => Math.round(v * 10) / 10;
  return `M ${to.x} ${to.y} L ${r(bx - uy * 4.5)} ${r(by + ux * 4.5)} L ${r(bx + uy * 4.5)} ${r(by - ux * 4.5)} Z`;
}

/** About how wide `text` is drawn at `size` px in the diagram's sans-serif (for label patches). */
export function textWidth(text: string, size: number, bold = false): number {
  return Math.ceil(text.length * size * (bold ? 0.62 : 0.56));
}

/** The width of a count badge. */
export function badgeWidth(count: number): number {
  return Math.max(18, textWidth(String(count), 10, true) + 10);
}

const isPlan = (id: Id | null | undefined): id is Id => !!id && isPlanId(id);

/**
 * The object whose editor a node opens: the plan itself; for an allowance, the service plan
 * whose bolt-on link carries it; for a customer, a pool or a site's tail, the plan drawn for it.
 */
export function editorTarget(d: Diagram, node: Node): Id | null {
  if (isPlan(node.object)) return node.object;
  if (node.kind === 'allowance') {
    const link = node.related.find((id) => id.startsWith('BL-'));
    const edge = link ? d.edges.find((e) => e.kind === 'link' && e.object === link) : undefined;
    const plan = edge ? d.nodes.find((n) => n.key === edge.from)?.object : null;
    if (isPlan(plan)) return plan;
  }
  return node.related.find(isPlan) ?? node.object;
}

/** One sentence a screen reader says for a node. */
export function describeNode(node: Node): string {
  const side = node.side ? `${node.side} ` : '';
  const status = node.status ? `, ${node.status}` : '';
  const issues = [
    node.errors ? `${node.errors} error${node.errors === 1 ? '' : 's'}` : '',
    node.warnings ? `${node.warnings} warning${node.warnings === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return `${side}${NODE_WORDS[node.kind]} ${node.key}: ${node.name || '(no name)'}${status}${issues.length ? `, ${issues.join(', ')}` : ''}`;
}
