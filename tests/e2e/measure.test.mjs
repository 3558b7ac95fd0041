// Launch time and memory of Plansmith on the demo catalog, beside a stock Tauri hello world
// (examples/hello.rs) built in the same run: the first launch (which writes the demo catalog)
// and a launch on the demo written before. Each app is started RUNS times through
// tauri-driver; launch time is from the session request to its first screen being drawn, by
// the page's own clock, both stamped the way Paint Timing stamps a first paint (the time of
// the rendering update that draws it): for Plansmith the `plansmith:first-screen` mark of the
// update that draws the catalog, for the hello world the first contentful paint of its
// heading. Memory is the proportional set size (PSS)
// of the whole process tree: the app and the WebKit processes it starts. The medians go to
// artifacts/measurements.json and the test log. The goal (within 1.3x of the hello world) is
// reported, not asserted: a loaded CI machine makes single runs noisy. `make measure` runs this
// file on release builds of both apps (what users install); the test suite runs it on debug.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from './webdriver.mjs';
import { TauriDriver, endLeftovers, waitUntilGone } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const hello = join(dirname(app), 'examples', 'hello');
const artifacts = join(here, 'artifacts');
const RUNS = Number(process.env.PLANSMITH_MEASURE_RUNS ?? 3);

function processes() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      out.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** KiB of PSS (or RSS where PSS is not readable) of `pid` and all its descendants. */
function treeMemory(pid) {
  const all = processes();
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  let kib = 0;
  for (const p of tree) {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      try {
        kib += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      } catch {
        // Gone.
      }
    }
  }
  return { kib, processes: tree.size };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** When the first screen was drawn, in ms since the epoch, or null until it has been: the
 * page's entry named `entry` (Plansmith's own User Timing mark; the hello world, whose first
 * screen is static, its first contentful paint). */
const FIRST_SCREEN_AT = `
  const [entry] = arguments;
  const at = entry === 'first-contentful-paint'
    ? performance.getEntriesByType('paint').find((p) => p.name === entry)
    : performance.getEntriesByName(entry, 'mark')[0];
  return at ? performance.timeOrigin + at.startTime : null;`;

const PLANSMITH = { firstScreen: '[data-testid="catalog-name"]', entry: 'plansmith:first-screen' };
const HELLO = { firstScreen: '#hello', entry: 'first-contentful-paint' };

async function measure(binary, args, { firstScreen, entry }, folder) {
  const driver = await TauriDriver.start();
  let session;
  try {
    const started = Date.now();
    session = await Session.start(driver.url, { 'tauri:options': { application: binary, args } });
    await session.waitForText(firstScreen, 30_000, 5);
    // WebDriver answers only once the page has settled (Plansmith's page keeps loading the
    // other screens' code after its first screen), so what it sees is late by a varying
    // amount; the page's own clock says when the first screen was drawn.
    const seenMs = Date.now() - started;
    // The element can be in the page a frame before the frame that draws it has run.
    const drawnAt = await session.until(() => session.script(FIRST_SCREEN_AT, [entry]), `${binary}: ${entry}`, 10_000);
    const launchMs = drawnAt - started;
    await sleep(1500); // let the web process settle
    const proc = processes().find((p) => p.cmdline[0] === binary && args.every((a) => p.cmdline.includes(a)));
    assert.ok(proc, `no process of ${binary}`);
    return { launchMs, seenMs, ...treeMemory(proc.pid) };
  } finally {
    if (session) {
      await session.end().catch(() => {});
      await waitUntilGone(folder, 5_000).catch(() => {});
    }
    await driver.stop();
    await endLeftovers(folder);
  }
}

describe('launch time and memory beside a stock Tauri hello world', () => {
  const folder = mkdtempSync(join(tmpdir(), 'plansmith-measure-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('measures both and saves the medians', async () => {
    assert.ok(existsSync(hello), `no hello world at ${hello}: make app-build builds it`);
    const runs = { plansmith: [], plansmith_reopen: [], hello: [] };
    for (let i = 0; i < RUNS; i++) {
      const catalog = join(folder, `demo-${i}.plansmith`);
      runs.plansmith.push(await measure(app, ['--demo', catalog], PLANSMITH, folder));
      runs.plansmith_reopen.push(await measure(app, ['--demo', catalog], PLANSMITH, folder));
      // The hello world takes the folder as an argument it ignores, so its process is told apart.
      runs.hello.push(await measure(hello, [folder], HELLO, folder));
    }
    const summary = {};
    for (const [name, list] of Object.entries(runs)) {
      summary[name] = {
        launch_ms: Math.round(median(list.map((r) => r.launchMs))),
        seen_by_webdriver_ms: Math.round(median(list.map((r) => r.seenMs))),
        memory_mib: Math.round(median(list.map((r) => r.kib)) / 102.4) / 10,
        processes: median(list.map((r) => r.processes)),
      };
    }
    const ratio = (a, b) => Math.round((a / b) * 100) / 100;
    summary.ratio = {
      launch: ratio(summary.plansmith.launch_ms, summary.hello.launch_ms),
      launch_reopen: ratio(summary.plansmith_reopen.launch_ms, summary.hello.launch_ms),
      memory: ratio(summary.plansmith.memory_mib, summary.hello.memory_mib),
    };
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(artifacts, 'measurements.json'), JSON.stringify({ runs: RUNS, ...summary }, null, 2) + '\n');
    console.log(`measurements: ${JSON.stringify(summary)}`);
    assert.ok(summary.plansmith.launch_ms > 0 && summary.hello.memory_mib > 0);
  });
});
