//! Reports: indicator definitions as data and the statistical secret of public exports.

mod check;
pub mod files;
pub mod indicator;
pub mod suppression;

use crate::audit::RecordKind;
use crate::modules::DomainModule;

pub const INDICATOR_FILE: RecordKind = RecordKind {
    code: "indicator_file",
    label: "Indicateurs de la structure",
    access: false,
};
pub const PUBLISHED_REPORT: RecordKind = RecordKind {
    code: "published_report",
    label: "Rapport publié",
    access: false,
};
/// The list of records behind a figure, opened (a view).
pub const REPORT_FIGURE: RecordKind = RecordKind {
    code: "report_figure",
    label: "Liste d'un indicateur",
    access: false,
};

pub const MODULE: DomainModule = DomainModule {
    name: "reports",
    record_kinds: &[INDICATOR_FILE, PUBLISHED_REPORT, REPORT_FIGURE],
};
