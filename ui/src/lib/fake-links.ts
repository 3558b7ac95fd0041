// The links of the in-memory FakeBackend: bolt-on groups, bolt-on links and allowances, the
// link changes that edit them, and the candidates of each link slot, filtered the way the
// core's `candidates.rs` filters them (side, service type, included value type, add-on group,
// BUY counterparts). Kept apart from fake-backend.ts so the link editors' tests run against
// the same choices the real app offers, without the fake pretending to be the whole core.

import { BackendFailure } from './backend';
import type {
  Allowance,
  BoltOnGroup,
  BoltOnLink,
  Candidate,
  CandidatePage,
  CandidateQuery,
  Change,
  Finding,
  Id,
  Plan,
  Side,
} from './bindings';

function fail(kind: 'not_found' | 'invalid_input' | 'conflict', message: string, field: string | null = null): never {
  throw new BackendFailure({ kind, message, field });
}

const prefix = (id: Id) => id.split('-')[0];
const num = (id: Id) => Number(id.split('-')[1]);

/** Groups, links and allowances, with the counters that number new ones. */
export class FakeLinks {
  groups = new Map<Id, BoltOnGroup>();
  links = new Map<Id, BoltOnLink>();
  allowances = new Map<Id, Allowance>();
  next = 1;

  clone(): FakeLinks {
    const c = new FakeLinks();
    c.groups = new Map([...this.groups].map(([k, v]) => [k, structuredClone(v)]));
    c.links = new Map([...this.links].map(([k, v]) => [k, structuredClone(v)]));
    c.allowances = new Map([...this.allowances].map(([k, v]) => [k, structuredClone(v)]));
    c.next = this.next;
    return c;
  }

  /** The ops this module applies. */
  static handles(change: Change): boolean {
    return [
      'create_bolt_on_group',
      'create_bolt_on_group_for',
      'update_bolt_on_group',
      'delete_bolt_on_group',
      'add_group_member',
      'remove_group_member',
      'link_bolt_on',
      'set_behaviour',
      'unlink_bolt_on',
      'add_allowance',
      'update_allowance',
      'remove_allowance',
    ].includes(change.op);
  }

  /** Applies a link change; answers its undo label and the id it created. */
  apply(change: Change, plans: Map<Id, Plan>): { label: string; created: Id | null } {
    const plan = (id: Id, field: string) => plans.get(id) ?? fail('not_found', `${field}: there is no ${id}.`, field);
    const group = (id: Id) => this.groups.get(id) ?? fail('not_found', `There is no bolt-on group ${id}.`, 'group');
    const link = (id: Id) => this.links.get(id) ?? fail('not_found', `There is no bolt-on link ${id}.`, 'link');
    switch (change.op) {
      case 'create_bolt_on_group': {
        const id = `BG-${this.next++}`;
        this.groups.set(id, { id, side: change.side, name: change.name.trim(), description: null, members: [] });
        return { label: `Create bolt-on group '${change.name}'`, created: id };
      }
      case 'create_bolt_on_group_for': {
        if (!change.name.trim()) fail('invalid_input', 'a bolt-on group needs a name', 'name');
        const bo = plan(change.bolt_on, 'bolt_on');
        const id = `BG-${this.next++}`;
        this.groups.set(id, { id, side: bo.side, name: change.name.trim(), description: null, members: [bo.id] });
        return { label: `Create bolt-on group '${change.name}' with ${bo.id}`, created: id };
      }
      case 'update_bolt_on_group': {
        const g = group(change.id);
        if (!change.name.trim()) fail('invalid_input', 'a bolt-on group needs a name', 'name');
        g.name = change.name.trim();
        g.description = change.description?.trim() || null;
        return { label: `Edit ${g.id}`, created: null };
      }
      case 'delete_bolt_on_group':
        group(change.id);
        this.groups.delete(change.id);
        return { label: `Delete ${change.id}`, created: null };
      case 'add_group_member': {
        const g = group(change.group);
        plan(change.bolt_on, 'bolt_on');
        if (g.members.includes(change.bolt_on)) fail('conflict', `${change.bolt_on} is already in ${g.id}`);
        g.members.push(change.bolt_on);
        return { label: `Add ${change.bolt_on} to ${g.id}`, created: null };
      }
      case 'remove_group_member': {
        const g = group(change.group);
        if (!g.members.includes(change.bolt_on)) fail('not_found', `${change.bolt_on} is not in ${g.id}`);
        g.members = g.members.filter((m) => m !== change.bolt_on);
        return { label: `Remove ${change.bolt_on} from ${g.id}`, created: null };
      }
      case 'link_bolt_on': {
        plan(change.service_plan, 'service_plan');
        plan(change.bolt_on, 'bolt_on');
        if ([...this.links.values()].some((l) => l.service_plan === change.service_plan && l.bolt_on === change.bolt_on))
          fail('conflict', `${change.bolt_on} is already linked to ${change.service_plan}`);
        const id = `BL-${this.next++}`;
        this.links.set(id, { id, service_plan: change.service_plan, bolt_on: change.bolt_on, behaviour: change.behaviour });
        return { label: `Link ${change.bolt_on} to ${change.service_plan}`, created: id };
      }
      case 'set_behaviour':
        link(change.link).behaviour = change.behaviour;
        return { label: `Set behaviour of ${change.link}`, created: null };
      case 'unlink_bolt_on':
        link(change.link);
        for (const a of [...this.allowances.values()].filter((a) => a.bolt_on_link === change.link)) this.allowances.delete(a.id);
        this.links.delete(change.link);
        return { label: `Remove link ${change.link}`, created: null };
      case 'add_allowance': {
        link(change.link);
        plan(change.add_on, 'add_on');
        if ([...this.allowances.values()].some((a) => a.bolt_on_link === change.link && a.add_on === change.add_on))
          fail('conflict', `${change.link} already has an allowance for ${change.add_on}`);
        const id = `AL-${this.next++}`;
        this.allowances.set(id, {
          id,
          bolt_on_link: change.link,
          add_on: change.add_on,
          max_occurrence: change.max_occurrence,
          description: change.description,
          buy_parent: change.buy_parent,
        });
        return { label: `Add allowance for ${change.add_on} under ${change.link}`, created: id };
      }
      case 'update_allowance': {
        const a = this.allowances.get(change.id) ?? fail('not_found', `There is no allowance ${change.id}.`, 'id');
        Object.assign(a, { max_occurrence: change.max_occurrence, description: change.description, buy_parent: change.buy_parent });
        return { label: `Edit ${a.id}`, created: null };
      }
      case 'remove_allowance':
        this.allowances.delete(change.id);
        return { label: `Remove ${change.id}`, created: null };
      default:
        return fail('invalid_input', `The fake backend does not do ${change.op}.`);
    }
  }

  /** The stand-in link rules: BOL-01, BOL-02, ALW-02, ALW-03. */
  findings(plans: Map<Id, Plan>): Finding[] {
    const out: Finding[] = [];
    const make = (rule: string, object: Id, field: string, found: string, expected: string, fix: string): Finding => ({
      rule,
      severity: 'error',
      object,
      field,
      message: `${rule} ${object}: ${field} ${found}, but ${expected}; ${fix}.`,
      expected,
      found,
      fix,
    });
    for (const p of plans.values()) {
      if (!('bolt_on' in p.detail) || p.side !== 'SELL') continue;
      const linked = [...this.links.values()].some((l) => l.bolt_on === p.id);
      const grouped = [...this.groups.values()].some((g) => g.members.includes(p.id));
      if (linked && !grouped)
        out.push(make('BOL-01', p.id, 'bolt_on_group', 'is empty', 'a SELL bolt-on is in a bolt-on group before it is linked', 'add it to a group'));
    }
    for (const l of this.links.values())
      if (!l.behaviour) out.push(make('BOL-02', l.id, 'behaviour', 'is empty', 'every bolt-on link has a behaviour', 'choose one'));
    for (const a of this.allowances.values()) {
      if (a.max_occurrence < 1) out.push(make('ALW-02', a.id, 'max_occurrence', `is ${a.max_occurrence}`, 'max_occurrence is ≥ 1', 'enter 1 or more'));
      const sp = plans.get(this.links.get(a.bolt_on_link)?.service_plan ?? '');
      if (sp?.side === 'SELL' && !a.buy_parent)
        out.push(make('ALW-03', a.id, 'buy_parent', 'is empty', 'a SELL allowance names its BUY parent', 'choose the BUY allowance'));
    }
    return out;
  }

  /** "Mobile › Extra 2 GB" for a link, "Mobile › Extra 2 GB › Top-up 1 GB ×3" for an allowance. */
  label(id: Id, plans: Map<Id, Plan>): { name: string; side: Side } | null {
    const name = (p: Id) => plans.get(p)?.internal_name ?? p;
    const l = prefix(id) === 'BL' ? this.links.get(id) : this.links.get(this.allowances.get(id)?.bolt_on_link ?? '');
    if (!l) return null;
    const side = plans.get(l.service_plan)?.side ?? 'BUY';
    if (prefix(id) === 'BL') return { name: `${name(l.service_plan)} › ${name(l.bolt_on)}`, side };
    const a = this.allowances.get(id)!;
    return { name: `${name(l.service_plan)} › ${name(l.bolt_on)} › ${name(a.add_on)} ×${a.max_occurrence}`, side };
  }

  /** The candidates of one slot, as the core's `candidates.rs` chooses them. */
  candidates(q: CandidateQuery, plans: Map<Id, Plan>, errorsOf: (id: Id) => number): CandidatePage {
    const page = (rows: Candidate[]): CandidatePage => {
      const words = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const hits = rows.filter((r) => words.every((w) => `${r.name} ${r.id}`.toLowerCase().includes(w)));
      return { total: hits.length, offset: q.offset, rows: hits.slice(q.offset, q.offset + q.limit), unavailable: null };
    };
    const none = (why: string): CandidatePage => ({ total: 0, offset: q.offset, rows: [], unavailable: why });
    const row = (p: Plan, note: string | null = null): Candidate => ({
      id: p.id,
      side: p.side,
      status: p.status,
      name: p.internal_name,
      note,
      errors: errorsOf(p.id),
      warnings: 0,
    });
    const of = (kind: string) => [...plans.values()].filter((p) => prefix(p.id) === kind && p.status !== 'retired').sort((a, b) => num(a.id) - num(b.id));
    const me = plans.get(q.of);
    const links = [...this.links.values()];
    switch (q.slot) {
      case 'service_plan': {
        if (!me || !('package_plan' in me.detail)) return fail('not_found', `there is no package plan ${q.of}`, 'of');
        const held = me.detail.package_plan.service_plans;
        return page(of('SP').filter((p) => p.side === me.side && !held.includes(p.id)).map((p) => row(p, p.service_type && `service type ${p.service_type}`)));
      }
      case 'package_plan': {
        if (!me || !('service_plan' in me.detail)) return fail('not_found', `there is no service plan ${q.of}`, 'of');
        return page(
          of('PP')
            .filter((p) => p.side === me.side && 'package_plan' in p.detail && !p.detail.package_plan.service_plans.includes(me.id))
            .map((p) => row(p)),
        );
      }
      case 'bolt_on': {
        if (!me || !('service_plan' in me.detail)) return fail('not_found', `there is no service plan ${q.of}`, 'of');
        if (!me.service_type) return none(`${me.id} has no service type yet: set its service_type first`);
        const linked = links.filter((l) => l.service_plan === me.id).map((l) => l.bolt_on);
        return page(
          of('BO')
            .filter((p) => p.side === me.side && p.service_type === me.service_type && !linked.includes(p.id))
            .map((p) => row(p, p.side === 'SELL' && ![...this.groups.values()].some((g) => g.members.includes(p.id)) ? 'in no bolt-on group yet (BOL-01)' : null)),
        );
      }
      case 'group_member': {
        const g = this.groups.get(q.of) ?? fail('not_found', `there is no bolt-on group ${q.of}`, 'of');
        return page(of('BO').filter((p) => p.side === g.side && !g.members.includes(p.id)).map((p) => row(p)));
      }
      case 'group': {
        if (!me) return fail('not_found', `there is no bolt-on ${q.of}`, 'of');
        const rows = [...this.groups.values()]
          .filter((g) => g.side === me.side && !g.members.includes(me.id))
          .map((g) => ({ id: g.id, side: g.side, status: null, name: g.name, note: `${g.members.length} bolt-ons`, errors: 0, warnings: 0 }));
        return page(rows);
      }
      case 'add_on': {
        if (!me || !('bolt_on' in me.detail)) return fail('not_found', `there is no bolt-on ${q.of}`, 'of');
        const iv = me.detail.bolt_on.included_value?.value_type;
        if (!me.service_type || !iv) return none(`${me.id} has no service type or included value yet: set both first (ADD-02)`);
        const held = me.detail.bolt_on.add_on_group;
        return page(
          of('AO')
            .filter((p) => 'bolt_on_add_on' in p.detail && p.side === me.side && p.service_type === me.service_type)
            .filter((p) => 'bolt_on_add_on' in p.detail && p.detail.bolt_on_add_on.included_value_type === iv && !held.includes(p.id))
            .map((p) => row(p)),
        );
      }
      case 'allowance_add_on': {
        const l = this.links.get(q.of) ?? fail('not_found', `there is no bolt-on link ${q.of}`, 'of');
        const bo = plans.get(l.bolt_on);
        const group = bo && 'bolt_on' in bo.detail ? bo.detail.bolt_on.add_on_group : [];
        if (group.length === 0) return none(`the add-on group of ${l.bolt_on} is empty: put its add-ons in it first (ALW-01)`);
        const taken = [...this.allowances.values()].filter((a) => a.bolt_on_link === l.id).map((a) => a.add_on);
        return page(group.filter((a) => !taken.includes(a)).flatMap((a) => (plans.get(a) ? [row(plans.get(a)!)] : [])));
      }
      case 'buy_parent': {
        const l = this.links.get(q.of) ?? fail('not_found', `there is no bolt-on link ${q.of}`, 'of');
        if (!q.add_on) return fail('invalid_input', 'add_on: name the SELL add-on of the allowance', 'add_on');
        if (plans.get(l.service_plan)?.side !== 'SELL') return none(`${l.id} is a BUY link: only a SELL allowance hangs off a BUY allowance`);
        const want: Id[] = [];
        for (const id of [l.service_plan, l.bolt_on, q.add_on]) {
          const c = plans.get(id)?.buy_counterpart;
          if (!c) return none(`${id} has no BUY counterpart yet: set its buy_counterpart first (ALW-03)`);
          want.push(c);
        }
        const rows = [...this.allowances.values()]
          .filter((a) => {
            const bl = this.links.get(a.bolt_on_link);
            return bl && bl.service_plan === want[0] && bl.bolt_on === want[1] && a.add_on === want[2];
          })
          .map((a) => {
            const label = this.label(a.id, plans)!;
            return { id: a.id, side: 'BUY' as Side, status: null, name: label.name.replace(/ ×\d+$/, ''), note: `max ${a.max_occurrence}`, errors: 0, warnings: 0 };
          });
        if (rows.length === 0) return none(`there is no BUY allowance for ${want[2]} under the link of ${want[1]} to ${want[0]} yet: build it first (step 11)`);
        return page(rows);
      }
      case 'pool': {
        if (!me) return fail('not_found', `there is no service plan ${q.of}`, 'of');
        return page(
          of('SP')
            .filter((p) => p.id !== me.id && p.side === me.side && 'service_plan' in p.detail && p.detail.service_plan.data_billing.mode === 'own')
            .map((p) => row(p)),
        );
      }
      case 'buy_counterpart': {
        if (!me) return fail('not_found', `there is no ${q.of}`, 'of');
        if (me.side === 'BUY') return none(`${me.id} is a BUY object: only a SELL object has a BUY counterpart`);
        return page(of(prefix(me.id)!).filter((p) => p.side === 'BUY').map((p) => row(p, p.service_type && `service type ${p.service_type}`)));
      }
    }
  }
}
