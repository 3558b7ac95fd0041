// Keeps keyboard focus inside a modal dialog while it is open, as a Svelte action:
// `<div role="dialog" aria-modal="true" use:trapFocus>`. Tab and Shift+Tab cycle through the
// dialog's own controls instead of wandering into the window behind it; when the dialog
// closes, focus goes back to what had it before (usually the button that opened it), so a
// keyboard user never loses their place. (WebKitGTK has a native <dialog>, but jsdom, which
// the component tests run in, does not; one action serves both.)

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements of `root` that Tab can reach, in order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((e) => !e.closest('[inert]') && !e.hidden);
}

export function trapFocus(node: HTMLElement): { destroy(): void } {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  if (!node.hasAttribute('tabindex')) node.tabIndex = -1;
  /** The autofocus control if it can take focus yet, else the first control, else the dialog. */
  const initial = (): HTMLElement =>
    focusables(node).find((e) => e.hasAttribute('autofocus')) ?? focusables(node)[0] ?? node;
  queueMicrotask(() => {
    if (!node.contains(document.activeElement)) initial().focus();
  });

  function keydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const all = focusables(node);
    if (all.length === 0) {
      event.preventDefault();
      return;
    }
    const first = all[0]!;
    const last = all[all.length - 1]!;
    const at = document.activeElement;
    if (event.shiftKey && (at === first || !node.contains(at))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (at === last || !node.contains(at))) {
      event.preventDefault();
      first.focus();
    }
  }

  /** Focus that escapes anyway (a click behind the backdrop, a script) is brought back. */
  function focusin(event: FocusEvent): void {
    if (event.target instanceof Node && !node.contains(event.target)) initial().focus();
  }

  node.addEventListener('keydown', keydown);
  document.addEventListener('focusin', focusin);
  return {
    destroy() {
      node.removeEventListener('keydown', keydown);
      document.removeEventListener('focusin', focusin);
      if (opener && opener.isConnected) opener.focus();
    },
  };
}
