// The link editors against the FakeBackend (whose link candidates follow the core's): bolt-on
// links with behaviour, bolt-on groups and the group editor, allowances with the BUY parent,
// included value slots, add-on quotas, the data pool, the BUY counterpart, the add-on group
// picker's paging and search, and the approval preview's names.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend, fakePlan } from './lib/fake-backend';
import type { EntityKind, Id, Plan } from './lib/bindings';

const GB = 1024 * 1024;

function plan(id: Id, kind: EntityKind, side: 'BUY' | 'SELL', name: string, edit: (p: Plan) => void = () => {}): Plan {
  const p = fakePlan(id, kind, side, name);
  if (side === 'SELL') p.external_name = name;
  edit(p);
  return p;
}
const mobile = (p: Plan) => (p.service_type = 'MOBILE');
const eightGb = (p: Plan) => {
  p.service_type = 'MOBILE';
  if ('bolt_on' in p.detail) p.detail.bolt_on.included_value = { value_type: 'kilobytes', amount: 8 * GB };
};
const dataAddOn = (p: Plan) => {
  p.service_type = 'MOBILE';
  if ('bolt_on_add_on' in p.detail) p.detail.bolt_on_add_on.included_value_type = 'kilobytes';
};

async function open(backend: FakeBackend, id: Id) {
  const kind = ({ PP: 'package_plan', SP: 'service_plan', BO: 'bolt_on', AO: 'bolt_on_add_on' } as Record<string, EntityKind>)[id.split('-')[0]!]!;
  render(App, { backend });
  await fireEvent.click(await screen.findByTestId(`nav-${kind}`));
  const row = await waitFor(() => {
    const found = screen.getAllByTestId('list-row').find((r) => r.dataset.id === id);
    if (!found) throw new Error(`no row ${id}`);
    return found;
  });
  await fireEvent.click(row);
  return screen.findByTestId('plan-editor');
}

async function pick(section: HTMLElement, slot: string, id: Id) {
  if (!within(section).queryByTestId(`picker-${slot}`)) await fireEvent.click(within(section).getByTestId(`open-picker-${slot}`));
  const picker = await within(section).findByTestId(`picker-${slot}`);
  const option = await waitFor(() => {
    const found = within(picker).getAllByTestId('candidate').find((c) => c.dataset.id === id);
    if (!found) throw new Error(`${id} not offered`);
    return found;
  });
  await fireEvent.click(option);
}

const rules = () => screen.queryAllByTestId('finding').map((f) => f.dataset.rule);

describe('bolt-on links', () => {
  it('links a bolt-on of the same side and service type; BOL-02 appears without a behaviour and clears with one', async () => {
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'BUY', 'Mobile 10 GB', mobile),
      plan('BO-2', 'bolt_on', 'BUY', 'Carrier 2 GB', mobile),
      plan('BO-3', 'bolt_on', 'SELL', 'Extra 2 GB', mobile),
      plan('BO-4', 'bolt_on', 'BUY', 'NBN boost', (p) => (p.service_type = 'NBN')),
    ]);
    await open(backend, 'SP-1');
    const links = screen.getByTestId('links-bolt_on_links');
    await fireEvent.click(within(links).getByTestId('open-picker-bolt_on'));
    const picker = await within(links).findByTestId('picker-bolt_on');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['BO-2']));
    await fireEvent.click(within(picker).getByTestId('candidate'));
    const row = await within(links).findByTestId('bolt-on-link');
    expect(row).toHaveAttribute('data-bolt-on', 'BO-2');
    await waitFor(() => expect(rules()).toContain('BOL-02'));
    expect(within(row).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'BOL-02');
    await fireEvent.change(within(row).getByTestId('behaviour'), { target: { value: 'forced_removable' } });
    await waitFor(() => expect(rules()).not.toContain('BOL-02'));
    expect([...backend.links.links.values()][0]).toMatchObject({ service_plan: 'SP-1', bolt_on: 'BO-2', behaviour: 'forced_removable' });
    await fireEvent.click(within(links).getByRole('button', { name: 'Unlink Carrier 2 GB' }));
    await waitFor(() => expect(within(links).queryByTestId('bolt-on-link')).not.toBeInTheDocument());
    expect(backend.links.links.size).toBe(0);
  });

  it('links with the behaviour chosen first, one change per edit', async () => {
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'BUY', 'Mobile 10 GB', mobile),
      plan('BO-2', 'bolt_on', 'BUY', 'Carrier 2 GB', mobile),
    ]);
    await open(backend, 'SP-1');
    const links = screen.getByTestId('links-bolt_on_links');
    await fireEvent.change(within(links).getByTestId('new-link-behaviour'), { target: { value: 'optional' } });
    const before = backend.calls.filter((c) => c.startsWith('applyChange')).length;
    await pick(links, 'bolt_on', 'BO-2');
    await within(links).findByTestId('bolt-on-link');
    expect(backend.calls.filter((c) => c.startsWith('applyChange')).length).toBe(before + 1);
    expect([...backend.links.links.values()][0]?.behaviour).toBe('optional');
    expect(rules()).not.toContain('BOL-02');
  });

  it('opens the service plan of a link when its finding is clicked', async () => {
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'BUY', 'Mobile 10 GB', mobile),
      plan('BO-2', 'bolt_on', 'BUY', 'Carrier 2 GB', mobile),
    ]);
    await backend.applyChange({ op: 'link_bolt_on', service_plan: 'SP-1', bolt_on: 'BO-2', behaviour: null });
    render(App, { backend });
    const finding = await waitFor(() => {
      const found = screen.getAllByTestId('finding').find((f) => f.dataset.rule === 'BOL-02');
      if (!found) throw new Error('no BOL-02');
      return found;
    });
    await fireEvent.click(finding);
    await waitFor(() => expect(screen.getByTestId('plan-editor')).toHaveAttribute('data-object-id', 'SP-1'));
    expect(within(screen.getByTestId('bolt-on-link')).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'BOL-02');
  });

  it('says what to set first when the service plan has no service type', async () => {
    const backend = new FakeBackend({}, [plan('SP-1', 'service_plan', 'BUY', 'Untyped plan')]);
    await open(backend, 'SP-1');
    const links = screen.getByTestId('links-bolt_on_links');
    await fireEvent.click(within(links).getByTestId('open-picker-bolt_on'));
    expect(await within(links).findByTestId('picker-unavailable')).toHaveTextContent('no service type');
  });
});

describe('bolt-on groups', () => {
  it('creates a group holding the SELL bolt-on in one edit, which clears BOL-01', async () => {
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'SELL', 'Mobile 10 GB', mobile),
      plan('BO-2', 'bolt_on', 'SELL', 'Extra 2 GB', mobile),
    ]);
    await backend.applyChange({ op: 'link_bolt_on', service_plan: 'SP-1', bolt_on: 'BO-2', behaviour: 'optional' });
    await open(backend, 'BO-2');
    await waitFor(() => expect(rules()).toContain('BOL-01'));
    const groups = screen.getByTestId('links-bolt_on_group');
    expect(within(groups).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'BOL-01');
    await fireEvent.input(within(groups).getByTestId('new-group-name'), { target: { value: 'Mobile data bolt-ons' } });
    const before = backend.calls.filter((c) => c.startsWith('applyChange')).length;
    await fireEvent.click(within(groups).getByTestId('create-group'));
    await waitFor(() => expect(rules()).not.toContain('BOL-01'));
    expect(backend.calls.filter((c) => c.startsWith('applyChange')).length).toBe(before + 1);
    expect(await within(groups).findByText('Mobile data bolt-ons')).toBeInTheDocument();
    expect([...backend.links.groups.values()][0]).toMatchObject({ side: 'SELL', members: ['BO-2'] });
  });

  it('opens the group editor: rename it and add only bolt-ons of its side', async () => {
    const backend = new FakeBackend({}, [
      plan('BO-1', 'bolt_on', 'SELL', 'Extra 2 GB', mobile),
      plan('BO-2', 'bolt_on', 'SELL', 'Extra 5 GB', mobile),
      plan('BO-3', 'bolt_on', 'BUY', 'Carrier 5 GB', mobile),
    ]);
    await backend.applyChange({ op: 'create_bolt_on_group_for', bolt_on: 'BO-1', name: 'Data' });
    await open(backend, 'BO-1');
    await fireEvent.click(within(screen.getByTestId('links-bolt_on_group')).getByText('Data'));
    const editor = await screen.findByTestId('group-editor');
    await fireEvent.change(within(editor).getByTestId('group-name'), { target: { value: 'Mobile data' } });
    await waitFor(() => expect(within(editor).getByTestId('editor-title')).toHaveTextContent('Mobile data'));
    const members = within(editor).getByTestId('links-members');
    await fireEvent.click(within(members).getByTestId('open-picker-group_member'));
    const picker = await within(members).findByTestId('picker-group_member');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['BO-2']));
    await fireEvent.click(within(picker).getByTestId('candidate'));
    await waitFor(() => expect([...backend.links.groups.values()][0]?.members).toEqual(['BO-1', 'BO-2']));
    await fireEvent.click(within(members).getByRole('button', { name: 'Remove Extra 2 GB' }));
    await waitFor(() => expect([...backend.links.groups.values()][0]?.members).toEqual(['BO-2']));
  });
});

describe('the add-on group picker', () => {
  it('says what to set first, then pages and searches far past the first batch', async () => {
    const addOns = Array.from({ length: 65 }, (_, i) =>
      plan(`AO-${i + 10}`, 'bolt_on_add_on', 'BUY', i === 60 ? 'Weekend booster' : `Top-up ${i + 1} GB`, dataAddOn),
    );
    const backend = new FakeBackend({}, [plan('BO-1', 'bolt_on', 'BUY', 'Carrier 8 GB', mobile), ...addOns]);
    await open(backend, 'BO-1');
    const group = screen.getByTestId('links-add_on_group');
    await fireEvent.click(within(group).getByTestId('open-picker-add_on'));
    expect(await within(group).findByTestId('picker-unavailable')).toHaveTextContent('included value');
    // Give the bolt-on its 8 GB: the picker follows the edit.
    await fireEvent.change(screen.getByLabelText('Included value'), { target: { value: 'kilobytes' } });
    await fireEvent.change(screen.getByTestId('included-value-amount'), { target: { value: '8' } });
    await waitFor(() => expect(backend.plans.get('BO-1')?.detail).toMatchObject({ bolt_on: { included_value: { amount: 8 * GB } } }));
    const picker = await within(group).findByTestId('picker-add_on');
    await waitFor(() => expect(within(picker).getByTestId('picker-total')).toHaveTextContent('65 matches'));
    expect(within(picker).getAllByTestId('candidate')).toHaveLength(20);
    for (let shown = 20; shown < 65; shown += 20) {
      await fireEvent.click(within(picker).getByTestId('picker-more'));
      await waitFor(() => expect(within(picker).getAllByTestId('candidate')).toHaveLength(Math.min(65, shown + 20)));
    }
    expect(within(picker).queryByTestId('picker-more')).not.toBeInTheDocument();
    // The keyboard moves from the search box to the options and back; Escape closes the picker.
    const search = within(picker).getByTestId('picker-search');
    search.focus();
    await fireEvent.keyDown(search, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(within(picker).getAllByTestId('candidate')[0]);
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(search);
    await fireEvent.input(within(picker).getByTestId('picker-search'), { target: { value: 'weekend' } });
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['AO-70']));
    await fireEvent.click(within(picker).getByTestId('candidate'));
    await waitFor(() => expect(backend.plans.get('BO-1')?.detail).toMatchObject({ bolt_on: { add_on_group: ['AO-70'] } }));
    expect(within(group).queryByTestId('picker-add_on')).not.toBeInTheDocument();
    await fireEvent.click(within(group).getByTestId('open-picker-add_on'));
    await fireEvent.keyDown(await within(group).findByTestId('picker-search'), { key: 'Escape' });
    await waitFor(() => expect(within(group).queryByTestId('picker-add_on')).not.toBeInTheDocument());
    expect(screen.getByTestId('plan-editor')).toBeInTheDocument();
  });
});

describe('allowances', () => {
  function article() {
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'BUY', 'Mobile BUY', mobile),
      plan('BO-2', 'bolt_on', 'BUY', '8 GB BUY', eightGb),
      plan('AO-3', 'bolt_on_add_on', 'BUY', '1 GB BUY', dataAddOn),
      plan('SP-4', 'service_plan', 'SELL', 'Mobile SELL', (p) => ((p.service_type = 'MOBILE'), (p.buy_counterpart = 'SP-1'))),
      plan('BO-5', 'bolt_on', 'SELL', '8 GB SELL', (p) => (eightGb(p), (p.buy_counterpart = 'BO-2'))),
      plan('AO-6', 'bolt_on_add_on', 'SELL', '1 GB SELL', (p) => (dataAddOn(p), (p.buy_counterpart = 'AO-3'))),
      plan('AO-7', 'bolt_on_add_on', 'BUY', 'Not in the group', dataAddOn),
    ]);
    return backend;
  }

  it('adds a BUY allowance from the add-on group and edits its max occurrence', async () => {
    const backend = article();
    await backend.applyChange({ op: 'add_to_add_on_group', bolt_on: 'BO-2', add_on: 'AO-3' });
    await backend.applyChange({ op: 'link_bolt_on', service_plan: 'SP-1', bolt_on: 'BO-2', behaviour: 'optional' });
    await open(backend, 'SP-1');
    const link = await screen.findByTestId('allowances');
    await fireEvent.click(within(link).getByTestId('open-picker-allowance_add_on'));
    const picker = await within(link).findByTestId('picker-allowance_add_on');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['AO-3']));
    await fireEvent.click(within(picker).getByTestId('candidate'));
    const row = await within(link).findByTestId('allowance');
    expect(row).toHaveTextContent('1 GB BUY');
    expect(within(row).queryByTestId('buy-parent')).not.toBeInTheDocument();
    await fireEvent.change(within(row).getByTestId('max-occurrence'), { target: { value: '0' } });
    await waitFor(() => expect(within(screen.getByTestId('allowance')).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'ALW-02'));
    await fireEvent.change(within(screen.getByTestId('allowance')).getByTestId('max-occurrence'), { target: { value: '3' } });
    await waitFor(() => expect(rules()).not.toContain('ALW-02'));
    expect([...backend.links.allowances.values()][0]).toMatchObject({ add_on: 'AO-3', max_occurrence: 3, buy_parent: null });
  });

  it('a new SELL allowance takes its only valid BUY parent; cleared, ALW-03 appears and the picker sets it again', async () => {
    const backend = article();
    for (const [bo, ao] of [['BO-2', 'AO-3'], ['BO-5', 'AO-6']] as const) await backend.applyChange({ op: 'add_to_add_on_group', bolt_on: bo, add_on: ao });
    const buyLink = (await backend.applyChange({ op: 'link_bolt_on', service_plan: 'SP-1', bolt_on: 'BO-2', behaviour: 'optional' })).applied.created!;
    const parent = (await backend.applyChange({ op: 'add_allowance', link: buyLink, add_on: 'AO-3', max_occurrence: 3, description: null, buy_parent: null })).applied.created!;
    await backend.applyChange({ op: 'create_bolt_on_group_for', bolt_on: 'BO-5', name: 'Data' });
    await backend.applyChange({ op: 'link_bolt_on', service_plan: 'SP-4', bolt_on: 'BO-5', behaviour: 'optional' });
    await open(backend, 'SP-4');
    const link = await screen.findByTestId('allowances');
    await pick(link, 'allowance_add_on', 'AO-6');
    const row = await within(link).findByTestId('allowance');
    await waitFor(() => expect(within(row).getByTestId('buy-parent-name')).toHaveTextContent('Mobile BUY › 8 GB BUY › 1 GB BUY ×3'));
    expect([...backend.links.allowances.values()].find((a) => a.add_on === 'AO-6')?.buy_parent).toBe(parent);
    expect(rules()).not.toContain('ALW-03');

    await fireEvent.click(within(row).getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(rules()).toContain('ALW-03'));
    const again = screen.getByTestId('allowance');
    expect(within(again).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'ALW-03');
    await fireEvent.click(within(again).getByTestId('open-picker-buy_parent'));
    const picker = await within(again).findByTestId('picker-buy_parent');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual([parent]));
    expect(within(picker).getByTestId('candidate')).toHaveTextContent('max 3');
    await fireEvent.click(within(picker).getByTestId('candidate'));
    await waitFor(() => expect(rules()).not.toContain('ALW-03'));
  });
});

describe('value slots, quotas and pools', () => {
  it("edits a service plan's included value slots, up to four", async () => {
    const backend = new FakeBackend({}, [plan('SP-1', 'service_plan', 'BUY', 'Mobile 10 GB', mobile)]);
    await open(backend, 'SP-1');
    const section = screen.getByTestId('included-values');
    await fireEvent.click(within(section).getByTestId('add-included-value'));
    await waitFor(() => expect(within(screen.getByTestId('included-values')).getAllByTestId('included-value-slot')).toHaveLength(1));
    await fireEvent.change(screen.getByLabelText('Slot 1'), { target: { value: 'kilobytes' } });
    await waitFor(() => expect(screen.getByLabelText('Slot 1 amount in GB')).toBeInTheDocument());
    await fireEvent.change(screen.getByLabelText('Slot 1 amount in GB'), { target: { value: '10' } });
    await waitFor(() =>
      expect(backend.plans.get('SP-1')?.detail).toMatchObject({ service_plan: { included_values: [{ value_type: 'kilobytes', amount: 10 * GB }] } }),
    );
    for (let count = 2; count <= 4; count++) {
      await fireEvent.click(within(screen.getByTestId('included-values')).getByTestId('add-included-value'));
      await waitFor(() => expect(within(screen.getByTestId('included-values')).getAllByTestId('included-value-slot')).toHaveLength(count));
    }
    await waitFor(() => expect(within(screen.getByTestId('included-values')).getAllByTestId('included-value-slot')).toHaveLength(4));
    expect(within(screen.getByTestId('included-values')).getByTestId('add-included-value')).toBeDisabled();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove slot 1' }));
    await waitFor(() => expect(within(screen.getByTestId('included-values')).getAllByTestId('included-value-slot')).toHaveLength(3));
  });

  it("edits an add-on's quotas: type, amount, bonus and weight", async () => {
    const backend = new FakeBackend({}, [plan('AO-1', 'bolt_on_add_on', 'BUY', 'Top-up 1 GB', dataAddOn)]);
    await open(backend, 'AO-1');
    await fireEvent.click(within(screen.getByTestId('quotas')).getByTestId('add-quota'));
    await waitFor(() => expect(screen.getAllByTestId('quota')).toHaveLength(1));
    await fireEvent.change(screen.getByTestId('quota-amount'), { target: { value: '1' } });
    await waitFor(() => expect(backend.plans.get('AO-1')?.detail).toMatchObject({ bolt_on_add_on: { quotas: [{ amount: GB }] } }));
    await fireEvent.change(screen.getByLabelText('Bonus type'), { target: { value: 'at_end' } });
    await fireEvent.change(screen.getByTestId('quota-weight'), { target: { value: '5' } });
    await waitFor(() =>
      expect(backend.plans.get('AO-1')?.detail).toMatchObject({
        bolt_on_add_on: { quotas: [{ value_type: 'kilobytes', bonus_type: 'at_end', amount: GB, weight: 5 }] },
      }),
    );
    await fireEvent.change(screen.getByTestId('quota-weight'), { target: { value: 'x' } });
    expect(await screen.findByText('The weight is a whole number, like 1.')).toBeInTheDocument();
  });

  it('picks the data pool among own-billing plans of the same side', async () => {
    const pooled = (p: Plan) => {
      p.service_type = 'NBN';
      if ('service_plan' in p.detail) p.detail.service_plan.data_billing.mode = 'pooled';
    };
    const own = (p: Plan) => {
      p.service_type = 'NBN';
      if ('service_plan' in p.detail) p.detail.service_plan.data_billing.mode = 'own';
    };
    const backend = new FakeBackend({}, [
      plan('SP-1', 'service_plan', 'SELL', 'NBN tail', pooled),
      plan('SP-2', 'service_plan', 'SELL', 'Pool 500 GB', own),
      plan('SP-3', 'service_plan', 'BUY', 'Carrier pool', own),
      plan('SP-4', 'service_plan', 'SELL', 'No billing', (p) => (p.service_type = 'NBN')),
    ]);
    await open(backend, 'SP-1');
    const section = screen.getByTestId('links-pool');
    await fireEvent.click(within(section).getByTestId('open-picker-pool'));
    const picker = await within(section).findByTestId('picker-pool');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['SP-2']));
    await fireEvent.click(within(picker).getByTestId('candidate'));
    await waitFor(() => expect(within(screen.getByTestId('links-pool')).getByTestId('pool-name')).toHaveTextContent('Pool 500 GB'));
    expect(backend.plans.get('SP-1')?.detail).toMatchObject({ service_plan: { data_billing: { pool: 'SP-2' } } });
  });

  it('chooses the BUY counterpart of a SELL plan among BUY plans of its kind', async () => {
    const backend = new FakeBackend({}, [
      plan('BO-1', 'bolt_on', 'BUY', 'Carrier 2 GB', mobile),
      plan('BO-2', 'bolt_on', 'SELL', 'Extra 2 GB', mobile),
      plan('AO-3', 'bolt_on_add_on', 'BUY', 'Not a bolt-on', mobile),
    ]);
    await open(backend, 'BO-2');
    const section = screen.getByTestId('links-buy_counterpart');
    await pick(section, 'buy_counterpart', 'BO-1');
    await waitFor(() => expect(backend.plans.get('BO-2')?.buy_counterpart).toBe('BO-1'));
    expect(await screen.findByTestId('goto-buy')).toHaveTextContent('Carrier 2 GB');
  });
});

describe('the approval preview', () => {
  it('names what gets approved, with kind and side', async () => {
    const backend = new FakeBackend({}, [plan('BO-1', 'bolt_on', 'BUY', 'Carrier 2 GB', mobile)]);
    await open(backend, 'BO-1');
    await fireEvent.click(screen.getByTestId('approve'));
    const dialog = await screen.findByTestId('dialog-approve');
    const item = await within(dialog).findByTestId('approval-object');
    expect(item).toHaveAttribute('data-id', 'BO-1');
    expect(item).toHaveTextContent('BUY');
    expect(item).toHaveTextContent('bolt-on');
    expect(item).toHaveTextContent('Carrier 2 GB');
  });
});
