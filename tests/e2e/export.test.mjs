// Exporting a bundle from the real window. On a fresh demo catalog (all drafts) the export
// screen shows what blocks it; a blocking package plan opens in its editor and is approved
// there (bringing its structure with it); the structure's row then opens the export with that
// structure chosen and nothing blocking. The bundle is signed with a key picked in the dialog;
// a cancelled save writes nothing; the saved zip passes `unzip -t` and `plansmith verify` with
// the public key. Dialogs answer from a script (PLANSMITH_DIALOG_ANSWERS): no real dialog ever
// opens. Screenshots go to artifacts/.
//
// Needs what overview.test.mjs needs, plus the `plansmith` command line (PLANSMITH_CLI, or
// target/debug/plansmith, for keygen and verify) and Info-ZIP `unzip`.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeApp, openApp } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const cli = process.env.PLANSMITH_CLI ?? join(dirname(app), 'plansmith');
const artifacts = join(here, 'artifacts');

async function shot(session, name, reveal = null) {
  if (reveal) await session.script(`document.querySelector(${JSON.stringify(reveal)})?.scrollIntoView({ block: 'start' });`);
  // Let WebKit paint the last change before the capture (under Xvfb it can lag a frame).
  await new Promise((resolve) => setTimeout(resolve, 400));
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, `${name}.png`), await session.screenshot());
}

function run(command, args) {
  const done = spawnSync(command, args, { encoding: 'utf8' });
  assert.ok(!done.error, `${command}: ${done.error}`);
  return done;
}

describe('exporting a bundle from the window', () => {
  let driver;
  let session;
  let folder;
  let answers;
  let bundle;

  async function click(css) {
    const element = await session.until(() => session.find(css), css);
    await session.click(element);
  }
  const attr = (css, name) => session.script(`return document.querySelector(${JSON.stringify(css)})?.getAttribute('${name}') ?? null;`);
  const texts = (css) => session.script(`return [...document.querySelectorAll(${JSON.stringify(css)})].map((e) => e.textContent.trim());`);
  const ids = (css) => session.script(`return [...document.querySelectorAll(${JSON.stringify(css)})].map((e) => e.dataset.objectId);`);

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    assert.ok(existsSync(cli), `no command line at ${cli}: build it (cargo build -p plansmith-cli)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    const key = run(cli, ['keygen', '--out', join(folder, 'ops.key')]);
    assert.equal(key.status, 0, key.stderr);
    bundle = join(folder, 'Mobile ST-2.zip');
    answers = join(folder, 'answers');
    // The key picker, then a cancelled save, then the real save.
    writeFileSync(answers, `${join(folder, 'ops.key')}\n\n${bundle}\n`);
    process.env.PLANSMITH_DIALOG_ANSWERS = answers;
    ({ driver, session } = await openApp(app, ['--demo', join(folder, 'export-demo.plansmith')]));
  });

  after(async () => {
    delete process.env.PLANSMITH_DIALOG_ANSWERS;
    await closeApp({ driver, session }, folder);
  });

  it('opens from Home and shows what blocks a catalog of drafts', async () => {
    await session.waitForText('[data-testid="catalog-name"]');
    await click('[data-testid="open-export"]');
    await session.waitForText('[data-testid="export-blockers"]');
    const blocked = await ids('[data-testid="export-blocker"]');
    assert.equal(blocked.length, 20, `every draft plan blocks: ${blocked}`);
    assert.equal(await attr('[data-testid="export-bundle"]', 'disabled'), '');
    const why = await session.waitForText('[data-testid="export-why"]');
    assert.match(why.text, /20 objects block the export/);
    const kinds = await session.script(`return [...document.querySelectorAll('[data-testid="export-kind"]')].map((k) => k.dataset.kind);`);
    assert.deepEqual(kinds.slice(0, 2), ['service_plan', 'package_plan'], 'service plans are keyed before their packages');
    await shot(session, 'export-blocked', '[data-testid="export-bundle"]');
  });

  it('opens a blocking plan of one structure in its editor, where it is approved with its structure', async () => {
    await click('[data-testid="export-chosen"]');
    await click('[data-testid="export-structure"][data-structure-id="ST-2"]');
    await session.until(async () => {
      const blocked = await ids('[data-testid="export-blocker"]');
      return blocked.includes('PP-6') && !blocked.includes('PP-2') ? blocked : null;
    }, 'the blockers of ST-2 alone');
    const names = await texts('[data-testid="export-blocker"][data-object-id="PP-6"] [data-testid="open-blocker"]');
    assert.deepEqual(names, ['Mobile Business 40 package']);
    await click('[data-testid="export-blocker"][data-object-id="PP-6"] [data-testid="open-blocker"]');
    await session.until(async () => (await attr('[data-testid="plan-editor"]', 'data-object-id')) === 'PP-6', 'PP-6 in the editor');
    await click('[data-testid="approve"]');
    await session.waitForText('[data-testid="dialog-approve"] [data-testid="approval-approves"]');
    await click('[data-testid="confirm-approve"]');
    await session.until(
      async () => (await session.script(`return document.querySelector('[data-testid="editor-status"]')?.textContent.trim().toLowerCase();`)) === 'approved',
      'PP-6 approved',
    );
  });

  it('opens the export from the structure row and shows what goes in, by name, nothing blocking', async () => {
    await click('[data-testid="nav-home"]');
    await click('[data-testid="structure"][data-structure-id="ST-2"] [data-testid="export-structure-bundle"]');
    await session.waitForText('[data-testid="export-ready"]');
    const chosen = await session.script(
      `return [...document.querySelectorAll('[data-testid="export-structure"]')].filter((c) => c.checked).map((c) => c.dataset.structureId);`,
    );
    assert.deepEqual(chosen, ['ST-2']);
    const inside = await ids('[data-testid="export-object"]');
    for (const id of ['SP-5', 'SP-6', 'PP-5', 'PP-6', 'BO-1', 'BO-2', 'AO-1', 'AO-6', 'BG-1', 'BL-1', 'AL-6', 'ST-2']) {
      assert.ok(inside.includes(id), `${id} in the preview: ${inside}`);
    }
    assert.ok(!inside.includes('SP-1'), 'ST-1 stays out');
    const row = await texts('[data-testid="export-object"][data-object-id="PP-6"]');
    assert.match(row[0], /Mobile Business 40 package/);
    await shot(session, 'export-preview', '[data-testid="export-preview"]');
  });

  it('signs with a key picked in the dialog; a cancelled save writes nothing', async () => {
    await click('[data-testid="export-sign"]');
    await click('[data-testid="choose-key"]');
    const key = await session.waitForText('[data-testid="chosen-key"]');
    assert.equal(key.text, join(folder, 'ops.key'));
    await click('[data-testid="export-bundle"]');
    const outcome = await session.waitForText('[data-testid="export-outcome"]');
    assert.match(outcome.text, /nothing was written/);
    assert.deepEqual(readdirSync(folder).filter((n) => n.endsWith('.zip') || n.includes('.partial')), []);
  });

  it('saves the signed bundle where the dialog says; unzip -t and plansmith verify accept it', async () => {
    await click('[data-testid="export-bundle"]');
    const done = await session.waitForText('[data-testid="export-done"]', 60_000);
    assert.match(done.text, /PSB-[0-9a-f]{20}/);
    assert.match(done.text, /signed/);
    assert.equal((await session.waitForText('[data-testid="export-path"]')).text, bundle);
    await shot(session, 'export-done');
    assert.ok(existsSync(bundle), 'the bundle is at the chosen path');
    const tested = run('unzip', ['-t', bundle]);
    assert.equal(tested.status, 0, `unzip -t: ${tested.stdout}${tested.stderr}`);
    assert.match(tested.stdout, /No errors detected/);
    assert.match(tested.stdout, /manifest\.json\.minisig/);
    assert.match(tested.stdout, /diagrams\/ST-2\.svg/);
    const verified = run(cli, ['verify', bundle, '--pubkey', join(folder, 'ops.key.pub')]);
    assert.equal(verified.status, 0, `${verified.stdout}${verified.stderr}`);
    assert.match(verified.stdout, /signature valid/);
    const log = readFileSync(`${answers}.log`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(
      log.map(([purpose]) => purpose),
      ['signing_key', 'save_bundle', 'save_bundle'],
    );
    assert.match(log[1][1], /^demo-northwind-workshop-ST-2-\d{4}-\d{2}-\d{2}\.zip$/);
  });
});
