// An in-memory Backend for component tests and for running the UI in a browser
// (`npm run dev`). It answers from data given to it and records the calls it received. Plans
// live in a small in-memory store with undo/redo and two stand-in rules (NAM-01, NAM-02), so
// tests can watch findings appear and clear; it is not the core and does not try to be.

import type { Backend } from './backend';
import { BackendFailure } from './backend';
import type { BackendError, Overview } from './types';
import type {
  ApprovalPlan,
  Blocker,
  Change,
  ChosenKey,
  EditOutcome,
  EntityKind,
  ExportRequest,
  Exported,
  Finding,
  History,
  Id,
  ListPage,
  ListQuery,
  ObjectDetail,
  Plan,
  PlanDetail,
  Preview,
  PreviewObject,
  Progress,
  ReferenceData,
  StepOutcome,
} from './bindings';
import demoOverview from './fixtures/overview.demo.json';

export interface FakeAnswers {
  /** The overview to return, or the error to reject with. */
  overview?: Overview | BackendError;
  /** What the save dialog of an export answers: a path, or `null` (cancelled; the default). */
  saveBundleAs?: string | null;
  /** What the signing key dialog answers (`null`, the default: cancelled). */
  signingKey?: ChosenKey | null;
}

const PREFIX: Record<string, string> = {
  package_plan: 'PP',
  service_plan: 'SP',
  bolt_on: 'BO',
  bolt_on_add_on: 'AO',
};

function emptyDetail(kind: EntityKind): PlanDetail {
  switch (kind) {
    case 'package_plan':
      return { package_plan: { service_plans: [], weighting: 0, included_value: null } };
    case 'service_plan':
      return {
        service_plan: {
          data_billing: {
            mode: 'none',
            billing_type: null,
            quota_kb: null,
            excess_rate: null,
            charge_in_quota: false,
            bonus_kb: null,
            pool: null,
          },
          included_values: [],
        },
      };
    case 'bolt_on':
      return {
        bolt_on: {
          bolt_on_category: null,
          tariff: null,
          included_value: null,
          first_time_fee: null,
          excess_rate: null,
          add_on_group: [],
        },
      };
    default:
      return {
        bolt_on_add_on: {
          bolt_on_category: null,
          tariff: null,
          included_value_type: null,
          is_provisioned: false,
          provisioning_key: null,
          quotas: [],
          available_in_api: null,
          available_in_user_portal: null,
        },
      };
  }
}

export function fakePlan(id: Id, kind: EntityKind, side: 'BUY' | 'SELL', internalName: string): Plan {
  return {
    id,
    side,
    internal_name: internalName,
    external_name: null,
    reference_name: null,
    reference_key: null,
    import_reference: null,
    description: null,
    external_description: null,
    service_type: null,
    buy_counterpart: null,
    setup_fee: null,
    access_fee: null,
    recurring: true,
    pro_rata: false,
    saleable_from: null,
    saleable_to: null,
    status: 'draft',
    production_id: null,
    detail: emptyDetail(kind),
  };
}

function kindOf(id: Id): EntityKind {
  const prefix = id.split('-')[0];
  return (Object.keys(PREFIX).find((k) => PREFIX[k] === prefix) ?? 'package_plan') as EntityKind;
}

function fail(kind: BackendError['kind'], message: string, field: string | null = null): never {
  throw new BackendFailure({ kind, message, field });
}

export class FakeBackend implements Backend {
  readonly calls: string[] = [];
  private answers: FakeAnswers;
  plans = new Map<Id, Plan>();
  private next = 1;
  private done: { label: string; before: Map<Id, Plan> }[] = [];
  private undone: { label: string; before: Map<Id, Plan> }[] = [];

  constructor(answers: FakeAnswers = {}, plans: Plan[] = []) {
    this.answers = { overview: structuredClone(demoOverview as Overview), ...answers };
    for (const p of plans) this.plans.set(p.id, structuredClone(p));
    this.next = plans.length + 1;
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

  private findings(): Finding[] {
    const out: Finding[] = [];
    const make = (rule: string, p: Plan, field: string, found: string, expected: string, fix: string): Finding => ({
      rule,
      severity: 'error',
      object: p.id,
      field,
      message: `${rule} ${p.side} ${p.id} '${p.internal_name}': ${field} ${found}, but ${expected}; ${fix}.`,
      expected,
      found,
      fix,
    });
    for (const p of this.plans.values()) {
      if ('package_plan' in p.detail && p.detail.package_plan.service_plans.length === 0)
        out.push(make('STR-03', p, 'service_plans', 'is empty', 'a package plan contains a service plan', 'add one'));
      if (p.internal_name.trim() === '')
        out.push(make('NAM-01', p, 'internal_name', 'is empty', 'every object has a name', 'name it'));
      if (p.side === 'SELL' && !p.external_name)
        out.push(
          make('NAM-02', p, 'external_name', 'is empty', 'SELL objects are printed on the invoice', 'give it one'),
        );
    }
    return out;
  }

  private historyNow(): History {
    const step = (e: { label: string } | undefined, id: number) =>
      e ? { id, label: e.label, at: '2026-01-01T00:00:00Z', by: 'test' } : null;
    return { undo: step(this.done.at(-1), this.done.length), redo: step(this.undone.at(-1), this.undone.length) };
  }

  async listObjects(query: ListQuery): Promise<ListPage> {
    this.calls.push('listObjects');
    const findings = this.findings();
    const search = query.search?.toLowerCase() ?? '';
    const rows = [...this.plans.values()]
      .filter((p) => kindOf(p.id) === query.kind)
      .filter((p) => !query.side || p.side === query.side)
      .filter((p) => !query.status || p.status === query.status)
      .filter((p) => !query.service_type || p.service_type === query.service_type)
      .filter((p) => !search || `${p.internal_name} ${p.external_name ?? ''} ${p.id}`.toLowerCase().includes(search))
      .map((p) => ({
        id: p.id,
        side: p.side,
        status: p.status,
        name: p.internal_name,
        external_name: p.external_name,
        service_type: p.service_type,
        errors: findings.filter((f) => f.object === p.id).length,
        warnings: 0,
      }))
      .filter((r) => query.has_errors === null || r.errors > 0 === query.has_errors);
    return { total: rows.length, offset: query.offset, rows: rows.slice(query.offset, query.offset + query.limit) };
  }

  async objectDetail(id: Id): Promise<ObjectDetail> {
    this.calls.push(`objectDetail ${id}`);
    const plan = this.plans.get(id) ?? fail('not_found', `There is no ${id}.`);
    const sells = [...this.plans.values()].filter((p) => p.buy_counterpart === id).map((p) => p.id);
    const contained =
      'package_plan' in plan.detail
        ? plan.detail.package_plan.service_plans
        : 'bolt_on' in plan.detail
          ? plan.detail.bolt_on.add_on_group
          : [];
    const named = [...sells, ...contained, ...(plan.buy_counterpart ? [plan.buy_counterpart] : [])];
    return {
      id,
      plan: structuredClone(plan),
      group: null,
      link: null,
      allowance: null,
      customer: null,
      site: null,
      sell_counterparts: sells,
      in_package_plans: [],
      bolt_on_links: [],
      allowances: [],
      in_groups: [],
      in_add_on_groups_of: [],
      names: named.map((n) => {
        const p = this.plans.get(n)!;
        return { id: n, name: p.internal_name, side: p.side, status: p.status, service_type: p.service_type };
      }),
      findings: this.findings().filter((f) => f.object === id),
      editable_when_live: ['internal_name', 'external_name', 'description', 'external_description'],
    };
  }

  async applyChange(change: Change): Promise<EditOutcome> {
    this.calls.push(`applyChange ${change.op}`);
    const before = new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)]));
    let created: Id | null = null;
    let label: string = change.op;
    if (change.op === 'create_plan') {
      created = `${PREFIX[change.kind]}-${this.next++}`;
      this.plans.set(created, fakePlan(created, change.kind, change.side, change.internal_name));
      label = `Create ${change.side} '${change.internal_name}'`;
    } else if (change.op === 'create_sell_counterpart') {
      const of = this.plans.get(change.of) ?? fail('not_found', `There is no ${change.of}.`);
      created = `${of.id.split('-')[0]}-${this.next++}`;
      this.plans.set(created, { ...structuredClone(of), id: created, side: 'SELL', buy_counterpart: of.id });
      label = `Create SELL counterpart of ${of.id}`;
    } else if (change.op === 'set_plan_field') {
      const plan = this.plans.get(change.id) ?? fail('not_found', `There is no ${change.id}.`);
      if (plan.status === 'approved') fail('read_only', `${plan.id} is approved; reopen it to change it.`);
      (plan as unknown as Record<string, unknown>)[change.edit.field] = change.edit.value;
      label = `Set ${change.edit.field} of ${change.id}`;
    } else if (change.op === 'add_to_add_on_group' || change.op === 'remove_from_add_on_group') {
      const plan = this.plans.get(change.bolt_on) ?? fail('not_found', `There is no ${change.bolt_on}.`);
      if (!('bolt_on' in plan.detail)) fail('invalid_input', `${plan.id} is not a bolt-on.`, 'bolt_on');
      const list = plan.detail.bolt_on.add_on_group;
      plan.detail.bolt_on.add_on_group =
        change.op === 'add_to_add_on_group' ? [...list, change.add_on] : list.filter((a) => a !== change.add_on);
      label = `Add-on group of ${change.bolt_on}`;
    } else if (change.op === 'add_service_plan' || change.op === 'remove_service_plan') {
      const plan = this.plans.get(change.package_plan) ?? fail('not_found', `There is no ${change.package_plan}.`);
      if (!('package_plan' in plan.detail)) fail('invalid_input', `${plan.id} is not a package plan.`, 'package_plan');
      const list = plan.detail.package_plan.service_plans;
      plan.detail.package_plan.service_plans =
        change.op === 'add_service_plan' ? [...list, change.service_plan] : list.filter((s) => s !== change.service_plan);
      label = `${change.op === 'add_service_plan' ? 'Add' : 'Remove'} ${change.service_plan}`;
    } else {
      fail('invalid_input', `The fake backend does not do ${change.op}.`);
    }
    this.done.push({ label, before });
    this.undone = [];
    return { applied: { label, created }, rechecked: [], full: true, findings: this.findings(), history: this.historyNow() };
  }

  private replay(from: typeof this.done, to: typeof this.done): StepOutcome {
    const entry = from.pop();
    if (entry) {
      to.push({ label: entry.label, before: new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)])) });
      this.plans = entry.before;
    }
    return {
      step: entry ? { id: 1, label: entry.label, at: '2026-01-01T00:00:00Z', by: 'test' } : null,
      changed: [],
      findings: this.findings(),
      history: this.historyNow(),
    };
  }

  async undo(): Promise<StepOutcome> {
    this.calls.push('undo');
    return this.replay(this.done, this.undone);
  }

  async redo(): Promise<StepOutcome> {
    this.calls.push('redo');
    return this.replay(this.undone, this.done);
  }

  async history(): Promise<History> {
    return this.historyNow();
  }

  async checkCatalog(): Promise<Finding[]> {
    this.calls.push('checkCatalog');
    return this.findings();
  }

  async checkObjects(ids: Id[]): Promise<Finding[]> {
    return this.findings().filter((f) => ids.includes(f.object));
  }

  async affectedObjects(id: Id): Promise<Id[]> {
    return [id];
  }

  async structureProgress(id: Id): Promise<Progress> {
    return { structure: id, kind: 'bolt_on_add_on', name: id, steps: [] };
  }

  async planApproval(ids: Id[]): Promise<ApprovalPlan> {
    this.calls.push(`planApproval ${ids.join(',')}`);
    const blockers = this.findings()
      .filter((f) => ids.includes(f.object))
      .map((f) => ({ object: f.object, rule: f.rule, field: f.field, message: f.message }));
    const approves = blockers.length ? [] : ids.filter((i) => this.plans.get(i)?.status === 'draft');
    return { approves, blockers };
  }

  private setStatus(ids: Id[], status: Plan['status']): StepOutcome {
    for (const id of ids) {
      const p = this.plans.get(id);
      if (p) p.status = status;
    }
    return { step: null, changed: ids, findings: this.findings(), history: this.historyNow() };
  }

  async approve(ids: Id[]): Promise<StepOutcome> {
    this.calls.push(`approve ${ids.join(',')}`);
    const plan = await this.planApproval(ids);
    if (plan.blockers.length) fail('lifecycle', plan.blockers[0]!.message);
    return this.setStatus(plan.approves, 'approved');
  }

  async reopen(id: Id, reason: string): Promise<StepOutcome> {
    this.calls.push(`reopen ${id} ${reason}`);
    if (!reason.trim()) fail('invalid_input', 'Say why it is reopened.', 'reason');
    return this.setStatus([id], 'draft');
  }

  async markLive(id: Id, productionId: string): Promise<StepOutcome> {
    this.calls.push(`markLive ${id}`);
    const p = this.plans.get(id);
    if (p) p.production_id = productionId;
    return this.setStatus([id], 'live');
  }

  async retire(id: Id): Promise<StepOutcome> {
    this.calls.push(`retire ${id}`);
    return this.setStatus([id], 'retired');
  }

  /** The fake's bundle: every plan it holds, whichever structures are chosen (it knows no
   * structure membership), keyed service plans, package plans, bolt-ons, add-ons, BUY first. */
  async previewBundle(structures: Id[]): Promise<Preview> {
    this.calls.push(`previewBundle ${structures.join(',')}`);
    const overview = this.answers.overview;
    const known = new Set((overview && 'structures' in overview ? overview.structures : []).map((s) => s.id));
    for (const id of structures) {
      if (!known.has(id)) fail('not_found', `There is no structure ${id} in this catalog.`, 'structure');
    }
    const KEYING = ['service_plan', 'package_plan', 'bolt_on', 'bolt_on_add_on'];
    const rank = (p: Plan) => KEYING.indexOf(kindOf(p.id)) * 2 + (p.side === 'SELL' ? 1 : 0);
    const plans = [...this.plans.values()]
      .filter((p) => p.status !== 'retired')
      .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
    const build_order: PreviewObject[] = plans.map((p, i) => ({
      id: p.id,
      name: p.internal_name,
      side: p.side,
      status: p.status,
      step: i + 1,
    }));
    const blockers: Blocker[] = plans
      .filter((p) => p.status === 'draft')
      .map((p) => ({
        object: p.id,
        rule: 'LIF-03',
        field: 'status',
        message:
          `LIF-03 ${p.side} ${p.id} '${p.internal_name}' is draft, ` +
          'but a bundle holds only approved or live objects; approve it first.',
      }));
    const ids = new Set(plans.map((p) => p.id));
    for (const f of this.findings().filter((f) => ids.has(f.object))) {
      blockers.push({ object: f.object, rule: f.rule, field: f.field, message: f.message });
    }
    const counts: Record<string, number> = {};
    for (const p of plans) counts[kindOf(p.id)] = (counts[kindOf(p.id)] ?? 0) + 1;
    return {
      structures: structures.length ? structures : [...known],
      objects: [...ids].sort(),
      counts,
      build_order,
      blockers,
      delta: null,
    };
  }

  async exportBundle(request: ExportRequest): Promise<Exported | null> {
    const signed = request.sign ? ` signed with ${request.sign.key}` : '';
    this.calls.push(`exportBundle ${request.structures.join(',')}${signed}`);
    const preview = await this.previewBundle(request.structures);
    if (preview.blockers.length) {
      const lines = preview.blockers.map((b) => `  - ${b.message}`).join('\n');
      fail('lifecycle', `the export was refused: ${preview.blockers.length} blocker(s); fix these first:\n${lines}`);
    }
    const path = this.answers.saveBundleAs ?? null;
    if (path === null) return null;
    return {
      path,
      bundle_id: 'PSB-0123456789abcdef0123',
      sha256: 'f'.repeat(64),
      bytes: 28_322,
      counts: preview.counts,
      structures: preview.structures,
      signed: request.sign !== null,
      delta_of: null,
    };
  }

  async chooseSigningKey(): Promise<ChosenKey | null> {
    this.calls.push('chooseSigningKey');
    return this.answers.signingKey ?? null;
  }

  async referenceData(): Promise<ReferenceData> {
    return {
      settings: {
        catalog_id: 'fake',
        name: 'Fake catalog',
        provider: 'Fake provider',
        tier: 'wholesale',
        currency: 'AUD',
        created_at: '2026-01-01T00:00:00Z',
      },
      service_types: [
        { code: 'MOBILE', name: 'Mobile', category: 'data', auto_provisioned: true },
        { code: 'NBN', name: 'NBN', category: 'data', auto_provisioned: false },
      ],
      tariffs: [],
      bolt_on_categories: [{ code: 'DATA', name: 'Data' }],
    };
  }
}
