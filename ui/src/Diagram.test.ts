// The diagram screen against the fake backend, which answers with the core's real layout of
// the demo (fixtures/diagram.demo.json, kept equal to what the `diagram` command sends).
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import DiagramView from './components/DiagramView.svelte';
import type { Diagram, Id } from './lib/bindings';
import { FakeBackend, fakePlan } from './lib/fake-backend';
import fixtures from './lib/fixtures/diagram.demo.json';

const demo = fixtures as unknown as Record<string, Diagram>;

// jsdom lays nothing out: give the view a size, as the window would.
const sizes = { clientWidth: 1000, clientHeight: 600 };
const saved: Record<string, PropertyDescriptor | undefined> = {};
beforeAll(() => {
  for (const [name, value] of Object.entries(sizes)) {
    saved[name] = Object.getOwnPropertyDescriptor(HTMLElement.prototype, name);
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get: () => value });
  }
});
afterAll(() => {
  for (const [name, descriptor] of Object.entries(saved)) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
  }
});

function view(answers: ConstructorParameters<typeof FakeBackend>[0] = {}, of: Parameters<FakeBackend['diagram']>[0] = { structure: 'ST-2' }) {
  const backend = new FakeBackend(answers);
  const onopen = vi.fn<(id: Id) => void>();
  render(DiagramView, { backend, of, onopen });
  return { backend, onopen };
}

const node = (key: string) => screen.getAllByTestId('diagram-node').find((n) => n.dataset.key === key)!;
const plane = () => screen.getByTestId('diagram-plane');
const translate = () => {
  const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([-\d.]+)\)/.exec(plane().style.transform);
  return { x: Number(m![1]), y: Number(m![2]), scale: Number(m![3]) };
};
async function click(element: Element, pointerId = 1): Promise<void> {
  await fireEvent.pointerDown(element, { button: 0, pointerId, clientX: 10, clientY: 10 });
  // A real press focuses the focusable box under it before the button is released.
  const focusable = element.closest('[tabindex]');
  if (focusable instanceof HTMLElement || focusable instanceof SVGElement) focusable.focus();
  await fireEvent.pointerUp(element, { button: 0, pointerId, clientX: 10, clientY: 10 });
}

describe('the diagram view', () => {
  it('draws every box, line and group of the core layout, with kind, name, side, status', async () => {
    view();
    const mobile = demo['structure ST-2']!;
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent(mobile.title);
    expect(screen.getAllByTestId('diagram-node')).toHaveLength(mobile.nodes.length);
    expect(screen.getAllByTestId('diagram-edge')).toHaveLength(mobile.edges.length);
    expect(screen.getByTestId('diagram-count')).toHaveTextContent('18 boxes');
    const addOn = node('AO-2');
    expect(addOn).toHaveTextContent('SELL · add-on · AO-2');
    expect(addOn).toHaveTextContent('DRAFT');
    expect(addOn).toHaveTextContent('Mobile data top-up 1 GB');
    expect(addOn).toHaveAttribute('aria-label', 'SELL add-on AO-2: Mobile data top-up 1 GB, draft');
    const box = addOn.querySelector('rect.box')!;
    expect([box.getAttribute('x'), box.getAttribute('y')]).toEqual([
      String(mobile.nodes.find((n) => n.key === 'AO-2')!.x),
      String(mobile.nodes.find((n) => n.key === 'AO-2')!.y),
    ]);
    // Counterpart lines are dashed; bolt-on links carry their behaviour; groups are boxes.
    const counterpart = screen.getAllByTestId('diagram-edge').find((e) => e.dataset.kind === 'counterpart')!;
    expect(counterpart.querySelector('polyline')).toHaveAttribute('stroke-dasharray', '6 4');
    expect(screen.getAllByText('optional').length).toBeGreaterThan(0);
    const plane = screen.getByTestId('diagram-plane');
    expect(plane.querySelector('[data-container="BG-1"]')).toHaveTextContent('Bolt-on group BG-1');
    expect(plane.querySelector('[data-container="add-on-group:BO-2"]')).not.toBeNull();
  });

  it('marks boxes and lines with errors', async () => {
    const mobile = structuredClone(demo['structure ST-2']!);
    mobile.nodes.find((n) => n.key === 'BO-2')!.errors = 2;
    const link = mobile.edges.find((e) => e.kind === 'link')!;
    link.errors = 1;
    view({ diagrams: { 'structure ST-2': mobile } });
    await screen.findByTestId('diagram-title');
    expect(node('BO-2')).toHaveClass('errors');
    expect(within(node('BO-2')).getByText('2')).toBeInTheDocument();
    expect(node('BO-1')).not.toHaveClass('errors');
    const line = screen.getAllByTestId('diagram-edge').find((e) => e.dataset.from === link.from && e.dataset.to === link.to)!;
    expect(line).toHaveClass('errors');
    expect(screen.getByText('3 errors marked')).toBeInTheDocument();
  });

  it('highlights the whole chain of a selected SELL add-on, and opens it on a second click', async () => {
    const { onopen } = view();
    await screen.findByTestId('diagram-title');
    expect(screen.queryByTestId('diagram-chain')).toBeNull();
    await click(node('AO-2'));
    const lit = screen.getAllByTestId('diagram-chain-node').map((n) => n.dataset.key).sort();
    expect(lit).toEqual(['AL-1', 'AL-4', 'AO-1', 'AO-2', 'BO-1', 'BO-2', 'PP-5', 'PP-6', 'SP-5', 'SP-6']);
    expect(screen.getByTestId('diagram-selection')).toHaveTextContent('AO-2 Mobile data top-up 1 GB');
    expect(node('AO-2')).toHaveClass('selected');
    expect(onopen).not.toHaveBeenCalled();
    await click(node('AO-2'));
    expect(onopen).toHaveBeenCalledWith('AO-2');
    // An allowance opens the service plan whose link carries it; empty space clears the selection.
    await click(node('AL-4'));
    await fireEvent.dblClick(node('AL-4'));
    expect(onopen).toHaveBeenLastCalledWith('SP-6');
    await click(screen.getByTestId('diagram-viewport'));
    expect(screen.queryByTestId('diagram-chain')).toBeNull();
  });

  it('pans by dragging without selecting, and shows a summary on hover', async () => {
    view();
    await screen.findByTestId('diagram-title');
    const before = translate();
    const viewport = screen.getByTestId('diagram-viewport');
    await fireEvent.pointerDown(node('SP-6'), { button: 0, pointerId: 3, clientX: 100, clientY: 100 });
    await fireEvent.pointerMove(viewport, { pointerId: 3, clientX: 160, clientY: 70 });
    await fireEvent.pointerUp(viewport, { pointerId: 3, clientX: 160, clientY: 70 });
    expect(translate().x - before.x).toBe(60);
    expect(translate().y - before.y).toBe(-30);
    expect(screen.queryByTestId('diagram-chain')).toBeNull();
    await fireEvent.pointerMove(node('BO-2').querySelector('rect')!, { pointerId: 9, clientX: 50, clientY: 50 });
    const summary = screen.getByTestId('diagram-summary');
    expect(summary).toHaveTextContent('SELL bolt-on · BO-2 · draft');
    expect(summary).toHaveTextContent('Mobile data 8 GB bolt-on');
    expect(summary).toHaveTextContent('No findings.');
  });

  it('is usable from the keyboard: pan, zoom, fit, move between boxes, open', async () => {
    const { onopen } = view();
    await screen.findByTestId('diagram-title');
    const viewport = screen.getByTestId('diagram-viewport');
    const fitted = translate();
    const zoom = screen.getByTestId('zoom').textContent;
    await fireEvent.keyDown(viewport, { key: 'ArrowRight' });
    expect(translate().x).toBe(fitted.x - 60);
    await fireEvent.keyDown(viewport, { key: 'ArrowDown', shiftKey: true });
    expect(translate().y).toBe(fitted.y - 240);
    await fireEvent.keyDown(viewport, { key: '+' });
    expect(screen.getByTestId('zoom').textContent).not.toBe(zoom);
    await fireEvent.keyDown(viewport, { key: '0' });
    expect(screen.getByTestId('zoom').textContent).toBe(zoom);
    expect(translate()).toEqual(fitted);
    // Enter goes to the box nearest the centre; arrows move between boxes as drawn.
    await fireEvent.keyDown(viewport, { key: 'Enter' });
    await Promise.resolve();
    const first = document.activeElement as HTMLElement;
    expect(first.dataset.key).toBeTruthy();
    await fireEvent.keyDown(node('SP-6'), { key: 'ArrowDown' });
    await Promise.resolve();
    expect((document.activeElement as HTMLElement).dataset.key).toBe('BO-2');
    expect(screen.getByTestId('diagram-selection')).toHaveTextContent('BO-2');
    expect(node('BO-2')).toHaveAttribute('tabindex', '0');
    await fireEvent.keyDown(node('BO-2'), { key: 'Enter' });
    expect(onopen).toHaveBeenCalledWith('BO-2');
    await fireEvent.keyDown(node('BO-2'), { key: 'Escape' });
    expect(screen.queryByTestId('diagram-chain')).toBeNull();
    expect(document.activeElement).toBe(viewport);
  });

  it('zooms with the buttons', async () => {
    view();
    await screen.findByTestId('diagram-title');
    const zoom = () => Number(screen.getByTestId('zoom').textContent!.replace(/\D/g, ''));
    const start = zoom();
    await fireEvent.click(screen.getByTestId('zoom-in'));
    expect(Math.abs(zoom() - start * 1.25)).toBeLessThanOrEqual(1);
    await fireEvent.click(screen.getByTestId('zoom-out'));
    await fireEvent.click(screen.getByTestId('zoom-out'));
    expect(Math.abs(zoom() - start / 1.25)).toBeLessThanOrEqual(1);
  });

  it('exports SVG and PNG through the save dialog, and says when it was cancelled or failed', async () => {
    const { backend } = view();
    await screen.findByTestId('diagram-title');
    await fireEvent.click(screen.getByTestId('export-svg'));
    expect(await screen.findByTestId('diagram-notice')).toHaveTextContent('Saved /home/ava/structure ST-2.svg');
    backend.answer({ exportTo: null });
    await fireEvent.click(screen.getByTestId('export-png'));
    expect(await screen.findByText('Export cancelled: nothing was written.')).toBeInTheDocument();
    backend.answer({ exportTo: { kind: 'io', message: 'The diagram could not be saved as /x.png: denied.', field: 'path' } });
    await fireEvent.click(screen.getByTestId('export-png'));
    expect(await screen.findByText('The diagram could not be saved as /x.png: denied.')).toBeInTheDocument();
    expect(backend.calls.filter((c) => c.startsWith('exportDiagram'))).toEqual([
      'exportDiagram structure ST-2 svg',
      'exportDiagram structure ST-2 png',
      'exportDiagram structure ST-2 png',
    ]);
  });

  it('says why a diagram cannot be drawn', async () => {
    view({}, { structure: 'ST-9' });
    expect(await screen.findByTestId('diagram-failure')).toHaveTextContent('There is no structure ST-9 in this catalog.');
  });
});

describe('the diagram in the window', () => {
  it('opens from Home for a structure and for the whole catalog, and from the checklist', async () => {
    const backend = new FakeBackend({}, [fakePlan('AO-2', 'bolt_on_add_on', 'SELL', 'Mobile data top-up 1 GB')]);
    render(App, { backend });
    const structures = await screen.findAllByTestId('structure');
    const mobile = structures.find((s) => s.dataset.structureId === 'ST-2')!;
    await fireEvent.click(within(mobile).getByTestId('open-diagram'));
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent('Structure ST-2');
    // A box opens its editor; Back returns to the diagram.
    await click(node('AO-2'));
    await click(node('AO-2'));
    expect(await screen.findByTestId('plan-editor')).toHaveAttribute('data-object-id', 'AO-2');
    await fireEvent.click(screen.getByTestId('back-to-diagram'));
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent('Structure ST-2');

    await fireEvent.click(screen.getByTestId('nav-home'));
    await fireEvent.click(await screen.findByTestId('open-catalog-diagram'));
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent('whole catalog');
    expect(screen.getAllByTestId('diagram-node')).toHaveLength(demo.catalog!.nodes.length);

    await fireEvent.click(screen.getByTestId('nav-home'));
    const shared = (await screen.findAllByTestId('structure')).find((s) => s.dataset.structureId === 'ST-1')!;
    await fireEvent.click(within(shared).getByTestId('open-checklist'));
    await fireEvent.click(await screen.findByTestId('checklist-diagram'));
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent('Structure ST-1');
    // A shared-data structure is also drawn as its customer, pool and sites.
    await fireEvent.click(screen.getByRole('button', { name: 'Customer, pool and sites' }));
    expect(await screen.findByTestId('diagram-title')).toHaveTextContent(demo['shared_data ST-1']!.title);
  });
});
