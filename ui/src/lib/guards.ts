// Runtime checks that a value received over IPC has the shape of its generated type
// (`bindings/`, re-exported by `types.ts`).
// The Tauri backend runs them on every answer, so a mismatch with the Rust side shows up as a
// clear error instead of a half-drawn screen; the contract test runs them on the fixture that
// the Rust side checks too. Each guard lists every field of its type: keep them in step.

import {
  ERROR_KINDS,
  STRUCTURE_KINDS,
  TIERS,
  type BackendError,
  type KindCount,
  type Overview,
  type StructureSummary,
} from './types';

type Fields<T> = { [K in keyof T]-?: (value: unknown) => boolean };

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);
const listOf =
  <T>(item: (v: unknown) => v is T) =>
  (v: unknown): v is T[] =>
    Array.isArray(v) && v.every(item);

/** Names of the fields that are missing, unexpected or of the wrong type; empty when it fits. */
function problems<T>(value: unknown, fields: Fields<T>, path: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path} is not an object`];
  const record = value as Record<string, unknown>;
  const expected = Object.keys(fields);
  const found: string[] = [];
  for (const key of expected) {
    const check = fields[key as keyof T];
    if (!(key in record)) found.push(`${path}.${key} is missing`);
    else if (!check(record[key])) found.push(`${path}.${key} has an unexpected value`);
  }
  for (const key of Object.keys(record)) {
    if (!expected.includes(key)) found.push(`${path}.${key} is not known to the UI`);
  }
  return found;
}

const kindCountFields: Fields<KindCount> = {
  kind: isString,
  total: isCount,
  draft: isCount,
  approved: isCount,
  live: isCount,
  retired: isCount,
};

const structureFields: Fields<StructureSummary> = {
  id: isString,
  kind: oneOf(STRUCTURE_KINDS),
  name: isString,
  steps_done: isCount,
  steps_total: isCount,
  errors: isCount,
  warnings: isCount,
};

const isKindCount = (v: unknown): v is KindCount => problems(v, kindCountFields, 'count').length === 0;
const isStructure = (v: unknown): v is StructureSummary =>
  problems(v, structureFields, 'structure').length === 0;

const overviewFields: Fields<Overview> = {
  catalog_id: isString,
  name: isString,
  provider: isString,
  tier: oneOf(TIERS),
  currency: isString,
  counts: listOf(isKindCount),
  structures: listOf(isStructure),
  errors: isCount,
  warnings: isCount,
};

const backendErrorFields: Fields<BackendError> = {
  kind: oneOf(ERROR_KINDS),
  message: isString,
  field: (v) => v === null || isString(v),
};

/** Why `value` is not an Overview, item by item; empty when it is one. */
export function overviewProblems(value: unknown): string[] {
  const found = problems(value, overviewFields, 'overview');
  const record = value as Partial<Record<keyof Overview, unknown>> | null;
  if (record && Array.isArray(record.counts)) {
    record.counts.forEach((c, i) => found.push(...problems(c, kindCountFields, `overview.counts[${i}]`)));
  }
  if (record && Array.isArray(record.structures)) {
    record.structures.forEach((s, i) =>
      found.push(...problems(s, structureFields, `overview.structures[${i}]`)),
    );
  }
  return [...new Set(found)];
}

export const isOverview = (value: unknown): value is Overview => overviewProblems(value).length === 0;

export const isBackendError = (value: unknown): value is BackendError =>
  problems(value, backendErrorFields, 'error').length === 0;
