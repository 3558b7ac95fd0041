//! The command line's integration tests, one binary for the crate: each module runs the real
//! `plansmith` binary as ops and scripts would, and reads its output, files and exit codes.

mod bundle;
mod cli;
mod crash;
mod diagram;
mod proposal;
mod rating;
mod run;
