// An in-memory Backend for component tests and for running the UI in a browser
// (`npm run dev`). It answers from data given to it and records the calls it received. Plans
// live in a small in-memory store with undo/redo and two stand-in rules (NAM-01, NAM-02), so
// tests can watch findings appear and clear; it is not the core and does not try to be.
// Groups, links, allowances and link candidates live in fake-links.ts.

import type { Backend } from './backend';
import { BackendFailure } from './backend';
import type { BackendError, Overview } from './types';
import type {
  ApprovalPlan,
  CandidatePage,
  CandidateQuery,
  Change,
  EditOutcome,
  EntityKind,
  Finding,
  History,
  Id,
  ListPage,
  ListQuery,
  ObjectDetail,
  ObjectName,
  Plan,
  PlanDetail,
  Progress,
  ReferenceData,
  StepOutcome,
} from './bindings';
import demoOverview from './fixtures/overview.demo.json';
import { FakeLinks } from './fake-links';

type Done = { label: string; before: Map<Id, Plan>; links: FakeLinks };

export interface FakeAnswers {
  /** The overview to return, or the error to reject with. */
  overview?: Overview | BackendError;
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
  /** Groups, bolt-on links and allowances. */
  links = new FakeLinks();
  private done: Done[] = [];
  private undone: Done[] = [];

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
    return [...out, ...this.links.findings(this.plans)];
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

  /** How the detail view names `id`. */
  private nameOf(id: Id): ObjectName | null {
    const p = this.plans.get(id);
    if (p) return { id, name: p.internal_name, side: p.side, status: p.status, service_type: p.service_type };
    const g = this.links.groups.get(id);
    if (g) return { id, name: g.name, side: g.side, status: null, service_type: null };
    const l = this.links.label(id, this.plans);
    return l ? { id, name: l.name, side: l.side, status: null, service_type: null } : null;
  }

  async objectDetail(id: Id): Promise<ObjectDetail> {
    this.calls.push(`objectDetail ${id}`);
    const group = this.links.groups.get(id);
    if (group) {
      return {
        ...this.emptyDetail(id),
        group: structuredClone(group),
        names: group.members.flatMap((m) => this.nameOf(m) ?? []),
        findings: this.findings().filter((f) => f.object === id),
      };
    }
    const link = this.links.links.get(id);
    const allowance = this.links.allowances.get(id);
    if (link || allowance) {
      return {
        ...this.emptyDetail(id),
        link: link ? structuredClone(link) : null,
        allowance: allowance ? structuredClone(allowance) : null,
        findings: this.findings().filter((f) => f.object === id),
      };
    }
    const plan = this.plans.get(id) ?? fail('not_found', `There is no ${id}.`);
    const sells = [...this.plans.values()].filter((p) => p.buy_counterpart === id).map((p) => p.id);
    const contained =
      'package_plan' in plan.detail
        ? plan.detail.package_plan.service_plans
        : 'bolt_on' in plan.detail
          ? plan.detail.bolt_on.add_on_group
          : [];
    const links = [...this.links.links.values()].filter((l) => l.service_plan === id || l.bolt_on === id);
    const allowances = 'service_plan' in plan.detail ? [...this.links.allowances.values()].filter((a) => links.some((l) => l.id === a.bolt_on_link)) : [];
    const inPackages = [...this.plans.values()].filter((p) => 'package_plan' in p.detail && p.detail.package_plan.service_plans.includes(id)).map((p) => p.id);
    const inGroups = [...this.links.groups.values()].filter((g) => g.members.includes(id)).map((g) => g.id);
    const inAddOnGroups = [...this.plans.values()].filter((p) => 'bolt_on' in p.detail && p.detail.bolt_on.add_on_group.includes(id)).map((p) => p.id);
    const pool = 'service_plan' in plan.detail ? plan.detail.service_plan.data_billing.pool : null;
    const named = new Set<Id>([
      ...sells,
      ...contained,
      ...(plan.buy_counterpart ? [plan.buy_counterpart] : []),
      ...(pool ? [pool] : []),
      ...inPackages,
      ...inGroups,
      ...inAddOnGroups,
      ...links.flatMap((l) => [l.service_plan, l.bolt_on]),
      ...allowances.flatMap((a) => [a.add_on, ...(a.buy_parent ? [a.buy_parent] : [])]),
    ]);
    const mine = new Set<Id>([id, ...('service_plan' in plan.detail ? [...links.map((l) => l.id), ...allowances.map((a) => a.id)] : [])]);
    return {
      ...this.emptyDetail(id),
      plan: structuredClone(plan),
      sell_counterparts: sells,
      in_package_plans: inPackages,
      bolt_on_links: structuredClone(links),
      allowances: structuredClone(allowances),
      in_groups: inGroups,
      in_add_on_groups_of: inAddOnGroups,
      names: [...named].sort().flatMap((n) => this.nameOf(n) ?? []),
      findings: this.findings().filter((f) => mine.has(f.object)),
      editable_when_live: ['internal_name', 'external_name', 'description', 'external_description'],
    };
  }

  private emptyDetail(id: Id): ObjectDetail {
    return {
      id,
      plan: null,
      group: null,
      link: null,
      allowance: null,
      customer: null,
      site: null,
      sell_counterparts: [],
      in_package_plans: [],
      bolt_on_links: [],
      allowances: [],
      in_groups: [],
      in_add_on_groups_of: [],
      names: [],
      findings: [],
      editable_when_live: [],
    };
  }

  async linkCandidates(query: CandidateQuery): Promise<CandidatePage> {
    this.calls.push(`linkCandidates ${query.slot} ${query.of}`);
    const findings = this.findings();
    return this.links.candidates(query, this.plans, (id) => findings.filter((f) => f.object === id && f.severity === 'error').length);
  }

  async applyChange(sent: Change): Promise<EditOutcome> {
    // Through JSON, as over IPC: the fake keeps no reference to the caller's (reactive) objects.
    const change = JSON.parse(JSON.stringify(sent)) as Change;
    this.calls.push(`applyChange ${change.op}`);
    const before = new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)]));
    const linksBefore = this.links.clone();
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
      // Kind-specific fields live in the plan's detail (data billing in its own record).
      const detail = Object.values(plan.detail)[0] as Record<string, unknown>;
      const billing = detail.data_billing as Record<string, unknown> | undefined;
      const field = change.edit.field;
      if (field === 'data_billing' && billing) billing.mode = change.edit.value;
      else if (billing && field in billing) billing[field] = change.edit.value;
      else if (field in detail) detail[field] = change.edit.value;
      else (plan as unknown as Record<string, unknown>)[field] = change.edit.value;
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
    } else if (FakeLinks.handles(change)) {
      ({ label, created } = this.links.apply(change, this.plans));
    } else {
      fail('invalid_input', `The fake backend does not do ${change.op}.`);
    }
    this.done.push({ label, before, links: linksBefore });
    this.undone = [];
    return { applied: { label, created }, rechecked: [], full: true, findings: this.findings(), history: this.historyNow() };
  }

  private replay(from: typeof this.done, to: typeof this.done): StepOutcome {
    const entry = from.pop();
    if (entry) {
      to.push({ label: entry.label, before: new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)])), links: this.links.clone() });
      this.plans = entry.before;
      this.links = entry.links;
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
    const named = [...new Set([...approves, ...blockers.map((b) => b.object)])].sort();
    return { approves, blockers, names: named.flatMap((n) => this.nameOf(n) ?? []) };
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
