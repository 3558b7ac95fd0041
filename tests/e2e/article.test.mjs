// The bolt-on add-on article in the real window, from an empty catalog: the bolt-on steps
// (BUY bolt-on, then its SELL counterpart) through the lists and the editor, watching a
// finding appear and clear in the live findings panel; approve (with the preview dialog),
// the read-only editor, reopen with a reason; undo and redo from the keyboard; search a list.
// Screenshots of the key screens go to artifacts/.
//
// Needs what overview.test.mjs needs, plus the `plansmith` command line (to create the empty
// catalog): PLANSMITH_CLI, or target/debug/plansmith.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from './webdriver.mjs';
import { TauriDriver, endLeftovers, waitUntilGone } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const cli = process.env.PLANSMITH_CLI ?? join(dirname(app), 'plansmith');
const artifacts = join(here, 'artifacts');
const TAB = '\uE004';
const CTRL = '\uE009';
const SHIFT = '\uE008';

async function shot(session, name) {
  // Let WebKit paint the last change before the capture (under Xvfb it can lag a frame).
  await new Promise((resolve) => setTimeout(resolve, 400));
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, `${name}.png`), await session.screenshot());
}

describe('the bolt-on add-on article, built in the window from an empty catalog', () => {
  let driver;
  let session;
  let folder;
  let buy;
  let sell;

  const editorId = () => session.script(`return document.querySelector('[data-testid="plan-editor"]')?.dataset.objectId ?? null;`);
  const value = (field) => session.script(`return document.getElementById('field-${field}')?.value ?? null;`);
  const findings = () =>
    session.script(
      `return [...document.querySelectorAll('[data-testid="finding"]')].map((f) => [f.dataset.rule, f.dataset.object]);`,
    );
  async function click(css) {
    const element = await session.until(() => session.find(css), css);
    await session.click(element);
  }
  async function typeInto(field, text) {
    const input = await session.until(() => session.find(`#field-${field}`), `field ${field}`);
    // Select all and type over it, as a user does (one change event, on leaving the field).
    await session.click(input);
    await session.script(`document.getElementById('field-${field}').select();`);
    await session.type(input, `${text === '' ? '\uE003' : text}${TAB}`);
  }
  /** Picks the first real option of a select, as a user would with the keyboard. */
  async function pickFirst(field) {
    return session.script(
      `const s = document.getElementById('field-${field}');
       const o = [...s.options].find((o) => o.value);
       s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return o.value;`,
    );
  }

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    assert.ok(existsSync(cli), `no command line at ${cli}: build it (cargo build -p plansmith-cli)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    const catalog = join(folder, 'article.plansmith');
    const made = spawnSync(cli, ['new', catalog, '--name', 'Article workshop', '--provider', 'Harbour Mobile'], {
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    driver = await TauriDriver.start();
    session = await Session.start(driver.url, { 'tauri:options': { application: app, args: [catalog] } });
  });

  after(async () => {
    try {
      if (session) {
        await session.end().catch(() => {});
        await waitUntilGone(folder, 5_000);
      }
    } finally {
      if (driver) await driver.stop();
      await endLeftovers(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('opens the empty catalog on the home screen', async () => {
    const { text } = await session.waitForText('[data-testid="catalog-name"]');
    assert.equal(text, 'Article workshop');
    await session.waitForText('[data-testid="findings-clear"]');
    await shot(session, 'home-empty');
  });

  it('step 1: a BUY service plan and a BUY package plan, linked; STR-03 appears and clears', async () => {
    await click('[data-testid="nav-service_plan"]');
    await click('[data-testid="new-buy"]');
    const sp = await session.until(editorId, 'the new service plan in the editor');
    assert.match(sp, /^SP-\d+$/);
    await typeInto('internal_name', 'Mobile 10 GB');
    await session.until(async () => (await value('internal_name')) === 'Mobile 10 GB', 'service plan named');
    await click('[data-testid="nav-package_plan"]');
    await click('[data-testid="new-buy"]');
    const pp = await session.until(async () => {
      const id = await editorId();
      return id?.startsWith('PP-') ? id : null;
    }, 'the new package plan in the editor');
    await typeInto('internal_name', 'Mobile 10 GB plan');
    await session.until(
      async () => (await findings()).some(([rule, object]) => rule === 'STR-03' && object === pp),
      'STR-03 on the empty package plan',
    );
    await session.until(
      () => session.script(`return [...document.querySelectorAll('[data-testid="link-choice"] option')].some((o) => o.value === '${sp}');`),
      'the service plan offered',
    );
    await session.script(
      `const s = document.querySelector('[data-testid="link-choice"]'); s.value = '${sp}'; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await shot(session, 'package-plan-links');
    await click('[data-testid="link-add"]');
    await session.until(
      async () => !(await findings()).some(([rule, object]) => rule === 'STR-03' && (object === pp || object === sp)),
      'STR-03 cleared on both',
    );
  });

  it('step 3: creates the BUY bolt-on in the bolt-on list', async () => {
    await click('[data-testid="nav-bolt_on"]');
    await click('[data-testid="new-buy"]');
    buy = await session.until(editorId, 'the new bolt-on in the editor');
    assert.match(buy, /^BO-\d+$/);
    await typeInto('internal_name', 'Carrier 2 GB');
    await session.until(async () => (await session.text(await session.find('[data-testid="editor-title"]'))) === 'Carrier 2 GB', 'renamed title');
    await pickFirst('service_type');
    await session.script(
      `const d = document.getElementById('field-saleable_from'); d.value = '2026-07-01'; d.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await session.until(async () => (await value('saleable_from')) === '2026-07-01', 'saleable from saved');
  });

  it('step 4: creates its SELL counterpart in one action; NAM-02 appears without an external name and clears with one', async () => {
    await click('[data-testid="create-sell"]');
    sell = await session.until(async () => {
      const id = await editorId();
      return id && id !== buy ? id : null;
    }, 'the SELL counterpart in the editor');
    await session.waitForText('[data-testid="goto-buy"]');
    // The core copies the names; a SELL object without an external name breaks NAM-02.
    assert.equal(await value('external_name'), 'Carrier 2 GB');
    await typeInto('external_name', '');
    const appeared = await session.until(
      async () => (await findings()).some(([rule, object]) => rule === 'NAM-02' && object === sell),
      'NAM-02 on the SELL bolt-on',
    );
    assert.ok(appeared);
    await session.until(
      async () => (await session.script(`return document.getElementById('field-external_name').getAttribute('aria-invalid');`)) === 'true',
      'the field marked invalid',
    );
    await shot(session, 'editor-with-finding');
    await typeInto('external_name', 'Extra 2 GB');
    await session.until(
      async () => !(await findings()).some(([rule, object]) => rule === 'NAM-02' && object === sell),
      'NAM-02 cleared',
    );
    assert.equal(await session.script(`return document.getElementById('field-external_name').getAttribute('aria-invalid');`), 'false');
  });

  it('undoes and redoes the last edit with Ctrl+Z and Ctrl+Shift+Z', async () => {
    await click('[data-testid="nav-home"]'); // focus outside any text field
    await click(`[data-testid="nav-bolt_on"]`);
    await session.until(() => session.find(`[data-testid="list-row"][data-id="${sell}"]`), 'the SELL row');
    await click(`[data-testid="list-row"][data-id="${sell}"]`);
    await session.until(async () => (await value('external_name')) === 'Extra 2 GB', 'the edited name');
    await click('[data-testid="undo"]');
    await session.until(async () => (await value('external_name')) === '', 'undone by the button');
    await click('[data-testid="redo"]');
    await session.until(async () => (await value('external_name')) === 'Extra 2 GB', 'redone by the button');
    await click('[data-testid="goto-buy"]');
    await session.until(async () => (await editorId()) === buy, 'the BUY bolt-on');
    await session.keys([CTRL, 'z']);
    await session.until(async () => (await session.text(await session.find('[data-testid="notice"]'))).startsWith('Undone'), 'Ctrl+Z undid');
    await session.keys([CTRL, SHIFT, 'z']);
    await session.until(async () => (await session.text(await session.find('[data-testid="notice"]'))).startsWith('Redone'), 'Ctrl+Shift+Z redid');
  });

  it('approves the BUY bolt-on after showing what gets approved, and opens it read-only', async () => {
    await session.until(async () => (await editorId()) === buy, 'the BUY bolt-on');
    await click('[data-testid="approve"]');
    await session.waitForText('[data-testid="dialog-approve"] [data-testid="approval-approves"]');
    const listed = await session.text(await session.find('[data-testid="approval-approves"]'));
    assert.match(listed, new RegExp(buy));
    await shot(session, 'approve-dialog');
    await click('[data-testid="confirm-approve"]');
    await session.waitForText('[data-testid="read-only"]');
    assert.equal(await session.script(`return document.getElementById('field-internal_name').disabled;`), true);
    assert.equal((await session.text(await session.find('[data-testid="editor-status"]'))).toLowerCase(), 'approved');
  });

  it('reopens it with a reason', async () => {
    await click('[data-testid="reopen"]');
    const reason = await session.until(() => session.find('[data-testid="reopen-reason"]'), 'the reason field');
    await session.type(reason, 'Client asked for a lower price');
    await click('[data-testid="confirm-reopen"]');
    await session.until(
      async () => (await session.text(await session.find('[data-testid="editor-status"]'))).toLowerCase() === 'draft',
      'back to draft',
    );
    assert.equal(await session.script(`return document.getElementById('field-internal_name').disabled;`), false);
  });

  it('searches the bolt-on list', async () => {
    await click('[data-testid="nav-bolt_on"]');
    const search = await session.until(() => session.find('[data-testid="list-search"]'), 'the search box');
    await session.type(search, 'extra');
    await session.until(async () => (await session.findAll('[data-testid="list-row"]')).length === 1, 'one match');
    assert.equal(await session.attribute(await session.find('[data-testid="list-row"]'), 'data-id'), sell);
    await shot(session, 'bolt-on-list-search');
    await session.clear(search);
    await session.type(search, 'carrier');
    await session.until(async () => (await session.findAll('[data-testid="list-row"]')).length === 2, 'BUY and SELL');
  });

  it('shows reference data and settings', async () => {
    await click('[data-testid="nav-reference"]');
    await session.waitForText('[data-testid="reference-screen"]');
    await shot(session, 'reference-data');
  });
});
