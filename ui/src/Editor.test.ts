// The editing screens against the in-memory FakeBackend: lists, the plan editor, live
// findings, undo/redo from the keyboard, the counterpart actions and the lifecycle dialogs.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend, fakePlan } from './lib/fake-backend';

function setup() {
  const buy = fakePlan('BO-1', 'bolt_on', 'BUY', 'Carrier 2 GB');
  const backend = new FakeBackend({}, [buy]);
  render(App, { backend });
  return backend;
}

async function openList(kind: string) {
  await fireEvent.click(await screen.findByTestId(`nav-${kind}`));
}

describe('lists', () => {
  it('shows the rows of a kind from the core and searches them', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'bolt_on', side: 'SELL', internal_name: 'Extra 5 GB' });
    await openList('bolt_on');
    await waitFor(() => expect(screen.getAllByTestId('list-row')).toHaveLength(2));
    expect(screen.getByTestId('list-total')).toHaveTextContent('2');
    await fireEvent.input(screen.getByTestId('list-search'), { target: { value: '5 gb' } });
    await waitFor(() => expect(screen.getAllByTestId('list-row')).toHaveLength(1));
    expect(screen.getByTestId('list-row')).toHaveTextContent('Extra 5 GB');
  });

  it('filters by side', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'bolt_on', side: 'SELL', internal_name: 'Extra 5 GB' });
    await openList('bolt_on');
    await waitFor(() => expect(screen.getAllByTestId('list-row')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('filter-side'), { target: { value: 'BUY' } });
    await waitFor(() => expect(screen.getAllByTestId('list-row')).toHaveLength(1));
    expect(screen.getByTestId('list-row')).toHaveAttribute('data-id', 'BO-1');
  });
});

describe('the plan editor', () => {
  it('creates a SELL plan, shows its finding live, marks the field, and clears it after the edit', async () => {
    const backend = setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByTestId('new-sell'));
    const editor = await screen.findByTestId('plan-editor');
    expect(within(editor).getByTestId('editor-side')).toHaveTextContent('SELL');
    const finding = await screen.findByTestId('finding');
    expect(finding).toHaveAttribute('data-rule', 'NAM-02');
    expect(finding).toHaveTextContent('NAM-02');
    const external = await screen.findByLabelText('External name');
    await waitFor(() => expect(external).toHaveAttribute('aria-invalid', 'true'));

    await fireEvent.change(external, { target: { value: 'Extra 2 GB' } });
    await waitFor(() => expect(screen.queryByTestId('finding')).not.toBeInTheDocument());
    expect(screen.getByTestId('findings-clear')).toBeInTheDocument();
    expect(backend.plans.get('BO-2')?.external_name).toBe('Extra 2 GB');
  });

  it('takes a click on a finding to the object and its field', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'bolt_on', side: 'SELL', internal_name: 'Extra 5 GB' });
    await fireEvent.click(await screen.findByTestId('nav-home'));
    await fireEvent.click(await screen.findByTestId('undo')); // the panel reloads from the answer
    await fireEvent.click(await screen.findByTestId('redo'));
    await fireEvent.click(await screen.findByTestId('finding'));
    const field = await screen.findByLabelText('External name');
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(screen.getByTestId('plan-editor')).toHaveAttribute('data-object-id', 'BO-2');
  });

  it('undoes and redoes with Ctrl+Z and Ctrl+Shift+Z', async () => {
    const backend = setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByTestId('new-buy'));
    await screen.findByTestId('plan-editor');
    await waitFor(() => expect(screen.getByTestId('undo')).not.toBeDisabled());
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(backend.plans.size).toBe(1));
    expect(screen.getByTestId('notice')).toHaveTextContent('Undone');
    await fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(backend.plans.size).toBe(2));
    expect(backend.calls).toEqual(expect.arrayContaining(['undo', 'redo']));
  });

  it('creates the SELL counterpart of a BUY plan in one action and jumps between them', async () => {
    const backend = setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 2 GB'));
    await fireEvent.click(await screen.findByTestId('create-sell'));
    await waitFor(() => expect(screen.getByTestId('plan-editor')).toHaveAttribute('data-object-id', 'BO-2'));
    expect(backend.plans.get('BO-2')).toMatchObject({ side: 'SELL', buy_counterpart: 'BO-1', internal_name: 'Carrier 2 GB' });
    await fireEvent.click(await screen.findByTestId('goto-buy'));
    await waitFor(() => expect(screen.getByTestId('plan-editor')).toHaveAttribute('data-object-id', 'BO-1'));
    expect(await screen.findByTestId('goto-sell')).toHaveTextContent('Carrier 2 GB');
  });

  it('approves after showing what is approved, opens read-only, and reopens with a reason', async () => {
    const backend = setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 2 GB'));
    await fireEvent.click(await screen.findByTestId('approve'));
    const dialog = await screen.findByTestId('dialog-approve');
    expect(await within(dialog).findByTestId('approval-approves')).toHaveTextContent('BO-1');
    await fireEvent.click(within(dialog).getByTestId('confirm-approve'));
    await screen.findByTestId('read-only');
    expect(screen.getByLabelText('Internal name *')).toBeDisabled();

    await fireEvent.click(screen.getByTestId('reopen'));
    const reopen = await screen.findByTestId('dialog-reopen');
    expect(within(reopen).getByTestId('confirm-reopen')).toBeDisabled();
    await fireEvent.input(within(reopen).getByTestId('reopen-reason'), { target: { value: 'Client changed the price' } });
    await fireEvent.click(within(reopen).getByTestId('confirm-reopen'));
    await waitFor(() => expect(screen.getByTestId('editor-status')).toHaveTextContent('draft'));
    expect(backend.calls).toContain('reopen BO-1 Client changed the price');
  });

  it('shows the blockers instead of approving an object with errors', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'bolt_on', side: 'SELL', internal_name: 'Extra 5 GB' });
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Extra 5 GB'));
    await fireEvent.click(await screen.findByTestId('approve'));
    const blockers = await screen.findByTestId('approval-blockers');
    expect(blockers).toHaveTextContent('NAM-02');
    expect(screen.getByTestId('confirm-approve')).toBeDisabled();
  });

  it('keeps keyboard focus inside a lifecycle dialog and gives it back on Escape', async () => {
    setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 2 GB'));
    const approve = await screen.findByTestId('approve');
    approve.focus();
    await fireEvent.click(approve);
    const dialog = await screen.findByTestId('dialog-approve');
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));
    const controls = [...dialog.querySelectorAll<HTMLButtonElement>('button:not([disabled])')];
    controls.at(-1)!.focus();
    await fireEvent.keyDown(controls.at(-1)!, { key: 'Tab' });
    expect(document.activeElement, 'Tab from the last control wraps to the first').toBe(controls[0]);
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('dialog-approve')).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId('approve'));
  });

  it('groups an add-on as Emersion does, with availability only on SELL', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'bolt_on_add_on', side: 'BUY', internal_name: 'Top-up 1 GB' });
    await openList('bolt_on_add_on');
    await fireEvent.click(await screen.findByText('Top-up 1 GB'));
    await screen.findByRole('region', { name: 'Screen 1 · Details' });
    expect(screen.getByRole('region', { name: 'Screen 2 · Provisioning and pricing' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Screen 2 · Availability' })).not.toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('create-sell'));
    await screen.findByRole('region', { name: 'Screen 2 · Availability' });
  });

  it('refuses a malformed amount in the form without calling the core', async () => {
    const backend = setup();
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 2 GB'));
    const fee = await screen.findByLabelText('Setup fee');
    const before = backend.calls.length;
    await fireEvent.change(fee, { target: { value: '12.345' } });
    expect(await screen.findByText(/at most 2 decimals/)).toBeInTheDocument();
    expect(backend.calls.slice(before).some((c) => c.startsWith('applyChange'))).toBe(false);
    await fireEvent.change(fee, { target: { value: '12.50' } });
    await waitFor(() => expect(backend.plans.get('BO-1')?.setup_fee).toBe(1250));
  });

  it.each([
    ['BHD', '1.250', '2.5', 2500],
    ['KRW', '1250', '3000', 3000],
  ] as const)('shows and reads %s amounts with the decimals the core sends', async (currency, shown, typed, stored) => {
    const buy = fakePlan('BO-1', 'bolt_on', 'BUY', 'Carrier 2 GB');
    buy.setup_fee = 1250;
    const backend = new FakeBackend({}, [buy]);
    backend.world.settings.currency = currency;
    render(App, { backend });
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 2 GB'));
    const fee = await screen.findByLabelText('Setup fee');
    await waitFor(() => expect(fee).toHaveValue(shown));
    await fireEvent.change(fee, { target: { value: typed } });
    await waitFor(() => expect(backend.plans.get('BO-1')?.setup_fee).toBe(stored));
  });

  it('edits the service plans of a package plan; STR-03 appears and clears', async () => {
    const backend = setup();
    await backend.applyChange({ op: 'create_plan', kind: 'service_plan', side: 'BUY', internal_name: 'Mobile 10 GB' });
    await openList('package_plan');
    await fireEvent.click(await screen.findByTestId('new-buy'));
    await waitFor(() => expect(screen.getAllByTestId('finding').map((f) => f.dataset.rule)).toContain('STR-03'));
    const links = await screen.findByTestId('links-service_plans');
    expect(within(links).getByTestId('inline-finding')).toHaveAttribute('data-rule', 'STR-03');
    await fireEvent.click(within(links).getByTestId('open-picker-service_plan'));
    await fireEvent.click(await within(links).findByText('Mobile 10 GB'));
    await waitFor(() => expect(screen.queryAllByTestId('finding').map((f) => f.dataset.rule)).not.toContain('STR-03'));
    expect(await within(links).findByText('Mobile 10 GB')).toBeInTheDocument();
    expect(within(links).queryByTestId('inline-finding')).not.toBeInTheDocument();
    expect(backend.calls).toContain('applyChange add_service_plan');
  });

  it("offers only add-ons with the bolt-on's service type and included value type for its add-on group", async () => {
    const boltOn = fakePlan('BO-1', 'bolt_on', 'BUY', 'Carrier 8 GB');
    boltOn.service_type = 'MOBILE';
    if ('bolt_on' in boltOn.detail) boltOn.detail.bolt_on.included_value = { value_type: 'kilobytes', amount: 8_388_608 };
    const addOn = (id: string, name: string, serviceType: string, valueType: 'kilobytes' | 'units') => {
      const p = fakePlan(id, 'bolt_on_add_on', 'BUY', name);
      p.service_type = serviceType;
      if ('bolt_on_add_on' in p.detail) p.detail.bolt_on_add_on.included_value_type = valueType;
      return p;
    };
    const backend = new FakeBackend({}, [
      boltOn,
      addOn('AO-2', 'Top-up 1 GB', 'MOBILE', 'kilobytes'),
      addOn('AO-3', 'Top-up 50 SMS', 'MOBILE', 'units'),
      addOn('AO-4', 'NBN top-up', 'NBN', 'kilobytes'),
    ]);
    render(App, { backend });
    await openList('bolt_on');
    await fireEvent.click(await screen.findByText('Carrier 8 GB'));
    const links = await screen.findByTestId('links-add_on_group');
    await fireEvent.click(within(links).getByTestId('open-picker-add_on'));
    const picker = await within(links).findByTestId('picker-add_on');
    await waitFor(() => expect(within(picker).getAllByTestId('candidate').map((c) => c.dataset.id)).toEqual(['AO-2']));
    expect(within(picker).queryByText(/50 SMS/)).not.toBeInTheDocument();
    expect(within(picker).queryByText(/NBN/)).not.toBeInTheDocument();
    await fireEvent.click(within(picker).getByTestId('candidate'));
    await waitFor(() => expect(backend.plans.get('BO-1')?.detail).toMatchObject({ bolt_on: { add_on_group: ['AO-2'] } }));
    expect(await within(links).findByText('Top-up 1 GB')).toBeInTheDocument();
  });
});
