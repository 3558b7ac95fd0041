// What every link editor section shares: how it commits one change (through the editor, which
// reports the outcome and reloads), how it names an object from the detail view, and which
// findings belong beside which row.

import type { Change, EditOutcome, Finding, Id, ObjectDetail } from './bindings';
import { kindOf } from './ids';
import { kindName } from './vocabulary';

/** Commits one change; answers the outcome, or null when it was refused (the section shows why). */
export type Run = (change: Change, field?: string) => Promise<EditOutcome | null>;

/** The object's name from the detail view, or its id. */
export function nameIn(detail: ObjectDetail, id: Id): string {
  return detail.names.find((n) => n.id === id)?.name ?? id;
}

/** Findings on `object`, on `field` when given. */
export function findingsOn(detail: ObjectDetail, object: Id, field?: string): Finding[] {
  return detail.findings.filter((f) => f.object === object && (field === undefined || f.field === field));
}

/** "bolt-on add-on" for AO-3. */
export function kindOfId(id: Id): string {
  const kind = kindOf(id) ?? 'object';
  return kindName(kind).replace(/s$/, '').toLowerCase();
}

/** The fields the link editors show findings for (the rest go to "Links and structure"). */
export const LINK_FIELDS = [
  'service_plans',
  'package_plans',
  'add_on_group',
  'bolt_on_group',
  'included_values',
  'quotas',
  'pool',
  'buy_counterpart',
];
