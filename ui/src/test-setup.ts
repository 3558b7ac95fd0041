import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/svelte';

// jsdom has no layout, so no ResizeObserver (Svelte's bind:clientHeight uses it): a no-op one.
if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = ResizeObserverStub;
}

// findBy…/waitFor give up after 1 s by default. The first test of a file renders the whole App
// while vitest is still transforming modules on a 2-core CI machine, and that alone has taken
// over a second (LinkEditors failed so in CI). A failing query still fails, only later.
configure({ asyncUtilTimeout: 5000 });
