#!/usr/bin/env python3
"""An independent small rater, written from domain.md §9 and docs/rating.md (not from the Rust
engine), used by tests/rating.rs to cross-check the engine on generated catalogs.

Usage: rater.py CATALOG.json SCENARIOS.json -> prints, per scenario, per period, the SELL and BUY
one-off and monthly totals in minor units (BUY null when unknown), as JSON.
"""
import json
import sys
from datetime import date, timedelta

KB_PER_GB = 1048576
DECIMALS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "OMR": 3}
TYPES = ["kilobytes", "seconds", "units", "dollar"]


def rdiv(n, d):
    """n / d rounded half away from zero (d > 0)."""
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return q if n >= 0 else -q


def num(i):
    return int(i.split("-")[1])


class Catalog:
    def __init__(self, doc):
        self.doc = doc
        self.plans = {}
        for k in ["package_plans", "service_plans", "bolt_ons", "bolt_on_add_ons"]:
            for p in doc[k]:
                self.plans[p["id"]] = p
        self.retail = doc["settings"]["tier"] == "retail"
        self.per_unit = 10 ** DECIMALS.get(doc["settings"]["currency"], 2)
        self.groups_of = {}
        for g in doc["bolt_on_groups"]:
            for m in g["members"]:
                self.groups_of.setdefault(m, set()).add(g["id"])

    def detail(self, p):
        return next(iter(p["detail"].values()))

    def sell(self, i):
        p = self.plans.get(i)
        return p if p and p["side"] == "SELL" else None

    def priced(self, p):
        d = self.detail(p)
        db = d.get("data_billing") or {}
        return any(x is not None for x in [p["setup_fee"], p["access_fee"], d.get("first_time_fee"), d.get("excess_rate"), db.get("excess_rate")])

    def buy_of(self, p):
        b = self.plans.get(p["buy_counterpart"]) if p["buy_counterpart"] else None
        if b is None or (self.retail and not self.priced(b)):
            return None
        return b

    def excess_rate(self, p):
        d = self.detail(p)
        if "excess_rate" in d and "add_on_group" in d:
            return d["excess_rate"]
        return (d.get("data_billing") or {}).get("excess_rate")

    def own(self, sp):
        d = self.detail(sp)
        db = d.get("data_billing")
        return db if db and db["mode"] == "own" else None

    def bolt_ons(self, sp):
        chosen, groups = [], set()
        for l in self.doc["bolt_on_links"]:
            if l["service_plan"] != sp["id"]:
                continue
            bo = self.sell(l["bolt_on"])
            if bo is None:
                continue
            g = self.groups_of.get(bo["id"], set())
            if g & groups or any(b["id"] == bo["id"] for b, _ in chosen):
                continue
            groups |= g
            aos = []
            for a in self.doc["allowances"]:
                if a["bolt_on_link"] == l["id"]:
                    ao = self.sell(a["add_on"])
                    if ao is not None:
                        aos.append((ao, max(0, a["max_occurrence"])))
            chosen.append((bo, aos))
        return chosen

    def package(self, pp, count, usage):
        services = []
        for i in self.detail(pp)["service_plans"]:
            sp = self.sell(i)
            if sp is None:
                continue
            services.append((sp, usage and self.detail(sp)["data_billing"]["mode"] != "pooled", self.bolt_ons(sp)))
        return (pp, count, services)

    def order(self, sc):
        subject = sc["subject"]
        doc = self.doc
        if subject.startswith("CU-"):
            return self.shared(sc, subject, None, None)
        st = next(s for s in doc["structures"] if s["id"] == subject)
        if st["kind"] == "shared_data":
            def role(r):
                for m in st["members"]:
                    if m["role"] == r and m["object"].startswith("PP-"):
                        p = self.plans.get(m["object"])
                        if p and p["side"] == "SELL":
                            return p
                        for q in doc["package_plans"]:
                            if q["side"] == "SELL" and q["buy_counterpart"] == m["object"]:
                                return q
                return None
            return self.shared(sc, st["customer"], role("data"), role("tail"))
        # Bolt-on: the structure's package plans and their counterparts, SELL ones in id order.
        pps = {m["object"] for m in st["members"] if m["object"].startswith("PP-")}
        grown = True
        while grown:
            more = set()
            for q in doc["package_plans"]:
                if q["id"] in pps and q["buy_counterpart"]:
                    more.add(q["buy_counterpart"])
                if q["buy_counterpart"] in pps:
                    more.add(q["id"])
            grown = not more <= pps
            pps |= more
        count = sc.get("services") or 1
        sells = sorted((p for p in pps if self.sell(p)), key=num)
        return [self.package(self.sell(p), count, True) for p in sells]

    def shared(self, sc, customer, data, tail):
        doc = self.doc
        c = next((x for x in doc["customers"] if x["id"] == customer), None) if customer else None
        if c and c["data_package"] and self.sell(c["data_package"]):
            data = self.sell(c["data_package"])
        site_tails = []
        if c:
            for s in sorted(doc["sites"], key=lambda s: num(s["id"])):
                if s["customer"] == c["id"] and s["tail_package"] and self.sell(s["tail_package"]):
                    site_tails.append(self.sell(s["tail_package"]))
        tails = []
        if sc.get("sites"):
            tails.append(((site_tails[0] if site_tails else tail), sc["sites"]))
        else:
            for t in site_tails:
                for e in tails:
                    if e[0]["id"] == t["id"]:
                        e[1] += 1
                        break
                else:
                    tails.append([t, 1])
        out = [self.package(data, 1, True)] if data else []
        return out + [self.package(t, n, False) for t, n in tails]


def rate(cat, sc):
    start = date.fromisoformat(sc["start"])
    periods = []
    order = cat.order(sc)
    state = {}
    for p in range(1, sc.get("periods", 12) + 1):
        y, m = divmod(start.month - 1 + p - 1, 12)
        first = date(start.year + y, m + 1, 1)
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        frm = start if p == 1 else first
        tot = {"sell": [0, 0], "buy": [0, 0], "unknown": False}

        def add(one_off, s_amt, b_amt):
            tot["sell"][0 if one_off else 1] += s_amt
            if b_amt is None:
                tot["unknown"] = True
            else:
                tot["buy"][0 if one_off else 1] += b_amt

        def frac(plan):
            if p == 1 and plan["pro_rata"] and frm.day != 1:
                return ((last - frm).days + 1, last.day)
            return None

        def scaled(plan, n):
            f = frac(plan)
            return rdiv(n * f[0], f[1]) if f and n else n

        def fee(plan, get, q, one_off, f=None):
            b = cat.buy_of(plan)
            if q == 0 or (get(plan) is None and (b is None or get(b) is None)):
                return
            qq, per = (q * f[0], f[1]) if f else (q, 1)
            s_amt = rdiv((get(plan) or 0) * qq, per)
            b_amt = rdiv((get(b) or 0) * qq, per) if b else None
            add(one_off, s_amt, b_amt)

        setup = lambda x: x["setup_fee"]
        access = lambda x: x["access_fee"]
        first_time = lambda x: cat.detail(x).get("first_time_fee")

        def plan_fees(plan, c):
            if p == 1:
                fee(plan, setup, c, True)
            if not plan["recurring"] and p != 1:
                return
            fee(plan, access, c, False, frac(plan))

        def allowances(sp, bos, t):
            d = cat.detail(sp)
            n = sum(max(0, v["amount"]) for v in d.get("included_values", []) if v["value_type"] == t)
            db = cat.own(sp)
            if t == "kilobytes" and db:
                n += max(0, db["quota_kb"] or 0) + max(0, db["bonus_kb"] or 0)
            n = scaled(sp, n)
            for bo in bos:
                if bo is None:
                    continue
                iv = cat.detail(bo).get("included_value")
                n += scaled(bo, max(0, iv["amount"])) if iv and iv["value_type"] == t else 0
            return n

        def quota(ao, t, later):
            for q in cat.detail(ao)["quotas"]:
                if q["value_type"] == t:
                    at_end = q["bonus_type"] == "at_end"
                    return max(0, q["amount"]) if at_end == later else 0
            return 0

        for pi, (pp, c, services) in enumerate(order):
            plan_fees(pp, c)
            for si, (sp, usage, bos) in enumerate(services):
                plan_fees(sp, c)
                for bo, _ in bos:
                    plan_fees(bo, c)
                    if p == 1:
                        fee(bo, first_time, c, True)
                st = state.setdefault((pi, si), {"carry": [[0] * 4, [0] * 4], "set_up": set()})
                sp_buy = cat.buy_of(sp)
                aos = [a for _, al in bos for a in al]
                bought = {}
                for b in sc.get("purchases", []):
                    if b.get("period") in (None, p) and any(a["id"] == b["add_on"] for a, _ in aos):
                        bought[b["add_on"]] = bought.get(b["add_on"], 0) + b["count"]
                nxt_carry = [[0] * 4, [0] * 4]
                for ti, t in enumerate(TYPES):
                    used = usage_in(sc, t, p) if usage else 0
                    covered = allowances(sp, [b for b, _ in bos], t) + st["carry"][0][ti] + sum(quota(a, t, False) * bought.get(a["id"], 0) for a, _ in aos)
                    if sc.get("top_ups_as_needed") and usage and used > covered:
                        cands = []
                        for a, mx in aos:
                            q = next((q for q in cat.detail(a)["quotas"] if q["value_type"] == t), None)
                            if q and q["bonus_type"] != "at_end" and q["amount"] > 0:
                                cands.append((-(q["weight"] or 0), num(a["id"]), a, mx))
                        for _, _, a, mx in sorted(cands, key=lambda x: (x[0], x[1])):
                            per = quota(a, t, False)
                            if per <= 0 or used <= covered:
                                continue
                            n = max(0, min(-(-(used - covered) // per), mx - bought.get(a["id"], 0)))
                            if n:
                                bought[a["id"]] = bought.get(a["id"], 0) + n
                                covered += n * per
                    buy_cov = None
                    if sp_buy is not None:
                        buy_cov = allowances(sp_buy, [cat.buy_of(b) for b, _ in bos], t) + st["carry"][1][ti]
                        for a, _ in aos:
                            k = bought.get(a["id"], 0)
                            if k:
                                ba = cat.buy_of(a)
                                if ba is None:
                                    buy_cov = None
                                    break
                                buy_cov += quota(ba, t, False) * k
                    if used > 0:
                        per = {"kilobytes": KB_PER_GB, "seconds": 60, "units": 1, "dollar": cat.per_unit}[t]
                        db = cat.own(sp)
                        if t == "kilobytes" and db and db["charge_in_quota"]:
                            qs = min(used, scaled(sp, max(0, db["quota_kb"] or 0) + max(0, db["bonus_kb"] or 0))) * c
                            s_amt = rdiv((db["excess_rate"] or 0) * qs, per)
                            b_amt = None
                            if sp_buy is not None:
                                bd = cat.own(sp_buy)
                                qb = min(used, scaled(sp_buy, max(0, bd["quota_kb"] or 0) + max(0, bd["bonus_kb"] or 0))) * c if bd and bd["charge_in_quota"] else 0
                                b_amt = rdiv(((bd or {}).get("excess_rate") or 0) * qb, per)
                            add(False, s_amt, b_amt)
                        src = None
                        for bo, _ in bos:
                            d = cat.detail(bo)
                            if d["excess_rate"] is not None and d["included_value"] and d["included_value"]["value_type"] == t:
                                src = (bo, cat.buy_of(bo))
                                break
                        if src is None and t == "kilobytes" and db and db["excess_rate"] is not None:
                            src = (sp, sp_buy)
                        if src is not None:
                            se = max(0, used - covered) * c
                            be = max(0, used - buy_cov) * c if buy_cov is not None else None
                            if se or be:
                                s_amt = rdiv((cat.excess_rate(src[0]) or 0) * se, per)
                                b_amt = rdiv((cat.excess_rate(src[1]) or 0) * be, per) if src[1] is not None and be is not None else None
                                add(False, s_amt, b_amt)
                    for a, _ in aos:
                        k = bought.get(a["id"], 0)
                        if k:
                            nxt_carry[0][ti] += quota(a, t, True) * k
                            ba = cat.buy_of(a)
                            if ba is not None:
                                nxt_carry[1][ti] += quota(ba, t, True) * k
                st["carry"] = nxt_carry
                for a, _ in aos:
                    k = bought.get(a["id"], 0)
                    if not k:
                        continue
                    ba = cat.buy_of(a)
                    if a["id"] not in st["set_up"]:
                        st["set_up"].add(a["id"])
                        if a["setup_fee"] is not None or (ba is not None and ba["setup_fee"] is not None):
                            fee(a, setup, k * c, True)
                    fee(a, access, k * c, False)
        periods.append({
            "sell": {"one_off": tot["sell"][0], "monthly": tot["sell"][1]},
            "buy": None if tot["unknown"] else {"one_off": tot["buy"][0], "monthly": tot["buy"][1]},
        })
    return periods


def usage_in(sc, t, p):
    own = [u["amount"] for u in sc.get("usage", []) if u["value_type"] == t and u.get("period") == p]
    if own:
        return sum(own)
    return sum(u["amount"] for u in sc.get("usage", []) if u["value_type"] == t and u.get("period") is None)


def main():
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
    scenarios = json.load(open(sys.argv[2], encoding="utf-8"))
    cat = Catalog(doc)
    print(json.dumps([rate(cat, sc) for sc in scenarios]))


if __name__ == "__main__":
    main()
