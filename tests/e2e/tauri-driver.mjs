// Starts tauri-driver (which starts WebKitWebDriver) on free ports and stops it again with
// SIGTERM: that is the signal on which tauri-driver also stops WebKitWebDriver. SIGKILL would
// leave WebKitWebDriver running.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function driverBinary() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const found = spawnSync('sh', ['-c', 'command -v tauri-driver'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', 'tauri-driver');
  if (existsSync(cargoBin)) return cargoBin;
  throw new Error('tauri-driver is not installed: run .ci/setup.sh (cargo install tauri-driver --locked)');
}

export class TauriDriver {
  constructor(child, url) {
    this.child = child;
    this.url = url;
    this.output = '';
    child.stdout.on('data', (chunk) => (this.output += chunk));
    child.stderr.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => child.once('exit', resolve));
  }

  /** Starts the driver; `env` is added to its environment, which the app it starts inherits. */
  static async start({ env = {} } = {}) {
    const port = await freePort();
    const nativePort = await freePort();
    const child = spawn(driverBinary(), ['--port', String(port), '--native-port', String(nativePort)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const driver = new TauriDriver(child, `http://127.0.0.1:${port}`);
    process.once('exit', () => driver.child.exitCode === null && driver.child.kill('SIGTERM'));
    await driver.ready();
    return driver;
  }

  async ready(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`tauri-driver exited early:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/status`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`tauri-driver did not answer within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM, then wait for it (and so WebKitWebDriver) to exit. */
  async stop(timeoutMs = 10_000) {
    try {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return;
      this.child.kill('SIGTERM');
      const stopped = await Promise.race([
        this.exited.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs)),
      ]);
      if (!stopped) throw new Error(`tauri-driver did not stop within ${timeoutMs} ms of SIGTERM`);
    } finally {
      // An app that outlived its driver would hold these pipes open and keep node running.
      this.child.stdout.destroy();
      this.child.stderr.destroy();
    }
  }
}

/** Ids of the running processes whose command line contains `marker` (a unique temp path). */
export function processesWith(marker) {
  const ids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (commandLine.includes(marker)) ids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return ids;
}

/** Waits until no process started with `marker` in its arguments is left. */
export async function waitUntilGone(marker, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (processesWith(marker).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Ends, by id and with SIGTERM, the app processes of one test that are still running. */
export async function endLeftovers(marker) {
  for (const id of processesWith(marker)) {
    try {
      process.kill(id, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  return waitUntilGone(marker, 5_000);
}

/** Starts tauri-driver and, through a WebDriver session, `app` with `args`; `env` is added to
 * the environment the app inherits. Answers `{ driver, session }`. */
export async function openApp(app, args, { env = {} } = {}) {
  const { Session } = await import('./webdriver.mjs');
  const driver = await TauriDriver.start({ env });
  try {
    const session = await Session.start(driver.url, { 'tauri:options': { application: app, args } });
    return { driver, session };
  } catch (error) {
    await driver.stop();
    throw error;
  }
}

/** Closes the window (ending the session ends the app), stops the driver with SIGTERM, makes
 * sure no process of this test is left (`folder`, a fresh temp folder in the app's arguments,
 * tells its processes apart) and removes `folder`. Safe to call after a failed start. */
export async function closeApp(window, folder) {
  try {
    if (window?.session) {
      await window.session.end().catch(() => {});
      if (folder) await waitUntilGone(folder, 5_000);
    }
  } finally {
    if (window?.driver) await window.driver.stop();
    if (folder) {
      await endLeftovers(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  }
}
