import { describe, expect, it } from 'vitest';
import { BackendFailure, TauriBackend } from './backend';
import fixture from './fixtures/overview.demo.json';

describe('TauriBackend', () => {
  it('invokes catalog_overview and returns the checked answer', async () => {
    const seen: string[] = [];
    const backend = new TauriBackend(async (command) => {
      seen.push(command);
      return structuredClone(fixture);
    });
    const overview = await backend.catalogOverview();
    expect(seen).toEqual(['catalog_overview']);
    expect(overview.name).toBe(fixture.name);
  });

  it('turns a rejected {kind, message, field} into a BackendFailure', async () => {
    const backend = new TauriBackend(async () => {
      throw { kind: 'not_found', message: 'No catalog at /tmp/x.plansmith.', field: null };
    });
    const failure = await backend.catalogOverview().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BackendFailure);
    expect(failure).toMatchObject({ kind: 'not_found', message: 'No catalog at /tmp/x.plansmith.', field: null });
  });

  it('refuses an answer that does not fit the Overview type', async () => {
    const backend = new TauriBackend(async () => ({ ...fixture, counts: 'none' }));
    await expect(backend.catalogOverview()).rejects.toMatchObject({
      kind: 'internal',
      message: expect.stringContaining('overview.counts has an unexpected value'),
    });
  });

  it('wraps anything else it is rejected with as internal', () => {
    expect(BackendFailure.from(new Error('IPC bridge missing'))).toMatchObject({
      kind: 'internal',
      message: 'IPC bridge missing',
    });
  });

  it('sends each command its input as one typed `request`', async () => {
    const seen: [string, unknown][] = [];
    const backend = new TauriBackend(async (command, args) => {
      seen.push([command, args]);
      return {};
    });
    await backend.objectDetail('SP-3');
    await backend.applyChange({ op: 'create_sell_counterpart', of: 'BO-1' });
    await backend.reopen('PP-1', 'price changed');
    await backend.markLive('PP-1', 'EM-77');
    await backend.undo();
    expect(seen).toEqual([
      ['object_detail', { request: { id: 'SP-3' } }],
      ['apply_change', { request: { change: { op: 'create_sell_counterpart', of: 'BO-1' } } }],
      ['reopen', { request: { id: 'PP-1', reason: 'price changed' } }],
      ['mark_live', { request: { id: 'PP-1', production_id: 'EM-77' } }],
      ['undo', undefined],
    ]);
  });

  it('asks for diagrams and their export with the picture named as the app expects', async () => {
    const seen: [string, unknown][] = [];
    const backend = new TauriBackend(async (command, args) => {
      seen.push([command, args]);
      return {};
    });
    await backend.diagram('catalog');
    await backend.diagram({ structure: 'ST-2' });
    await backend.exportDiagram({ shared_data: 'ST-1' }, 'png');
    expect(seen).toEqual([
      ['diagram', { request: { of: 'catalog' } }],
      ['diagram', { request: { of: { structure: 'ST-2' } } }],
      ['export_diagram', { request: { of: { shared_data: 'ST-1' }, format: 'png' } }],
    ]);
  });
});
