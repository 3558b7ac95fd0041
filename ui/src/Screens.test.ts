// The reference data and settings screen, the customers and sites screen, "New structure" and
// the build checklist's step actions, against the in-memory FakeBackend.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend, fakePlan } from './lib/fake-backend';

function setup(plans = [fakePlan('SP-1', 'service_plan', 'BUY', 'Carrier tail')]) {
  const backend = new FakeBackend({}, plans);
  render(App, { backend });
  return backend;
}

async function go(nav: string) {
  await fireEvent.click(await screen.findByTestId(`nav-${nav}`));
}

describe('reference data and settings', () => {
  it('edits a service type in place as one undoable change', async () => {
    const backend = setup();
    await go('reference');
    const name = await screen.findByLabelText('Name of NBN');
    await fireEvent.change(name, { target: { value: 'NBN business' } });
    await waitFor(() => expect(backend.world.serviceTypes.find((t) => t.code === 'NBN')?.name).toBe('NBN business'));
    expect(screen.getByTestId('undo')).toHaveTextContent('Save service type NBN');
    await fireEvent.click(screen.getByLabelText('NBN is auto-provisioned'));
    await waitFor(() => expect(backend.world.serviceTypes.find((t) => t.code === 'NBN')?.auto_provisioned).toBe(true));
    await fireEvent.click(screen.getByTestId('undo'));
    await waitFor(() => expect(screen.getByLabelText('NBN is auto-provisioned')).not.toBeChecked());
  });

  it('adds a service type, and marks the field the core names when it refuses', async () => {
    const backend = setup();
    await go('reference');
    await fireEvent.input(await screen.findByLabelText('New service type name'), { target: { value: 'Hosted voice' } });
    await fireEvent.click(within(screen.getByTestId('new-service-type')).getByRole('button', { name: 'Add' }));
    const alert = await screen.findByTestId('reference-problem');
    expect(alert).toHaveTextContent('a service type needs a code');
    expect(screen.getByLabelText('New service type code')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('New service type name')).toHaveAttribute('aria-invalid', 'false');

    await fireEvent.input(screen.getByLabelText('New service type code'), { target: { value: 'VOIP' } });
    await fireEvent.change(screen.getByLabelText('New service type category'), { target: { value: 'voice' } });
    await fireEvent.click(within(screen.getByTestId('new-service-type')).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getAllByTestId('service-type-row').map((r) => r.dataset.code)).toEqual(['MOBILE', 'NBN', 'VOIP']));
    expect(screen.queryByTestId('reference-problem')).not.toBeInTheDocument();
    expect(backend.world.serviceTypes.find((t) => t.code === 'VOIP')).toEqual({ code: 'VOIP', name: 'Hosted voice', category: 'voice', auto_provisioned: false });
    expect(screen.getByLabelText('New service type code')).toHaveValue('');
  });

  it('refuses to delete a service type in use, saying why', async () => {
    const plan = fakePlan('SP-1', 'service_plan', 'BUY', 'Carrier tail');
    plan.service_type = 'NBN';
    setup([plan]);
    await go('reference');
    await fireEvent.click(await screen.findByRole('button', { name: 'Delete service type NBN' }));
    expect(await screen.findByTestId('reference-problem')).toHaveTextContent("service type 'NBN' is still used");
    await fireEvent.click(screen.getByRole('button', { name: 'Delete service type MOBILE' }));
    await waitFor(() => expect(screen.getAllByTestId('service-type-row')).toHaveLength(1));
  });

  it('adds and edits tariffs and bolt-on categories', async () => {
    const backend = setup();
    await go('reference');
    await fireEvent.input(await screen.findByLabelText('New bolt-on category code'), { target: { value: 'SMS' } });
    await fireEvent.input(screen.getByLabelText('New bolt-on category name'), { target: { value: 'SMS' } });
    await fireEvent.click(within(screen.getByTestId('new-category')).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getAllByTestId('category-row')).toHaveLength(2));

    const row = within(screen.getByTestId('new-tariff'));
    await fireEvent.input(row.getByLabelText('New tariff code'), { target: { value: 'MOB-SMS' } });
    await fireEvent.input(row.getByLabelText('New tariff name'), { target: { value: 'SMS bolt-on usage' } });
    await fireEvent.click(row.getByRole('button', { name: 'Add' }));
    expect(await screen.findByTestId('reference-problem')).toHaveTextContent('no service type');
    expect(row.getByLabelText('New tariff service type')).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.change(row.getByLabelText('New tariff service type'), { target: { value: 'MOBILE' } });
    await fireEvent.click(row.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getAllByTestId('tariff-row')).toHaveLength(1));
    await fireEvent.change(screen.getByLabelText('Bolt-on category of MOB-SMS'), { target: { value: 'SMS' } });
    await waitFor(() => expect(backend.world.tariffs[0]?.bolt_on_category).toBe('SMS'));
  });

  it("refuses a currency whose decimals would round an amount, and rescales otherwise", async () => {
    const plan = fakePlan('SP-1', 'service_plan', 'BUY', 'Carrier tail');
    plan.setup_fee = 1250;
    const backend = setup([plan]);
    await go('reference');
    const currency = await screen.findByLabelText('Currency');
    await fireEvent.change(currency, { target: { value: 'jpy' } });
    const alert = await screen.findByTestId('reference-problem');
    expect(alert).toHaveTextContent('cannot switch from AUD to JPY');
    expect(currency).toHaveAttribute('aria-invalid', 'true');
    expect(backend.world.settings.currency).toBe('AUD');

    await fireEvent.change(currency, { target: { value: 'NZD' } });
    await waitFor(() => expect(screen.getByTestId('catalog-currency')).toHaveTextContent('NZD'));
    expect(screen.queryByTestId('reference-problem')).not.toBeInTheDocument();
    expect(currency).toHaveAttribute('aria-invalid', 'false');

    await fireEvent.change(screen.getByLabelText('Tier'), { target: { value: 'retail' } });
    await waitFor(() => expect(screen.getByTestId('catalog-tier')).toHaveTextContent('Retail'));
  });
});

describe('customers and sites', () => {
  async function newCustomer(backend: FakeBackend, name: string) {
    await go('customers');
    await fireEvent.input(await screen.findByTestId('new-customer-name'), { target: { value: name } });
    await fireEvent.click(screen.getByTestId('create-customer'));
    await waitFor(() => expect(screen.getByTestId('customer-title')).toHaveTextContent(name));
    return [...backend.world.customers.keys()].at(-1)!;
  }

  it('creates a customer, lists and searches customers', async () => {
    const backend = setup();
    await newCustomer(backend, 'Harbour Cafés');
    await fireEvent.input(screen.getByTestId('new-customer-name'), { target: { value: 'Acme Logistics' } });
    await fireEvent.click(screen.getByTestId('create-customer'));
    await waitFor(() => expect(screen.getAllByTestId('customer-row').map((r) => r.textContent)).toEqual([
      expect.stringContaining('Acme Logistics'),
      expect.stringContaining('Harbour Cafés'),
    ]));
    await fireEvent.input(screen.getByTestId('customer-search'), { target: { value: 'harb' } });
    await waitFor(() => expect(screen.getAllByTestId('customer-row')).toHaveLength(1));
    expect(screen.getByTestId('customer-total')).toHaveTextContent('1');
  });

  it('refuses a nameless customer with the field marked', async () => {
    setup();
    await go('customers');
    await fireEvent.click(await screen.findByTestId('create-customer'));
    expect(await screen.findByTestId('customer-problem')).toHaveTextContent('a customer needs a name');
    expect(screen.getByTestId('new-customer-name')).toHaveAttribute('aria-invalid', 'true');
  });

  it('adds, edits and deletes sites; a missing speed is marked', async () => {
    const backend = setup();
    await newCustomer(backend, 'Harbour Cafés');
    const form = within(screen.getByTestId('new-site'));
    await fireEvent.input(form.getByLabelText('Site name'), { target: { value: 'Circular Quay' } });
    await fireEvent.input(form.getByLabelText('Technology'), { target: { value: 'NBN FTTP' } });
    await fireEvent.click(form.getByRole('button', { name: 'Add site' }));
    expect(await screen.findByTestId('customer-problem')).toHaveTextContent('a site needs a speed');
    expect(form.getByLabelText('Speed')).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.input(form.getByLabelText('Speed'), { target: { value: '100/40 Mbps' } });
    await fireEvent.input(form.getByLabelText('Service identifier'), { target: { value: 'AVC000187654321' } });
    await fireEvent.click(form.getByRole('button', { name: 'Add site' }));
    const row = await screen.findByTestId('site-row');
    expect(row).toHaveTextContent('Circular Quay');
    expect(row).toHaveTextContent('NBN FTTP');
    expect(row).toHaveTextContent('100/40 Mbps');
    expect(row).toHaveTextContent('AVC000187654321');
    expect(row).toHaveTextContent('not pooled');

    await fireEvent.click(within(row).getByTestId('edit-site'));
    const id = row.dataset.id!;
    await fireEvent.change(screen.getByLabelText(`Speed of ${id}`), { target: { value: '1000/400 Mbps' } });
    await waitFor(() => expect(backend.world.sites.get(id)?.speed).toBe('1000/400 Mbps'));
    await fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    await fireEvent.click(within(screen.getByTestId('site-row')).getByTestId('delete-site'));
    await waitFor(() => expect(screen.queryByTestId('site-row')).not.toBeInTheDocument());
    expect(backend.world.sites.size).toBe(0);
  });

  it('creates a data pool, edits its quota and excess rate, and removes it', async () => {
    const backend = setup();
    const cu = await newCustomer(backend, 'Harbour Cafés');
    const pool = within(screen.getByTestId('data-pool'));
    await fireEvent.change(pool.getByLabelText('Service type'), { target: { value: 'NBN' } });
    await fireEvent.input(pool.getByLabelText('Pool (GB)'), { target: { value: '500' } });
    await fireEvent.input(pool.getByLabelText('Excess rate per GB (SELL)'), { target: { value: '2.5' } });
    await fireEvent.click(pool.getByTestId('create-pool'));
    const quota = await screen.findByLabelText('Pool (GB)');
    await waitFor(() => expect(quota).toHaveValue('500'));
    expect(screen.getByLabelText(/Excess rate per GB/)).toHaveValue('2.50');
    const sp = backend.world.customers.get(cu)?.data_package;
    expect(sp).toBeTruthy();

    await fireEvent.change(quota, { target: { value: '5120' } });
    const quotaKb = () => {
      for (const p of backend.plans.values()) {
        if ('service_plan' in p.detail && p.detail.service_plan.data_billing.mode === 'own') return p.detail.service_plan.data_billing.quota_kb;
      }
      return undefined;
    };
    await waitFor(() => expect(quotaKb()).toBe(5120 * 1024 * 1024));
    await fireEvent.change(screen.getByLabelText(/Excess rate per GB/), { target: { value: 'lots' } });
    expect(await screen.findByTestId('customer-problem')).toHaveTextContent('Write an amount');

    await fireEvent.click(screen.getByTestId('remove-pool'));
    await waitFor(() => expect(screen.getByTestId('create-pool')).toBeInTheDocument());
    expect(backend.world.customers.get(cu)?.data_package).toBeNull();
  });

  it('deletes a customer after confirmation', async () => {
    const backend = setup();
    await newCustomer(backend, 'Harbour Cafés');
    await fireEvent.click(screen.getByTestId('delete-customer'));
    await fireEvent.click(await screen.findByTestId('confirm-delete-customer'));
    await waitFor(() => expect(screen.queryByTestId('customer-detail')).not.toBeInTheDocument());
    expect(backend.world.customers.size).toBe(0);
  });
});

describe('new structure and the build checklist', () => {
  it('creates a structure, then creates its first step from the checklist and opens it', async () => {
    const backend = setup();
    await fireEvent.click(await screen.findByTestId('new-structure'));
    const dialog = await screen.findByTestId('dialog-structure');
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'Mobile top-ups' } });
    await fireEvent.click(within(dialog).getByTestId('create-structure'));
    const checklist = await screen.findByTestId('checklist');
    expect(checklist).toHaveTextContent('Build checklist · Mobile top-ups');
    await waitFor(() => expect(within(checklist).getAllByTestId('step-create')).toHaveLength(1));
    expect(within(checklist).getAllByTestId('step-blocked')[0]).toHaveTextContent('Do step 1 first');

    await fireEvent.click(within(checklist).getByTestId('step-create'));
    const editor = await screen.findByTestId('plan-editor');
    const created = editor.dataset.objectId!;
    expect(backend.plans.get(created)?.internal_name).toBe('Mobile top-ups service plan (buy)');
    expect(screen.getByTestId('undo')).toHaveTextContent('Build step 1');

    await go('home');
    await fireEvent.click((await screen.findAllByTestId('open-checklist')).at(-1)!);
    const again = await screen.findByTestId('checklist');
    await waitFor(() => expect(within(again).getAllByTestId('checklist-step')[0]).toHaveAttribute('data-state', 'done'));
    expect(within(again).getByTestId('step-create')).toHaveAttribute('data-step', '2');
  });

  it("opens the object of a step only the consultant can finish (approval), at once", async () => {
    const backend = new FakeBackend({}, []);
    const st = (await backend.applyChange({ op: 'create_structure', kind: 'shared_data', name: 'Harbour pool', customer: null })).applied.created!;
    for (let step = 1; step <= 8; step++) await backend.applyChange({ op: 'build_step', structure: st, step });
    render(App, { backend });
    await fireEvent.click((await screen.findAllByTestId('open-checklist')).at(-1)!);
    const open = await screen.findByTestId('step-open');
    expect(open).toHaveAttribute('data-step', '9');
    const first = [...backend.plans.keys()][0]!;
    expect(open).toHaveTextContent(`Open ${first} and approve it`);
    await fireEvent.click(open);
    expect((await screen.findByTestId('plan-editor')).dataset.objectId).toBe(first);
    expect(backend.calls.filter((c) => c.startsWith('applyChange build_step'))).toHaveLength(8);
  });

  it('closes the dialog with Escape and names the field the core refuses', async () => {
    setup();
    await fireEvent.click(await screen.findByTestId('new-structure'));
    const dialog = await screen.findByTestId('dialog-structure');
    await fireEvent.click(within(dialog).getByTestId('create-structure'));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('a structure needs a name');
    expect(within(dialog).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.keyDown(within(dialog).getByLabelText('Name'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('dialog-structure')).not.toBeInTheDocument());
  });
});
