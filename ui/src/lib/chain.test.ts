// The chain highlight on the core's real layout of the demo (the fixture the Rust contract
// test keeps equal to what the `diagram` command sends).
import { describe, expect, it } from 'vitest';
import type { Diagram } from './bindings';
import { DiagramGraph } from './chain';
import fixtures from './fixtures/diagram.demo.json';

const diagrams = fixtures as unknown as Record<string, Diagram>;
const mobile = diagrams['structure ST-2']!;
const sorted = (s: Set<string>) => [...s].sort();
const edgeNames = (d: Diagram, edges: Set<number>) =>
  [...edges].map((i) => `${d.edges[i]!.from}>${d.edges[i]!.to}`).sort();

describe('the chain of a node', () => {
  const graph = new DiagramGraph(mobile);

  it('of a SELL add-on: its group, bolt-on, bolt-on group, service and package plan, allowance, and every BUY counterpart', () => {
    const chain = graph.chain('AO-2');
    expect(sorted(chain.nodes)).toEqual(
      ['AO-2', 'BO-2', 'SP-6', 'PP-6', 'AL-4', 'AO-1', 'BO-1', 'SP-5', 'PP-5', 'AL-1'].sort(),
    );
    expect(sorted(chain.containers)).toEqual(['BG-1', 'add-on-group:BO-2']);
    const edges = edgeNames(mobile, chain.edges);
    expect(edges).toEqual(
      expect.arrayContaining(['PP-6>SP-6', 'SP-6>BO-2', 'BO-2>add-on-group:BO-2', 'AO-2>AL-4', 'AO-2>AO-1', 'AL-4>AL-1', 'BO-2>BO-1']),
    );
    // Siblings and their lines stay out: the other add-ons, their allowances, the BUY lane's own tree below BO-1.
    for (const other of ['AO-4', 'AO-6', 'AL-5', 'AL-6', 'AO-3', 'AO-5']) expect(chain.nodes.has(other)).toBe(false);
    expect(edges).not.toContain('AO-4>AL-5');
    expect(edges).not.toContain('BO-1>add-on-group:BO-1');
    expect(edges).not.toContain('AO-3>AL-2');
  });

  it('of a BUY bolt-on: what links it above, its add-ons and their allowances below, and the SELL counterparts', () => {
    const chain = graph.chain('BO-1');
    expect(sorted(chain.nodes)).toEqual(
      ['BO-1', 'SP-5', 'PP-5', 'AO-1', 'AO-3', 'AO-5', 'AL-1', 'AL-2', 'AL-3', 'BO-2', 'SP-6', 'PP-6', 'AO-2', 'AO-4', 'AO-6', 'AL-4', 'AL-5', 'AL-6'].sort(),
    );
    expect(chain.containers.has('add-on-group:BO-1')).toBe(true);
  });

  it('is every edge of the chain and no other, whatever node is chosen', () => {
    for (const node of mobile.nodes) {
      const chain = graph.chain(node.key);
      expect(chain.nodes.has(node.key)).toBe(true);
      mobile.edges.forEach((e, i) => {
        const ends = [e.from, e.to].every((k) => chain.nodes.has(k) || chain.containers.has(k));
        if (chain.edges.has(i)) expect(ends).toBe(true);
      });
    }
  });

  it('of the shared-data pool: the tails drawing from it, and the customer', () => {
    const shared = diagrams['shared_data ST-1']!;
    const pool = shared.nodes.find((n) => n.kind === 'data_pool' && n.side === 'SELL')!;
    const chain = new DiagramGraph(shared).chain(pool.key);
    const tails = shared.nodes.filter((n) => n.kind === 'tail' && n.side === 'SELL').map((n) => n.key);
    for (const t of tails) expect(chain.nodes.has(t)).toBe(true);
    expect(chain.nodes.has('CU-1')).toBe(true);
    expect(chain.nodes.has('SP-1')).toBe(true);
    expect(chain.containers.has('sites:CU-1/SELL')).toBe(true);
  });

  it('is empty for a key the diagram does not have', () => {
    const chain = graph.chain('PP-999');
    expect(chain.nodes.size + chain.containers.size + chain.edges.size).toBe(0);
  });
});
