//! The rules of saving a structure's own indicator file. What a file's name and text must be
//! is read by the report crate (it parses definitions); the rules of the register of files are
//! here: a stored file keeps its name, a new one takes a name no other file has.

use crate::reports::indicator::IndicatorDef;

/// Checks a file's text beside the structure's other files (name, text): its indicators, or
/// every problem.
pub type CheckFile = fn(&[(String, String)], &str, &str) -> Result<Vec<IndicatorDef>, Vec<String>>;

/// The checks of a file that need the definitions' parser (the report crate's
/// `definitions::CHECKS`): its name, then its definitions beside the structure's other files
/// (name, text), giving its indicators or every problem.
#[derive(Clone, Copy)]
pub struct FileChecks {
    pub name: fn(&str) -> Result<(), String>,
    pub file: CheckFile,
}

/// How a save is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    /// A new file (the page's form): a name already taken is refused.
    Create,
    /// A new text for the stored file `id`, read at `version` (`None`: the version sent did not
    /// read, and a stored file refuses the save).
    Update {
        id: uuid::Uuid,
        version: Option<i64>,
    },
    /// The file of that name, whatever it holds now, or a new one (`passerelle indicators
    /// import`: the operator's file is the reference).
    Replace,
}

/// A problem of a file to save; nothing is saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("Le nom d'un fichier enregistré ne change pas.")]
    NameChanged,
    #[error("Un fichier porte déjà ce nom : ouvrez-le pour le modifier.")]
    NameTaken,
    /// The name does not follow the naming rule; the message says it.
    #[error("{0}")]
    BadName(String),
    /// What the file's definitions would break, each said where.
    #[error("{}", .0.join(" · "))]
    Definitions(Vec<String>),
}

impl FileProblem {
    /// The form field the problem goes next to.
    pub fn field(&self) -> &'static str {
        match self {
            FileProblem::Definitions(_) => "source",
            _ => "name",
        }
    }
}

/// The register's rules for saving `name`: `stored_name` is the name of the file being
/// updated, `taken` says whether another file has that name. `name_rule` is the naming rule's
/// answer. The definitions are checked only when these pass.
pub fn check_save(
    mode: SaveMode,
    stored_name: Option<&str>,
    name: &str,
    name_rule: Result<(), String>,
    taken: bool,
) -> Vec<FileProblem> {
    let mut problems = Vec::new();
    if matches!(mode, SaveMode::Update { .. }) && stored_name != Some(name) {
        problems.push(FileProblem::NameChanged);
    }
    if let Err(m) = name_rule {
        problems.push(FileProblem::BadName(m));
    }
    if mode == SaveMode::Create && taken {
        problems.push(FileProblem::NameTaken);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_file_keeps_its_name_and_a_new_one_takes_a_free_name() {
        let update = SaveMode::Update {
            id: uuid::Uuid::from_u128(1),
            version: Some(1),
        };
        assert_eq!(
            check_save(update, Some("a.toml"), "b.toml", Ok(()), true),
            vec![FileProblem::NameChanged]
        );
        assert!(check_save(update, Some("a.toml"), "a.toml", Ok(()), true).is_empty());
        assert_eq!(
            check_save(SaveMode::Create, None, "a.toml", Ok(()), true),
            vec![FileProblem::NameTaken]
        );
        assert!(check_save(SaveMode::Replace, None, "a.toml", Ok(()), true).is_empty());
        assert_eq!(
            check_save(SaveMode::Create, None, "a b", Err("nom".into()), false),
            vec![FileProblem::BadName("nom".into())]
        );
    }

    #[test]
    fn definition_problems_go_under_the_text() {
        let p = FileProblem::Definitions(vec!["a".into(), "b".into()]);
        assert_eq!((p.field(), p.to_string()), ("source", "a · b".to_owned()));
    }
}
