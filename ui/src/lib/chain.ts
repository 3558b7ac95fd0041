// The chain of a diagram node: what a consultant means by "everything this hangs off and
// everything hanging off it". Selecting a SELL add-on in a workshop must light up its add-on
// group, its bolt-on, that bolt-on's group, the service plan that links it, the package plan
// above, its allowances, and the BUY counterpart of each of those; nothing else.
//
// Read from the diagram's own edges and containers (the core's layout), so whatever the core
// draws, the highlight follows: walk up from the node (its container, then whatever points at
// it or at its container), walk down (what it points at, a container's members), then add the
// counterpart across the lanes of everything reached. Counterpart edges are never walked
// further, or one shared BUY plan would light up every SELL structure built on it.

import type { Diagram } from './bindings';

/** What a selection highlights: node and container keys, and indexes into `Diagram.edges`. */
export interface Chain {
  nodes: Set<string>;
  containers: Set<string>;
  edges: Set<number>;
}

/** Adjacency of one diagram, built once and asked for many chains. */
export class DiagramGraph {
  private readonly up = new Map<string, string[]>();
  private readonly down = new Map<string, string[]>();
  private readonly across = new Map<string, string[]>();
  private readonly containerKeys: Set<string>;
  private readonly nodeKeys: Set<string>;
  private readonly edgesAt = new Map<string, number[]>();

  constructor(private readonly diagram: Diagram) {
    const add = <T,>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    this.containerKeys = new Set(diagram.containers.map((c) => c.key));
    this.nodeKeys = new Set(diagram.nodes.map((n) => n.key));
    for (const n of diagram.nodes) {
      if (n.container) {
        add(this.up, n.key, n.container);
        add(this.down, n.container, n.key);
      }
    }
    diagram.edges.forEach((e, i) => {
      if (e.kind === 'counterpart') {
        add(this.across, e.from, e.to);
        add(this.across, e.to, e.from);
      } else {
        add(this.down, e.from, e.to);
        add(this.up, e.to, e.from);
      }
      add(this.edgesAt, e.from, i);
      if (e.to !== e.from) add(this.edgesAt, e.to, i);
    });
  }

  /** The chain of the node (or container) `key`; empty when the diagram has no such key. */
  chain(key: string): Chain {
    const chain: Chain = { nodes: new Set(), containers: new Set(), edges: new Set() };
    if (!this.containerKeys.has(key) && !this.nodeKeys.has(key)) return chain;
    const reached = new Set<string>([key]);
    const walk = (links: Map<string, string[]>) => {
      const todo = [key];
      const seen = new Set<string>([key]);
      while (todo.length > 0) {
        const at = todo.pop()!;
        for (const next of links.get(at) ?? []) {
          if (seen.has(next)) continue;
          seen.add(next);
          reached.add(next);
          todo.push(next);
        }
      }
    };
    walk(this.up);
    walk(this.down);
    const lined = new Set(reached);
    for (const at of lined) for (const other of this.across.get(at) ?? []) reached.add(other);
    for (const k of reached) (this.containerKeys.has(k) ? chain.containers : chain.nodes).add(k);
    for (const k of reached) {
      for (const i of this.edgesAt.get(k) ?? []) {
        const e = this.diagram.edges[i]!;
        const both = reached.has(e.from) && reached.has(e.to);
        // A counterpart line belongs to the chain when it joins a chain member to its counterpart.
        if (both && (e.kind !== 'counterpart' || lined.has(e.from) || lined.has(e.to))) chain.edges.add(i);
      }
    }
    return chain;
  }
}
