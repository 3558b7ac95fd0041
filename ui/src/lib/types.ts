// The data the app's commands send, mirrored by hand from the Rust side (plansmith-core's
// `Overview`, the app's `IpcError`). They are pinned to Rust by a contract: the Rust test
// `src-tauri/ipc_contract.rs` checks that the core's demo Overview still matches
// `fixtures/overview.demo.json`, and `ipc-contract.test.ts` checks that fixture with the guards
// in `guards.ts`, which follow these types field by field.

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
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** An error as a command rejects with it. */
export interface BackendError {
  kind: ErrorKind;
  /** A full sentence for the user, shown as is. */
  message: string;
  /** The input at fault, when there is one. */
  field: string | null;
}

export const TIERS = ['wholesale', 'retail'] as const;
export type Tier = (typeof TIERS)[number];

export const STRUCTURE_KINDS = ['shared_data', 'bolt_on_add_on'] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

/** How many objects of one kind the catalog holds, by lifecycle status. */
export interface KindCount {
  /** A plan object kind: `package_plan`, `service_plan`, `bolt_on`, … */
  kind: string;
  total: number;
  draft: number;
  approved: number;
  live: number;
  retired: number;
}

/** One structure (a shared-data or bolt-on add-on build) and how far its build procedure is. */
export interface StructureSummary {
  id: string;
  kind: StructureKind;
  name: string;
  steps_done: number;
  steps_total: number;
  errors: number;
  warnings: number;
}

/** What the first screen shows about the open catalog. */
export interface Overview {
  catalog_id: string;
  name: string;
  provider: string;
  tier: Tier;
  /** ISO 4217 code, e.g. AUD. */
  currency: string;
  counts: KindCount[];
  structures: StructureSummary[];
  errors: number;
  warnings: number;
}
