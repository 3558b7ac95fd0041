// The UI's side of the IPC contract (the Rust side is src-tauri/ipc_contract.rs).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './backend';
import { COMMAND_NAMES } from './bindings/commands';
import { isBackendError, isOverview, overviewProblems } from './guards';
import fixture from './fixtures/overview.demo.json';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const repo = (path: string) => resolve(root, path);

describe('Overview fixture shared with the Rust contract test', () => {
  it('has the shape of the TypeScript Overview', () => {
    expect(overviewProblems(fixture)).toEqual([]);
    expect(isOverview(fixture)).toBe(true);
  });

  it('holds data worth drawing: counts and at least one structure', () => {
    expect(fixture.counts.length).toBeGreaterThan(0);
    expect(fixture.structures.length).toBeGreaterThan(0);
  });

  it('would catch a renamed, missing, unknown or mistyped field', () => {
    const renamed = { ...fixture, catalogName: fixture.name } as Record<string, unknown>;
    delete renamed.name;
    expect(overviewProblems(renamed)).toEqual(
      expect.arrayContaining(['overview.name is missing', 'overview.catalogName is not known to the UI']),
    );
    expect(isOverview({ ...fixture, tier: 'reseller' })).toBe(false);
    const structure = { ...fixture.structures[0]!, steps_done: '3' };
    expect(overviewProblems({ ...fixture, structures: [structure] })).toContain(
      'overview.structures[0].steps_done has an unexpected value',
    );
  });
});

describe('IPC errors', () => {
  it('accept the {kind, message, field} shape of the app', () => {
    expect(isBackendError({ kind: 'not_found', message: 'No catalog at x.', field: null })).toBe(true);
    expect(isBackendError({ kind: 'invalid_input', message: 'Name is required.', field: 'internal_name' })).toBe(true);
    expect(isBackendError({ kind: 'oops', message: 'x', field: null })).toBe(false);
    expect(isBackendError('plain string')).toBe(false);
  });
});

describe('command list', () => {
  const capability = JSON.parse(readFileSync(repo('capabilities/main.json'), 'utf8')) as {
    windows: string[];
    permissions: string[];
  };

  it('maps every backend method to a command of the generated list, each once', () => {
    const mapped = Object.values(COMMANDS);
    expect(new Set(mapped).size).toBe(mapped.length);
    expect([...mapped].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('grants every command of the list to the main window and nothing else', () => {
    expect(capability.windows).toEqual(['main']);
    const granted = COMMAND_NAMES.map((c) => `allow-${c.replace(/_/g, '-')}`);
    expect([...capability.permissions].sort()).toEqual(granted.sort());
  });
});
