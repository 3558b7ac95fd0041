import { render, screen, within, fireEvent } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend } from './lib/fake-backend';
import type { Overview } from './lib/types';

const overview: Overview = {
  catalog_id: 'cat-test',
  name: 'Harbour Fibre retail plans',
  provider: 'Harbour Fibre Pty Ltd',
  tier: 'wholesale',
  currency: 'NZD',
  counts: [
    { kind: 'package_plan', total: 5, draft: 3, approved: 1, live: 1, retired: 0 },
    { kind: 'bolt_on_add_on', total: 2, draft: 2, approved: 0, live: 0, retired: 0 },
    { kind: 'bolt_on_group', total: 1, draft: 0, approved: 0, live: 0, retired: 0 },
  ],
  structures: [
    {
      id: 'st-1',
      kind: 'shared_data',
      name: 'Contoso 5 TB pool',
      steps_done: 3,
      steps_total: 9,
      errors: 2,
      warnings: 1,
    },
    {
      id: 'st-2',
      kind: 'bolt_on_add_on',
      name: 'Data top-ups',
      steps_done: 12,
      steps_total: 12,
      errors: 0,
      warnings: 0,
    },
  ],
  errors: 2,
  warnings: 1,
};

describe('the first screen', () => {
  it('shows the catalog header from the backend', async () => {
    render(App, { backend: new FakeBackend({ overview }) });
    expect(await screen.findByTestId('catalog-name')).toHaveTextContent('Harbour Fibre retail plans');
    expect(screen.getByTestId('catalog-provider')).toHaveTextContent('Harbour Fibre Pty Ltd');
    expect(screen.getByTestId('catalog-tier')).toHaveTextContent('Wholesale');
    expect(screen.getByTestId('catalog-currency')).toHaveTextContent('NZD');
  });

  it('lists structures with build progress and their problems', async () => {
    render(App, { backend: new FakeBackend({ overview }) });
    const rows = await screen.findAllByTestId('structure');
    expect(rows).toHaveLength(2);

    const pool = within(rows[0]!);
    expect(pool.getByTestId('structure-name')).toHaveTextContent('Contoso 5 TB pool');
    expect(pool.getByText('Shared data')).toBeInTheDocument();
    expect(pool.getByTestId('structure-progress')).toHaveTextContent('3 of 9 steps done');
    const bar = pool.getByRole('progressbar', { name: 'Build progress of Contoso 5 TB pool' });
    expect(bar).toHaveAttribute('value', '3');
    expect(bar).toHaveAttribute('max', '9');
    expect(pool.getByTestId('error-count')).toHaveTextContent('2 errors');
    expect(pool.getByTestId('warning-count')).toHaveTextContent('1 warning');

    const topUps = within(rows[1]!);
    expect(topUps.getByText('Bolt-on add-on')).toBeInTheDocument();
    expect(topUps.getByTestId('structure-progress')).toHaveTextContent('12 of 12 steps done');
    expect(topUps.getByText('No problems')).toBeInTheDocument();
    expect(topUps.getByRole('progressbar')).toHaveClass('complete');
  });

  it('counts objects per kind and status', async () => {
    render(App, { backend: new FakeBackend({ overview }) });
    const row = (await screen.findAllByTestId('kind-count')).find((r) => r.dataset.kind === 'package_plan')!;
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent?.trim());
    expect(within(row).getByRole('rowheader')).toHaveTextContent('Package plans');
    expect(cells).toEqual(['5', '3', '1', '1', '0']);
    expect(screen.getByRole('rowheader', { name: 'Bolt-on add-ons' })).toBeInTheDocument();
  });

  it('shows dashes, not zeros, for kinds without a lifecycle', async () => {
    render(App, { backend: new FakeBackend({ overview }) });
    const row = (await screen.findAllByTestId('kind-count')).find((r) => r.dataset.kind === 'bolt_on_group')!;
    expect(within(row).getByRole('rowheader')).toHaveTextContent('Bolt-on groups');
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent?.trim());
    expect(cells).toEqual(['1', '—', '—', '—', '—']);
  });

  it('says so when the catalog has no structures', async () => {
    render(App, { backend: new FakeBackend({ overview: { ...overview, structures: [] } }) });
    expect(await screen.findByText('This catalog has no structures yet.')).toBeInTheDocument();
  });

  it('says it is opening the catalog only once opening takes long enough to notice', async () => {
    const backend = new FakeBackend({ overview });
    let answer: (value: Overview) => void = () => {};
    backend.catalogOverview = () => new Promise<Overview>((resolve) => (answer = resolve));
    render(App, { backend });
    // A quick open goes straight to the catalog: no flash of "Opening…" in the first frames.
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByText('Opening the catalog…')).not.toBeInTheDocument();
    // A slow one says what is happening, then shows the catalog.
    expect(await screen.findByText('Opening the catalog…', {}, { timeout: 1000 })).toBeInTheDocument();
    answer(overview);
    expect(await screen.findByTestId('catalog-name')).toHaveTextContent('Harbour Fibre retail plans');
    expect(screen.queryByText('Opening the catalog…')).not.toBeInTheDocument();
  });

  it('shows why the catalog could not be opened, and tries again', async () => {
    const backend = new FakeBackend({
      overview: { kind: 'locked', message: 'acme.plansmith is open for writing in another Plansmith window.', field: null },
    });
    render(App, { backend });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-kind', 'locked');
    expect(within(alert).getByRole('heading')).toHaveTextContent('The catalog is open elsewhere');
    expect(screen.getByTestId('failure-message')).toHaveTextContent('open for writing in another Plansmith window');

    backend.answer({ overview });
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('catalog-name')).toHaveTextContent('Harbour Fibre retail plans');
    expect(backend.calls.filter((c) => c === 'catalogOverview')).toEqual(['catalogOverview', 'catalogOverview']);
  });
});
