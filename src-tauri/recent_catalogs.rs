//! The catalogs this person opened lately, for the "Recent catalogs" menu.
//!
//! A small JSON list in the user's data folder (`<data>/plansmith/recent.json`), most recent
//! first, at most [`LIMIT`] entries. It is a convenience, not data: a missing or unreadable
//! list is an empty one (and is rewritten on the next open), and failing to write it never
//! stops a catalog from opening. Written beside and renamed into place, so a crash leaves the
//! old list or the new one.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many catalogs the list remembers.
pub const LIMIT: usize = 10;

/// One entry of the menu.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecentCatalog {
    /// The full path, as opened.
    pub path: String,
    /// The file name, for the menu.
    pub name: String,
    /// False when the file has gone (moved, deleted, on an unmounted drive).
    pub exists: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    catalogs: Vec<PathBuf>,
}

/// The list's file.
#[derive(Debug, Clone)]
pub struct RecentCatalogs {
    file: PathBuf,
}

impl RecentCatalogs {
    /// The list kept in `<user data folder>/plansmith/recent.json`.
    pub fn in_data_dir(user_data_dir: &Path) -> Self {
        RecentCatalogs { file: user_data_dir.join("plansmith").join("recent.json") }
    }

    fn read(&self) -> Vec<PathBuf> {
        fs::read(&self.file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .map(|stored| stored.catalogs)
            .unwrap_or_default()
    }

    fn write(&self, catalogs: Vec<PathBuf>) {
        let Some(folder) = self.file.parent() else { return };
        let _ = fs::create_dir_all(folder);
        let Ok(bytes) = serde_json::to_vec_pretty(&Stored { catalogs }) else { return };
        // Whole or not at all; a failure is not the user's concern (see the module doc).
        let _ = plansmith_core::new_file::write_replacing(&self.file, &bytes);
    }

    /// The entries, most recent first.
    pub fn list(&self) -> Vec<RecentCatalog> {
        self.read()
            .into_iter()
            .map(|path| RecentCatalog {
                name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                exists: path.is_file(),
                path: path.to_string_lossy().into_owned(),
            })
            .collect()
    }

    /// True when `path` is on the list (the UI may only reopen what the person opened before).
    pub fn contains(&self, path: &Path) -> bool {
        self.read().iter().any(|p| p == path)
    }

    /// Puts `path` first (absolute, once), dropping the oldest beyond [`LIMIT`].
    pub fn record(&self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut catalogs = self.read();
        catalogs.retain(|p| p != &path);
        catalogs.insert(0, path);
        catalogs.truncate(LIMIT);
        self.write(catalogs);
    }

    /// Takes `path` off the list (it has gone).
    pub fn forget(&self, path: &Path) {
        let mut catalogs = self.read();
        let before = catalogs.len();
        catalogs.retain(|p| p != path);
        if catalogs.len() != before {
            self.write(catalogs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_folder::TestFolder;

    #[test]
    fn most_recent_first_once_each_and_at_most_the_limit() {
        let folder = TestFolder::new();
        let recent = RecentCatalogs::in_data_dir(&folder.file("data"));
        assert!(recent.list().is_empty(), "no file yet: an empty list");
        for n in 0..12 {
            recent.record(&folder.file(&format!("c{n}.plansmith")));
        }
        recent.record(&folder.file("c5.plansmith"));
        let names: Vec<String> = recent.list().into_iter().map(|r| r.name).collect();
        assert_eq!(names.len(), LIMIT);
        assert_eq!(names[..3], ["c5.plansmith", "c11.plansmith", "c10.plansmith"]);
        assert!(!names.contains(&"c0.plansmith".to_owned()), "the oldest fell off");
        assert!(recent.contains(&folder.file("c5.plansmith")));
        recent.forget(&folder.file("c5.plansmith"));
        assert!(!recent.contains(&folder.file("c5.plansmith")));
    }

    #[test]
    fn a_damaged_list_is_an_empty_one_and_is_rewritten() {
        let folder = TestFolder::new();
        let data = folder.file("data");
        let recent = RecentCatalogs::in_data_dir(&data);
        fs::create_dir_all(data.join("plansmith")).unwrap();
        fs::write(data.join("plansmith/recent.json"), b"{not json").unwrap();
        assert!(recent.list().is_empty());
        let catalog = folder.file("here.plansmith");
        fs::write(&catalog, b"").unwrap();
        recent.record(&catalog);
        let list = recent.list();
        assert_eq!((list.len(), list[0].exists), (1, true));
        fs::remove_file(&catalog).unwrap();
        assert!(!recent.list()[0].exists, "a file that has gone is shown as such");
    }
}
