// An in-memory Backend for component tests and for running the UI in a browser
// (`npm run dev`). It answers from data given to it and records the calls it received.

import type { Backend } from './backend';
import { BackendFailure } from './backend';
import type { BackendError, Overview } from './types';
import demoOverview from './fixtures/overview.demo.json';

export interface FakeAnswers {
  /** The overview to return, or the error to reject with. */
  overview?: Overview | BackendError;
}

export class FakeBackend implements Backend {
  readonly calls: string[] = [];
  private answers: FakeAnswers;

  constructor(answers: FakeAnswers = {}) {
    this.answers = { overview: structuredClone(demoOverview as Overview), ...answers };
  }

  /** Changes what the next calls return. */
  answer(answers: FakeAnswers): void {
    this.answers = { ...this.answers, ...answers };
  }

  async catalogOverview(): Promise<Overview> {
    this.calls.push('catalogOverview');
    const answer = this.answers.overview;
    if (answer === undefined) throw new BackendFailure({ kind: 'internal', message: 'No overview.', field: null });
    if ('kind' in answer && 'message' in answer) throw new BackendFailure(answer);
    return structuredClone(answer);
  }
}
