// Reference data, customers and the build checklist in the real window, on a fresh demo
// catalog (`--demo FILE`): edit a catalog setting and see a currency change refused with the
// core's reason (the demo holds amounts like $2.50 that JPY cannot hold); edit a service
// type; create a customer with a site; create a structure and let its checklist create the
// missing objects of a step, which then opens in the editor. Screenshots go to artifacts/.
//
// Needs what overview.test.mjs needs: a built app, tauri-driver, WebKitWebDriver, an X display.

import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeApp, openApp } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const artifacts = join(here, 'artifacts');
const TAB = '\uE004';

const shot = (session, name) => session.saveScreenshot(artifacts, name);

describe('reference data, customers and the checklist in the window', () => {
  let driver;
  let session;
  let folder;

  // Read through the DOM: WebKitWebDriver's element text fails on some containers.
  const text = (css) =>
    session.script(`return document.querySelector(${JSON.stringify(css)})?.textContent?.replace(/\\s+/g, ' ').trim() ?? null;`);
  const invalid = (css) => session.script(`return document.querySelector(${JSON.stringify(css)})?.getAttribute('aria-invalid') ?? null;`);
  const valueOf = (css) => session.script(`return document.querySelector(${JSON.stringify(css)})?.value ?? null;`);
  async function click(css) {
    const element = await session.until(() => session.find(css), css);
    await session.script(`document.querySelector(${JSON.stringify(css)}).scrollIntoView({ block: 'center' });`);
    await session.click(element);
  }
  /** Selects all of an input and types over it, then leaves it (one change event), as a user does. */
  async function typeOver(css, value) {
    const input = await session.until(() => session.find(css), css);
    await session.script(`document.querySelector(${JSON.stringify(css)}).scrollIntoView({ block: 'center' });`);
    await session.click(input);
    await session.script(`document.querySelector(${JSON.stringify(css)}).select();`);
    await session.type(input, `${value}${TAB}`);
  }
  async function typeInto(css, value) {
    const input = await session.until(() => session.find(css), css);
    await session.script(`document.querySelector(${JSON.stringify(css)}).scrollIntoView({ block: 'center' });`);
    await session.click(input);
    await session.type(input, value);
  }

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-reference-'));
    ({ driver, session } = await openApp(app, ['--demo', join(folder, 'demo.plansmith')]));
    await session.waitForText('[data-testid="catalog-name"]');
  });

  afterEach(async (t) => {
    // A failing step leaves a picture of the window behind.
    if (t.passed === false && session) await shot(session, `reference-failed-${t.name.slice(0, 24).replace(/\W+/g, '-')}`).catch(() => {});
  });

  after(() => closeApp({ driver, session }, folder));

  it('edits a catalog setting, and shows why a currency change is refused', async () => {
    await click('[data-testid="nav-reference"]');
    // WebDriver's own text reading works on the whole screen (the other suites rely on it).
    await session.waitForText('[data-testid="reference-screen"]');
    await typeOver('#settings-name', 'Harbour workshop catalog');
    await session.until(async () => (await text('[data-testid="catalog-name"]')) === 'Harbour workshop catalog', 'the header renamed');
    assert.match(await text('[data-testid="undo"]'), /Edit catalog settings/);

    await typeOver('#settings-currency', 'JPY');
    const refusal = await session.until(() => text('[data-testid="settings"] [data-testid="reference-problem"]'), 'the refusal');
    assert.match(refusal, /cannot switch from AUD to JPY/);
    assert.match(refusal, /round them first/);
    assert.equal(await invalid('#settings-currency'), 'true');
    assert.equal(await text('[data-testid="catalog-currency"]'), 'AUD');
    await shot(session, 'reference-currency-refused');

    await typeOver('#settings-currency', 'NZD');
    await session.until(async () => (await text('[data-testid="catalog-currency"]')) === 'NZD', 'the header in NZD');
    assert.equal(await session.find('[data-testid="settings"] [data-testid="reference-problem"]'), null);
    assert.equal(await invalid('#settings-currency'), 'false');
  });

  it('edits a service type, and marks the code of a new one that has none', async () => {
    const css = '[data-testid="service-type-row"][data-code="NBN"] input[aria-label="Name of NBN"]';
    await typeOver(css, 'NBN business broadband (nbn co)');
    await session.until(async () => /Save service type NBN/.test(await text('[data-testid="undo"]')), 'committed');
    await click('[data-testid="nav-home"]');
    await click('[data-testid="nav-reference"]');
    assert.equal(await session.until(() => valueOf(css), 'the row again'), 'NBN business broadband (nbn co)');

    await typeInto('[aria-label="New service type name"]', 'Satellite data');
    await click('[data-testid="new-service-type"] button');
    const problem = await session.until(() => text('[data-testid="service-types"] [data-testid="reference-problem"]'), 'the refusal');
    assert.match(problem, /needs a code/);
    assert.equal(await invalid('[aria-label="New service type code"]'), 'true');
    await typeInto('[aria-label="New service type code"]', 'SAT');
    await click('[data-testid="new-service-type"] button');
    await session.until(() => session.find('[data-testid="service-type-row"][data-code="SAT"]'), 'the new row');
    await shot(session, 'reference-data-edited');
  });

  it('lists the demo customer with its sites and pool, and creates a customer with a site', async () => {
    await click('[data-testid="nav-customers"]');
    await session.waitForText('[data-testid="customers-screen"]');
    await session.until(async () => (await session.findAll('[data-testid="site-row"]')).length === 6, 'the six demo sites');
    assert.match(await text('[data-testid="customer-title"]'), /Harbour Cafés/);
    assert.equal(await valueOf('#pool-quota'), '500');
    assert.equal(await valueOf('#pool-excess'), '2.50');
    await shot(session, 'customers-demo');
    await session.script(`document.querySelector('[data-testid="sites"]').scrollIntoView({ block: 'start' });`);
    await shot(session, 'customers-demo-sites');

    await typeInto('[data-testid="new-customer-name"]', 'Contoso Logistics');
    await click('[data-testid="create-customer"]');
    await session.until(async () => (await text('[data-testid="customer-title"]')) === 'Contoso Logistics', 'the new customer open');
    await typeInto('#new-site-name', 'Port Botany depot');
    await typeInto('#new-site-technology', 'NBN FTTP');
    await click('[data-testid="add-site"]');
    const problem = await session.until(() => text('[data-testid="customer-problem"]'), 'the missing speed');
    assert.match(problem, /needs a speed/);
    assert.equal(await invalid('#new-site-speed'), 'true');
    await typeInto('#new-site-speed', '100/40 Mbps');
    await typeInto('#new-site-service-identifier', 'AVC000111222333');
    await click('[data-testid="add-site"]');
    const row = await session.until(() => text('[data-testid="site-row"]'), 'the new site');
    assert.match(row, /Port Botany depot/);
    assert.match(row, /100\/40 Mbps/);
    const rows = await session.findAll('[data-testid="customer-row"]');
    assert.equal(rows.length, 2);
    await shot(session, 'customers-new-site');
  });

  it('creates a structure and lets its checklist create a missing step', async () => {
    await click('[data-testid="nav-home"]');
    await click('[data-testid="new-structure"]');
    await typeInto('[data-testid="structure-name-input"]', 'Mobile top-ups');
    await click('[data-testid="create-structure"]');
    await session.until(async () => /Mobile top-ups/.test((await text('[data-testid="checklist"]')) ?? ''), 'its checklist');
    const firstCreate = await session.until(() => text('[data-testid="step-create"]'), 'a step to create');
    assert.match(firstCreate, /Create a BUY service plan and a BUY package plan/);
    assert.match(await text('[data-testid="step-blocked"]'), /Do step 1 first/);
    await shot(session, 'checklist-new-structure');

    await click('[data-testid="step-create"]');
    const opened = await session.until(
      () => session.script(`return document.querySelector('[data-testid="plan-editor"]')?.dataset.objectId ?? null;`),
      'the created service plan in its editor',
    );
    assert.match(opened, /^SP-\d+$/);
    assert.equal(await valueOf('#field-internal_name'), 'Mobile top-ups service plan (buy)');
    assert.match(await text('[data-testid="undo"]'), /Build step 1 of ST-\d+/);

    await click('[data-testid="nav-home"]');
    const structures = await session.until(async () => {
      const all = await session.findAll('[data-testid="open-checklist"]');
      return all.length === 3 ? all : null;
    }, 'the new structure on the home screen');
    await session.click(structures[2]);
    await session.until(
      () => session.script(`return document.querySelector('[data-testid="checklist-step"]')?.dataset.state === 'done';`),
      'step 1 done',
    );
    await session.until(async () => /SELL counterparts/.test((await text('[data-testid="step-create"]')) ?? ''), 'step 2 offered');
    await shot(session, 'checklist-step-done');
  });
});
