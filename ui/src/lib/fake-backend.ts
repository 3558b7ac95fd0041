// An in-memory Backend for component tests and for running the UI in a browser
// (`npm run dev`). It answers from data given to it and records the calls it received. Plans
// live in a small in-memory store with undo/redo and two stand-in rules (NAM-01, NAM-02), so
// tests can watch findings appear and clear; it is not the core and does not try to be.
// Groups, links, allowances and link candidates live in fake-links.ts.
// Reference data, settings (with the core's currency refusal), customers, sites, data pools
// and structures live here too, with the core's hard errors (`{kind, message, field}`) for
// what the screens send; a structure's checklist is a simplified chain (each step creates one
// plan once the steps before it are done), enough to drive the checklist's buttons.

import type { Backend } from './backend';
import { KIND_OF_PREFIX } from './bindings/domain';
import { kindOf as kindOfId } from './ids';
import type { BackendError, Overview } from './types';
import { BackendFailure } from './backend';
import type {
  Audience,
  Comparison,
  MoneyCharts,
  PriceOverride,
  PricePairs,
  Rating,
  ScenarioChoice,
  ScenarioForm,
  SubjectTotals,
  TypedScenario,
  WhatIf,
  ApprovalPlan,
  Blocker,
  BoltOnCategory,
  CandidatePage,
  CandidateQuery,
  CatalogFile,
  Change,
  ChosenKey,
  Customer,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  DataPool,
  Diagram,
  DiagramOf,
  EditOutcome,
  EntityKind,
  Exported,
  ExportRequest,
  Finding,
  History,
  Id,
  ListPage,
  ListQuery,
  ObjectDetail,
  ObjectName,
  PictureFormat,
  Plan,
  PlanDetail,
  Preview,
  PreviewObject,
  Progress,
  RecentCatalog,
  SavedPicture,
  SavedProposal,
  ExportProposalRequest,
  ReferenceData,
  ServiceType,
  Settings,
  Site,
  StepAction,
  StepOutcome,
  StructureKind,
  Tariff,
} from './bindings';
import demoOverview from './fixtures/overview.demo.json';
import { FakeLinks } from './fake-links';
import { kindName } from './vocabulary';

type Done = { label: string; before: Map<Id, Plan>; links: FakeLinks; world: World };
import demoDiagrams from './fixtures/diagram.demo.json';
// The Commercials answers of the real commands on the demo (ipc_contract.rs records them).
import demoCommercials from './fixtures/commercials.demo.json';

export interface FakeAnswers {
  /** The overview to return, or the error to reject with. */
  overview?: Overview | BackendError;
  /** What the file dialogs answer, in order: a path, or `null` for "cancelled". */
  dialogs?: (string | null)[];
  /** The recent catalogs list. */
  recent?: RecentCatalog[];
  /** Diagrams by `diagramName(of)`; default: the demo's, as the core lays them out. */
  diagrams?: Record<string, Diagram>;
  /** What the save dialog of `exportDiagram` answers: a path, `null` (cancelled) or an error. */
  exportTo?: string | null | BackendError;
  /** What the save dialog of an export answers: a path, or `null` (cancelled; the default). */
  saveBundleAs?: string | null;
  /** What the signing key dialog answers (`null`, the default: cancelled). */
  signingKey?: ChosenKey | null;
  /** What the save dialog of `exportProposal` answers: a path (default), `null` (cancelled) or an error. */
  proposalTo?: string | null | BackendError;
}

/** The key of a diagram in `FakeAnswers.diagrams`: "catalog", "structure ST-2", "shared_data ST-1". */
export function diagramName(of: DiagramOf): string {
  if (of === 'catalog') return 'catalog';
  return 'structure' in of ? `structure ${of.structure}` : `shared_data ${of.shared_data}`;
}

const fileOf = (path: string): CatalogFile => ({ path, name: path.split('/').pop() ?? path });

/** The id prefix of each kind: the core's table, turned round. */
const PREFIX: Record<string, string> = Object.fromEntries(Object.entries(KIND_OF_PREFIX).map(([prefix, kind]) => [kind, prefix]));

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
  return kindOfId(id) ?? 'package_plan';
}

function fail(kind: BackendError['kind'], message: string, field: string | null = null): never {
  throw new BackendFailure({ kind, message, field });
}

/** The core's currencies (value.rs) with their decimals: enough to refuse as it does. */
const CURRENCY_DECIMALS: Record<string, number> = { AUD: 2, NZD: 2, USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0, BHD: 3 };

/** The article steps of each structure kind, as progress.rs names them (the last approves). */
const STEP_TITLES: Record<StructureKind, string[]> = {
  bolt_on_add_on: [
    'Build the BUY service plan and BUY package plan and link them',
    'Build the SELL service plan and SELL package plan and link them',
    'Build the BUY bolt-on',
    'Build the SELL bolt-on',
    'Place the SELL bolt-on(s) into a bolt-on group',
    'Build the BUY bolt-on add-on',
    'Build the SELL bolt-on add-on',
    "Place the BUY bolt-on add-on into the BUY bolt-on's add-on group",
    "Place the SELL bolt-on add-on into the SELL bolt-on's add-on group",
    'Link the BUY bolt-on and bolt-on add-on to the BUY service plan',
    'Construct the BUY allowance',
    'Construct the SELL allowance: SELL service plan > SELL bolt-on > SELL add-on',
    'Approve all plans ready for sale',
  ],
  shared_data: [
    "BUY service plan for the data allowance, with the carrier's buy prices",
    'SELL service plan for the data allowance, with data billing (pool quota and excess rates)',
    'BUY package plan for the data allowance, containing the BUY data service plan',
    'SELL package plan for the data allowance, containing the SELL data service plan',
    'BUY service plan for the tail only, with buy prices',
    'SELL service plan for the tail only, drawing on the data pool (no data billing of its own)',
    'BUY package plan for the tail only, containing the BUY tail service plan',
    'SELL package plan for the tail only, containing the SELL tail service plan',
    'Approve all plans ready for sale',
  ],
};

/** The plan a fake step creates, from its words. */
function stepCreates(title: string): { kind: EntityKind; side: 'BUY' | 'SELL' } {
  const t = title.toLowerCase();
  const kind: EntityKind = t.includes('add-on')
    ? 'bolt_on_add_on'
    : t.includes('bolt-on')
      ? 'bolt_on'
      : t.startsWith('buy package') || t.startsWith('sell package')
        ? 'package_plan'
        : 'service_plan';
  return { kind, side: title.includes('SELL') ? 'SELL' : 'BUY' };
}

interface FakeStructure {
  id: Id;
  kind: StructureKind;
  name: string;
  customer: Id | null;
  /** Step number → the objects that did it. */
  done: Record<number, Id[]>;
}

/** Everything besides plans that an edit can change (and undo restores). */
interface World {
  settings: Settings;
  serviceTypes: ServiceType[];
  tariffs: Tariff[];
  categories: BoltOnCategory[];
  customers: Map<Id, Customer>;
  sites: Map<Id, Site>;
  structures: Map<Id, FakeStructure>;
  /** Saved scenarios, as the form holds them, in the order saved. */
  scenarios: TypedScenario[];
  counter: number;
}

/** JSON with keys sorted, so two requests compare by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

type Recorded = { command: string; request: unknown; answer: unknown };

function fakeWorld(): World {
  return {
    settings: {
      catalog_id: 'fake',
      name: 'Fake catalog',
      provider: 'Fake provider',
      tier: 'wholesale',
      currency: 'AUD',
      created_at: '2026-01-01T00:00:00Z',
    },
    serviceTypes: [
      { code: 'MOBILE', name: 'Mobile', category: 'data', auto_provisioned: true },
      { code: 'NBN', name: 'NBN', category: 'data', auto_provisioned: false },
    ],
    tariffs: [],
    categories: [{ code: 'DATA', name: 'Data' }],
    customers: new Map(),
    sites: new Map(),
    structures: new Map(),
    scenarios: [],
    counter: 100,
  };
}

function required(field: string, what: string, value: string): string {
  const t = value.trim();
  if (!t) fail('invalid_input', `${what} needs a ${field}`, field);
  return t;
}

export class FakeBackend implements Backend {
  readonly calls: string[] = [];
  private answers: FakeAnswers;
  plans = new Map<Id, Plan>();
  private next = 1;
  /** Groups, bolt-on links and allowances. */
  links = new FakeLinks();
  /** Reference data, settings, customers, sites and structures. */
  world: World = fakeWorld();
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
    const world = structuredClone(this.world);
    let created: Id | null = null;
    let label: string = change.op;
    const other = (() => {
      try {
        return this.applyWorld(change);
      } catch (reason) {
        this.plans = before;
        this.world = world;
        throw reason;
      }
    })();
    if (other) {
      ({ label, created } = other);
    } else if (change.op === 'create_plan') {
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
    this.done.push({ label, before, links: linksBefore, world });
    this.undone = [];
    return { applied: { label, created }, rechecked: [], full: true, findings: this.findings(), history: this.historyNow() };
  }

  private replay(from: typeof this.done, to: typeof this.done): StepOutcome {
    const entry = from.pop();
    if (entry) {
      to.push({
        label: entry.label,
        before: new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)])),
        links: this.links.clone(),
        world: structuredClone(this.world),
      });
      this.plans = entry.before;
      this.links = entry.links;
      this.world = entry.world;
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

  private structure(id: Id): FakeStructure {
    return this.world.structures.get(id) ?? fail('not_found', `there is no structure ${id} in this catalog`, 'id');
  }

  async structureProgress(id: Id): Promise<Progress> {
    this.calls.push(`structureProgress ${id}`);
    const st = this.world.structures.get(id);
    if (!st) return { structure: id, kind: 'bolt_on_add_on', name: id, steps: [] };
    return {
      structure: id,
      kind: st.kind,
      name: st.name,
      steps: STEP_TITLES[st.kind].map((title, i) => {
        const objects = st.done[i + 1];
        return objects
          ? { number: i + 1, title, state: 'done' as const, objects, missing: null }
          : { number: i + 1, title, state: 'open' as const, objects: [], missing: title.toLowerCase() };
      }),
    };
  }

  async stepActions(id: Id): Promise<StepAction[]> {
    this.calls.push(`stepActions ${id}`);
    const st = this.structure(id);
    const titles = STEP_TITLES[st.kind];
    const out: StepAction[] = [];
    titles.forEach((title, i) => {
      const number = i + 1;
      if (st.done[number]) return;
      const before = titles.slice(0, i).findIndex((_, j) => !st.done[j + 1]);
      if (number === titles.length) {
        const first = Object.values(st.done).flat()[0];
        out.push(
          before >= 0 || !first
            ? { number, kind: 'blocked', label: 'Finish the steps above first; then approve the plans.', open: null, field: null }
            : { number, kind: 'open', label: `Open ${first} and approve it`, open: first, field: null },
        );
      } else if (before >= 0) {
        out.push({ number, kind: 'blocked', label: `Do step ${before + 1} first: it needs ${titles[before]!.toLowerCase()}.`, open: null, field: null });
      } else {
        const { kind, side } = stepCreates(title);
        out.push({ number, kind: 'create', label: `Create a ${side} ${kindName(kind)}`, open: null, field: 'internal_name' });
      }
    });
    return out;
  }

  async listCustomers(query: CustomerQuery): Promise<CustomerPage> {
    this.calls.push('listCustomers');
    if (query.limit < 1 || query.limit > 1000) fail('invalid_input', 'limit: ask for 1 to 1000 customers per page', 'limit');
    const words = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const rows = [...this.world.customers.values()]
      .filter((c) => words.every((w) => `${c.name} ${c.id}`.toLowerCase().includes(w)))
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id.localeCompare(b.id))
      .map((c) => ({
        id: c.id,
        name: c.name,
        sites: [...this.world.sites.values()].filter((s) => s.customer === c.id).length,
        pool: this.poolOf(c),
      }));
    return { total: rows.length, offset: query.offset, rows: rows.slice(query.offset, query.offset + query.limit) };
  }

  async customerDetail(id: Id): Promise<CustomerDetail> {
    this.calls.push(`customerDetail ${id}`);
    const customer = this.world.customers.get(id) ?? fail('not_found', `there is no customer ${id} in this catalog`, 'id');
    const pool = this.poolOf(customer);
    const sites = [...this.world.sites.values()]
      .filter((s) => s.customer === id)
      .map((site) => {
        const tail = site.tail_package ? this.plans.get(site.tail_package) : undefined;
        const sps = tail && 'package_plan' in tail.detail ? tail.detail.package_plan.service_plans : [];
        const draws = sps.some((sp) => {
          const p = this.plans.get(sp);
          return !!p && 'service_plan' in p.detail && p.detail.service_plan.data_billing.mode === 'pooled' && p.detail.service_plan.data_billing.pool === pool?.service_plan;
        });
        return { site: structuredClone(site), tail_package_name: tail?.internal_name ?? null, draws_from_pool: draws };
      });
    const structures = [...this.world.structures.values()]
      .filter((s) => s.customer === id)
      .map((s) => ({ id: s.id, name: s.name, side: null, status: null, service_type: null }));
    return { customer: structuredClone(customer), pool, sites, structures };
  }

  private poolOf(c: Customer): DataPool | null {
    const pkg = c.data_package ? this.plans.get(c.data_package) : undefined;
    if (!pkg || !('package_plan' in pkg.detail)) return null;
    const sp = pkg.detail.package_plan.service_plans
      .map((id) => this.plans.get(id))
      .find((p) => !!p && 'service_plan' in p.detail && p.detail.service_plan.data_billing.mode === 'own');
    const billing = sp && 'service_plan' in sp.detail ? sp.detail.service_plan.data_billing : null;
    return {
      package: pkg.id,
      package_name: pkg.internal_name,
      service_plan: sp?.id ?? null,
      service_plan_name: sp?.internal_name ?? null,
      side: sp?.side ?? null,
      status: sp?.status ?? null,
      quota_kb: billing?.quota_kb ?? null,
      excess_rate: billing?.excess_rate ?? null,
    };
  }

  private newId(prefix: string): Id {
    return `${prefix}-${this.world.counter++}`;
  }

  private customer(id: Id, field = 'id'): Customer {
    return this.world.customers.get(id) ?? fail('not_found', `${field}: there is no customer ${id} in this catalog`, field);
  }

  private packagePlan(id: Id | null, field: string): void {
    if (id !== null && !this.plans.has(id)) fail('not_found', `${field}: there is no package plan ${id} in this catalog`, field);
  }

  /** The changes of reference data, settings, customers, sites, pools and structures. */
  private applyWorld(change: Change): { label: string; created: Id | null } | null {
    const w = this.world;
    switch (change.op) {
      case 'update_settings': {
        const name = required('name', 'the catalog', change.name);
        const code = change.currency.trim().toUpperCase();
        const to = CURRENCY_DECIMALS[code];
        if (to === undefined)
          fail('invalid_input', `unknown currency '${change.currency}'; use an ISO code such as ${Object.keys(CURRENCY_DECIMALS).join(', ')}`, 'currency');
        const from = CURRENCY_DECIMALS[w.settings.currency] ?? 2;
        if (to < from) {
          const f = 10 ** (from - to);
          const amounts = [...this.plans.values()].flatMap((p) => [p.setup_fee, p.access_fee]).filter((m): m is number => m !== null);
          const inexact = amounts.filter((m) => m % f !== 0).length;
          if (inexact > 0)
            fail('invalid_input', `cannot switch from ${w.settings.currency} to ${code}: ${inexact} amount(s) have more decimals than ${code} allows; round them first`, 'currency');
        }
        const scale = 10 ** (to - from);
        for (const p of this.plans.values()) {
          if (p.setup_fee !== null) p.setup_fee = Math.round(p.setup_fee * scale);
          if (p.access_fee !== null) p.access_fee = Math.round(p.access_fee * scale);
        }
        w.settings = { ...w.settings, name, provider: change.provider.trim(), tier: change.tier, currency: code };
        const o = this.answers.overview;
        if (o && 'catalog_id' in o) this.answers.overview = { ...o, name, provider: change.provider.trim(), tier: change.tier, currency: code };
        return { label: 'Edit catalog settings', created: null };
      }
      case 'put_service_type': {
        const t = change.service_type;
        const code = required('code', 'a service type', t.code);
        const row = { ...t, code, name: required('name', 'a service type', t.name) };
        w.serviceTypes = [...w.serviceTypes.filter((x) => x.code !== code), row].sort((a, b) => a.code.localeCompare(b.code));
        return { label: `Save service type ${code}`, created: null };
      }
      case 'delete_service_type': {
        if (!w.serviceTypes.some((x) => x.code === change.code)) fail('not_found', `there is no service type with code '${change.code}'`);
        if ([...this.plans.values()].some((p) => p.service_type === change.code) || w.tariffs.some((t) => t.service_type === change.code))
          fail('conflict', `service type '${change.code}' is still used by plans or tariffs; change them to another service type first`);
        w.serviceTypes = w.serviceTypes.filter((x) => x.code !== change.code);
        return { label: `Delete service type ${change.code}`, created: null };
      }
      case 'put_bolt_on_category': {
        const code = required('code', 'a bolt-on category', change.category.code);
        const row = { code, name: required('name', 'a bolt-on category', change.category.name) };
        w.categories = [...w.categories.filter((x) => x.code !== code), row].sort((a, b) => a.code.localeCompare(b.code));
        return { label: `Save bolt-on category ${code}`, created: null };
      }
      case 'delete_bolt_on_category': {
        if (!w.categories.some((x) => x.code === change.code)) fail('not_found', `there is no bolt-on category with code '${change.code}'`);
        if (w.tariffs.some((t) => t.bolt_on_category === change.code))
          fail('conflict', `bolt-on category '${change.code}' is still used by plans or tariffs; change them to another bolt-on category first`);
        w.categories = w.categories.filter((x) => x.code !== change.code);
        return { label: `Delete bolt-on category ${change.code}`, created: null };
      }
      case 'put_tariff': {
        const t = change.tariff;
        const code = required('code', 'a tariff', t.code);
        const name = required('name', 'a tariff', t.name);
        if (!w.serviceTypes.some((x) => x.code === t.service_type))
          fail('not_found', `service_type: there is no service type with code '${t.service_type}'; add it under reference data first`, 'service_type');
        if (t.bolt_on_category !== null && !w.categories.some((x) => x.code === t.bolt_on_category))
          fail('not_found', `bolt_on_category: there is no bolt-on category with code '${t.bolt_on_category}'; add it under reference data first`, 'bolt_on_category');
        w.tariffs = [...w.tariffs.filter((x) => x.code !== code), { ...t, code, name }].sort((a, b) => a.code.localeCompare(b.code));
        return { label: `Save tariff ${code}`, created: null };
      }
      case 'delete_tariff': {
        if (!w.tariffs.some((x) => x.code === change.code)) fail('not_found', `there is no tariff with code '${change.code}'`);
        w.tariffs = w.tariffs.filter((x) => x.code !== change.code);
        return { label: `Delete tariff ${change.code}`, created: null };
      }
      case 'create_customer': {
        const id = this.newId('CU');
        w.customers.set(id, { id, name: required('name', 'a customer', change.name), description: null, data_package: null });
        return { label: `Create customer '${change.name.trim()}'`, created: id };
      }
      case 'update_customer': {
        this.customer(change.id);
        this.packagePlan(change.data_package, 'data_package');
        const name = required('name', 'a customer', change.name);
        w.customers.set(change.id, { id: change.id, name, description: change.description?.trim() || null, data_package: change.data_package });
        return { label: `Edit ${change.id}`, created: null };
      }
      case 'delete_customer': {
        this.customer(change.id);
        w.customers.delete(change.id);
        for (const s of [...w.sites.values()]) if (s.customer === change.id) w.sites.delete(s.id);
        for (const st of w.structures.values()) if (st.customer === change.id) st.customer = null;
        return { label: `Delete ${change.id}`, created: null };
      }
      case 'create_site':
      case 'update_site': {
        const customer = change.op === 'create_site' ? change.customer : (w.sites.get(change.id) ?? fail('not_found', `id: there is no site ${change.id} in this catalog`, 'id')).customer;
        this.customer(customer, 'customer');
        this.packagePlan(change.tail_package, 'tail_package');
        const id = change.op === 'create_site' ? this.newId('SI') : change.id;
        w.sites.set(id, {
          id,
          customer,
          name: required('name', 'a site', change.name),
          technology: required('technology', 'a site', change.technology),
          speed: required('speed', 'a site', change.speed),
          service_identifier: change.service_identifier?.trim() || null,
          tail_package: change.tail_package,
        });
        return change.op === 'create_site' ? { label: `Create site '${change.name.trim()}'`, created: id } : { label: `Edit ${id}`, created: null };
      }
      case 'delete_site': {
        if (!w.sites.delete(change.id)) fail('not_found', `id: there is no site ${change.id} in this catalog`, 'id');
        return { label: `Delete ${change.id}`, created: null };
      }
      case 'create_data_pool': {
        const c = this.customer(change.customer, 'customer');
        if (c.data_package) fail('conflict', `${c.id} '${c.name}' already orders the data package ${c.data_package}; remove that pool from the customer first`, 'customer');
        const name = required('name', 'a data pool', change.name);
        if (change.service_type !== null && !w.serviceTypes.some((t) => t.code === change.service_type))
          fail('not_found', `service_type: there is no service type with code '${change.service_type}'; add it under reference data first`, 'service_type');
        const sp = `SP-${this.next++}`;
        const plan = fakePlan(sp, 'service_plan', 'SELL', name);
        plan.external_name = name;
        plan.service_type = change.service_type;
        if ('service_plan' in plan.detail)
          plan.detail.service_plan.data_billing = { ...plan.detail.service_plan.data_billing, mode: 'own', billing_type: 'volume', quota_kb: change.quota_kb, excess_rate: change.excess_rate };
        const pp = `PP-${this.next++}`;
        const pkg = fakePlan(pp, 'package_plan', 'SELL', `${name} package`);
        pkg.external_name = `${name} package`;
        if ('package_plan' in pkg.detail) pkg.detail.package_plan.service_plans = [sp];
        this.plans.set(sp, plan);
        this.plans.set(pp, pkg);
        w.customers.set(c.id, { ...c, data_package: pp });
        return { label: `Create data pool '${name}' for ${c.id}`, created: sp };
      }
      case 'create_structure': {
        const id = this.newId('ST');
        const name = required('name', 'a structure', change.name);
        if (change.customer) this.customer(change.customer, 'customer');
        w.structures.set(id, { id, kind: change.kind, name, customer: change.customer, done: {} });
        const o = this.answers.overview;
        if (o && 'catalog_id' in o) {
          const steps = STEP_TITLES[change.kind].length;
          o.structures = [...o.structures, { id, kind: change.kind, name, steps_done: 0, steps_total: steps, errors: 0, warnings: 0 }];
        }
        return { label: `Create structure '${name}'`, created: id };
      }
      case 'build_step': {
        const st = this.structure(change.structure);
        const titles = STEP_TITLES[st.kind];
        const title = titles[change.step - 1] ?? fail('invalid_input', `${st.id} has steps 1 to ${titles.length}; there is no step ${change.step}`, 'step');
        if (st.done[change.step]) fail('conflict', `step ${change.step} of ${st.id} is already done`, 'step');
        const before = titles.slice(0, change.step - 1).findIndex((_, j) => !st.done[j + 1]);
        if (before >= 0) fail('conflict', `Do step ${before + 1} first: it needs ${titles[before]!.toLowerCase()}.`, 'step');
        if (change.step === titles.length) fail('conflict', `step ${change.step} of ${st.id} has nothing to create: approve the plans`, 'step');
        const { kind, side } = stepCreates(title);
        const id = `${PREFIX[kind]}-${this.next++}`;
        this.plans.set(id, fakePlan(id, kind, side, `${st.name} ${kindName(kind).replace(/s$/, '').toLowerCase()}${side === 'BUY' ? ' (buy)' : ''}`));
        st.done[change.step] = [id];
        return { label: `Build step ${change.step} of ${st.id}`, created: id };
      }
      default:
        return null;
    }
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

  async diagram(of: DiagramOf): Promise<Diagram> {
    this.calls.push(`diagram ${diagramName(of)}`);
    const all = this.answers.diagrams ?? (demoDiagrams as unknown as Record<string, Diagram>);
    const found = all[diagramName(of)];
    if (!found) fail('not_found', `There is no structure ${diagramName(of).split(' ')[1]} in this catalog.`);
    return structuredClone(found);
  }

  async exportDiagram(of: DiagramOf, format: PictureFormat): Promise<SavedPicture> {
    this.calls.push(`exportDiagram ${diagramName(of)} ${format}`);
    const answer = this.answers.exportTo === undefined ? `/home/ava/${diagramName(of)}.${format}` : this.answers.exportTo;
    if (answer !== null && typeof answer === 'object') throw new BackendFailure(answer);
    return { path: answer };
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

  async exportProposal(request: ExportProposalRequest): Promise<SavedProposal> {
    this.calls.push(`exportProposal ${request.subject} ${request.scenarios.join(',')} ${request.date}`);
    const answer = this.answers.proposalTo === undefined ? `/home/ava/${request.subject} proposal.pdf` : this.answers.proposalTo;
    if (answer !== null && typeof answer === 'object') throw new BackendFailure(answer);
    return { path: answer, pages: answer === null ? 0 : 5 };
  }

  /**
   * The core's recorded answer to `request`. The window asks for "this month" (`start: null`);
   * the recordings were made for July 2026 and answer it. The fake rates nothing itself: a
   * request nobody recorded is refused the way the app refuses, with a sentence.
   */
  private recorded<T>(command: string, request: Record<string, unknown>): T {
    const want = canonical('start' in request && request.start === null ? { ...request, start: '2026-07-01' } : request);
    const hit = (demoCommercials as Recorded[]).find((e) => e.command === command && canonical(e.request) === want);
    if (!hit) fail('not_found', `The fake backend has no recorded ${command} answer for this request; record it in src-tauri/ipc_contract.rs.`);
    return structuredClone(hit.answer) as T;
  }

  async scenarioForm(subject: Id, audience: Audience): Promise<ScenarioForm> {
    this.calls.push(`scenarioForm ${subject} ${audience}`);
    const form = this.recorded<ScenarioForm>('scenario_form', { subject, audience, start: null });
    form.saved = this.world.scenarios.filter((s) => s.subject === subject).sort((a, b) => a.name.localeCompare(b.name));
    return form;
  }

  async rateScenario(scenario: ScenarioChoice, audience: Audience): Promise<Rating> {
    this.calls.push(`rateScenario ${audience}`);
    return this.recorded('rate_scenario', { scenario: this.typedOf(scenario), audience });
  }

  /** A saved scenario as the typed one it was saved from (the recordings are typed). */
  private typedOf(choice: ScenarioChoice): ScenarioChoice {
    if (choice.by === 'typed') return choice;
    const s = this.world.scenarios.find((x) => x.subject === choice.subject && x.name === choice.name);
    if (!s) fail('not_found', `scenario: ${choice.subject} has no saved scenario '${choice.name}'`, 'scenario');
    return { by: 'typed', scenario: { ...s, name: 'New scenario' } };
  }

  async saveScenario(scenario: TypedScenario): Promise<EditOutcome> {
    this.calls.push(`saveScenario ${scenario.name}`);
    const name = scenario.name.trim();
    if (!name) fail('invalid_input', "scenario name: it is empty; give the scenario a name, e.g. '6 sites, 620 GB'", 'name');
    return this.worldEdit(`Save scenario '${name}' of ${scenario.subject}`, () => {
      this.world.scenarios = [...this.world.scenarios.filter((s) => !(s.subject === scenario.subject && s.name === name)), { ...scenario, name }];
    });
  }

  async deleteScenario(subject: Id, name: string): Promise<EditOutcome> {
    this.calls.push(`deleteScenario ${name}`);
    if (!this.world.scenarios.some((s) => s.subject === subject && s.name === name)) fail('not_found', `scenario: ${subject} has no saved scenario '${name}'`, 'scenario');
    return this.worldEdit(`Delete scenario '${name}' of ${subject}`, () => {
      this.world.scenarios = this.world.scenarios.filter((s) => !(s.subject === subject && s.name === name));
    });
  }

  /** One undoable edit of the world, recorded like `applyChange`'s. */
  private worldEdit(label: string, change: () => void): EditOutcome {
    const before = new Map([...this.plans].map(([k, v]) => [k, structuredClone(v)]));
    const entry = { label, before, links: this.links.clone(), world: structuredClone(this.world) };
    change();
    this.done.push(entry);
    this.undone = [];
    return { applied: { label, created: null }, rechecked: [], full: true, findings: this.findings(), history: this.historyNow() };
  }

  async subjectTotals(subject: Id, audience: Audience): Promise<SubjectTotals> {
    this.calls.push(`subjectTotals ${subject} ${audience}`);
    return this.recorded('subject_totals', { subject, audience, start: null });
  }

  async pricePairs(id: Id, audience: Audience): Promise<PricePairs> {
    this.calls.push(`pricePairs ${id} ${audience}`);
    return this.recorded('price_pairs', { id, audience });
  }

  async whatIf(before: ScenarioChoice, after: TypedScenario, prices: PriceOverride[], audience: Audience): Promise<WhatIf> {
    this.calls.push(`whatIf ${audience}`);
    return this.recorded('what_if', { before: this.typedOf(before), after, prices, audience });
  }

  async compareScenarios(scenarios: ScenarioChoice[], audience: Audience): Promise<Comparison> {
    this.calls.push(`compareScenarios ${audience}`);
    return this.recorded('compare_scenarios', { scenarios: scenarios.map((s) => this.typedOf(s)), audience });
  }

  async moneyCharts(scenario: ScenarioChoice, audience: Audience): Promise<MoneyCharts> {
    this.calls.push(`moneyCharts ${audience}`);
    return this.recorded('money_charts', { scenario: this.typedOf(scenario), audience });
  }

  async referenceData(): Promise<ReferenceData> {
    this.calls.push('referenceData');
    const w = this.world;
    return structuredClone({
      settings: w.settings,
      decimals: CURRENCY_DECIMALS[w.settings.currency] ?? 2,
      currencies: Object.entries(CURRENCY_DECIMALS).map(([code, decimals]) => ({ code, decimals })),
      service_types: w.serviceTypes,
      tariffs: w.tariffs,
      bolt_on_categories: w.categories,
    });
  }

  private nextDialogAnswer(): string | null {
    return this.answers.dialogs?.shift() ?? null;
  }

  /** Opening another catalog: the fake then serves an overview named after the file. */
  private switchTo(path: string): CatalogFile {
    const file = fileOf(path);
    const current = this.answers.overview;
    if (current && !('kind' in current && 'message' in current)) {
      this.answers.overview = { ...current, name: file.name.replace(/\.plansmith$/, '') };
    }
    this.answers.recent = [{ ...file, exists: true }, ...(this.answers.recent ?? []).filter((r) => r.path !== path)];
    return file;
  }

  async recentCatalogs(): Promise<RecentCatalog[]> {
    this.calls.push('recentCatalogs');
    return structuredClone(this.answers.recent ?? []);
  }

  async openCatalog(): Promise<CatalogFile | null> {
    this.calls.push('openCatalog');
    const path = this.nextDialogAnswer();
    return path === null ? null : this.switchTo(path);
  }

  async openRecent(path: string): Promise<CatalogFile> {
    this.calls.push(`openRecent ${path}`);
    const entry = (this.answers.recent ?? []).find((r) => r.path === path);
    if (!entry) fail('invalid_input', `${path} is not in the recent catalogs; open it with Open… instead.`, 'path');
    if (!entry.exists) {
      this.answers.recent = (this.answers.recent ?? []).filter((r) => r.path !== path);
      fail('not_found', `${path} is no longer there (moved or deleted), so it was taken off the recent catalogs.`);
    }
    return this.switchTo(path);
  }

  async newCatalog(): Promise<CatalogFile | null> {
    this.calls.push('newCatalog');
    const path = this.nextDialogAnswer();
    if (path === null) return null;
    this.plans.clear();
    return this.switchTo(path);
  }

  async saveCatalogCopy(): Promise<CatalogFile | null> {
    this.calls.push('saveCatalogCopy');
    const path = this.nextDialogAnswer();
    if (path === null) return null;
    const file = fileOf(path);
    this.answers.recent = [{ ...file, exists: true }, ...(this.answers.recent ?? [])];
    return file;
  }
}
