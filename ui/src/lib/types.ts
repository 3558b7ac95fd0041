// The runtime lists of the generated IPC types that the guards in `guards.ts` need (a type
// has no values to check against), and short names for the types the window uses most. The
// types themselves are generated from Rust into `bindings/` (src-tauri/bindings.rs); each list
// below is checked against its generated type in both directions (`satisfies`: no stray
// value; `Covers`: none missing), so a new Rust variant
// fails the type check here until it is listed.

import type { ErrorKind, IpcError, StructureKind, Tier } from './bindings';

export type { ErrorKind, KindCount, Overview, StructureKind, StructureSummary, Tier } from './bindings';

/** An error as a command rejects with it: `{kind, message, field}`. */
export type BackendError = IpcError;

/** `true` when `List` names every member of the union `T`, else `false`. */
type Covers<T, List extends readonly T[]> = [Exclude<T, List[number]>] extends [never] ? true : false;

/** How an error is to be handled; the same snake_case values as the core's `ErrorKind`. */
export const ERROR_KINDS = [
  'not_found',
  'invalid_input',
  'conflict',
  'locked',
  'read_only',
  'lifecycle',
  'incompatible_file',
  'io',
  'internal',
] as const satisfies readonly ErrorKind[];
true satisfies Covers<ErrorKind, typeof ERROR_KINDS>;

export const TIERS = ['wholesale', 'retail'] as const satisfies readonly Tier[];
true satisfies Covers<Tier, typeof TIERS>;

export const STRUCTURE_KINDS = ['shared_data', 'bolt_on_add_on'] as const satisfies readonly StructureKind[];
true satisfies Covers<StructureKind, typeof STRUCTURE_KINDS>;
