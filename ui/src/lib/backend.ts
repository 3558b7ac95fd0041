// The one way the UI talks to the app. Components receive a `Backend` and never call Tauri
// directly: the window uses `TauriBackend`; tests (and `npm run dev` in a browser) use
// `FakeBackend` from `fake-backend.ts`. Every command's request and answer types come from
// `bindings/commands.ts`, generated from the app's one command list: a renamed command, field
// or answer type fails this file's type check, not a run.

import { invoke } from '@tauri-apps/api/core';
import { isBackendError, overviewProblems } from './guards';
import type { BackendError, ErrorKind, Overview } from './types';
import type {
  ApprovalPlan,
  Audience,
  CandidatePage,
  Comparison,
  CandidateQuery,
  CatalogFile,
  Change,
  ChosenKey,
  CustomerDetail,
  CustomerPage,
  CustomerQuery,
  Diagram,
  DiagramOf,
  EditOutcome,
  Exported,
  ExportProposalRequest,
  ExportRequest,
  Finding,
  History,
  Id,
  ListPage,
  ListQuery,
  MoneyCharts,
  ObjectDetail,
  PictureFormat,
  Preview,
  PriceOverride,
  PricePairs,
  Progress,
  Rating,
  RecentCatalog,
  SavedPicture,
  SavedProposal,
  ReferenceData,
  ScenarioChoice,
  ScenarioForm,
  StepAction,
  StepOutcome,
  SubjectTotals,
  TypedScenario,
  WhatIf,
} from './bindings';
import type { Commands } from './bindings/commands';

/** A command of the app's command list. */
export type CommandName = keyof Commands;
/** What a command takes (`null`: nothing). */
export type RequestOf<C extends CommandName> = Commands[C]['request'];
/** What a command answers. */
export type AnswerOf<C extends CommandName> = Commands[C]['response'];

/** Everything the UI can ask of the app. Request and response types are generated from Rust. */
export interface Backend {
  /** Header, counts per kind and build progress of the open catalog. */
  catalogOverview(): Promise<Overview>;
  /** One page of one kind, filtered and searched by the core. */
  listObjects(query: ListQuery): Promise<ListPage>;
  /** One object with its links, the names of what it points at, and its findings. */
  objectDetail(id: Id): Promise<ObjectDetail>;
  /** One edit, committed at once; answers with the findings it changed. */
  applyChange(change: Change): Promise<EditOutcome>;
  undo(): Promise<StepOutcome>;
  redo(): Promise<StepOutcome>;
  history(): Promise<History>;
  /** The findings of the whole catalog. */
  checkCatalog(): Promise<Finding[]>;
  checkObjects(ids: Id[]): Promise<Finding[]>;
  affectedObjects(id: Id): Promise<Id[]>;
  structureProgress(id: Id): Promise<Progress>;
  /** What approving `ids` would approve with them and what blocks it. */
  planApproval(ids: Id[]): Promise<ApprovalPlan>;
  approve(ids: Id[]): Promise<StepOutcome>;
  reopen(id: Id, reason: string): Promise<StepOutcome>;
  markLive(id: Id, productionId: string): Promise<StepOutcome>;
  retire(id: Id): Promise<StepOutcome>;
  referenceData(): Promise<ReferenceData>;
  /** The catalogs opened lately, most recent first. */
  recentCatalogs(): Promise<RecentCatalog[]>;
  /** Asks for a catalog file and opens it instead of this one; `null`: the person cancelled. */
  openCatalog(): Promise<CatalogFile | null>;
  /** Opens one of the `recentCatalogs` instead of this one. */
  openRecent(path: string): Promise<CatalogFile>;
  /** Asks where, creates an empty catalog there and opens it; `null`: cancelled. */
  newCatalog(): Promise<CatalogFile | null>;
  /** Asks where and writes a copy of this catalog there (this one stays open); `null`: cancelled. */
  saveCatalogCopy(): Promise<CatalogFile | null>;
  /** What a link editor may offer for one slot, paged and searched by the core. */
  linkCandidates(query: CandidateQuery): Promise<CandidatePage>;
  /** What each open step of a structure's checklist does when taken. */
  stepActions(id: Id): Promise<StepAction[]>;
  /** One page of customers, each with its sites count and data pool. */
  listCustomers(query: CustomerQuery): Promise<CustomerPage>;
  /** One customer with its pool, sites and structures. */
  customerDetail(id: Id): Promise<CustomerDetail>;
  /** The laid-out diagram of a structure or of the whole catalog, with error counts. */
  diagram(of: DiagramOf): Promise<Diagram>;
  /** Asks where to save the picture and writes it; `path: null` when the person cancelled. */
  exportDiagram(of: DiagramOf, format: PictureFormat): Promise<SavedPicture>;
  /** What a bundle of these structures (none: the whole catalog) would hold and what blocks it. */
  previewBundle(structures: Id[]): Promise<Preview>;
  /** Asks where to save (native dialog), then exports; `null`: the dialog was cancelled. */
  exportBundle(request: ExportRequest): Promise<Exported | null>;
  /** Asks for a minisign secret key file to sign with; `null`: cancelled. */
  chooseSigningKey(): Promise<ChosenKey | null>;
  /** Asks where to save the client's PDF proposal (SELL only) and writes it; `path: null` when
   * the person cancelled. */
  exportProposal(request: ExportProposalRequest): Promise<SavedProposal>;
  /** What the Commercials form of a structure or customer offers: fields, add-ons, saved scenarios, prices. */
  scenarioForm(subject: Id, audience: Audience): Promise<ScenarioForm>;
  /** A saved or typed scenario rated on both sides (for the client: SELL only). */
  rateScenario(scenario: ScenarioChoice, audience: Audience): Promise<Rating>;
  /** Saves the form's scenario under its name: one undoable edit. */
  saveScenario(scenario: TypedScenario): Promise<EditOutcome>;
  /** Deletes a saved scenario: one undoable edit. */
  deleteScenario(subject: Id, name: string): Promise<EditOutcome>;
  /** A structure's or customer's one-off and monthly totals, and what was rated for them. */
  subjectTotals(subject: Id, audience: Audience): Promise<SubjectTotals>;
  /** A plan's prices beside its BUY counterpart's, with the margin per price. */
  pricePairs(id: Id, audience: Audience): Promise<PricePairs>;
  /** A scenario and a changed copy rated side by side, prices overridden on a copy only. */
  whatIf(before: ScenarioChoice, after: TypedScenario, prices: PriceOverride[], audience: Audience): Promise<WhatIf>;
  /** Two or more scenarios side by side, each differing figure marked. */
  compareScenarios(scenarios: ScenarioChoice[], audience: Audience): Promise<Comparison>;
  /** The scenario's money charts as SVG: the usage sweep and the totals per period. */
  moneyCharts(scenario: ScenarioChoice, audience: Audience): Promise<MoneyCharts>;
}

/**
 * The command behind each method. Every method names a command of the generated list, and every
 * command of the list has a method (`EVERY_COMMAND_HAS_A_METHOD` fails the type check otherwise).
 */
export const COMMANDS = {
  catalogOverview: 'catalog_overview',
  listObjects: 'list_objects',
  objectDetail: 'object_detail',
  applyChange: 'apply_change',
  undo: 'undo',
  redo: 'redo',
  history: 'history',
  checkCatalog: 'check_catalog',
  checkObjects: 'check_objects',
  affectedObjects: 'affected_objects',
  structureProgress: 'structure_progress',
  planApproval: 'plan_approval',
  approve: 'approve',
  reopen: 'reopen',
  markLive: 'mark_live',
  retire: 'retire',
  referenceData: 'reference_data',
  recentCatalogs: 'recent_catalogs',
  openCatalog: 'open_catalog',
  openRecent: 'open_recent',
  newCatalog: 'new_catalog',
  saveCatalogCopy: 'save_catalog_copy',
  linkCandidates: 'link_candidates',
  stepActions: 'step_actions',
  listCustomers: 'list_customers',
  customerDetail: 'customer_detail',
  diagram: 'diagram',
  exportDiagram: 'export_diagram',
  previewBundle: 'preview_bundle',
  exportBundle: 'export_bundle',
  chooseSigningKey: 'choose_signing_key',
  exportProposal: 'export_proposal',
  scenarioForm: 'scenario_form',
  rateScenario: 'rate_scenario',
  saveScenario: 'save_scenario',
  deleteScenario: 'delete_scenario',
  subjectTotals: 'subject_totals',
  pricePairs: 'price_pairs',
  whatIf: 'what_if',
  compareScenarios: 'compare_scenarios',
  moneyCharts: 'money_charts',
} as const satisfies Record<keyof Backend, CommandName>;

type WithoutMethod = Exclude<CommandName, (typeof COMMANDS)[keyof Backend]>;
/** Type-checks that no command of the list lacks a method (its type names the ones missing). */
export const EVERY_COMMAND_HAS_A_METHOD: [WithoutMethod] extends [never] ? true : WithoutMethod = true;

/** A failed backend call, carrying the app's `{kind, message, field}`. */
export class BackendFailure extends Error implements BackendError {
  readonly kind: ErrorKind;
  readonly field: string | null;

  constructor(error: BackendError) {
    super(error.message);
    this.name = 'BackendFailure';
    this.kind = error.kind;
    this.field = error.field;
  }

  /** Whatever a call rejected with, as a BackendFailure. */
  static from(reason: unknown): BackendFailure {
    if (reason instanceof BackendFailure) return reason;
    if (isBackendError(reason)) return new BackendFailure(reason);
    const message = reason instanceof Error ? reason.message : String(reason);
    return new BackendFailure({ kind: 'internal', message, field: null });
  }
}

type Invoke = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

/** The backend of the real window: Tauri commands over IPC. */
export class TauriBackend implements Backend {
  constructor(private readonly call: Invoke = invoke) {}

  async catalogOverview(): Promise<Overview> {
    const answer = await this.request(COMMANDS.catalogOverview);
    const problems = overviewProblems(answer);
    if (problems.length > 0) {
      throw new BackendFailure({
        kind: 'internal',
        message: `The app sent a catalog overview this window cannot read (${problems.join('; ')}).`,
        field: null,
      });
    }
    return answer as Overview;
  }

  listObjects(query: ListQuery): Promise<ListPage> {
    return this.ask(COMMANDS.listObjects, { query });
  }
  objectDetail(id: Id): Promise<ObjectDetail> {
    return this.ask(COMMANDS.objectDetail, { id });
  }
  applyChange(change: Change): Promise<EditOutcome> {
    return this.ask(COMMANDS.applyChange, { change });
  }
  undo(): Promise<StepOutcome> {
    return this.ask(COMMANDS.undo);
  }
  redo(): Promise<StepOutcome> {
    return this.ask(COMMANDS.redo);
  }
  history(): Promise<History> {
    return this.ask(COMMANDS.history);
  }
  checkCatalog(): Promise<Finding[]> {
    return this.ask(COMMANDS.checkCatalog);
  }
  checkObjects(ids: Id[]): Promise<Finding[]> {
    return this.ask(COMMANDS.checkObjects, { ids });
  }
  affectedObjects(id: Id): Promise<Id[]> {
    return this.ask(COMMANDS.affectedObjects, { id });
  }
  structureProgress(id: Id): Promise<Progress> {
    return this.ask(COMMANDS.structureProgress, { id });
  }
  planApproval(ids: Id[]): Promise<ApprovalPlan> {
    return this.ask(COMMANDS.planApproval, { ids });
  }
  approve(ids: Id[]): Promise<StepOutcome> {
    return this.ask(COMMANDS.approve, { ids });
  }
  reopen(id: Id, reason: string): Promise<StepOutcome> {
    return this.ask(COMMANDS.reopen, { id, reason });
  }
  markLive(id: Id, productionId: string): Promise<StepOutcome> {
    return this.ask(COMMANDS.markLive, { id, production_id: productionId });
  }
  retire(id: Id): Promise<StepOutcome> {
    return this.ask(COMMANDS.retire, { id });
  }
  referenceData(): Promise<ReferenceData> {
    return this.ask(COMMANDS.referenceData);
  }
  recentCatalogs(): Promise<RecentCatalog[]> {
    return this.ask(COMMANDS.recentCatalogs);
  }
  openCatalog(): Promise<CatalogFile | null> {
    return this.ask(COMMANDS.openCatalog);
  }
  openRecent(path: string): Promise<CatalogFile> {
    return this.ask(COMMANDS.openRecent, { path });
  }
  newCatalog(): Promise<CatalogFile | null> {
    return this.ask(COMMANDS.newCatalog);
  }
  saveCatalogCopy(): Promise<CatalogFile | null> {
    return this.ask(COMMANDS.saveCatalogCopy);
  }
  linkCandidates(query: CandidateQuery): Promise<CandidatePage> {
    return this.ask(COMMANDS.linkCandidates, { query });
  }
  stepActions(id: Id): Promise<StepAction[]> {
    return this.ask(COMMANDS.stepActions, { id });
  }
  listCustomers(query: CustomerQuery): Promise<CustomerPage> {
    return this.ask(COMMANDS.listCustomers, { query });
  }
  customerDetail(id: Id): Promise<CustomerDetail> {
    return this.ask(COMMANDS.customerDetail, { id });
  }

  diagram(of: DiagramOf): Promise<Diagram> {
    return this.ask(COMMANDS.diagram, { of });
  }
  exportDiagram(of: DiagramOf, format: PictureFormat): Promise<SavedPicture> {
    return this.ask(COMMANDS.exportDiagram, { of, format });
  }

  previewBundle(structures: Id[]): Promise<Preview> {
    return this.ask(COMMANDS.previewBundle, { structures });
  }
  exportBundle(request: ExportRequest): Promise<Exported | null> {
    return this.ask(COMMANDS.exportBundle, request);
  }
  chooseSigningKey(): Promise<ChosenKey | null> {
    return this.ask(COMMANDS.chooseSigningKey);
  }
  exportProposal(request: ExportProposalRequest): Promise<SavedProposal> {
    return this.ask(COMMANDS.exportProposal, request);
  }

  scenarioForm(subject: Id, audience: Audience): Promise<ScenarioForm> {
    return this.ask(COMMANDS.scenarioForm, { subject, audience, start: null });
  }
  rateScenario(scenario: ScenarioChoice, audience: Audience): Promise<Rating> {
    return this.ask(COMMANDS.rateScenario, { scenario, audience });
  }
  saveScenario(scenario: TypedScenario): Promise<EditOutcome> {
    return this.ask(COMMANDS.saveScenario, { scenario });
  }
  deleteScenario(subject: Id, name: string): Promise<EditOutcome> {
    return this.ask(COMMANDS.deleteScenario, { subject, name });
  }
  subjectTotals(subject: Id, audience: Audience): Promise<SubjectTotals> {
    return this.ask(COMMANDS.subjectTotals, { subject, audience, start: null });
  }
  pricePairs(id: Id, audience: Audience): Promise<PricePairs> {
    return this.ask(COMMANDS.pricePairs, { id, audience });
  }
  whatIf(before: ScenarioChoice, after: TypedScenario, prices: PriceOverride[], audience: Audience): Promise<WhatIf> {
    return this.ask(COMMANDS.whatIf, { before, after, prices, audience });
  }
  compareScenarios(scenarios: ScenarioChoice[], audience: Audience): Promise<Comparison> {
    return this.ask(COMMANDS.compareScenarios, { scenarios, audience });
  }
  moneyCharts(scenario: ScenarioChoice, audience: Audience): Promise<MoneyCharts> {
    return this.ask(COMMANDS.moneyCharts, { scenario, audience });
  }

  /**
   * Commands with input take one `request` argument, decoded and checked by the app; its type
   * and the answer's are the command's own from the generated list.
   */
  private async ask<C extends CommandName>(command: C, ...request: RequestOf<C> extends null ? [] : [RequestOf<C>]): Promise<AnswerOf<C>> {
    const [body] = request;
    return (await this.request(command, body === undefined ? undefined : { request: body })) as AnswerOf<C>;
  }

  private async request(command: string, args?: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.call(command, args);
    } catch (reason) {
      throw BackendFailure.from(reason);
    }
  }
}
