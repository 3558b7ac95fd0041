// Frame time while panning a whole-catalog diagram of 5,000 visible boxes, in the real window
// (WebKitGTK; under Xvfb in CI), beside a reference measured the same way in the same window
// and run: the same pan over one structure's diagram (a few boxes). Goal: p95 ≤ 16.7 ms.
//
// How: `plansmith new --synthetic N` writes a catalog whose whole diagram has about 5,000
// boxes; the window opens it and shows the whole-catalog diagram fitted (every box inside the
// view). A script in the page then drags the picture the way a mouse does — a pointerdown on
// the view, one pointermove per animation frame for FRAMES frames, a pointerup — and records
// the interval between animation frames (the frame time the person sees) and the time the
// view's own pointer handler took in each frame. A second reference is the frame interval of
// the same window while nothing moves (the floor the machine gives any page). Figures are printed and saved to
// artifacts/diagram-frames.json; nothing is asserted about them (a loaded CI machine makes
// single runs noisy), only that the measurement itself happened on 5,000 visible boxes.

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
/** The stock Tauri hello world (examples/hello.rs), built beside the app by `make app-build`. */
const hello = join(dirname(app), 'examples', 'hello');
/** Objects generated: 7,400 give 5,070 boxes (plans and allowances) in the whole diagram. */
const OBJECTS = Number(process.env.PLANSMITH_FRAMES_OBJECTS ?? 7400);
const FRAMES = Number(process.env.PLANSMITH_FRAMES ?? 240);

/** Runs in the page: drags the diagram view for `frames` animation frames, then stores
 * {intervals, handler} (milliseconds) in window.__panFigures. */
const PAN = `
  const [frames] = arguments;
  window.__panFigures = null;
  const view = document.querySelector('[data-testid="diagram-viewport"]');
  const box = view.getBoundingClientRect();
  let x = box.left + box.width / 2;
  let y = box.top + box.height / 2;
  const pointer = { bubbles: true, cancelable: true, pointerId: 41, pointerType: 'mouse', isPrimary: true };
  view.dispatchEvent(new PointerEvent('pointerdown', { ...pointer, button: 0, buttons: 1, clientX: x, clientY: y }));
  const intervals = [];
  const handler = [];
  let last = null;
  let i = 0;
  function frame(now) {
    if (last !== null) intervals.push(now - last);
    last = now;
    // Back and forth: 3 px a frame (180 px a second), so the picture stays in view.
    const step = Math.floor(i / 60) % 2 === 0 ? 3 : -3;
    x += step;
    y += step / 2;
    const started = performance.now();
    view.dispatchEvent(new PointerEvent('pointermove', { ...pointer, buttons: 1, clientX: x, clientY: y }));
    handler.push(performance.now() - started);
    i += 1;
    if (i < frames) requestAnimationFrame(frame);
    else {
      view.dispatchEvent(new PointerEvent('pointerup', { ...pointer, button: 0, buttons: 0, clientX: x, clientY: y }));
      window.__panFigures = { intervals, handler };
    }
  }
  requestAnimationFrame(frame);
  return true;
`;

/** Runs in the page: animation frame intervals while nothing changes (the window's floor). */
const IDLE = `
  const [frames] = arguments;
  window.__idleFigures = null;
  const intervals = [];
  let last = null;
  function frame(now) {
    if (last !== null) intervals.push(now - last);
    last = now;
    if (intervals.length < frames - 1) requestAnimationFrame(frame);
    else window.__idleFigures = { intervals };
  }
  requestAnimationFrame(frame);
  return true;
`;

/** Runs in the page: the cheapest pan there is, one plain layer (`will-change: transform`,
 * no children) moved 3 px a frame for `frames` frames; stores its intervals. */
const PLAIN_PAN = `
  const [frames] = arguments;
  window.__plainFigures = null;
  const layer = document.createElement('div');
  layer.style.cssText = 'position:fixed;left:0;top:0;width:900px;height:600px;background:#dde6ef;will-change:transform';
  document.body.appendChild(layer);
  const intervals = [];
  let last = null;
  let i = 0;
  function frame(now) {
    if (last !== null) intervals.push(now - last);
    last = now;
    const step = Math.floor(i / 60) % 2 === 0 ? i % 60 : 60 - (i % 60);
    layer.style.transform = 'translate(' + 3 * step + 'px, ' + 1.5 * step + 'px)';
    i += 1;
    if (i < frames) requestAnimationFrame(frame);
    else window.__plainFigures = { intervals };
  }
  requestAnimationFrame(frame);
  return true;
`;

/** How many boxes lie (at least partly) inside the view, and how many are drawn. */
const VISIBLE = `
  const view = document.querySelector('[data-testid="diagram-viewport"]').getBoundingClientRect();
  const boxes = [...document.querySelectorAll('[data-testid="diagram-node"] rect.box')];
  const inside = boxes.filter((b) => {
    const r = b.getBoundingClientRect();
    return r.right > view.left && r.left < view.right && r.bottom > view.top && r.top < view.bottom;
  }).length;
  return { drawn: boxes.length, inside, zoom: document.querySelector('[data-testid="zoom"]').textContent };
`;

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
};
const round = (v) => Math.round(v * 100) / 100;
/** The page's clock ticks in whole milliseconds (WebKit's reduced timer precision), so a frame
 * at the 60 Hz cadence (16.67 ms) reads as 16 or 17 ms. `late` counts the frames that read
 * 18 ms or more: certainly longer than one 60 Hz frame, whatever the rounding. */
const LATE_MS = 18;
const summary = (xs) => ({
  p50: round(percentile(xs, 0.5)),
  p95: round(percentile(xs, 0.95)),
  max: round(Math.max(...xs)),
  late_share: round(xs.filter((x) => x >= LATE_MS).length / xs.length),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('frame time while panning a 5,000-box diagram', () => {
  let driver;
  let session;
  let folder;

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    assert.ok(existsSync(cli), `no command line at ${cli}: build it (cargo build -p plansmith-cli)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-frames-'));
    const catalog = join(folder, 'synthetic.plansmith');
    const made = spawnSync(cli, ['new', catalog, '--synthetic', String(OBJECTS), '--name', 'Synthetic 5k'], {
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    ({ driver, session } = await openApp(app, [catalog]));
  });

  after(() => closeApp({ driver, session }, folder));

  async function pan() {
    await sleep(1000); // let the first paint settle
    await session.script(PAN, [FRAMES]);
    return session.until(() => session.script('return window.__panFigures;'), 'the pan to finish', 120_000);
  }

  async function openDiagram(css) {
    const started = performance.now();
    await session.script(`document.querySelector(${JSON.stringify(css)}).click();`);
    await session.until(
      () => session.script(`return document.querySelector('[data-testid="diagram-node"]') !== null;`),
      'the diagram drawn',
      120_000,
    );
    // Two animation frames after the boxes exist: the picture has been painted.
    await session.script(
      `window.__painted = false; requestAnimationFrame(() => requestAnimationFrame(() => (window.__painted = true)));`,
    );
    await session.until(() => session.script('return window.__painted;'), 'the first paint', 60_000);
    return performance.now() - started;
  }

  it('measures the pan over one structure (reference) and over the whole catalog', async () => {
    await session.waitForText('[data-testid="catalog-name"]', 60_000);
    const figures = { objects: OBJECTS, frames: FRAMES };
    figures.clock_resolution_ms = await session.script(`
      let smallest = Infinity;
      let last = performance.now();
      for (let i = 0; i < 200000; i++) {
        const t = performance.now();
        if (t !== last) smallest = Math.min(smallest, t - last);
        last = t;
      }
      return smallest;`);

    await sleep(1000);
    await session.script(IDLE, [FRAMES]);
    const idle = await session.until(() => session.script('return window.__idleFigures;'), 'idle frames', 120_000);
    figures.idle = { frame_ms: summary(idle.intervals) };

    await openDiagram('[data-testid="open-diagram"]');
    const small = await session.script(VISIBLE);
    const reference = await pan();
    figures.reference = { boxes: small.drawn, visible: small.inside, zoom: small.zoom, frame_ms: summary(reference.intervals), handler_ms: summary(reference.handler) };

    await session.script(`document.querySelector('[data-testid="nav-home"]').click();`);
    await session.until(() => session.find('[data-testid="open-catalog-diagram"]'), 'Home');
    const openMs = await openDiagram('[data-testid="open-catalog-diagram"]');
    const big = await session.script(VISIBLE);
    const whole = await pan();
    figures.catalog = {
      boxes: big.drawn,
      visible: big.inside,
      zoom: big.zoom,
      open_ms: Math.round(openMs),
      frame_ms: summary(whole.intervals),
      handler_ms: summary(whole.handler),
    };
    // The same catalog zoomed in past 100 %, where the words are drawn and each frame of the pan
    // brings new parts of the picture into view that must be painted.
    await session.script(`
      const view = document.querySelector('[data-testid="diagram-viewport"]');
      view.focus();
      for (let i = 0; i < 40 && parseInt(document.querySelector('[data-testid="zoom"]').textContent) < 100; i++)
        view.dispatchEvent(new KeyboardEvent('keydown', { key: '+', bubbles: true }));
    `);
    await sleep(1500); // the picture is drawn again at the new size when zooming pauses
    const near = await session.script(VISIBLE);
    const zoomed = await pan();
    figures.catalog_at_100 = {
      visible: near.inside,
      zoom: near.zoom,
      frame_ms: summary(zoomed.intervals),
      handler_ms: summary(zoomed.handler),
    };
    figures.ratio_p95 = round(figures.catalog.frame_ms.p95 / figures.reference.frame_ms.p95);
    figures.goal = 'p95 frame time ≤ 16.7 ms while panning 5,000 visible boxes';

    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'diagram-frames.json'), JSON.stringify(figures, null, 2) + '\n');
    writeFileSync(join(artifacts, 'diagram-frames.png'), await session.screenshot());
    console.log(`diagram-frames: ${JSON.stringify(figures)}`);

    assert.ok(big.drawn >= 5000, `the catalog draws ${big.drawn} boxes`);
    assert.ok(big.inside >= 5000, `the pan had ${big.inside} boxes in view`);
    assert.equal(whole.intervals.length, FRAMES - 1);
    assert.equal(reference.intervals.length, FRAMES - 1);
  });

  // What this machine gives any pan: a stock Tauri window (the hello world, no Plansmith code)
  // moving one plain layer, timed the same way. If even this misses 16.7 ms at p95, the goal
  // cannot be shown on this machine whatever the diagram does; the figures say so side by side.
  it('measures the floor: a stock Tauri window moving one plain layer', async () => {
    assert.ok(existsSync(hello), `no hello world at ${hello}: make app-build builds it`);
    // One window at a time: Plansmith's closes first (`after` then only tidies the folder).
    await closeApp({ driver, session }, null);
    driver = null;
    session = null;
    const stock = await openApp(hello, [folder]);
    try {
      await stock.session.waitForText('#hello', 30_000);
      await sleep(1000);
      await stock.session.script(IDLE, [FRAMES]);
      const idle = await stock.session.until(() => stock.session.script('return window.__idleFigures;'), 'idle frames', 120_000);
      await stock.session.script(PLAIN_PAN, [FRAMES]);
      const plain = await stock.session.until(() => stock.session.script('return window.__plainFigures;'), 'the plain pan', 120_000);
      const floor = { idle: { frame_ms: summary(idle.intervals) }, plain_layer_pan: { frame_ms: summary(plain.intervals) } };
      const saved = join(artifacts, 'diagram-frames.json');
      const figures = existsSync(saved) ? JSON.parse(readFileSync(saved, 'utf8')) : {};
      figures.stock_window = floor;
      if (figures.catalog) figures.catalog_p95_vs_plain_layer_p95 = round(figures.catalog.frame_ms.p95 / floor.plain_layer_pan.frame_ms.p95);
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(saved, JSON.stringify(figures, null, 2) + '\n');
      console.log(`diagram-frames floor: ${JSON.stringify(floor)}`);
      assert.equal(plain.intervals.length, FRAMES - 1);
    } finally {
      await closeApp(stock, null);
    }
  });
});
