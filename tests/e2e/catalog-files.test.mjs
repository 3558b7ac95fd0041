// Open, new, save a copy and recent catalogs in the real window. The native file dialog never
// answers under Xvfb, so the app is started with PLANSMITH_DIALOG_ANSWERS: each dialog takes
// the next line of that file as the person's answer (src-tauri/file_dialogs.rs) and logs what
// it was asked. XDG_DATA_HOME points the recent list into the test's own folder.
//
// Needs what overview.test.mjs needs, plus the `plansmith` command line (to check the copy).

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
const cli = process.env.PLANSMITH_CLI ?? join(dirname(app), 'plansmith');
const artifacts = join(here, 'artifacts');
const CTRL = '\uE009';

describe('catalog files: new, open, save a copy, recent', () => {
  let driver;
  let session;
  let folder;
  let demo;
  let answers;

  const catalogName = async () => (await session.waitForText('[data-testid="catalog-name"]')).text;
  /** The native window title, as the window manager sees it (WebDriver's /title is the page's). */
  const title = async () => {
    const tree = spawnSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' }).stdout;
    return tree.match(/"(Plansmith — [^"]*)"/)?.[1] ?? null;
  };
  async function click(css) {
    const element = await session.until(() => session.find(css), css);
    await session.click(element);
  }
  /** The person's answer to the next file dialog ('' = cancel). */
  const answer = (path) => writeFileSync(answers, `${path}\n`);

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    demo = join(folder, 'workshop.plansmith');
    answers = join(folder, 'answers');
    ({ driver, session } = await openApp(app, ['--demo', demo], {
      env: { PLANSMITH_DIALOG_ANSWERS: answers, XDG_DATA_HOME: join(folder, 'data') },
    }));
    await catalogName();
  });

  after(() => closeApp({ driver, session }, folder));

  it('saves a complete copy and keeps editing the open catalog', async () => {
    const copy = join(folder, 'backup.plansmith');
    answer(join(folder, 'backup'));
    await click('[data-testid="catalog-menu"]');
    await click('[data-testid="menu-copy"]');
    const notice = await session.waitForText('[data-testid="notice"]');
    assert.match(notice.text, /Saved a copy as backup\.plansmith/);
    assert.equal(await title(), 'Plansmith — workshop.plansmith', 'still editing the demo');
    const checked = spawnSync(cli, ['check', copy], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `the copy is a clean catalog: ${checked.stdout}${checked.stderr}`);
    const asked = readFileSync(`${answers}.log`, 'utf8');
    assert.match(asked, /^copy_catalog\tworkshop copy\.plansmith\t/m, 'the dialog suggested a name');
  });

  it('a cancelled dialog changes nothing', async () => {
    const before = await catalogName();
    answer('');
    await session.keys([CTRL, 'o']);
    await session.until(() => readFileSync(`${answers}.log`, 'utf8').includes('open_catalog'), 'the open dialog');
    assert.equal(await catalogName(), before);
    assert.equal(await title(), 'Plansmith — workshop.plansmith');
  });

  it('creates a new empty catalog, opens it and names it in the title', async () => {
    const fresh = join(folder, 'Harbour Mobile.plansmith');
    answer(fresh);
    await session.keys([CTRL, 'n']);
    await session.until(async () => (await catalogName()) === 'Harbour Mobile', 'the new catalog on screen');
    await session.until(async () => (await title()) === 'Plansmith — Harbour Mobile.plansmith', 'the new title');
    assert.ok(existsSync(fresh));
    const structures = await session.findAll('[data-testid="structure"]');
    assert.equal(structures.length, 0, 'a new catalog is empty');
  });

  it('lists recent catalogs and reopens one', async () => {
    await click('[data-testid="catalog-menu"]');
    const names = await session.until(async () => {
      const list = await session.script(
        `return [...document.querySelectorAll('[data-testid="menu-recent"] .name')].map((e) => e.textContent);`,
      );
      return list.length >= 3 && list;
    }, 'the recent list');
    assert.deepEqual(names.slice(0, 3), ['Harbour Mobile.plansmith', 'backup.plansmith', 'workshop.plansmith']);
    mkdirSync(artifacts, { recursive: true });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(artifacts, 'catalog-menu.png'), await session.screenshot());
    const entries = await session.findAll('[data-testid="menu-recent"]');
    await session.click(entries[2]);
    await session.until(async () => (await title()) === 'Plansmith — workshop.plansmith', 'back on the demo');
    await session.until(async () => (await session.findAll('[data-testid="structure"]')).length > 0, 'its structures');
  });

  it('refuses a file that is not a catalog and keeps the open one', async () => {
    const junk = join(folder, 'notes.plansmith');
    writeFileSync(junk, 'shopping list');
    answer(junk);
    await session.keys([CTRL, 'o']);
    const notice = await session.until(async () => {
      const text = await session.script(`return document.querySelector('[data-testid="notice"]')?.textContent ?? '';`);
      return /not a Plansmith catalog|cannot be opened|not an SQLite/i.test(text) && text;
    }, 'the refusal');
    assert.ok(notice);
    assert.equal(readFileSync(junk, 'utf8'), 'shopping list', 'the file is untouched');
    assert.equal(await title(), 'Plansmith — workshop.plansmith');
  });
});
