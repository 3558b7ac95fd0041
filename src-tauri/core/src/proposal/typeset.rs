//! Typesetting the proposal: typst, used as a library, over a closed world of our own.
//!
//! Why a world of our own: typst asks its `World` for every file, font and the date. Ours holds
//! exactly four kinds of thing, all in memory: the template (`templates/proposal/main.typ`,
//! compiled into the binary), the proposal's data as one JSON file, the pictures as SVG files,
//! and DejaVu Sans (compiled into the binary). It answers no other path, has no package
//! manager, no system font and no clock (`today` is none; the date printed is data), so the
//! same proposal gives the same bytes on every machine and nothing reaches the network.
//!
//! Why data and template apart: every user string (names, descriptions, scenario names) goes
//! into `data.json` and the template prints it as a string value, which typst sets as text and
//! never reads as markup, so a plan named `#import "x"`, `*bold*`, `$x$` or `]` prints as
//! typed; nothing is spliced into typst source.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::error::{CoreError, Result};

/// The template: the whole layout of the proposal, reading everything it prints from
/// `data.json`.
const TEMPLATE: &str = include_str!("../../templates/proposal/main.typ");

/// The only fonts the proposal may use: the diagrams' face, regular and bold.
const FONTS: [&[u8]; 2] =
    [include_bytes!("../../assets/fonts/DejaVuSans.ttf"), include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf")];

/// Fonts and the standard library, parsed once per process (they never change).
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    Shared { library: LazyHash::new(Library::default()), book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a fixed, valid virtual path")).intern()
}

/// The files of one proposal: the JSON data and the pictures, by virtual path.
pub(crate) struct Files {
    pub data_json: String,
    /// (path such as "/diagram.svg", SVG text).
    pub pictures: Vec<(String, String)>,
}

struct ProposalWorld {
    main: FileId,
    source: Source,
    files: Vec<(FileId, Bytes)>,
}

impl ProposalWorld {
    fn new(files: Files) -> ProposalWorld {
        let main = file_id("/main.typ");
        let mut all = vec![(file_id("/data.json"), Bytes::from_string(files.data_json))];
        for (path, svg) in files.pictures {
            all.push((file_id(&path), Bytes::from_string(svg)));
        }
        ProposalWorld { main, source: Source::new(main, TEMPLATE.to_string()), files: all }
    }
}

impl World for ProposalWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main { Ok(self.source.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(Bytes::from_string(self.source.clone()));
        }
        self.files
            .iter()
            .find(|(f, _)| *f == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A typeset proposal: the PDF file's bytes and its number of pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// The proposal as a PDF: the template laid out over `files`.
pub(crate) fn pdf(files: Files) -> Result<Pdf> {
    let world = ProposalWorld::new(files);
    let document: PagedDocument = typst::compile(&world).output.map_err(|e| failed("lay out", &e))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom("plansmith-proposal".to_string()),
        creator: Smart::Custom(Some("Plansmith".to_string())),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| failed("write", &e))?;
    Ok(Pdf { bytes, pages: document.pages().len() })
}

/// A typesetting failure is ours, never the user's (the data is always printed as text), so it
/// is reported as an internal error with typst's first message.
fn failed(what: &str, diagnostics: &[SourceDiagnostic]) -> CoreError {
    let first = diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .or(diagnostics.first())
        .map(|d| d.message.to_string())
        .unwrap_or_default();
    CoreError::internal(format!("the proposal could not be typeset ({what}: {first}); this is a bug in Plansmith"))
}
