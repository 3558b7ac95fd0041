import { mount } from 'svelte';
import App from './App.svelte';
import type { Backend } from './lib/backend';
import { TauriBackend } from './lib/backend';
import './app.css';

/** Inside the app window Tauri injects its IPC bridge; in a plain browser (`npm run dev`) the
 * UI runs against the fake backend and its demo data instead. */
async function chooseBackend(): Promise<Backend> {
  if ('__TAURI_INTERNALS__' in window) return new TauriBackend();
  if (import.meta.env.DEV) {
    const { FakeBackend } = await import('./lib/fake-backend');
    return new FakeBackend();
  }
  return new TauriBackend();
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
chooseBackend().then((backend) => mount(App, { target, props: { backend } }));
