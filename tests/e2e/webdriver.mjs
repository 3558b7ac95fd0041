// A minimal W3C WebDriver client over fetch: just what the end-to-end tests use. No browser
// is downloaded; tauri-driver starts the real app binary as the "browser".

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} -> ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`);
    this.status = status;
    this.error = value?.error;
  }
}

async function request(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let payload;
  try {
    payload = JSON.parse(text);
  } catch {
    payload = { value: { message: text } };
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, payload.value);
  return payload.value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Opens a session; with tauri-driver this starts the app given in `tauri:options`. */
  static async start(base, capabilities) {
    const value = await request(base, 'POST', '/session', {
      capabilities: { alwaysMatch: capabilities, firstMatch: [{}] },
    });
    return new Session(base, value.sessionId);
  }

  call(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** The first element matching `css`, or null. */
  async find(css) {
    const found = await this.call('POST', '/elements', { using: 'css selector', value: css });
    return found.length > 0 ? found[0][ELEMENT] : null;
  }

  async findAll(css) {
    const found = await this.call('POST', '/elements', { using: 'css selector', value: css });
    return found.map((element) => element[ELEMENT]);
  }

  async findWithin(parent, css) {
    const found = await this.call('POST', `/element/${parent}/elements`, { using: 'css selector', value: css });
    return found.length > 0 ? found[0][ELEMENT] : null;
  }

  /** Waits until an element matching `css` exists and shows non-empty text; returns it.
   * It looks every `pollMs` (a timing measurement wants a short one). */
  async waitForText(css, timeoutMs = 30_000, pollMs = 250) {
    const deadline = Date.now() + timeoutMs;
    let last = 'no such element';
    while (Date.now() < deadline) {
      const element = await this.find(css);
      if (element) {
        const text = await this.text(element);
        if (text.trim() !== '') return { element, text: text.trim() };
        last = 'element is empty';
      }
      await sleep(pollMs);
    }
    throw new Error(`waited ${timeoutMs} ms for text in ${css}: ${last}`);
  }

  text(element) {
    return this.call('GET', `/element/${element}/text`);
  }

  attribute(element, name) {
    return this.call('GET', `/element/${element}/attribute/${name}`);
  }

  script(body, args = []) {
    return this.call('POST', '/execute/sync', { script: body, args });
  }

  click(element) {
    return this.call('POST', `/element/${element}/click`, {});
  }

  /** Types `text` into an element (WebDriver key codes allowed, e.g. '\uE004' for Tab). */
  type(element, text) {
    return this.call('POST', `/element/${element}/value`, { text });
  }

  clear(element) {
    return this.call('POST', `/element/${element}/clear`, {});
  }

  /** Presses a key chord, e.g. keys(['\uE009', 'z']) for Ctrl+Z. */
  async keys(chord) {
    const down = chord.map((value) => ({ type: 'keyDown', value }));
    const up = [...chord].reverse().map((value) => ({ type: 'keyUp', value }));
    await this.call('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [...down, ...up] }] });
    await this.call('DELETE', '/actions');
  }

  /** Waits until `check()` returns a truthy value; returns it. */
  async until(check, what, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await check();
        if (last) return last;
      } catch (error) {
        last = error;
      }
      await sleep(150);
    }
    throw new Error(`waited ${timeoutMs} ms for ${what} (last: ${last})`);
  }

  /** Saves the window as `folder/name.png`, once WebKit has painted the last change (under
   * Xvfb it can lag a frame or two). */
  async saveScreenshot(folder, name, settleMs = 400) {
    await sleep(settleMs);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${name}.png`), await this.screenshot());
  }

  /** PNG bytes of the window's viewport. */
  async screenshot() {
    return Buffer.from(await this.call('GET', '/screenshot'), 'base64');
  }

  /** Ends the session, which closes the app. */
  async end() {
    await this.call('DELETE', '');
  }
}
