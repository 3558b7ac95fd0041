// The editor's fields per plan kind, grouped the way Emersion's screens group them (domain.md
// §2; the bolt-on add-on has its screen 1 and screen 2, availability only on SELL). Each field
// names its canonical `PlanField`, so an edit is one typed `set_plan_field` change and a
// finding's `field` finds the input to mark.

import type { EntityKind, Plan, PlanField } from './bindings';

export type FieldType = 'text' | 'textarea' | 'money' | 'bool' | 'date' | 'int' | 'select' | 'kb' | 'optbool' | 'included_value';

export interface FieldSpec {
  field: PlanField['field'];
  label: string;
  type: FieldType;
  /** Options for a select: [value, label]. A function gets the reference data. */
  options?: 'service_type' | 'bolt_on_category' | 'tariff' | 'included_value_type' | 'data_billing' | 'billing_type';
  required?: boolean;
  hint?: string;
  get: (plan: Plan) => unknown;
}

export interface FieldGroup {
  title: string;
  fields: FieldSpec[];
}

const own = (field: keyof Plan) => (p: Plan) => p[field];
const pkg = (p: Plan) => ('package_plan' in p.detail ? p.detail.package_plan : null);
const svc = (p: Plan) => ('service_plan' in p.detail ? p.detail.service_plan : null);
const bo = (p: Plan) => ('bolt_on' in p.detail ? p.detail.bolt_on : null);
const ao = (p: Plan) => ('bolt_on_add_on' in p.detail ? p.detail.bolt_on_add_on : null);

const f = (field: FieldSpec['field'], label: string, type: FieldType, get: FieldSpec['get'], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  field,
  label,
  type,
  get,
  ...extra,
});

const names: FieldSpec[] = [
  f('internal_name', 'Internal name', 'text', own('internal_name'), { required: true }),
  f('external_name', 'External name', 'text', own('external_name'), { hint: 'Printed on the invoice; required on SELL.' }),
  f('reference_name', 'Reference name', 'text', own('reference_name'), { hint: 'Only when Emersion instructs.' }),
  f('reference_key', 'Reference key', 'text', own('reference_key')),
  f('import_reference', 'Import reference', 'text', own('import_reference')),
  f('description', 'Description', 'textarea', own('description')),
  f('external_description', 'External description', 'textarea', own('external_description')),
];
const serviceType = f('service_type', 'Service type', 'select', own('service_type'), { options: 'service_type' });
const fees: FieldSpec[] = [
  f('recurring', 'Recurring', 'bool', own('recurring')),
  f('setup_fee', 'Setup fee', 'money', own('setup_fee')),
  f('access_fee', 'Access fee', 'money', own('access_fee')),
  f('pro_rata', 'Pro rata', 'bool', own('pro_rata'), {
    hint: 'Yes: the allocation and the access fee are prorated together for a mid-period purchase.',
  }),
];
const saleable: FieldSpec[] = [
  f('saleable_from', 'Saleable from', 'date', own('saleable_from'), { hint: 'Required before approval.' }),
  f('saleable_to', 'Saleable to', 'date', own('saleable_to')),
];

export function fieldGroups(kind: EntityKind, side: 'BUY' | 'SELL'): FieldGroup[] {
  switch (kind) {
    case 'package_plan':
      return [
        { title: 'Details', fields: names },
        {
          title: 'Pricing',
          fields: [...fees, ...saleable, f('weighting', 'Weighting', 'int', (p) => pkg(p)?.weighting, { hint: 'Upgrade/downgrade order.' })],
        },
      ];
    case 'service_plan':
      return [
        { title: 'Details', fields: [...names, serviceType] },
        { title: 'Pricing', fields: [...fees, ...saleable] },
        {
          title: 'Data billing',
          fields: [
            f('data_billing', 'Data billing', 'select', (p) => svc(p)?.data_billing.mode, { options: 'data_billing' }),
            f('billing_type', 'Billing type', 'select', (p) => svc(p)?.data_billing.billing_type, { options: 'billing_type' }),
            f('quota_kb', 'Quota (GB)', 'kb', (p) => svc(p)?.data_billing.quota_kb),
            f('excess_rate', 'Excess rate per GB', 'money', (p) => svc(p)?.data_billing.excess_rate),
            f('charge_in_quota', 'Charge usage inside the quota', 'bool', (p) => svc(p)?.data_billing.charge_in_quota),
            f('bonus_kb', 'Bonus (GB)', 'kb', (p) => svc(p)?.data_billing.bonus_kb),
          ],
        },
      ];
    case 'bolt_on':
      return [
        {
          title: 'Details',
          fields: [
            ...names,
            serviceType,
            f('bolt_on_category', 'Bolt-on category', 'select', (p) => bo(p)?.bolt_on_category, { options: 'bolt_on_category' }),
            f('tariff', 'Tariff', 'select', (p) => bo(p)?.tariff, { options: 'tariff' }),
            f('included_value', 'Included value', 'included_value', (p) => bo(p)?.included_value, {
              hint: 'The one allocation it gives: type and amount (cents, KB, units or seconds).',
            }),
          ],
        },
        {
          title: 'Pricing',
          fields: [
            ...fees,
            f('first_time_fee', 'First-time fee', 'money', (p) => bo(p)?.first_time_fee, { hint: 'Charged once, on first use.' }),
            f('excess_rate', 'Excess rate', 'money', (p) => bo(p)?.excess_rate, { hint: 'After the allocation is used.' }),
            ...saleable,
          ],
        },
      ];
    default: {
      const screen2: FieldSpec[] = [
        f('is_provisioned', 'Is provisioned', 'bool', (p) => ao(p)?.is_provisioned),
        f('provisioning_key', 'Provisioning key', 'text', (p) => ao(p)?.provisioning_key, { hint: 'From the carrier.' }),
        ...fees,
        saleable[0]!,
      ];
      const groups: FieldGroup[] = [
        {
          title: 'Screen 1 · Details',
          fields: [
            ...names,
            serviceType,
            f('bolt_on_category', 'Bolt-on category', 'select', (p) => ao(p)?.bolt_on_category, { options: 'bolt_on_category' }),
            f('tariff', 'Tariff', 'select', (p) => ao(p)?.tariff, { options: 'tariff' }),
            f('included_value_type', 'Included value type', 'select', (p) => ao(p)?.included_value_type, {
              options: 'included_value_type',
            }),
          ],
        },
        { title: 'Screen 2 · Provisioning and pricing', fields: screen2 },
      ];
      if (side === 'SELL')
        groups.push({
          title: 'Screen 2 · Availability',
          fields: [
            f('available_in_api', 'Available in the API', 'optbool', (p) => ao(p)?.available_in_api),
            f('available_in_user_portal', 'Available in the user portal', 'optbool', (p) => ao(p)?.available_in_user_portal),
          ],
        });
      return groups;
    }
  }
}

export const KB_PER_GB = 1024 * 1024;

/** "12.50" for 1250 minor units. */
export function formatMoney(minor: number | null | undefined, decimals = 2): string {
  if (minor === null || minor === undefined) return '';
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** decimals;
  const whole = Math.floor(abs / scale);
  const frac = decimals ? '.' + String(abs % scale).padStart(decimals, '0') : '';
  return `${sign}${whole}${frac}`;
}

/** Minor units for "12.5", null for blank, undefined for text that is not an amount. */
export function parseMoney(text: string, decimals = 2): number | null | undefined {
  const t = text.trim().replace(/[$,\s]/g, '');
  if (t === '') return null;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > decimals) return undefined;
  const value = Number(m[2] || '0') * 10 ** decimals + Number(frac.padEnd(decimals, '0') || '0');
  return m[1] ? -value : value;
}
