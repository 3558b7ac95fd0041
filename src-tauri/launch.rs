//! What the app opens when it starts, decided from its command line.
//!
//! ```text
//! plansmith-app                 open the demo catalog in the user's data folder,
//!                               writing it first if it is not there yet
//! plansmith-app FILE            open FILE (it must exist)
//! plansmith-app --demo FILE     open FILE, writing the demo catalog there first if FILE
//!                               does not exist (used by the end-to-end tests and demos)
//! ```
//!
//! Parsing is kept apart from opening so that it is tested without a window or a disk. The
//! clock and the user name are read here, at the edge, and passed into the core as a
//! [`Stamp`]: the core never reads the time itself.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use plansmith_core::{Catalog, CoreError, Stamp, Timestamp, demo};

/// File name of the demo catalog inside `<user data dir>/plansmith/`.
pub const DEMO_FILE_NAME: &str = "demo.plansmith";

/// Where the catalog to open comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogChoice {
    /// Nothing given: the demo catalog in the user's data folder.
    UserDemo,
    /// A catalog file that must already exist.
    File(PathBuf),
    /// A catalog file that is written with the demo content when it does not exist.
    DemoAt(PathBuf),
}

/// Reads the arguments that follow the program name.
pub fn parse_args<I>(args: I) -> anyhow::Result<CatalogChoice>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        return Ok(CatalogChoice::UserDemo);
    };
    let choice = if first == "--demo" {
        let path = args.next().context("--demo needs a catalog file path")?;
        CatalogChoice::DemoAt(PathBuf::from(path))
    } else if first.to_string_lossy().starts_with('-') {
        bail!("unknown option {}; usage: plansmith-app [FILE | --demo FILE]", first.to_string_lossy());
    } else {
        CatalogChoice::File(PathBuf::from(first))
    };
    if let Some(extra) = args.next() {
        bail!("unexpected argument {}; usage: plansmith-app [FILE | --demo FILE]", extra.to_string_lossy());
    }
    Ok(choice)
}

/// The catalog file to open and whether to write the demo there when it is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTarget {
    pub path: PathBuf,
    pub write_demo_if_missing: bool,
}

impl CatalogChoice {
    /// Turns the choice into a file, given the user's data folder (`~/.local/share` on Linux).
    pub fn target(&self, user_data_dir: &Path) -> CatalogTarget {
        match self {
            CatalogChoice::UserDemo => CatalogTarget {
                path: user_data_dir.join("plansmith").join(DEMO_FILE_NAME),
                write_demo_if_missing: true,
            },
            CatalogChoice::File(path) => CatalogTarget { path: path.clone(), write_demo_if_missing: false },
            CatalogChoice::DemoAt(path) => CatalogTarget { path: path.clone(), write_demo_if_missing: true },
        }
    }
}

impl CatalogTarget {
    /// Opens the catalog read-write, first writing the demo content if asked to and the file
    /// is missing. The stamp (who and when) is taken only when the demo is written.
    pub fn open(&self, stamp: impl FnOnce() -> Stamp) -> Result<Catalog, CoreError> {
        if self.write_demo_if_missing && !self.path.exists() {
            if let Some(folder) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                // A missing folder is reported by the core's writer below if this fails.
                let _ = std::fs::create_dir_all(folder);
            }
            return demo::write_demo(&self.path, &stamp());
        }
        Catalog::open(&self.path)
    }
}

/// Who is at the keyboard and what time it is, read from the system at the edge of the app.
pub fn stamp_now() -> Stamp {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    let by = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "plansmith".to_owned());
    Stamp { by, at: Timestamp::from_unix_seconds(seconds) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn no_argument_means_the_user_demo() {
        assert_eq!(parse_args(args(&[])).unwrap(), CatalogChoice::UserDemo);
    }

    #[test]
    fn a_path_is_opened_as_is() {
        assert_eq!(
            parse_args(args(&["/tmp/acme.plansmith"])).unwrap(),
            CatalogChoice::File("/tmp/acme.plansmith".into())
        );
    }

    #[test]
    fn demo_flag_takes_a_path() {
        assert_eq!(parse_args(args(&["--demo", "x.plansmith"])).unwrap(), CatalogChoice::DemoAt("x.plansmith".into()));
        assert!(parse_args(args(&["--demo"])).is_err());
    }

    #[test]
    fn unknown_options_and_extra_arguments_are_refused() {
        assert!(parse_args(args(&["--frobnicate"])).is_err());
        assert!(parse_args(args(&["a.plansmith", "b.plansmith"])).is_err());
    }

    #[test]
    fn user_demo_lives_in_the_plansmith_data_folder() {
        let target = CatalogChoice::UserDemo.target(Path::new("/home/ana/.local/share"));
        assert_eq!(target.path, Path::new("/home/ana/.local/share/plansmith/demo.plansmith"));
        assert!(target.write_demo_if_missing);
        let target = CatalogChoice::File("a.plansmith".into()).target(Path::new("/ignored"));
        assert!(!target.write_demo_if_missing);
    }

    #[test]
    fn stamp_names_someone() {
        assert!(!stamp_now().by.is_empty());
    }
}
