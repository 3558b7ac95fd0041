import { afterEach, describe, expect, it } from 'vitest';
import { trapFocus } from './focus-trap';

function setUp(): { opener: HTMLButtonElement; dialog: HTMLDivElement; buttons: HTMLElement[] } {
  document.body.innerHTML = `
    <button id="opener">Approve…</button>
    <button id="behind">Behind</button>
    <div role="dialog" aria-modal="true">
      <input id="reason" />
      <button id="cancel">Cancel</button>
      <button id="ok" disabled>OK</button>
      <button id="confirm">Confirm</button>
    </div>`;
  const opener = document.getElementById('opener') as HTMLButtonElement;
  opener.focus();
  const dialog = document.querySelector('[role="dialog"]') as HTMLDivElement;
  const buttons = ['reason', 'cancel', 'confirm'].map((id) => document.getElementById(id)!);
  return { opener, dialog, buttons };
}

const tab = (from: Element, shiftKey = false) =>
  from.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', shiftKey, bubbles: true, cancelable: true }));

describe('trapFocus', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('focuses the first control, cycles Tab inside the dialog, and returns focus on close', async () => {
    const { opener, dialog, buttons } = setUp();
    const trap = trapFocus(dialog);
    await Promise.resolve();
    expect(document.activeElement).toBe(buttons[0]);

    buttons[2]!.focus();
    expect(tab(buttons[2]!), 'Tab on the last control is taken over').toBe(false);
    expect(document.activeElement).toBe(buttons[0]);
    expect(tab(buttons[0]!, true)).toBe(false);
    expect(document.activeElement, 'Shift+Tab on the first wraps to the last (skipping disabled)').toBe(buttons[2]);
    buttons[1]!.focus();
    expect(tab(buttons[1]!), 'Tab between controls is left to the browser').toBe(true);

    document.getElementById('behind')!.focus();
    expect(document.activeElement, 'focus that escapes is brought back').toBe(buttons[0]);

    trap.destroy();
    expect(document.activeElement).toBe(opener);
  });

  it('prefers the autofocus control', async () => {
    const { dialog } = setUp();
    document.getElementById('confirm')!.setAttribute('autofocus', '');
    trapFocus(dialog);
    await Promise.resolve();
    expect(document.activeElement?.id).toBe('confirm');
  });
});
