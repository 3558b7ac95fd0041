// The bolt-on add-on article in the real window, from an empty catalog, in the article's order
// (domain.md §4, the 12 steps): service and package plans on both sides, the bolt-ons, the
// SELL bolt-on's group, the add-ons and their quotas, both add-on groups (through the picker
// that offers only add-ons of the bolt-on's service type and included value type), the BUY
// link with its behaviour and the BUY allowance, then the SELL link and the SELL allowance tied
// to its BUY parent. Findings appear and clear in the live panel along the way. Then the whole
// structure is approved from the SELL package plan (the preview names every object), opened
// read-only and reopened with a reason; undo and redo from the keyboard; a list is searched.
// Screenshots of the key screens go to artifacts/.
//
// Needs what overview.test.mjs needs, plus the `plansmith` command line (to create the empty
// catalog and check it at the end): PLANSMITH_CLI, or target/debug/plansmith.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeApp, openApp } from './tauri-driver.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const app = process.env.PLANSMITH_APP ?? join(root, 'target/debug/plansmith-app');
const cli = process.env.PLANSMITH_CLI ?? join(dirname(app), 'plansmith');
const artifacts = join(here, 'artifacts');
const TAB = '\uE004';
const CTRL = '\uE009';
const SHIFT = '\uE008';

const shot = (session, name) => session.saveScreenshot(artifacts, name);

describe('the bolt-on add-on article, built in the window from an empty catalog', () => {
  let driver;
  let session;
  let folder;
  let catalog;
  /** The objects built, by role: buySp, buyPp, sellSp, sellPp, buyBo, sellBo, buyAo, sellAo. */
  const o = {};

  const editorId = () =>
    session.script(`return document.querySelector('[data-testid="plan-editor"], [data-testid="group-editor"]')?.dataset.objectId ?? null;`);
  const value = (field) => session.script(`return document.getElementById('field-${field}')?.value ?? null;`);
  const findings = () =>
    session.script(
      `return [...document.querySelectorAll('[data-testid="finding"]')].map((f) => [f.dataset.rule, f.dataset.object]);`,
    );
  const has = async (rule, object) => (await findings()).some(([r, id]) => r === rule && (!object || id === object));
  async function appears(rule, object, what) {
    await session.until(() => has(rule, object), `${rule} on ${object} (${what})`);
  }
  async function clears(rule, object, what) {
    await session.until(async () => !(await has(rule, object)), `${rule} cleared on ${object} (${what})`);
  }
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
  /** Types into the input matching `css` and leaves it (one change event). */
  async function typeAt(css, text) {
    const input = await session.until(() => session.find(css), css);
    await session.click(input);
    await session.script(`document.querySelector(${JSON.stringify(css)}).select();`);
    await session.type(input, `${text}${TAB}`);
  }
  /** Chooses an option of a select, as a user would with the keyboard. */
  async function choose(css, optionValue) {
    await session.until(() => session.find(css), css);
    await session.script(
      `const s = document.querySelector(${JSON.stringify(css)}); s.value = ${JSON.stringify(optionValue)};
       s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
  }
  /** Scrolls the editor area (not the window) so the element matching `css` is at its top. */
  async function reveal(css) {
    await session.script(
      `const el = document.querySelector(${JSON.stringify(css)}); const main = document.querySelector('main');
       main.scrollTop += el.getBoundingClientRect().top - main.getBoundingClientRect().top - 16;`,
    );
  }
  /** Waits until the undo button names `what` (the edit is committed) and the editor reloaded. */
  async function saved(what) {
    await session.until(
      async () => (await session.script(`return document.querySelector('[data-testid="undo"]').textContent;`)).includes(what),
      `saved: ${what}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  async function setDate(field, date) {
    await session.script(
      `const d = document.getElementById('field-${field}'); d.value = '${date}'; d.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await session.until(async () => (await value(field)) === date, `${field} saved`);
  }
  /** Opens the picker of `slot` inside `section` and picks `id` (searching for it first). */
  async function pick(section, slot, id, search = null) {
    const scope = `[data-testid="${section}"]`;
    if (!(await session.find(`${scope} [data-testid="picker-${slot}"]`))) await click(`${scope} [data-testid="open-picker-${slot}"]`);
    if (search) {
      const box = await session.until(() => session.find(`${scope} [data-testid="picker-search"]`), 'the search box');
      await session.type(box, search);
    }
    await click(`${scope} [data-testid="picker-${slot}"] [data-testid="candidate"][data-id="${id}"]`);
  }
  /** The ids a picker offers. */
  const offered = (section, slot) =>
    session.script(
      `return [...document.querySelectorAll('[data-testid="${section}"] [data-testid="picker-${slot}"] [data-testid="candidate"]')].map((c) => c.dataset.id);`,
    );
  async function open(id) {
    const prefix = id.split('-')[0];
    const kind = { PP: 'package_plan', SP: 'service_plan', BO: 'bolt_on', AO: 'bolt_on_add_on' }[prefix];
    await click('[data-testid="nav-home"]');
    await click(`[data-testid="nav-${kind}"]`);
    await click(`[data-testid="list-row"][data-id="${id}"]`);
    await session.until(async () => (await editorId()) === id, `${id} in the editor`);
  }
  async function create(kind, side) {
    await click('[data-testid="nav-home"]');
    await click(`[data-testid="nav-${kind}"]`);
    const before = await editorId();
    await click(`[data-testid="new-${side.toLowerCase()}"]`);
    return session.until(async () => {
      const id = await editorId();
      return id && id !== before ? id : null;
    }, `the new ${side} ${kind} in the editor`);
  }
  async function sellCounterpart(of) {
    await open(of);
    await click('[data-testid="create-sell"]');
    const id = await session.until(async () => {
      const now = await editorId();
      return now && now !== of ? now : null;
    }, `the SELL counterpart of ${of}`);
    await session.waitForText('[data-testid="goto-buy"]');
    return id;
  }
  async function rename(name) {
    await typeInto('internal_name', name);
    await session.until(async () => (await session.text(await session.find('[data-testid="editor-title"]'))) === name, `renamed ${name}`);
  }

  before(async () => {
    assert.ok(existsSync(app), `no app binary at ${app}: build it first (make app-build)`);
    assert.ok(existsSync(cli), `no command line at ${cli}: build it (cargo build -p plansmith-cli)`);
    folder = mkdtempSync(join(tmpdir(), 'plansmith-e2e-'));
    catalog = join(folder, 'article.plansmith');
    const made = spawnSync(cli, ['new', catalog, '--name', 'Article workshop', '--provider', 'Harbour Mobile'], {
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    ({ driver, session } = await openApp(app, [catalog]));
  });

  after(() => closeApp({ driver, session }, folder));

  it('opens the empty catalog on the home screen', async () => {
    const { text } = await session.waitForText('[data-testid="catalog-name"]');
    assert.equal(text, 'Article workshop');
    await session.waitForText('[data-testid="findings-clear"]');
    const listed = spawnSync(cli, ['list', catalog, '--json'], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), [], 'the catalog starts empty');
    await shot(session, 'home-empty');
  });

  it('step 1: a BUY service plan and a BUY package plan, linked; STR-03 appears and clears', async () => {
    o.buySp = await create('service_plan', 'BUY');
    assert.match(o.buySp, /^SP-\d+$/);
    await rename('Mobile 10 GB');
    await choose('#field-service_type', 'MOBILE');
    await session.until(async () => (await value('service_type')) === 'MOBILE', 'service type saved');
    await setDate('saleable_from', '2026-07-01');
    await appears('STR-03', o.buySp, 'a service plan in no package');
    o.buyPp = await create('package_plan', 'BUY');
    await rename('Mobile 10 GB plan');
    await setDate('saleable_from', '2026-07-01');
    await appears('STR-03', o.buyPp, 'an empty package');
    await click('[data-testid="links-service_plans"] [data-testid="open-picker-service_plan"]');
    await session.until(async () => (await offered('links-service_plans', 'service_plan')).includes(o.buySp), 'the service plan offered');
    await reveal('[data-testid="links-service_plans"]');
    await shot(session, 'package-plan-links');
    await pick('links-service_plans', 'service_plan', o.buySp);
    await clears('STR-03', o.buyPp, 'the package holds the plan');
    await clears('STR-03', o.buySp, 'the plan is in a package');
  });

  it('step 2: the SELL service plan and SELL package plan, linked and tied to their BUY counterparts', async () => {
    // The SELL package first: it is empty until the SELL service plan exists.
    o.sellPp = await sellCounterpart(o.buyPp);
    await appears('STR-03', o.sellPp, 'the empty SELL package');
    o.sellSp = await sellCounterpart(o.buySp);
    await open(o.sellPp);
    await click('[data-testid="links-service_plans"] [data-testid="open-picker-service_plan"]');
    // Only SELL service plans, the one mirroring the BUY package's first.
    await session.until(async () => (await offered('links-service_plans', 'service_plan'))[0] === o.sellSp, 'the SELL service plan offered first');
    assert.ok(!(await offered('links-service_plans', 'service_plan')).includes(o.buySp), 'no BUY plan offered to a SELL package');
    await pick('links-service_plans', 'service_plan', o.sellSp);
    await clears('STR-03', o.sellPp, 'the SELL package holds the SELL plan');
  });

  it('steps 3 and 4: the BUY bolt-on with its 8 GB, and its SELL counterpart; NAM-02 appears and clears', async () => {
    o.buyBo = await create('bolt_on', 'BUY');
    await rename('Carrier 8 GB');
    await choose('#field-service_type', 'MOBILE');
    await session.until(async () => (await value('service_type')) === 'MOBILE', 'service type saved');
    await choose('#field-included_value', 'kilobytes');
    await session.until(
      () => session.script(`return !document.querySelector('[data-field="included_value"] [data-testid="included-value-amount"]').disabled;`),
      'the amount can be typed',
    );
    await typeAt('[data-field="included_value"] [data-testid="included-value-amount"]', '8');
    await session.until(
      async () => (await session.script(`return document.querySelector('[data-field="included_value"] [data-testid="included-value-amount"]').value;`)) === '8',
      '8 GB saved',
    );
    await setDate('saleable_from', '2026-07-01');
    o.sellBo = await sellCounterpart(o.buyBo);
    assert.equal(await value('external_name'), 'Carrier 8 GB');
    await typeInto('external_name', '');
    await appears('NAM-02', o.sellBo, 'a SELL bolt-on without an external name');
    await session.until(
      async () => (await session.script(`return document.getElementById('field-external_name').getAttribute('aria-invalid');`)) === 'true',
      'the field marked invalid',
    );
    await shot(session, 'editor-with-finding');
    await typeInto('external_name', 'Extra 8 GB');
    await clears('NAM-02', o.sellBo, 'named for the invoice');
  });

  it('step 5: the SELL bolt-on goes into a new bolt-on group, edited in the group editor', async () => {
    await typeAt('[data-testid="new-group-name"]', 'Mobile data');
    await click('[data-testid="create-group"]');
    await session.until(() => session.find('[data-testid="links-bolt_on_group"] [data-testid="linked"]'), 'the group listed');
    await click('[data-testid="links-bolt_on_group"] [data-testid="linked"] button');
    o.group = await session.until(async () => {
      const id = await editorId();
      return id?.startsWith('BG-') ? id : null;
    }, 'the group editor');
    await typeAt('[data-testid="group-name"]', 'Mobile data bolt-ons');
    await session.until(async () => (await session.text(await session.find('[data-testid="editor-title"]'))) === 'Mobile data bolt-ons', 'group renamed');
    const members = await session.script(`return [...document.querySelectorAll('[data-testid="links-members"] [data-testid="linked"]')].map((m) => m.dataset.id);`);
    assert.deepEqual(members, [o.sellBo]);
    await shot(session, 'bolt-on-group-editor');
  });

  it('steps 6 and 7: the BUY add-on with its quota (ADD-03 appears and clears), and its SELL counterpart', async () => {
    // A decoy first: an SMS add-on, which no data bolt-on's add-on group may take.
    o.decoy = await create('bolt_on_add_on', 'BUY');
    await rename('Top-up 100 SMS');
    await choose('#field-service_type', 'MOBILE');
    await choose('#field-included_value_type', 'units');
    await saved(`included_value_type of ${o.decoy}`);
    await click('[data-testid="add-quota"]');
    await typeAt('[data-testid="quota-amount"]', '100');
    await clears('ADD-03', o.decoy, 'the decoy has its quota');

    o.buyAo = await create('bolt_on_add_on', 'BUY');
    await rename('Top-up 1 GB');
    await choose('#field-service_type', 'MOBILE');
    await session.until(async () => (await value('service_type')) === 'MOBILE', 'service type saved');
    await choose('#field-included_value_type', 'kilobytes');
    await saved(`included_value_type of ${o.buyAo}`);
    await setDate('saleable_from', '2026-07-01');
    await appears('ADD-03', o.buyAo, 'an add-on without quotas');
    await click('[data-testid="add-quota"]');
    await typeAt('[data-testid="quota-amount"]', '1');
    await clears('ADD-03', o.buyAo, 'a 1 GB quota with bonus type and weight');
    o.sellAo = await sellCounterpart(o.buyAo);
    await appears('ADD-06', o.sellAo, 'a SELL add-on sold by staff only');
    await choose('#field-available_in_api', 'yes');
    await clears('ADD-06', o.sellAo, 'available in the API');
  });

  it('steps 8 and 9: each add-on joins its bolt-on’s add-on group; the picker offers only matching add-ons', async () => {
    await open(o.buyBo);
    await click('[data-testid="links-add_on_group"] [data-testid="open-picker-add_on"]');
    await session.until(async () => (await offered('links-add_on_group', 'add_on')).length > 0, 'the add-on group picker');
    assert.deepEqual(await offered('links-add_on_group', 'add_on'), [o.buyAo], 'only the BUY data add-on: not the SMS one, not SELL');
    await reveal('[data-testid="links-add_on_group"]');
    await shot(session, 'add-on-group-picker');
    await pick('links-add_on_group', 'add_on', o.buyAo);
    await session.until(() => session.find(`[data-testid="links-add_on_group"] [data-testid="linked"][data-id="${o.buyAo}"]`), 'in the group');
    await open(o.sellBo);
    await pick('links-add_on_group', 'add_on', o.sellAo, 'top-up');
    await session.until(() => session.find(`[data-testid="links-add_on_group"] [data-testid="linked"][data-id="${o.sellAo}"]`), 'in the SELL group');
  });

  it('steps 10 and 11: the BUY bolt-on linked to the BUY service plan (BOL-02 until a behaviour is chosen), and the BUY allowance', async () => {
    await open(o.buySp);
    await pick('links-bolt_on_links', 'bolt_on', o.buyBo);
    const link = await session.until(
      () => session.script(`return document.querySelector('[data-testid="bolt-on-link"][data-bolt-on="${o.buyBo}"]')?.dataset.id ?? null;`),
      'the link',
    );
    o.buyLink = link;
    await appears('BOL-02', link, 'a link without a behaviour');
    await choose(`[data-testid="bolt-on-link"][data-id="${link}"] [data-testid="behaviour"]`, 'forced_removable');
    await clears('BOL-02', link, 'behaviour chosen');
    await pick('allowances', 'allowance_add_on', o.buyAo);
    const allowance = await session.until(
      () => session.script(`return document.querySelector('[data-testid="allowance"]')?.dataset.id ?? null;`),
      'the BUY allowance',
    );
    o.buyAl = allowance;
    await typeAt(`[data-testid="allowance"][data-id="${allowance}"] [data-testid="max-occurrence"]`, '3');
    await session.until(
      async () => (await session.script(`return document.querySelector('[data-testid="allowance"] [data-testid="max-occurrence"]').value;`)) === '3',
      'max occurrence saved',
    );
  });

  it('step 12: the SELL allowance, under the SELL link, hangs off the BUY allowance (ALW-03 until it does)', async () => {
    await open(o.sellSp);
    await choose('[data-testid="new-link-behaviour"]', 'optional');
    await pick('links-bolt_on_links', 'bolt_on', o.sellBo);
    await session.until(() => session.find(`[data-testid="bolt-on-link"][data-bolt-on="${o.sellBo}"]`), 'the SELL link');
    await pick('allowances', 'allowance_add_on', o.sellAo);
    // Emersion links the SELL allowance to the BUY one as it is created; so does Plansmith.
    const parent = await session.until(
      () => session.script(`return document.querySelector('[data-testid="buy-parent-name"]')?.textContent ?? null;`),
      'the BUY parent named',
    );
    assert.equal(parent, 'Mobile 10 GB › Carrier 8 GB › Top-up 1 GB ×3');
    o.sellAl = await session.script(`return document.querySelector('[data-testid="allowance"]').dataset.id;`);
    await click(`[data-testid="allowance"][data-id="${o.sellAl}"] [data-testid="buy-parent"] button`);
    await appears('ALW-03', o.sellAl, 'a SELL allowance without its BUY parent');
    await pick('allowances', 'buy_parent', o.buyAl);
    await clears('ALW-03', o.sellAl, 'the BUY parent chosen from the only valid candidate');
    await typeAt(`[data-testid="allowance"][data-id="${o.sellAl}"] [data-testid="max-occurrence"]`, '2');
    await session.until(
      async () => (await session.script(`return document.querySelector('[data-testid="allowance"] [data-testid="max-occurrence"]').value;`)) === '2',
      'max occurrence saved',
    );
    await click(`[data-testid="allowance"][data-id="${o.sellAl}"] [data-testid="open-picker-buy_parent"]`);
    await session.until(async () => (await offered('allowances', 'buy_parent')).length === 1, 'the parent picker');
    await reveal('[data-testid="allowances"]');
    await shot(session, 'allowance-editor');
    await session.keys(['\uE00C']); // Escape closes the picker, not the editor
    await session.until(async () => !(await session.find('[data-testid="picker-buy_parent"]')), 'picker closed');
    assert.equal(await editorId(), o.sellSp);
    await reveal('[data-testid="included-values"]');
    await shot(session, 'editor-link-editors');
    const errors = await session.script(`return [...document.querySelectorAll('[data-testid="finding"].error')].map((f) => f.dataset.rule + ' ' + f.dataset.object);`);
    assert.deepEqual(errors, [], 'the structure has no errors left');
  });

  it('approves the whole structure from the SELL package plan, after a preview naming every object', async () => {
    await open(o.sellPp);
    await click('[data-testid="approve"]');
    await session.waitForText('[data-testid="dialog-approve"] [data-testid="approval-approves"]');
    const listed = await session.script(
      `return [...document.querySelectorAll('[data-testid="approval-object"]')].map((li) => [li.dataset.id, li.textContent.replace(/\\s+/g, ' ').trim()]);`,
    );
    const ids = listed.map(([id]) => id).sort();
    const expected = [o.buyPp, o.buySp, o.sellPp, o.sellSp, o.buyBo, o.sellBo, o.buyAo, o.sellAo].sort();
    assert.deepEqual(ids, expected, 'the whole structure, and not the decoy');
    const line = Object.fromEntries(listed);
    assert.match(line[o.sellBo], /SELL.*bolt-on.*Carrier 8 GB/);
    assert.match(line[o.buyAo], /BUY.*bolt-on add-on.*Top-up 1 GB/);
    await shot(session, 'approval-preview');
    await click('[data-testid="confirm-approve"]');
    await session.waitForText('[data-testid="read-only"]');
    assert.equal(await session.script(`return document.getElementById('field-internal_name').disabled;`), true);
    const shown = spawnSync(cli, ['list', catalog, '--status', 'approved', '--json'], { encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout).map((row) => row.id).sort(), expected, 'the whole structure is approved');
    const checked = spawnSync(cli, ['check', catalog], { encoding: 'utf8' });
    assert.equal(checked.status, 0, `no errors in the catalog:\n${checked.stdout}${checked.stderr}`);
    await open(o.sellSp);
    assert.equal(await session.find('[data-testid="open-picker-bolt_on"]'), null, 'no link editing on an approved plan');
    await shot(session, 'approved-service-plan');
  });

  it('reopens the SELL package plan with a reason', async () => {
    await open(o.sellPp);
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

  it('undoes and redoes the last edit with the buttons, Ctrl+Z and Ctrl+Shift+Z', async () => {
    // The reopened SELL package plan is a draft again.
    await open(o.sellPp);
    const before = await value('external_name');
    await typeInto('external_name', 'Mobile 10 GB for staff');
    await session.until(async () => (await value('external_name')) === 'Mobile 10 GB for staff', 'renamed');
    await click('[data-testid="undo"]');
    await session.until(async () => (await value('external_name')) === before, 'undone by the button');
    await click('[data-testid="redo"]');
    await session.until(async () => (await value('external_name')) === 'Mobile 10 GB for staff', 'redone by the button');
    await click('[data-testid="goto-buy"]'); // focus outside any text field
    await session.until(async () => (await editorId()) === o.buyPp, 'the BUY package plan');
    await session.keys([CTRL, 'z']);
    await session.until(async () => (await session.text(await session.find('[data-testid="notice"]'))).startsWith('Undone'), 'Ctrl+Z undid');
    await session.keys([CTRL, SHIFT, 'z']);
    await session.until(async () => (await session.text(await session.find('[data-testid="notice"]'))).startsWith('Redone'), 'Ctrl+Shift+Z redid');
  });

  it('searches the add-on list', async () => {
    await click('[data-testid="nav-home"]');
    await click('[data-testid="nav-bolt_on_add_on"]');
    const search = await session.until(() => session.find('[data-testid="list-search"]'), 'the search box');
    await session.type(search, 'sms');
    await session.until(async () => (await session.findAll('[data-testid="list-row"]')).length === 1, 'one match');
    assert.equal(await session.attribute(await session.find('[data-testid="list-row"]'), 'data-id'), o.decoy);
    await session.clear(search);
    await session.type(search, 'top-up 1 gb');
    await session.until(async () => (await session.findAll('[data-testid="list-row"]')).length === 2, 'BUY and SELL');
    await shot(session, 'add-on-list-search');
  });

  it('shows reference data and settings', async () => {
    await click('[data-testid="nav-reference"]');
    await session.waitForText('[data-testid="reference-screen"]');
    await shot(session, 'reference-data');
  });
});
