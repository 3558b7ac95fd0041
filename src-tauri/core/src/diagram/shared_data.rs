//! The shared-data diagram (seed 1, "Sharing data across services"): one customer, the data
//! pool it buys once (quota and excess rate) and each site's tail (technology, speed) drawing
//! from the pool, on the BUY side (what the carrier charges) and the SELL side (what the
//! customer pays).
//!
//! Why a picture of its own: the structure diagram shows the plans a consultant builds; this
//! one shows what they add up to for the customer, site by site, which is what the article's
//! scenario is about and what a client recognises in a workshop. A site's tail is drawn on
//! both sides: the SELL tail plan the site orders and the BUY tail plan behind it, tied as
//! counterparts. Tail plans no site orders yet are drawn as plans, so a structure under
//! construction still has a picture.
//!
//! Its placement is fixed rather than searched: the customer on top between the lanes, the
//! pool of each side below, then one row per site with the BUY tail and the SELL tail facing
//! each other across the axis (so every counterpart line is straight) and a bus line on the
//! outer side of each column carrying the tails' usage up to the pool. Its size grows with the
//! number of sites in one direction only, so a customer with forty sites still prints.

use std::collections::BTreeSet;

use crate::id::{EntityKind, Id};
use crate::model::{DataBillingMode, Plan, Side, Structure};
use crate::progress;
use crate::relations::Relations;
use crate::snapshot::Snapshot;

use super::label;
use super::layout::{
    self, AXIS_GAP, CONTAINER_HEAD, CONTAINER_PAD, LANE_HEAD_H, LANE_PAD, Placed, ROW_LABEL_W, SECTION_RIGHT,
};
use super::structure::{caption, text_lines};
use super::{
    Container, ContainerKind, Diagram, DiagramKind, Edge, EdgeKind, FindingCounts, Lane, Node, NodeKind, Point, Row,
};

const CUSTOMER_W: i32 = 300;
const TAIL_W: i32 = 256;
const TALL_H: i32 = 80;
const CUSTOMER_H: i32 = 64;
/// From the tails' container to the bus line on its outer side.
const BUS_GAP: i32 = 16;
/// How far a pool reaches past the bus line.
const POOL_OVERHANG: i32 = 28;
/// Between two pools of one side, between tails of successive sites.
const PILE_GAP: i32 = 18;
/// Below the customer (the "orders" line) and below the pools (the bus).
const DROP: i32 = 64;

const ROW_CUSTOMER: u32 = 0;
const ROW_POOL: u32 = 1;
const ROW_TAIL: u32 = 2;

/// Inner edge of a tail column (from the lane's inner border), its bus, a pool's width.
const TAIL_P: i32 = LANE_PAD as i32 + CONTAINER_PAD as i32;
const BUS_P: i32 = TAIL_P + TAIL_W + CONTAINER_PAD as i32 + BUS_GAP;
const POOL_W: i32 = BUS_P + POOL_OVERHANG - LANE_PAD as i32;

fn side_key(side: Side) -> &'static str {
    match side {
        Side::Buy => "BUY",
        Side::Sell => "SELL",
    }
}

#[allow(clippy::too_many_arguments)]
fn node(
    key: String,
    object: Option<Id>,
    related: Vec<Id>,
    kind: NodeKind,
    plan: Option<&Plan>,
    side: Option<Side>,
    id_text: &str,
    name: &str,
    facts: &[String],
    (errors, warnings): (u32, u32),
    row: u32,
    w: i32,
    h: i32,
) -> Node {
    let status = plan.map(|p| p.status);
    let (label, details) = text_lines(name, facts, w);
    Node {
        caption: caption(side, kind, id_text, status.map(|s| s.as_str()), w),
        key,
        object,
        related,
        kind,
        side,
        status,
        name: name.to_string(),
        label,
        details,
        errors,
        warnings,
        section: 0,
        row,
        container: None,
        x: 0,
        y: 0,
        w,
        h,
    }
}

fn edge(from: String, to: String, kind: EdgeKind, label: Option<&str>) -> Edge {
    Edge {
        from,
        to,
        kind,
        object: None,
        label: label.map(str::to_string),
        dashed: kind == EdgeKind::Counterpart,
        errors: 0,
        warnings: 0,
        points: vec![],
        label_at: None,
    }
}

fn sum(a: (u32, u32), b: (u32, u32)) -> (u32, u32) {
    (a.0 + b.0, a.1 + b.1)
}

/// The service plans of a role: named directly or through a package.
fn role_service_plans(s: &Snapshot, role: &BTreeSet<Id>) -> Vec<Id> {
    let mut v: BTreeSet<Id> = role.iter().filter(|i| i.kind == EntityKind::ServicePlan).copied().collect();
    for p in role.iter().filter(|i| i.kind == EntityKind::PackagePlan) {
        if let Some(f) = s.plan(*p).and_then(|p| p.package()) {
            v.extend(f.service_plans.iter().copied());
        }
    }
    v.into_iter().collect()
}

/// The service plan of a tail package that draws the data (pooled first).
fn tail_service_plan(s: &Snapshot, package: Id) -> Option<&Plan> {
    let sps: Vec<&Plan> = s.plan(package)?.package()?.service_plans.iter().filter_map(|sp| s.plan(*sp)).collect();
    sps.iter()
        .find(|p| p.service().is_some_and(|f| f.data_billing.mode == DataBillingMode::Pooled))
        .or(sps.first())
        .copied()
}

/// How an edge of this picture is drawn.
#[derive(Clone, Copy)]
enum Path {
    /// Straight from the bottom of the upper end to the top of the lower one.
    Straight,
    /// Across the axis, between facing sides.
    Across,
    /// From a tail's outer side along the bus up into the pool.
    Bus,
    /// From the customer's side across, then down into the outer end of the pool (clear of
    /// the lane's header).
    Orders,
}

struct Picture {
    nodes: Vec<Node>,
    edges: Vec<(Edge, Path)>,
    containers: Vec<Container>,
    /// Per side (BUY, SELL): the pools, innermost first.
    pools: [Vec<usize>; 2],
    /// One entry per row of tails: the BUY and the SELL tail.
    tail_rows: Vec<[Option<usize>; 2]>,
    customer: Option<usize>,
}

fn lane_ix(side: Side) -> usize {
    usize::from(side == Side::Sell)
}

/// The shared-data diagram of `st`, over the indexes `r` of its snapshot (built once when many
/// structures are drawn from one snapshot, as a bundle does).
pub(crate) fn shared_data_diagram(r: &Relations, counts: &FindingCounts, st: &Structure) -> Diagram {
    let s = r.snapshot;
    let o = progress::objects(r, st);
    let cur = &s.settings.currency;
    let mut pic = Picture {
        nodes: vec![],
        edges: vec![],
        containers: vec![],
        pools: [vec![], vec![]],
        tail_rows: vec![],
        customer: None,
    };
    let customer = st.customer.and_then(|c| s.customer(c));
    // Through the index, in site order: scanning every site made a bundle's diagrams quadratic.
    let sites: Vec<&crate::model::Site> = customer
        .map(|c| r.sites_of.get(&c.id).into_iter().flatten().filter_map(|x| s.site(*x)).collect())
        .unwrap_or_default();
    let key_ix = |pic: &Picture, key: &str| pic.nodes.iter().position(|n| n.key == key);

    // Data pools: the data-allowance service plans, each side.
    let data_sps = role_service_plans(s, &o.data);
    let mut tails_per_pool: std::collections::BTreeMap<Id, usize> = Default::default();
    for site in &sites {
        if let Some(sp) = site.tail_package.and_then(|p| tail_service_plan(s, p)) {
            if let Some(pool) = sp.service().and_then(|f| f.data_billing.pool) {
                *tails_per_pool.entry(pool).or_default() += 1;
            }
            let buy_pool =
                sp.buy_counterpart.and_then(|b| s.plan(b)).and_then(|b| b.service()).and_then(|f| f.data_billing.pool);
            if let Some(pool) = buy_pool {
                *tails_per_pool.entry(pool).or_default() += 1;
            }
        }
    }
    for id in &data_sps {
        let Some(p) = s.plan(*id) else { continue };
        let billing = p.service().map(|f| &f.data_billing);
        let quota = billing.and_then(|b| b.quota_kb).map(label::kilobytes).unwrap_or_else(|| "no quota".into());
        let excess = billing
            .and_then(|b| b.excess_rate)
            .map(|m| format!("excess {}/GB", label::money(cur, m)))
            .unwrap_or_else(|| "no excess rate".into());
        let packages: Vec<Id> = r.packages_of.get(id).cloned().unwrap_or_default();
        let shared = match tails_per_pool.get(id).copied().unwrap_or(0) {
            0 => "no site draws from it yet".to_string(),
            1 => "1 site draws from it".to_string(),
            k => format!("{k} sites draw from it"),
        };
        let facts = [format!("{quota} a month · {excess}"), shared];
        let c = packages.iter().fold(counts.of(p.id), |acc, pk| sum(acc, counts.of(*pk)));
        pic.pools[lane_ix(p.side)].push(pic.nodes.len());
        pic.nodes.push(node(
            id.to_string(),
            Some(*id),
            packages,
            NodeKind::DataPool,
            Some(p),
            Some(p.side),
            &id.to_string(),
            &p.internal_name,
            &facts,
            c,
            ROW_POOL,
            POOL_W,
            TALL_H,
        ));
    }

    // The customer, above both lanes, ordering the data package once.
    if let Some(c) = customer {
        let orders = match c.data_package {
            Some(p) => format!("orders {p} once"),
            None => "orders no data package yet".to_string(),
        };
        let facts = [format!("{} site(s) · {orders}", sites.len())];
        pic.customer = Some(pic.nodes.len());
        pic.nodes.push(node(
            c.id.to_string(),
            Some(c.id),
            c.data_package.into_iter().collect(),
            NodeKind::Customer,
            None,
            None,
            &c.id.to_string(),
            &c.name,
            &facts,
            (0, 0),
            ROW_CUSTOMER,
            CUSTOMER_W,
            CUSTOMER_H,
        ));
        let data_sp = c
            .data_package
            .and_then(|p| s.plan(p))
            .and_then(|p| p.package())
            .and_then(|f| f.service_plans.first().copied());
        if let Some(sp) = data_sp.filter(|sp| key_ix(&pic, &sp.to_string()).is_some()) {
            pic.edges
                .push((edge(c.id.to_string(), sp.to_string(), EdgeKind::Orders, Some("orders once")), Path::Orders));
        }
    }

    // Each site's tail, SELL (what the site orders) and BUY (its counterpart), on one row.
    let mut used_tail_sps: BTreeSet<Id> = BTreeSet::new();
    let mut site_keys: [Vec<String>; 2] = [vec![], vec![]];
    let pool_path = |pic: &Picture, side: Side, pool: Id| -> Option<Path> {
        let i = key_ix(pic, &pool.to_string())?;
        Some(if pic.pools[lane_ix(side)].first() == Some(&i) { Path::Bus } else { Path::Straight })
    };
    for site in &sites {
        let sell_pkg = site.tail_package.and_then(|p| s.plan(p));
        let sell_sp = site.tail_package.and_then(|p| tail_service_plan(s, p));
        let buy_pkg = sell_pkg.and_then(|p| p.buy_counterpart).and_then(|b| s.plan(b));
        let buy_sp = sell_sp.and_then(|p| p.buy_counterpart).and_then(|b| s.plan(b));
        let mut row: [Option<usize>; 2] = [None, None];
        let mut sides: Vec<(Side, Option<&Plan>, Option<&Plan>)> = vec![];
        if buy_sp.is_some() || buy_pkg.is_some() {
            sides.push((Side::Buy, buy_sp, buy_pkg));
        }
        sides.push((Side::Sell, sell_sp, sell_pkg));
        for (side, sp, pkg) in sides {
            let key = format!("{}/{}", site.id, side_key(side));
            let mut related: Vec<Id> = Vec::new();
            related.extend(sp.map(|p| p.id));
            related.extend(pkg.map(|p| p.id));
            used_tail_sps.extend(sp.map(|p| p.id));
            let c = related.iter().fold((0, 0), |acc, id| sum(acc, counts.of(*id)));
            let mut plans = related.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" · ");
            if plans.is_empty() {
                plans = "no tail package ordered".to_string();
            }
            let second = match (side, &site.service_identifier) {
                (Side::Sell, Some(sid)) if !sid.trim().is_empty() => format!("{sid} · {plans}"),
                _ => plans,
            };
            let facts = [format!("{} · {}", site.technology, site.speed), second];
            row[lane_ix(side)] = Some(pic.nodes.len());
            pic.nodes.push(node(
                key.clone(),
                Some(site.id),
                related,
                NodeKind::Tail,
                sp.or(pkg),
                Some(side),
                &site.id.to_string(),
                &site.name,
                &facts,
                c,
                ROW_TAIL,
                TAIL_W,
                TALL_H,
            ));
            let pool = sp
                .and_then(|p| p.service())
                .filter(|f| f.data_billing.mode == DataBillingMode::Pooled)
                .and_then(|f| f.data_billing.pool);
            if let Some((pool, path)) = pool.and_then(|p| pool_path(&pic, side, p).map(|x| (p, x))) {
                pic.edges.push((edge(key.clone(), pool.to_string(), EdgeKind::Pool, None), path));
            }
            site_keys[lane_ix(side)].push(key);
        }
        if row[0].is_some() {
            let e = edge(format!("{}/SELL", site.id), format!("{}/BUY", site.id), EdgeKind::Counterpart, None);
            pic.edges.push((e, Path::Across));
        }
        pic.tail_rows.push(row);
    }

    // Tail plans no site orders yet, a SELL one on the row of its BUY counterpart.
    // (A plan that is the pool too is drawn once, as the pool.)
    let unordered: Vec<&Plan> = role_service_plans(s, &o.tails)
        .into_iter()
        .filter(|i| !used_tail_sps.contains(i) && key_ix(&pic, &i.to_string()).is_none())
        .filter_map(|i| s.plan(i))
        .collect();
    let mut row_of_plan: std::collections::BTreeMap<Id, usize> = Default::default();
    for p in unordered.iter().filter(|p| p.side == Side::Buy).chain(unordered.iter().filter(|p| p.side == Side::Sell)) {
        let facts = ["no site orders it yet".to_string(), p.service_type.clone().unwrap_or_default()];
        let ix = pic.nodes.len();
        pic.nodes.push(node(
            p.id.to_string(),
            Some(p.id),
            r.packages_of.get(&p.id).cloned().unwrap_or_default(),
            NodeKind::Tail,
            Some(p),
            Some(p.side),
            &p.id.to_string(),
            &p.internal_name,
            &facts,
            counts.of(p.id),
            ROW_TAIL,
            TAIL_W,
            TALL_H,
        ));
        let lane = lane_ix(p.side);
        let partner_row =
            p.buy_counterpart.and_then(|b| row_of_plan.get(&b).copied()).filter(|r| pic.tail_rows[*r][lane].is_none());
        match partner_row {
            Some(r) => {
                pic.tail_rows[r][lane] = Some(ix);
                let e = edge(
                    p.id.to_string(),
                    p.buy_counterpart.map(|b| b.to_string()).unwrap_or_default(),
                    EdgeKind::Counterpart,
                    None,
                );
                pic.edges.push((e, Path::Across));
            }
            None => {
                let mut row = [None, None];
                row[lane] = Some(ix);
                row_of_plan.insert(p.id, pic.tail_rows.len());
                pic.tail_rows.push(row);
            }
        }
        let pool =
            p.service().filter(|f| f.data_billing.mode == DataBillingMode::Pooled).and_then(|f| f.data_billing.pool);
        if let Some((pool, path)) = pool.and_then(|x| pool_path(&pic, p.side, x).map(|y| (x, y))) {
            pic.edges.push((edge(p.id.to_string(), pool.to_string(), EdgeKind::Pool, None), path));
        }
    }
    // Counterparts of the pools: facing each other when both are innermost.
    for i in pic.pools[1].clone() {
        let buy = pic.nodes[i].object.and_then(|o| s.plan(o)).and_then(|p| p.buy_counterpart);
        if let Some(b) = buy.and_then(|b| key_ix(&pic, &b.to_string())) {
            let across = pic.pools[0].first() == Some(&b) && pic.pools[1].first() == Some(&i);
            let e = edge(pic.nodes[i].key.clone(), pic.nodes[b].key.clone(), EdgeKind::Counterpart, None);
            pic.edges.push((e, if across { Path::Across } else { Path::Straight }));
        }
    }

    // The customer's sites, boxed per side.
    if let Some(c) = customer {
        for side in [Side::Buy, Side::Sell] {
            let keys = &site_keys[lane_ix(side)];
            if keys.is_empty() {
                continue;
            }
            let key = format!("sites:{}/{}", c.id, side_key(side));
            for n in pic.nodes.iter_mut().filter(|n| keys.contains(&n.key)) {
                n.container = Some(key.clone());
            }
            let name = match side {
                Side::Sell => format!("Sites of {}", c.name),
                Side::Buy => "Carrier tails, one per site".to_string(),
            };
            pic.containers.push(Container {
                key,
                object: Some(c.id),
                kind: ContainerKind::Sites,
                side,
                name,
                label: String::new(),
                members: keys.clone(),
                errors: 0,
                warnings: 0,
                section: 0,
                row: ROW_TAIL,
                x: 0,
                y: 0,
                w: 0,
                h: 0,
            });
        }
    }

    let placed = place(pic, st);
    let who = customer.map(|c| format!("Customer {} · {} site(s) share one data pool", c.name, sites.len()));
    layout::assemble(
        DiagramKind::SharedData,
        format!("Shared data {} · {}", st.id, st.name),
        format!(
            "{} · {} · BUY lane left, SELL lane right",
            who.unwrap_or_else(|| "No customer yet".into()),
            s.settings.name
        ),
        vec![placed],
    )
}

/// The fixed placement: customer, pools, one row per site; lanes mirrored about the axis.
fn place(mut pic: Picture, st: &Structure) -> Placed {
    let most_pools = pic.pools.iter().map(|p| p.len()).max().unwrap_or(0) as i32;
    let pools_w = most_pools * POOL_W + (most_pools - 1).max(0) * PILE_GAP;
    let lane_w = (LANE_PAD as i32 + pools_w.max(POOL_W) + LANE_PAD as i32).max(BUS_P + POOL_OVERHANG + LANE_PAD as i32);
    let buy_inner = ROW_LABEL_W + lane_w;
    let sell_inner = buy_inner + AXIS_GAP;
    let axis = buy_inner + AXIS_GAP / 2;
    // x of a box of width w starting at p (outward from the axis) in a lane.
    let x_at = |lane: usize, p: i32, w: i32| if lane == 0 { buy_inner - p - w } else { sell_inner + p };
    let bus_x = |lane: usize| if lane == 0 { buy_inner - BUS_P } else { sell_inner + BUS_P };

    let mut y = 0;
    let mut rows: Vec<Row> = vec![];
    if let Some(c) = pic.customer {
        let n = &mut pic.nodes[c];
        n.x = axis - n.w / 2;
        n.y = y;
        rows.push(Row { section: 0, label: "Customer".into(), y, h: n.h });
        y += n.h + DROP;
    }
    let lane_top = y;
    y += LANE_HEAD_H;
    let pool_y = y;
    for (lane, pools) in pic.pools.iter().enumerate() {
        for (k, i) in pools.iter().enumerate() {
            let n = &mut pic.nodes[*i];
            n.x = x_at(lane, LANE_PAD as i32 + k as i32 * (POOL_W + PILE_GAP), POOL_W);
            n.y = pool_y;
        }
    }
    rows.push(Row { section: 0, label: "Data pool".into(), y: pool_y, h: TALL_H });
    y = pool_y + TALL_H + DROP;
    let tails_top = y;
    let boxed = !pic.containers.is_empty();
    if boxed {
        y += CONTAINER_HEAD + CONTAINER_PAD as i32;
    }
    let mut site_rows_end = y;
    for row in &pic.tail_rows {
        for (lane, i) in row.iter().enumerate() {
            if let Some(i) = i {
                let n = &mut pic.nodes[*i];
                n.x = x_at(lane, TAIL_P, TAIL_W);
                n.y = y;
                if n.container.is_some() {
                    site_rows_end = y + TALL_H;
                }
            }
        }
        y += TALL_H + PILE_GAP;
    }
    if pic.tail_rows.is_empty() {
        y += TALL_H;
    }
    for c in &mut pic.containers {
        let lane = lane_ix(c.side);
        let pad = CONTAINER_PAD as i32;
        c.x = x_at(lane, TAIL_P - pad, TAIL_W + 2 * pad);
        c.w = TAIL_W + 2 * pad;
        c.y = tails_top;
        c.h = site_rows_end + pad - tails_top;
        c.label = label::fit(&c.name, label::SMALL_SIZE, true, (c.w - 16) as f64);
    }
    let bottom = y.max(site_rows_end + CONTAINER_PAD as i32) + LANE_PAD as i32;
    rows.push(Row {
        section: 0,
        label: "Site tails".into(),
        y: tails_top,
        h: (bottom - LANE_PAD as i32 - tails_top).max(TALL_H),
    });

    // Edge geometry.
    let ix: std::collections::HashMap<String, usize> =
        pic.nodes.iter().enumerate().map(|(i, n)| (n.key.clone(), i)).collect();
    let mut labelled_bus = [false, false];
    let mut edges = Vec::with_capacity(pic.edges.len());
    for (mut e, path) in pic.edges {
        let (Some(a), Some(b)) = (ix.get(&e.from).map(|i| &pic.nodes[*i]), ix.get(&e.to).map(|i| &pic.nodes[*i]))
        else {
            continue;
        };
        let (ra, rb) = (a.rect(), b.rect());
        match path {
            Path::Straight => {
                let (pa, pb) = if ra.y <= rb.y {
                    (Point { x: ra.x + ra.w / 2, y: ra.bottom() }, Point { x: rb.x + rb.w / 2, y: rb.y })
                } else {
                    (Point { x: ra.x + ra.w / 2, y: ra.y }, Point { x: rb.x + rb.w / 2, y: rb.bottom() })
                };
                e.label_at = e.label.as_ref().map(|_| Point { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 });
                e.points = vec![pa, pb];
            }
            Path::Orders => {
                let ym = ra.y + ra.h / 2;
                // Out of the customer's side towards the pool, down into the pool's outer end.
                let (sx, vx) = if rb.x + rb.w / 2 >= ra.x + ra.w / 2 {
                    (ra.right(), (rb.right() - POOL_OVERHANG - 28).max(ra.right() + 16))
                } else {
                    (ra.x, (rb.x + POOL_OVERHANG + 28).min(ra.x - 16))
                };
                e.points = vec![Point { x: sx, y: ym }, Point { x: vx, y: ym }, Point { x: vx, y: rb.y }];
                e.label_at = e.label.as_ref().map(|_| Point { x: vx, y: (ym + rb.y) / 2 });
            }
            Path::Across => {
                let ym = ra.y.max(rb.y) + ra.h.min(rb.h) / 2;
                let (xa, xb) = if ra.x <= rb.x { (ra.right(), rb.x) } else { (ra.x, rb.right()) };
                e.points = vec![Point { x: xa, y: ym }, Point { x: xb, y: ym }];
            }
            Path::Bus => {
                let lane = usize::from(a.side == Some(Side::Sell));
                let bx = bus_x(lane);
                let side_x = if lane == 0 { ra.x } else { ra.right() };
                let ym = ra.y + ra.h / 2;
                e.points = vec![Point { x: side_x, y: ym }, Point { x: bx, y: ym }, Point { x: bx, y: rb.bottom() }];
                if !labelled_bus[lane] {
                    labelled_bus[lane] = true;
                    e.label = Some("draws from pool".into());
                    e.label_at = Some(Point { x: bx, y: rb.bottom() + DROP / 2 });
                }
            }
        }
        edges.push(e);
    }
    let lanes = vec![
        Lane {
            section: 0,
            side: Side::Buy,
            label: "BUY".into(),
            x: ROW_LABEL_W,
            y: lane_top,
            w: lane_w,
            h: bottom - lane_top,
        },
        Lane {
            section: 0,
            side: Side::Sell,
            label: "SELL".into(),
            x: sell_inner,
            y: lane_top,
            w: lane_w,
            h: bottom - lane_top,
        },
    ];
    let width = (sell_inner + lane_w + SECTION_RIGHT)
        .max(pic.nodes.iter().map(|n| n.x + n.w + SECTION_RIGHT).max().unwrap_or(0));
    Placed {
        title: String::new(),
        structures: vec![st.id],
        width,
        height: bottom + 8,
        lanes,
        rows,
        nodes: pic.nodes,
        containers: pic.containers,
        edges,
    }
}
