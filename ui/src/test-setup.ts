import '@testing-library/jest-dom/vitest';

// jsdom has no layout, so no ResizeObserver (Svelte's bind:clientHeight uses it): a no-op one.
if (!('ResizeObserver' in globalThis)) {
  class ResizeObserverStub {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = ResizeObserverStub;
}
