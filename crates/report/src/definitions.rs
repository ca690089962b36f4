//! Where indicator definitions come from: the versioned files shipped with the app, and a
//! structure's own files that add indicators or override shipped ones. A structure's broken
//! indicator is set aside with the reason; it never takes the others down.

use passerelle_db::{Db, DbError, DbResult};
use passerelle_domain::reports::indicator::IndicatorDef;
use uuid::Uuid;

/// The definitions shipped with the app.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "programmes.toml",
        include_str!("../definitions/programmes.toml"),
    ),
    ("plie.toml", include_str!("../definitions/plie.toml")),
];

#[derive(Debug, serde::Deserialize)]
struct File {
    indicator: Vec<IndicatorDef>,
}

/// Reads and checks a shipped definition file, all or nothing; the message names the file and
/// the indicator.
pub fn parse_definitions(name: &str, text: &str) -> Result<Vec<IndicatorDef>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{name} : {e}"))?;
    let ids: Vec<&str> = file.indicator.iter().map(|d| d.id.as_str()).collect();
    let mut seen = Vec::new();
    for d in &file.indicator {
        if seen.contains(&d.id.as_str()) {
            return Err(format!(
                "{name} : l'indicateur {} est défini deux fois",
                d.id
            ));
        }
        seen.push(d.id.as_str());
        d.check(&ids).map_err(|e| format!("{name} : {e}"))?;
        d.check_parts(&file.indicator)
            .map_err(|e| format!("{name} : {e}"))?;
    }
    Ok(file.indicator)
}

/// Every shipped definition.
pub fn shipped_definitions() -> Result<Vec<IndicatorDef>, String> {
    let mut all = Vec::new();
    for (name, text) in SHIPPED {
        all.extend(parse_definitions(name, text)?);
    }
    Ok(all)
}

/// A structure's indicator that was set aside, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub message: String,
}

/// The definitions in force for a structure.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    pub defs: Vec<IndicatorDef>,
    /// Ids defined (or redefined) by the structure.
    pub custom: Vec<String>,
    /// The structure's indicators set aside.
    pub problems: Vec<Problem>,
}

impl Definitions {
    pub fn get(&self, id: &str) -> Option<&IndicatorDef> {
        self.defs.iter().find(|d| d.id == id)
    }

    pub fn is_custom(&self, id: &str) -> bool {
        self.custom.iter().any(|c| c == id)
    }
}

/// The indicators of one file that deserialise, each on its own: a typo in one indicator
/// leaves the file's other indicators in force.
fn read_file(name: &str, text: &str, problems: &mut Vec<Problem>) -> Vec<IndicatorDef> {
    let problem = |message: String| Problem {
        file: name.to_owned(),
        message,
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            problems.push(problem(format!("{name} : {e}")));
            return Vec::new();
        }
    };
    let mut out: Vec<IndicatorDef> = Vec::new();
    for (key, value) in table {
        let Some(items) = value.as_array().filter(|_| key == "indicator") else {
            problems.push(problem(format!(
                "{name} : « {key} » inconnu ; un fichier contient des blocs [[indicator]]"
            )));
            continue;
        };
        for (n, item) in items.iter().enumerate() {
            let id = item
                .get("id")
                .and_then(|v| v.as_str())
                .map(|id| format!(" ({id})"))
                .unwrap_or_default();
            match item.clone().try_into::<IndicatorDef>() {
                Ok(d) if out.iter().any(|o| o.id == d.id) => problems.push(problem(format!(
                    "{name} : l'indicateur {} est défini deux fois",
                    d.id
                ))),
                Ok(d) => out.push(d),
                Err(e) => problems.push(problem(format!(
                    "{name} : indicateur n° {}{id} : {}",
                    n + 1,
                    e.message()
                ))),
            }
        }
    }
    out
}

/// The shipped definitions, then each of the structure's files (`(name, text)`, in order):
/// their indicators add to or replace the shipped ones of the same id. An indicator that does
/// not parse or check is set aside with the reason, and so is a rate whose part was set aside.
pub fn resolve(shipped: Vec<IndicatorDef>, files: &[(String, String)]) -> Definitions {
    let mut out = Definitions {
        defs: shipped,
        ..Definitions::default()
    };
    let mut incoming: Vec<(String, IndicatorDef)> = Vec::new();
    for (name, text) in files {
        for d in read_file(name, text, &mut out.problems) {
            incoming.push((name.clone(), d));
        }
    }
    let mut known: Vec<String> = out.defs.iter().map(|d| d.id.clone()).collect();
    known.extend(incoming.iter().map(|(_, d)| d.id.clone()));
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut accepted: Vec<(String, IndicatorDef)> = Vec::new();
    for (name, d) in incoming {
        let shipped_version = out.defs.iter().find(|o| o.id == d.id).map(|o| o.version);
        match d
            .check(&known_refs)
            .and_then(|()| check_override(&d, shipped_version))
        {
            Ok(()) => accepted.push((name, d)),
            Err(e) => out.problems.push(Problem {
                file: name.clone(),
                message: format!("{name} : {e}"),
            }),
        }
    }
    for (_, d) in &accepted {
        out.custom.push(d.id.clone());
        match out.defs.iter_mut().find(|o| o.id == d.id) {
            Some(o) => *o = d.clone(),
            None => out.defs.push(d.clone()),
        }
    }
    // A rate needs both its parts: drop, until none is left, rates whose part is missing.
    loop {
        let broken = out
            .defs
            .iter()
            .position(|d| d.check_parts(&out.defs).is_err());
        let Some(i) = broken else { break };
        let d = out.defs.remove(i);
        let e = d.check_parts(&out.defs).err().unwrap_or_default();
        let file = accepted
            .iter()
            .find(|(_, a)| a.id == d.id)
            .map(|(name, _)| name.clone())
            .unwrap_or_else(|| "définitions livrées".to_owned());
        out.custom.retain(|c| c != &d.id);
        out.problems.push(Problem {
            message: format!("{file} : {e}"),
            file,
        });
    }
    out
}

/// A structure's indicator replacing a shipped one must carry a higher version: publications
/// tell definitions apart by their version, so the same version with another definition would
/// make a publication claim that records moved when none did.
fn check_override(d: &IndicatorDef, shipped_version: Option<u32>) -> Result<(), String> {
    match shipped_version {
        Some(v) if d.version <= v => Err(format!(
            "l'indicateur {} remplace un indicateur livré en version {v} : donnez-lui une version supérieure (version = {})",
            d.id,
            v + 1
        )),
        _ => Ok(()),
    }
}

/// The longest definition file a structure may save (a few hundred indicators).
pub const MAX_FILE_CHARS: usize = 200_000;

/// A structure's file name: letters, digits, `-`, `_` and `.`, ending in `.toml`, so that it
/// reads the same in messages, in the interface and on the command line.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let valid = name.ends_with(".toml")
        && name.len() > 5
        && name.len() <= 60
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err("Un nom de fichier en lettres sans accent, chiffres, tirets, finissant par .toml (exemple : structure.toml).".into())
    }
}

/// Checks one of the structure's files before saving it beside its `others`: every problem it
/// would cause, or its indicators.
pub fn check_file(
    others: &[(String, String)],
    name: &str,
    text: &str,
) -> Result<Vec<IndicatorDef>, Vec<String>> {
    if text.chars().count() > MAX_FILE_CHARS {
        return Err(vec![format!(
            "{name} : le fichier dépasse {MAX_FILE_CHARS} caractères ; répartissez les indicateurs en plusieurs fichiers"
        )]);
    }
    let shipped = shipped_definitions().map_err(|e| vec![e])?;
    let mut files: Vec<(String, String)> =
        others.iter().filter(|(n, _)| n != name).cloned().collect();
    files.push((name.to_owned(), text.to_owned()));
    let resolved = resolve(shipped, &files);
    let problems: Vec<String> = resolved
        .problems
        .into_iter()
        .filter(|p| p.file == name)
        .map(|p| p.message)
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mine = read_file(name, text, &mut Vec::new());
    if mine.is_empty() {
        return Err(vec![format!("{name} : aucun indicateur")]);
    }
    Ok(mine)
}

/// The checks the services run before saving a structure's file.
pub const CHECKS: passerelle_domain::reports::files::FileChecks =
    passerelle_domain::reports::files::FileChecks {
        name: check_file_name,
        file: check_file,
    };

/// The definitions in force for a structure: shipped, then its own files.
pub async fn for_structure(db: &Db, structure_id: Uuid) -> DbResult<Definitions> {
    let shipped = shipped_definitions().map_err(DbError::Corrupt)?;
    let files: Vec<(String, String)> =
        passerelle_db::reports::indicator_files::list(db, structure_id)
            .await?
            .into_iter()
            .map(|f| (f.name, f.source))
            .collect();
    Ok(resolve(shipped, &files))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = r#"
[[indicator]]
id = "perso.entries_roubaix"
version = 1
title = "Entrées PLIE des Roubaisiens"
definition = "Entrées dans le PLIE des habitants de Roubaix."
population = "enrolments"
period = "entered"
measure = "count"
filters = { programme = "plie", commune = "59512" }
"#;

    fn shipped() -> Vec<IndicatorDef> {
        shipped_definitions().unwrap_or_default()
    }

    #[test]
    fn the_shipped_definitions_parse_and_check() {
        let defs = shipped();
        assert!(defs.iter().any(|d| d.id == "plie.entries"));
        assert!(
            defs.iter()
                .all(|d| d.version >= 1 && !d.definition.is_empty())
        );
    }

    #[test]
    fn a_broken_definition_says_where() {
        let bad = "[[indicator]]\nid = \"x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"steps\"\nperiod = \"held\"\nmeasure = \"count\"\n";
        let e = parse_definitions("perso.toml", bad)
            .err()
            .unwrap_or_default();
        assert!(e.contains("perso.toml") && e.contains('x'), "{e}");
        let unknown = "[[indicator]]\nid = \"x\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"enrolments\"\nperiod = \"active\"\nmeasure = \"count\"\nfilters = { couleur = \"bleu\" }\n";
        let e = parse_definitions("perso.toml", unknown)
            .err()
            .unwrap_or_default();
        assert!(e.contains("couleur"), "{e}");
    }

    #[test]
    fn a_structure_adds_and_overrides_indicators() {
        let over = OWN.to_owned()
            + "\n[[indicator]]\nid = \"plie.entries\"\nversion = 2\ntitle = \"Entrées\"\ndefinition = \"Autre\"\npopulation = \"enrolments\"\nperiod = \"entered\"\nmeasure = \"count\"\n";
        let d = resolve(shipped(), &[("perso.toml".into(), over)]);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert!(d.get("perso.entries_roubaix").is_some());
        assert_eq!(d.get("plie.entries").map(|e| e.version), Some(2));
        assert!(d.is_custom("plie.entries") && !d.is_custom("plie.exits"));
        assert_eq!(d.defs.len(), shipped().len() + 1);
    }

    #[test]
    fn an_override_needs_a_higher_version_than_the_shipped_one() {
        let shipped_entries = shipped()
            .into_iter()
            .find(|d| d.id == "plie.entries")
            .map(|d| d.version)
            .unwrap_or_default();
        let over = |version: u32| {
            format!(
                "[[indicator]]\nid = \"plie.entries\"\nversion = {version}\ntitle = \"Entrées\"\ndefinition = \"Autre\"\npopulation = \"enrolments\"\nperiod = \"entered\"\nmeasure = \"count\"\n"
            )
        };
        let same = resolve(shipped(), &[("perso.toml".into(), over(shipped_entries))]);
        assert_eq!(same.problems.len(), 1, "{:?}", same.problems);
        assert!(!same.is_custom("plie.entries"));
        assert_eq!(
            same.get("plie.entries").map(|d| d.definition.as_str()),
            shipped()
                .iter()
                .find(|d| d.id == "plie.entries")
                .map(|d| d.definition.as_str())
        );
        assert!(check_file(&[], "perso.toml", &over(shipped_entries)).is_err());
        let higher = resolve(
            shipped(),
            &[("perso.toml".into(), over(shipped_entries + 1))],
        );
        assert!(higher.problems.is_empty(), "{:?}", higher.problems);
        assert!(higher.is_custom("plie.entries"));
    }

    #[test]
    fn a_broken_indicator_is_set_aside_and_the_others_stay() {
        let broken = OWN.to_owned()
            + "\n[[indicator]]\nid = \"perso.cassé\"\nversion = 1\ntitle = \"X\"\ndefinition = \"X\"\npopulation = \"enrolments\"\nperiod = \"entered\"\nmeasure = \"count\"\nbreakdowns = [\"couleur\"]\n";
        let d = resolve(
            shipped(),
            &[
                ("a.toml".into(), broken),
                ("b.toml".into(), "ceci n'est pas du TOML".into()),
            ],
        );
        assert!(d.get("perso.entries_roubaix").is_some());
        assert!(d.get("perso.cassé").is_none());
        assert_eq!(d.problems.len(), 2, "{:?}", d.problems);
        assert!(
            d.problems[0].message.contains("a.toml")
                && d.problems[0].message.contains("perso.cassé")
        );
        assert!(d.problems[1].message.starts_with("b.toml"));
        assert_eq!(d.defs.len(), shipped().len() + 1);
    }

    #[test]
    fn a_rate_over_a_set_aside_part_is_set_aside_too() {
        let text = "[[indicator]]\nid = \"p.rate\"\nversion = 1\ntitle = \"T\"\ndefinition = \"T\"\npopulation = \"enrolments\"\nperiod = \"exited\"\nmeasure = \"percent\"\nnumerator = \"p.part\"\ndenominator = \"plie.exits\"\nunit = \"%\"\n\n[[indicator]]\nid = \"p.part\"\nversion = 1\ntitle = \"T\"\ndefinition = \"T\"\npopulation = \"enrolments\"\nperiod = \"exited\"\nmeasure = \"count\"\nfilters = { exit_categories = [\"lune\"] }\n";
        let d = resolve(shipped(), &[("r.toml".into(), text.into())]);
        assert!(d.get("p.rate").is_none() && d.get("p.part").is_none());
        assert!(d.problems.iter().any(|p| p.message.contains("lune")));
        assert!(d.problems.iter().any(|p| p.message.contains("p.rate")));
    }

    #[test]
    fn a_file_name_is_plain() {
        assert!(check_file_name("structure.toml").is_ok());
        assert!(check_file_name("mes indicateurs.toml").is_err());
        assert!(check_file_name("perso.txt").is_err());
    }

    #[test]
    fn checking_a_file_before_saving_lists_its_problems() {
        assert!(check_file(&[], "perso.toml", OWN).is_ok());
        let e = check_file(&[], "perso.toml", "[[indicator]]\nid = \"x\"\n")
            .err()
            .unwrap_or_default();
        assert!(e[0].contains("perso.toml") && e[0].contains("(x)"), "{e:?}");
        let roles = OWN.to_owned() + "list_roles = [\"read_only\"]\n";
        let e = check_file(&[], "perso.toml", &roles)
            .err()
            .unwrap_or_default();
        assert!(e[0].contains("Lecture seule"), "{e:?}");
    }
}
