import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { FakeBackend } from './lib/fake-backend';

// The Catalog menu: new, open, recent and save-a-copy go through the backend (whose dialogs
// the fake answers from a script) and the window follows the catalog that is open.

describe('the Catalog menu', () => {
  it('opens another catalog through the dialog and reloads the window', async () => {
    const backend = new FakeBackend({ dialogs: ['/work/acme.plansmith'] });
    render(App, { backend });
    await screen.findByTestId('catalog-name');
    await fireEvent.click(screen.getByTestId('catalog-menu'));
    await fireEvent.click(screen.getByTestId('menu-open'));
    await waitFor(() => expect(screen.getByTestId('catalog-name')).toHaveTextContent('acme'));
    await waitFor(() => expect(screen.getByTestId('notice')).toHaveTextContent('Opened acme.plansmith.'));
    expect(backend.calls.filter((c) => c === 'catalogOverview')).toHaveLength(2);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const backend = new FakeBackend({ dialogs: [null] });
    render(App, { backend });
    const name = (await screen.findByTestId('catalog-name')).textContent;
    await fireEvent.keyDown(window, { key: 'o', ctrlKey: true });
    await waitFor(() => expect(backend.calls).toContain('openCatalog'));
    expect(screen.getByTestId('catalog-name').textContent).toBe(name);
    expect(backend.calls.filter((c) => c === 'catalogOverview')).toHaveLength(1);
  });

  it('saves a copy and keeps editing this catalog', async () => {
    const backend = new FakeBackend({ dialogs: ['/work/backup.plansmith'] });
    render(App, { backend });
    const name = (await screen.findByTestId('catalog-name')).textContent;
    await fireEvent.keyDown(window, { key: 'S', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('notice')).toHaveTextContent('Saved a copy as backup.plansmith'));
    expect(screen.getByTestId('catalog-name').textContent).toBe(name);
  });

  it('lists recent catalogs, reopens one, and says when one has gone', async () => {
    const backend = new FakeBackend({
      recent: [
        { path: '/work/north.plansmith', name: 'north.plansmith', exists: true },
        { path: '/gone/south.plansmith', name: 'south.plansmith', exists: false },
      ],
    });
    render(App, { backend });
    await screen.findByTestId('catalog-name');
    const menuButton = screen.getByTestId('catalog-menu');
    await fireEvent.click(menuButton);
    let entries = await screen.findAllByTestId('menu-recent');
    expect(entries.map((e) => e.textContent)).toEqual([
      expect.stringContaining('north.plansmith'),
      expect.stringContaining('no longer there'),
    ]);
    await fireEvent.click(entries[1]!);
    await waitFor(() => expect(screen.getByTestId('notice')).toHaveTextContent('is no longer there'));
    await fireEvent.click(menuButton);
    entries = await screen.findAllByTestId('menu-recent');
    expect(entries).toHaveLength(1);
    await fireEvent.click(entries[0]!);
    await waitFor(() => expect(screen.getByTestId('catalog-name')).toHaveTextContent('north'));
  });

  it('is a keyboard menu: arrows move, Escape closes and returns focus', async () => {
    render(App, { backend: new FakeBackend() });
    await screen.findByTestId('catalog-name');
    const menuButton = screen.getByTestId('catalog-menu');
    menuButton.focus();
    await fireEvent.keyDown(menuButton, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('menu-new')));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByTestId('menu-open'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement, 'wraps to the last item').toBe(screen.getByTestId('menu-copy'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(menuButton);
  });

  it('offers to open another catalog when the first one cannot be opened', async () => {
    const backend = new FakeBackend({
      overview: { kind: 'locked', message: 'demo.plansmith is already open for writing in another Plansmith window', field: null },
      dialogs: ['/work/other.plansmith'],
    });
    render(App, { backend });
    await screen.findByTestId('failure');
    backend.answer({ overview: undefined });
    await fireEvent.click(screen.getByTestId('failure-open'));
    await waitFor(() => expect(backend.calls).toContain('openCatalog'));
  });
});
