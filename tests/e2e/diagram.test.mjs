// The diagram screen in the real window, on a fresh demo catalog: open a structure's diagram
// from Home, select a SELL add-on and see its chain light up, click it again and land on its
// editor, come back; the whole catalog's diagram with keyboard zoom; export the picture as SVG
// and PNG through scripted save-dialog answers (PLANSMITH_DIALOG_ANSWERS), check the files
// (rsvg-convert renders the SVG; the PNG is a PNG twice the diagram's size), and a cancelled
// dialog that writes nothing. Screenshots go to artifacts/.
//
// Needs what overview.test.mjs needs, plus rsvg-convert (Debian librsvg2-bin, installed by
// .ci/setup.sh).

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
const artifacts = join(here, 'artifacts');
const diagrams = JSON.parse(readFileSync(join(root, 'ui/src/lib/fixtures/diagram.demo.json'), 'utf8'));

const shot = (session, name) => session.saveScreenshot(artifacts, name, 500);

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG magic bytes');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('the diagram screen in the real window', () => {
  let driver;
  let session;
  let folder;
  let answers;

  const text = (css) => session.script(`return document.querySelector(${JSON.stringify(css)})?.textContent ?? null;`);
  async function click(css) {
    const element = await session.until(() => session.find(css), css);
    await session.click(element);
  }
  /** The centre of the first element matching `css`, in the window's CSS pixels. */
  const centre = (css) =>
    session.until(
      () =>
        session.script(
          `const r = document.querySelector(${JSON.stringify(css)})?.getBoundingClientRect();
           return r && r.width > 0 ? [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] : null;`,
        ),
      css,
    );
  /** Moves the mouse to the centre of a diagram box, and clicks there if asked: a real
   * pointer at a point of the picture (WebDriver cannot click SVG groups as elements). */
  async function pointAt(css, clickToo) {
    const [x, y] = await centre(css);
    const actions = [{ type: 'pointerMove', duration: 0, origin: 'viewport', x, y }];
    if (clickToo) actions.push({ type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 });
    await session.call('POST', '/actions', {
      actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }],
    });
    await session.call('DELETE', '/actions');
  }
  const chainKeys = () =>
    session.script(
      `return [...document.querySelectorAll('[data-testid="diagram-chain-node"]')].map((n) => n.dataset.key).sort();`,
    );
  const nodeCount = () => session.script(`return document.querySelectorAll('[data-testid="diagram-node"]').length;`);

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-diagram-'));
    answers = join(folder, 'answers');
    writeFileSync(answers, '');
    // The app inherits this through tauri-driver and WebKitWebDriver: every save dialog then
    // answers with the next line of the file instead of waiting for a person.
    process.env.PLANSMITH_DIALOG_ANSWERS = answers;
    ({ driver, session } = await openApp(app, ['--demo', join(folder, 'demo.plansmith')]));
  });

  after(async () => {
    delete process.env.PLANSMITH_DIALOG_ANSWERS;
    await closeApp({ driver, session }, folder);
  });

  it('opens a structure diagram from Home, drawn from the core layout', async () => {
    await session.waitForText('[data-testid="catalog-name"]');
    await click('[data-structure-id="ST-2"] [data-testid="open-diagram"]');
    await session.until(
      async () => (await text('[data-testid="diagram-title"]')) === diagrams['structure ST-2'].title,
      'the title of the structure diagram',
    );
    await session.until(async () => (await nodeCount()) === diagrams['structure ST-2'].nodes.length, 'all boxes drawn');
    const dashed = await session.script(
      `return document.querySelector('[data-kind="counterpart"] polyline')?.getAttribute('stroke-dasharray');`,
    );
    assert.equal(dashed, '6 4', 'counterpart lines are dashed');
    await shot(session, 'diagram-structure');
  });

  it('hovering a box shows its summary', async () => {
    // Move onto the box from outside the picture (again, should the view still be settling).
    const summary = await session.until(async () => {
      await pointAt('[data-testid="diagram-title"]', false);
      await pointAt('[data-testid="diagram-node"][data-key="BO-2"] rect.box', false);
      return text('[data-testid="diagram-summary"]');
    }, 'the hover summary');
    assert.match(summary, /SELL bolt-on · BO-2/);
    assert.match(summary, /Mobile data 8 GB bolt-on/);
  });

  it('a click selects a SELL add-on and lights up its whole chain', async () => {
    await pointAt('[data-testid="diagram-node"][data-key="AO-2"] rect.box', true);
    const lit = await session.until(async () => {
      const keys = await chainKeys();
      return keys.length > 0 ? keys : null;
    }, 'the chain of AO-2');
    assert.deepEqual(lit, ['AL-1', 'AL-4', 'AO-1', 'AO-2', 'BO-1', 'BO-2', 'PP-5', 'PP-6', 'SP-5', 'SP-6']);
    assert.match(await text('[data-testid="diagram-selection"]'), /AO-2/);
    await shot(session, 'diagram-chain');
  });

  it('a second click lands on its editor, and Back returns to the diagram', async () => {
    // The chain is drawn above a veil: the box under the pointer is its lit copy.
    await pointAt('[data-testid="diagram-chain-node"][data-key="AO-2"] rect.box', true);
    const id = await session.until(
      () => session.script(`return document.querySelector('[data-testid="plan-editor"]')?.dataset.objectId ?? null;`),
      'the editor of AO-2',
    );
    assert.equal(id, 'AO-2');
    await shot(session, 'diagram-opened-editor');
    await click('[data-testid="back-to-diagram"]');
    await session.until(
      async () => (await text('[data-testid="diagram-title"]')) === diagrams['structure ST-2'].title,
      'the title of the structure diagram',
    );
  });

  it('exports SVG and PNG where the save dialog says, and a cancel writes nothing', async () => {
    const out = join(folder, 'pictures');
    mkdirSync(out);
    writeFileSync(answers, `${out}/mobile.svg\n${out}/mobile\n\n`);
    await click('[data-testid="export-svg"]');
    await session.until(async () => (await text('[data-testid="diagram-notice"]'))?.includes('mobile.svg'), 'SVG saved');
    assert.equal(await text('[data-testid="diagram-notice"]'), `Saved ${out}/mobile.svg`);
    const svg = readFileSync(join(out, 'mobile.svg'), 'utf8');
    assert.ok(svg.startsWith('<?xml') && svg.trimEnd().endsWith('</svg>'));
    assert.ok(svg.includes('Mobile data top-up 1 GB'));
    const rendered = join(folder, 'rendered.png');
    const rsvg = spawnSync('rsvg-convert', [join(out, 'mobile.svg'), '-o', rendered], { encoding: 'utf8' });
    assert.equal(rsvg.error, undefined, 'rsvg-convert runs (Debian package librsvg2-bin)');
    assert.equal(rsvg.status, 0, rsvg.stderr);
    const d = diagrams['structure ST-2'];
    assert.deepEqual(pngSize(readFileSync(rendered)), [d.width, d.height], 'the SVG renders at the diagram size');

    await click('[data-testid="export-png"]');
    await session.until(async () => (await text('[data-testid="diagram-notice"]'))?.includes('mobile.png'), 'PNG saved');
    const png = readFileSync(join(out, 'mobile.png'));
    assert.deepEqual(pngSize(png), [d.width * 2, d.height * 2], 'the PNG is twice the diagram size');
    assert.ok(png.length > 50_000, `the PNG has content (${png.length} bytes)`);

    await click('[data-testid="export-svg"]');
    await session.until(async () => (await text('[data-testid="diagram-notice"]'))?.includes('cancelled'), 'cancelled');
    assert.deepEqual(readdirSync(out).sort(), ['mobile.png', 'mobile.svg'], 'nothing else written');
    const asked = readFileSync(`${answers}.log`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(
      asked.map(([purpose, suggested]) => [purpose, suggested]),
      [
        ['save_svg', `${d.title}.svg`],
        ['save_png', `${d.title}.png`],
        ['save_svg', `${d.title}.svg`],
      ],
    );
  });

  it('draws the whole catalog from Home and zooms from the keyboard', async () => {
    await click('[data-testid="nav-home"]');
    await click('[data-testid="open-catalog-diagram"]');
    await session.until(async () => (await nodeCount()) === diagrams.catalog.nodes.length, 'the whole catalog drawn');
    await session.script(`document.querySelector('[data-testid="diagram-viewport"]').focus();`);
    // Fit once the screen has settled (the view fits itself again while its box still changes).
    await new Promise((resolve) => setTimeout(resolve, 500));
    await session.keys(['0']);
    const before = await session.until(async () => {
      const first = await text('[data-testid="zoom"]');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return first === (await text('[data-testid="zoom"]')) ? first : null;
    }, 'a settled zoom');
    await session.keys(['+']);
    await session.until(async () => (await text('[data-testid="zoom"]')) !== before, 'zoomed in');
    await session.keys(['0']);
    await session.until(async () => (await text('[data-testid="zoom"]')) === before, 'fitted again');
    await shot(session, 'diagram-catalog');
  });
});
