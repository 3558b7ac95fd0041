// The export screen against the in-memory FakeBackend: reached from Home (toolbar and a
// structure row), what goes in by kind and name, what blocks it (opening the blocking object's
// editor), signing with a key from the dialog, a cancelled save, and a successful export.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend, fakePlan } from './lib/fake-backend';
import type { Plan } from './lib/bindings';

function plans(status: Plan['status']): Plan[] {
  const buy = { ...fakePlan('SP-1', 'service_plan', 'BUY', 'Wholesale mobile 40 (buy)'), status };
  const sell = { ...fakePlan('SP-2', 'service_plan', 'SELL', 'Mobile Business 40'), status, external_name: 'Mobile 40' };
  const pkg = { ...fakePlan('PP-1', 'package_plan', 'SELL', 'Mobile Business 40 package'), status, external_name: 'Mobile 40' };
  if ('package_plan' in pkg.detail) pkg.detail.package_plan.service_plans = ['SP-2'];
  return [buy, sell, pkg];
}

async function openExport(backend: FakeBackend) {
  render(App, { backend });
  await fireEvent.click(await screen.findByTestId('open-export'));
  return screen.findByTestId('export-screen');
}

describe('the export screen', () => {
  it('shows what goes in, by kind and in build order, with names', async () => {
    const backend = new FakeBackend({}, plans('approved'));
    await openExport(backend);
    await screen.findByTestId('export-ready');
    const kinds = screen.getAllByTestId('export-kind').map((k) => k.dataset.kind);
    expect(kinds).toEqual(['service_plan', 'package_plan']);
    const rows = screen.getAllByTestId('export-object');
    expect(rows.map((r) => r.dataset.objectId)).toEqual(['SP-1', 'SP-2', 'PP-1']);
    expect(rows[0]).toHaveTextContent('Wholesale mobile 40 (buy)');
    expect(rows[0]).toHaveTextContent('step 1');
    expect(screen.getByTestId('export-bundle')).toBeEnabled();
    expect(backend.calls).toContain('previewBundle ');
  });

  it('lists what blocks it, disables the export, and opens a blocking object in its editor', async () => {
    const backend = new FakeBackend({}, plans('draft'));
    await openExport(backend);
    const blockers = await screen.findByTestId('export-blockers');
    const items = within(blockers).getAllByTestId('export-blocker');
    expect(items.map((b) => b.dataset.objectId)).toEqual(['SP-1', 'SP-2', 'PP-1']);
    expect(items[2]).toHaveTextContent('Mobile Business 40 package');
    expect(items[2]).toHaveTextContent('LIF-03');
    expect(screen.getByTestId('export-bundle')).toBeDisabled();
    expect(screen.getByTestId('export-why')).toHaveTextContent('3 objects block the export');
    await fireEvent.click(within(items[2]!).getByTestId('open-blocker'));
    const editor = await screen.findByTestId('plan-editor');
    expect(editor).toHaveAttribute('data-object-id', 'PP-1');
  });

  it('exports chosen structures only, and says so when the save dialog is cancelled', async () => {
    const backend = new FakeBackend({}, plans('approved'));
    await openExport(backend);
    await fireEvent.click(screen.getByTestId('export-chosen'));
    expect(screen.getByTestId('export-why')).toHaveTextContent('Choose at least one structure');
    expect(screen.getByTestId('export-bundle')).toBeDisabled();
    const st2 = screen.getAllByTestId('export-structure').find((c) => c.dataset.structureId === 'ST-2')!;
    await fireEvent.click(st2);
    await screen.findByTestId('export-ready');
    await fireEvent.click(screen.getByTestId('export-bundle'));
    expect(await screen.findByTestId('export-outcome')).toHaveTextContent('nothing was written');
    expect(backend.calls).toContain('exportBundle ST-2');
  });

  it('signs with the key chosen in the dialog, asks for a password when it needs one, and shows the result', async () => {
    const backend = new FakeBackend(
      { saveBundleAs: '/home/dana/northwind.zip', signingKey: { path: '/home/dana/ops.key', needs_password: true } },
      plans('approved'),
    );
    await openExport(backend);
    await screen.findByTestId('export-ready');
    await fireEvent.click(screen.getByTestId('export-sign'));
    expect(screen.getByTestId('export-why')).toHaveTextContent('Choose the key file');
    await fireEvent.click(screen.getByTestId('choose-key'));
    expect(await screen.findByTestId('chosen-key')).toHaveTextContent('/home/dana/ops.key');
    expect(screen.getByTestId('export-bundle')).toBeDisabled();
    await fireEvent.input(screen.getByTestId('key-password'), { target: { value: 'correct horse' } });
    await waitFor(() => expect(screen.getByTestId('export-bundle')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('export-bundle'));
    const done = await screen.findByTestId('export-done');
    expect(done).toHaveTextContent('PSB-0123456789abcdef0123');
    expect(done).toHaveTextContent('/home/dana/northwind.zip');
    expect(done).toHaveTextContent('signed');
    expect(backend.calls).toContain('exportBundle  signed with /home/dana/ops.key');
  });

  it('opens from a structure row with that structure chosen', async () => {
    const backend = new FakeBackend({}, plans('approved'));
    render(App, { backend });
    const rows = await screen.findAllByTestId('export-structure-bundle');
    await fireEvent.click(rows[0]!);
    await screen.findByTestId('export-screen');
    expect(screen.getByTestId('export-chosen')).toBeChecked();
    const boxes = screen.getAllByTestId('export-structure') as HTMLInputElement[];
    expect(boxes.filter((b) => b.checked).map((b) => b.dataset.structureId)).toEqual(['ST-1']);
    await waitFor(() => expect(backend.calls).toContain('previewBundle ST-1'));
  });
});
