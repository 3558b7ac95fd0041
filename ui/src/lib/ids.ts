// What an id says about its object: the prefix names the kind (`PP-12` is a package plan). The
// table is the core's (bindings/domain.ts), so the window parses ids as the core writes them.

import type { EntityKind, Id } from './bindings';
import { KIND_OF_PREFIX, PLAN_KINDS } from './bindings/domain';

/** The kind an id names, or null for text that is not an id of any kind. */
export function kindOf(id: Id): EntityKind | null {
  const dash = id.indexOf('-');
  return dash > 0 ? (KIND_OF_PREFIX[id.slice(0, dash)] ?? null) : null;
}

/** True for the ids of the four plan kinds. */
export function isPlanId(id: Id): boolean {
  const kind = kindOf(id);
  return kind !== null && PLAN_KINDS.includes(kind);
}
