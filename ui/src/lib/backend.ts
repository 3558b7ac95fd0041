// The one way the UI talks to the app. Components receive a `Backend` and never call Tauri
// directly: the window uses `TauriBackend`; tests (and `npm run dev` in a browser) use
// `FakeBackend` from `fake-backend.ts`.

import { invoke } from '@tauri-apps/api/core';
import { isBackendError, overviewProblems } from './guards';
import type { BackendError, ErrorKind, Overview } from './types';

/** Everything the UI can ask of the app. */
export interface Backend {
  /** Header, counts per kind and build progress of the open catalog. */
  catalogOverview(): Promise<Overview>;
}

/**
 * The Tauri command behind each method. It must match `generate_handler!` in `src-tauri/lib.rs`,
 * `COMMANDS` in `src-tauri/build.rs` and the permissions in `capabilities/main.json`;
 * `ipc-contract.test.ts` checks the last two.
 */
export const COMMANDS = {
  catalogOverview: 'catalog_overview',
} as const satisfies Record<keyof Backend, string>;

/** A failed backend call, carrying the app's `{kind, message, field}`. */
export class BackendFailure extends Error implements BackendError {
  readonly kind: ErrorKind;
  readonly field: string | null;

  constructor(error: BackendError) {
    super(error.message);
    this.name = 'BackendFailure';
    this.kind = error.kind;
    this.field = error.field;
  }

  /** Whatever a call rejected with, as a BackendFailure. */
  static from(reason: unknown): BackendFailure {
    if (reason instanceof BackendFailure) return reason;
    if (isBackendError(reason)) return new BackendFailure(reason);
    const message = reason instanceof Error ? reason.message : String(reason);
    return new BackendFailure({ kind: 'internal', message, field: null });
  }
}

type Invoke = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

/** The backend of the real window: Tauri commands over IPC. */
export class TauriBackend implements Backend {
  constructor(private readonly call: Invoke = invoke) {}

  async catalogOverview(): Promise<Overview> {
    const answer = await this.request(COMMANDS.catalogOverview);
    const problems = overviewProblems(answer);
    if (problems.length > 0) {
      throw new BackendFailure({
        kind: 'internal',
        message: `The app sent a catalog overview this window cannot read (${problems.join('; ')}).`,
        field: null,
      });
    }
    return answer as Overview;
  }

  private async request(command: string, args?: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.call(command, args);
    } catch (reason) {
      throw BackendFailure.from(reason);
    }
  }
}
