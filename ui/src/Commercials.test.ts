// The Commercials screen, the client view switch and the plan editor's price pairs, against the
// FakeBackend, which answers with the real core's recorded answers on the demo
// (lib/fixtures/commercials.demo.json, from src-tauri/ipc_contract.rs): the figures checked
// here are the core's, laid out by the screen.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import type { Audience, Rating, ScenarioChoice } from './lib/bindings';
import { FakeBackend, fakePlan } from './lib/fake-backend';

function setup(backend = new FakeBackend()) {
  render(App, { backend });
  return backend;
}

async function openCommercials() {
  await fireEvent.click(await screen.findByTestId('nav-commercials'));
  return screen.findByTestId('usage-kilobytes');
}

const cell = (id: string) => screen.getByTestId(id).textContent?.trim();

describe('Commercials', () => {
  it('rates the scenario as it is typed and shows both sides with margin, margin % and markup %', async () => {
    setup();
    const usage = await openCommercials();
    expect(screen.getByTestId('commercials-title')).toHaveTextContent('Harbour Cafés');
    // No usage yet: 599 + 6 × 149 a month on the customer's six sites.
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,493.00'));
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    expect(cell('totals-first-one_off-sell')).toBe('1,794.00');
    expect(cell('totals-first-monthly-buy')).toBe('1,100.00');
    expect(cell('totals-first-one_off-buy')).toBe('900.00');
    expect(cell('totals-first-monthly-margin')).toBe('693.00');
    const monthly = screen.getByTestId('totals-first-monthly');
    expect(monthly).toHaveTextContent('38.65 %');
    expect(monthly).toHaveTextContent('63.00 %');
    expect(within(screen.getByTestId('totals-first')).getByText('Margin % of SELL')).toBeInTheDocument();
    expect(within(screen.getByTestId('totals-first')).getByText('Markup % on BUY')).toBeInTheDocument();
    // The invoice and the carrier's bill of period 1, line by line.
    const invoice = screen.getByTestId('invoice');
    expect(within(invoice).getByText('120 GB')).toBeInTheDocument();
    expect(within(invoice).getByText('2.50 / GB')).toBeInTheDocument();
    expect(screen.getByTestId('carrier-bill')).toHaveTextContent('1.50 / GB');
    expect(cell('invoice-total')).toBe('3,587.00');
    expect(cell('carrier-total')).toBe('2,000.00');
    expect(screen.getByTestId('period-totals').querySelectorAll('tbody tr')).toHaveLength(12);
    expect(screen.getByTestId('assumptions')).toHaveTextContent('RAT-04');
    // The charts are the core's SVG (the proposal's pictures), with the sweep's marks in words.
    await waitFor(() => expect(screen.getByTestId('sweep-chart').querySelector('svg')).not.toBeNull());
    expect(screen.getByTestId('periods-chart').querySelector('svg')).not.toBeNull();
    expect(screen.getByTestId('charts')).toHaveTextContent('Included in a month: 500 GB.');
  });

  it('shows the core sentence, never a raw error, for a usage it cannot read', async () => {
    const backend = setup();
    const usage = await openCommercials();
    backend.rateScenario = async () => {
      throw { kind: 'invalid_input', message: "usage '5 parsecs': 'parsecs' is not a unit; write it like 620GB", field: 'usage' };
    };
    await fireEvent.input(usage, { target: { value: '5 parsecs' } });
    expect(await screen.findByTestId('scenario-problem')).toHaveTextContent("'parsecs' is not a unit");
    expect(usage).toHaveAttribute('aria-invalid', 'true');
  });

  it('never lets an older answer overwrite a newer one', async () => {
    const backend = new FakeBackend();
    const rate = backend.rateScenario.bind(backend);
    let first = true;
    backend.rateScenario = async (s: ScenarioChoice, a: Audience): Promise<Rating> => {
      const answer = await rate(s, a);
      if (first) {
        first = false;
        await new Promise((r) => setTimeout(r, 600));
      }
      return answer;
    };
    setup(backend);
    const usage = await openCommercials();
    await new Promise((r) => setTimeout(r, 250));
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    await new Promise((r) => setTimeout(r, 700));
    expect(cell('totals-first-monthly-sell')).toBe('1,793.00');
  });

  it('client view hides every BUY figure, margin and internal name, and says it is on', async () => {
    setup();
    const usage = await openCommercials();
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-buy')).toBe('1,100.00'));
    const toggle = screen.getByTestId('client-view');
    expect(toggle).toHaveAttribute('aria-checked', 'false');
    await fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-checked', 'true');
    expect(screen.getByTestId('client-banner')).toHaveTextContent('Client view is on');
    await waitFor(() => expect(screen.queryByTestId('totals-first-monthly-buy')).not.toBeInTheDocument());
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    const text = document.body.textContent ?? '';
    for (const buy of ['1,100.00', '900.00', '693.00', '350.00', '95.00', '1.50 / GB', '38.65 %']) expect(text).not.toContain(buy);
    for (const internal of ['AAPT IP-Line', 'Business internet site tail', 'Business shared data 500 GB']) expect(text).not.toContain(internal);
    expect(screen.queryByTestId('carrier-bill')).not.toBeInTheDocument();
    expect(screen.queryByTestId('findings-panel')).not.toBeInTheDocument();
    expect(screen.getByTestId('nav-service_plan')).toBeDisabled();
  });

  it('what if: two more sites, against the form, without touching the design', async () => {
    const backend = setup();
    const usage = await openCommercials();
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    await fireEvent.click(screen.getByTestId('open-what-if'));
    const count = screen.getByTestId('what-if-count');
    expect(count).toHaveFocus();
    await fireEvent.input(count, { target: { value: '8' } });
    await waitFor(() => expect(screen.getByTestId('what-if-sell-monthly')).toHaveTextContent('+298.00'));
    expect(screen.getByTestId('what-if-sell-one_off')).toHaveTextContent('+598.00');
    expect(screen.getByTestId('what-if-buy-monthly')).toHaveTextContent('+190.00');
    expect(screen.getByTestId('what-if-margin-monthly')).toHaveTextContent('+108.00');
    expect(backend.calls.filter((c) => c.startsWith('applyChange'))).toEqual([]);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('what-if')).not.toBeInTheDocument();
  });

  it('saves a scenario as one undoable edit and compares it with the form, differences marked', async () => {
    const backend = setup();
    const usage = await openCommercials();
    await fireEvent.input(usage, { target: { value: '400' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,493.00'));
    await fireEvent.click(screen.getByTestId('save-scenario'));
    await waitFor(() => expect(backend.world.scenarios.map((s) => s.name)).toEqual(['New scenario']));
    expect(screen.getByTestId('undo')).toHaveTextContent("Save scenario 'New scenario' of ST-1");
    await waitFor(() => expect(screen.getByTestId('saved-scenario')).toHaveValue('New scenario'));
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    await fireEvent.click(screen.getByTestId('open-compare'));
    await fireEvent.click(screen.getByTestId('compare-saved'));
    const table = await screen.findByTestId('compare-table');
    const monthly = within(table).getByTestId('compare-row-sell.monthly');
    expect(monthly).toHaveClass('differs');
    expect(monthly.querySelectorAll('td.different')).toHaveLength(1);
    expect(within(table).getByTestId('compare-row-sell.one_off')).not.toHaveClass('differs');
    await fireEvent.click(screen.getByTestId('undo'));
    await waitFor(() => expect(backend.world.scenarios).toEqual([]));
  });

  it('writes the client proposal of the saved scenario shown, and says where', async () => {
    const backend = setup();
    const usage = await openCommercials();
    expect(screen.getByTestId('export-proposal')).toBeDisabled();
    await fireEvent.input(usage, { target: { value: '620' } });
    await waitFor(() => expect(cell('totals-first-monthly-sell')).toBe('1,793.00'));
    await fireEvent.click(screen.getByTestId('save-scenario'));
    await waitFor(() => expect(screen.getByTestId('saved-scenario')).toHaveValue('New scenario'));
    await waitFor(() => expect(screen.getByTestId('export-proposal')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('export-proposal'));
    await waitFor(() => expect(backend.calls.some((c) => /^exportProposal ST-1 New scenario \d{4}-\d{2}-\d{2}$/.test(c))).toBe(true));
    expect(await screen.findByText(/Wrote the client's proposal \(5 pages, SELL prices only\) to \/home\/ava\/ST-1 proposal\.pdf/)).toBeInTheDocument();
  });

  it('says so when the proposal save dialog is cancelled', async () => {
    setup(new FakeBackend({ proposalTo: null }));
    await openCommercials();
    await fireEvent.click(screen.getByTestId('save-scenario'));
    await waitFor(() => expect(screen.getByTestId('export-proposal')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('export-proposal'));
    expect(await screen.findByText(/the save dialog was cancelled/)).toBeInTheDocument();
  });

  it('a structure on Home shows its one-off and monthly totals on both sides', async () => {
    setup();
    await fireEvent.click((await screen.findAllByTestId('open-checklist'))[0]!);
    const money = await screen.findByTestId('subject-totals');
    await waitFor(() => expect(within(money).getByTestId('subject-totals-monthly')).toHaveTextContent('1,493.00'));
    expect(within(money).getByTestId('subject-totals-monthly')).toHaveTextContent('920.00');
    expect(within(money).getByTestId('subject-totals-one_off')).toHaveTextContent('1,794.00');
    expect(money).toHaveTextContent("no usage, the customer's 6 sites");
  });
});

describe('the plan editor beside the carrier', () => {
  it('shows each SELL price with its BUY counterpart price and the margin', async () => {
    // SP-4 is the demo's SELL site tail: 299.00 set-up and 149.00 a month, BUY 150.00 and 95.00.
    const tail = fakePlan('SP-4', 'service_plan', 'SELL', 'Business internet site tail');
    tail.setup_fee = 29900;
    tail.access_fee = 14900;
    setup(new FakeBackend({}, [tail]));
    await fireEvent.click(await screen.findByTestId('nav-service_plan'));
    await fireEvent.click(await screen.findByTestId('list-row'));
    // 149.00 − 95.00 = 54.00, 36.24 % of 149.00; 299.00 − 150.00 = 149.00, 49.83 %.
    expect(await screen.findByTestId('price-pair-access_fee')).toHaveTextContent('BUY 95.00 · margin 54.00 (36.24 % of SELL)');
    expect(screen.getByTestId('price-pair-setup_fee')).toHaveTextContent('BUY 150.00 · margin 149.00 (49.83 % of SELL)');
    // Client view shows the plan as the client sees it: external name and SELL prices only.
    await fireEvent.click(screen.getByTestId('client-view'));
    const sheet = await screen.findByTestId('plan-client-sheet');
    await waitFor(() => expect(within(sheet).getByTestId('client-plan-name')).toHaveTextContent('Business Internet Site Connection'));
    expect(sheet).toHaveTextContent('149.00 AUD');
    expect(document.body.textContent).not.toContain('Business internet site tail');
    expect(document.body.textContent).not.toContain('95.00');
  });
});
