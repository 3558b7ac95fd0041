//! The core's integration tests, one binary for the whole crate (one link instead of one per
//! file, which is most of a test build's time on two cores). Each module is one boundary of
//! the core's API, driven by fixtures; the `*_fixture` and `*_catalogs` modules are the shared
//! inputs. Run one family with `cargo nextest run -p plansmith-core -E 'test(/^bundle::/)'`.

mod bundle;
mod bundle_fixture;
mod bundle_hostile;
mod bundle_tools;
mod candidates;
mod commercials;
mod demo;
mod diagram;
mod diagram_catalogs;
mod diagram_png;
mod diagram_props;
mod diagram_svg;
mod interchange;
mod interchange_fixture;
mod interchange_props;
mod interchange_schema;
mod lifecycle;
mod progress;
mod proposal;
mod rating;
mod rules;
mod rules_fixture;
mod rules_perf;
mod rules_props;
mod store;
mod undo_props;
