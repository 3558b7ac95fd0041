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
});
