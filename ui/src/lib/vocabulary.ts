// The words the screen uses for the catalog's codes (domain.md §2, §4), in one place.

import type { StructureKind, Tier } from './types';

const KIND_NAMES: Record<string, string> = {
  package_plan: 'Package plans',
  service_plan: 'Service plans',
  bolt_on: 'Bolt-ons',
  bolt_on_add_on: 'Bolt-on add-ons',
  bolt_on_group: 'Bolt-on groups',
  bolt_on_link: 'Bolt-on links',
  allowance: 'Allowances',
  customer: 'Customers',
  site: 'Sites',
};

/** "Package plans" for `package_plan`; an unknown kind is shown in words rather than hidden. */
export function kindName(kind: string): string {
  const known = KIND_NAMES[kind];
  if (known) return known;
  const words = kind.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const STRUCTURE_KIND_NAMES: Record<StructureKind, string> = {
  shared_data: 'Shared data',
  bolt_on_add_on: 'Bolt-on add-on',
};

export const TIER_NAMES: Record<Tier, string> = {
  wholesale: 'Wholesale',
  retail: 'Retail',
};

/** "1 error", "3 warnings", "no errors". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count === 0 ? 'no' : count} ${count === 1 ? one : many}`;
}

/** "6 of 9 steps done". */
export function stepsText(done: number, total: number): string {
  return `${done} of ${total} ${total === 1 ? 'step' : 'steps'} done`;
}
