//! Reports: indicators, publications, report files, figures on generated activity and on the demo.

mod demo_figures;
mod files;
mod indicators;
pub(crate) mod properties;
mod publication;
