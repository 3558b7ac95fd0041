// The real window, end to end: the app binary starts on a fresh demo catalog (`--demo FILE`),
// the core writes and reads it, the `catalog_overview` command carries the data over IPC, and
// the Svelte screen draws it. The expected values come from the demo fixture that the Rust
// contract test (src-tauri/ipc_contract.rs) proves equal to what the core produces.
//
// Needs: a built app (make app-build), tauri-driver, WebKitWebDriver, and an X display
// (the Makefile runs this under xvfb-run -a). Leaves a screenshot in artifacts/.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeApp, openApp } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const artifacts = join(here, 'artifacts');
const expected = JSON.parse(readFileSync(join(root, 'ui/src/lib/fixtures/overview.demo.json'), 'utf8'));

describe('Plansmith window on a fresh demo catalog', () => {
  let window;
  let session;
  let folder;
  let catalog;

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    assert.ok(process.env.DISPLAY, 'no X display: run under xvfb-run -a');
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    catalog = join(folder, 'e2e-demo.plansmith');
    window = await openApp(app, ['--demo', catalog]);
    session = window.session;
  });

  after(() => closeApp(window, folder));

  it('shows the catalog header that the core wrote into the demo', async () => {
    const { text } = await session.waitForText('[data-testid="catalog-name"]');
    assert.equal(text, expected.name);
    const provider = await session.waitForText('[data-testid="catalog-provider"]');
    assert.equal(provider.text, expected.provider);
    const currency = await session.waitForText('[data-testid="catalog-currency"]');
    assert.equal(currency.text, expected.currency);
  });

  it('shows each structure with its build progress', async () => {
    await session.waitForText('[data-testid="structure-progress"]');
    const rows = await session.findAll('[data-testid="structure"]');
    assert.equal(rows.length, expected.structures.length);
    const first = expected.structures[0];
    const row = await session.find(`[data-structure-id="${first.id}"]`);
    assert.ok(row, `no structure row for ${first.id}`);
    const name = await session.text(await session.findWithin(row, '[data-testid="structure-name"]'));
    assert.equal(name.trim(), first.name);
    const progress = await session.text(await session.findWithin(row, '[data-testid="structure-progress"]'));
    assert.equal(progress.trim(), `${first.steps_done} of ${first.steps_total} steps done`);
    const bar = await session.findWithin(row, 'progress');
    assert.equal(await session.attribute(bar, 'value'), String(Math.min(first.steps_done, first.steps_total)));
  });

  it('counts the objects of every kind the core reports', async () => {
    const rows = await session.findAll('[data-testid="kind-count"]');
    assert.equal(rows.length, expected.counts.length);
    const totals = await session.script(
      `return [...document.querySelectorAll('[data-testid="kind-count"]')]
         .map((row) => [row.dataset.kind, Number(row.querySelector('.total').textContent)]);`,
    );
    assert.deepEqual(totals, expected.counts.map((count) => [count.kind, count.total]));
  });

  it('wrote the demo catalog where it was asked to', () => {
    assert.ok(existsSync(catalog), `${catalog} was not created`);
  });

  it('titles the window after the catalog file', () => {
    const tree = spawnSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
    assert.equal(tree.status, 0, tree.stderr);
    assert.match(tree.stdout, /Plansmith\s.{1,16}\se2e-demo\.plansmith/);
  });

  it('runs under the strict content security policy (no inline script)', async () => {
    const outcome = await session.script(`
      return new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve('blocked ' + e.violatedDirective));
        const script = document.createElement('script');
        script.textContent = 'window.__plansmithInline = true';
        document.body.appendChild(script);
        setTimeout(() => resolve(window.__plansmithInline ? 'ran' : 'silent'), 1000);
      });`);
    assert.match(outcome, /^blocked script-src/);
  });

  it('leaves a screenshot of the window', async () => {
    const png = await session.screenshot();
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'overview.png'), png);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    // A blank window compresses to about 1 kB; the drawn overview is several times that.
    assert.ok(png.length > 4_000, `screenshot is only ${png.length} bytes: is the window blank?`);
  });
});

describe('Plansmith window on a catalog that does not exist', () => {
  let window;
  let session;
  let folder;

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    window = await openApp(app, [join(folder, 'missing.plansmith')]);
    session = window.session;
  });

  after(() => closeApp(window, folder));

  it('says which file is missing instead of creating it', async () => {
    const { element, text } = await session.waitForText('[data-testid="failure"]');
    assert.equal(await session.attribute(element, 'data-kind'), 'not_found');
    assert.match(text, /missing\.plansmith/);
    assert.equal(existsSync(join(folder, 'missing.plansmith')), false);
    const png = await session.screenshot();
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'missing-catalog.png'), png);
  });
});
