//! Indicators as definitions (data, not code): what is counted (a population with typed
//! filters), how (a measure), over which period semantics, and which version of the definition
//! produced a figure. Storage compiles a definition to one SQL query; nothing here knows a
//! figure's expected value.

/// What an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Pathways (one row per enrolment).
    Enrolments,
    /// Pathway steps.
    Steps,
    /// Employment contracts starting while the person is enrolled in the programme.
    Contracts,
    /// Access committee meetings.
    Committees,
}

/// Which records of the population fall in the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodRule {
    /// Pathways entered before the end of the period and not exited before its start.
    Active,
    /// Pathways entered during the period (committee decision date).
    Entered,
    /// Pathways exited during the period.
    Exited,
    /// Pathways in progress on the period's last day (the active file at a date).
    ActiveAtEnd,
    /// Steps or contracts starting during the period.
    Started,
    /// Steps ending during the period.
    Ended,
    /// Committees held during the period.
    Held,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Number of distinct records of the population.
    Count,
    /// Number of distinct persons.
    DistinctPersons,
    /// Mean length of the pathways in months from entry to exit, computed from days
    /// (÷ 30.4375), exact: pages round it for display.
    MeanMonths,
    /// `numerator` ÷ `denominator` × 100 (two counts of the same population).
    Percent,
    /// `numerator` ÷ `denominator`, to one decimal (two counts, of any populations: steps per
    /// participant).
    Ratio,
    /// Sum of a quantity (`quantity`) over the records, each record once.
    Sum,
}

/// A quantity recorded on each record of a population, that a figure can add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// A contract's weekly working hours.
    WeeklyHours,
}

impl Quantity {
    /// The population whose records carry the quantity.
    pub fn population(self) -> Population {
        match self {
            Quantity::WeeklyHours => Population::Contracts,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Quantity::WeeklyHours => "heures hebdomadaires du contrat",
        }
    }
}

/// A dimension a figure can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// Town of residence.
    Commune,
    Sex,
    /// Living in a priority neighbourhood or not.
    Qpv,
    /// Age band at the entry into the pathway.
    AgeBand,
    /// Receiving RSA in the situation known at entry.
    RsaAtEntry,
    /// Education level (nomenclature 2019) in the situation known at entry.
    EducationLevel,
    /// The programme of the pathway.
    Programme,
    /// The referent in charge of the pathway at the record's date.
    Referent,
    /// The team running the programme.
    Team,
    /// Long-term job seeker (DELD: registered 12 months or more) at entry.
    LongTermJobseeker,
    /// Recognised disabled worker (RQTH) in the situation known at entry.
    Rqth,
    /// Exit category of the pathway.
    ExitCategory,
    /// Contract type (CDI, CDD, interim…).
    ContractKind,
}

impl Breakdown {
    pub fn label(self) -> &'static str {
        match self {
            Breakdown::Commune => "Commune",
            Breakdown::Sex => "Sexe",
            Breakdown::Qpv => "Quartier prioritaire",
            Breakdown::AgeBand => "Âge à l'entrée",
            Breakdown::RsaAtEntry => "RSA à l'entrée",
            Breakdown::EducationLevel => "Niveau de formation à l'entrée",
            Breakdown::Programme => "Dispositif",
            Breakdown::Referent => "Référent",
            Breakdown::Team => "Équipe",
            Breakdown::LongTermJobseeker => "Demandeur d'emploi de longue durée à l'entrée",
            Breakdown::Rqth => "RQTH à l'entrée",
            Breakdown::ExitCategory => "Type de sortie",
            Breakdown::ContractKind => "Type de contrat",
        }
    }

    /// Whether the groups name staff (referents): such a breakdown stays inside the
    /// structure and is left out of public exports.
    pub fn names_staff(self) -> bool {
        self == Breakdown::Referent
    }
}

crate::codes::codes!(Breakdown {
    Commune = "commune",
    Sex = "sex",
    Qpv = "qpv",
    AgeBand = "age_band",
    RsaAtEntry = "rsa_at_entry",
    EducationLevel = "education_level",
    Programme = "programme",
    Referent = "referent",
    Team = "team",
    LongTermJobseeker = "long_term_jobseeker",
    Rqth = "rqth",
    ExitCategory = "exit_category",
    ContractKind = "contract_kind",
});

/// Typed filters: each one compiles to a fixed SQL condition with bound values, so a
/// definition cannot inject SQL.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Programme code (`plie`).
    pub programme: Option<String>,
    /// Step families (codes of `StepFamily`).
    pub step_families: Vec<String>,
    /// Exit categories (codes of `ExitCategory`).
    pub exit_categories: Vec<String>,
    /// Steps validated (diploma, title or certificate obtained).
    pub validated: Option<bool>,
    /// Receiving RSA in the situation known at entry.
    pub rsa_at_entry: Option<bool>,
    /// Town of residence (INSEE code).
    pub commune: Option<String>,
    /// Living in a priority neighbourhood (QPV) or not.
    pub qpv: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    /// Stable id (the ids of the activity report where one exists: `plie.entries`).
    pub id: String,
    /// Grows at each change of the definition; published figures keep theirs.
    pub version: u32,
    pub title: String,
    /// The definition in plain French, shown beside the figure.
    pub definition: String,
    pub population: Population,
    pub period: PeriodRule,
    pub measure: Measure,
    #[serde(default)]
    pub filters: Filters,
    /// For `sum`: what is added up.
    #[serde(default)]
    pub quantity: Option<Quantity>,
    /// For `percent`: the ids of the two indicators.
    #[serde(default)]
    pub numerator: Option<String>,
    #[serde(default)]
    pub denominator: Option<String>,
    /// `%`, `mois`, or empty for a count.
    #[serde(default)]
    pub unit: String,
    /// The breakdowns this figure allows.
    #[serde(default)]
    pub breakdowns: Vec<Breakdown>,
    /// Roles that may open the list of records behind the figure (role codes). Empty: every
    /// role allowed to see the names behind figures. A structure narrows it for a sensitive
    /// figure; naming a role that may not see names is refused.
    #[serde(default)]
    pub list_roles: Vec<String>,
}

impl IndicatorDef {
    /// Whether `role` may open the list of records behind this figure.
    pub fn lists_for(&self, role: crate::Role) -> bool {
        role.allows(crate::Permission::ReportExplain)
            && (self.list_roles.is_empty() || self.list_roles.iter().any(|r| r == role.code()))
    }

    /// Whether this figure counts a subset of `parent`'s records: same population, period and
    /// measure, and every filter of `parent` kept or narrowed. Publishing both tells their
    /// difference, which small-count suppression must then protect.
    pub fn narrows(&self, parent: &IndicatorDef) -> bool {
        fn within<T: PartialEq>(sub: &Option<T>, parent: &Option<T>) -> bool {
            parent.is_none() || sub == parent
        }
        fn subset(sub: &[String], parent: &[String]) -> bool {
            parent.is_empty() || (!sub.is_empty() && sub.iter().all(|s| parent.contains(s)))
        }
        let (f, p) = (&self.filters, &parent.filters);
        self.id != parent.id
            && matches!(self.measure, Measure::Count | Measure::DistinctPersons)
            && (self.population, self.period, self.measure)
                == (parent.population, parent.period, parent.measure)
            && within(&f.programme, &p.programme)
            && subset(&f.step_families, &p.step_families)
            && subset(&f.exit_categories, &p.exit_categories)
            && within(&f.validated, &p.validated)
            && within(&f.rsa_at_entry, &p.rsa_at_entry)
            && within(&f.commune, &p.commune)
            && within(&f.qpv, &p.qpv)
    }

    /// Whether `count` counts exactly the records this figure averages or adds up: a count of
    /// records of the same population, period and filters. A mean or a sum is published only
    /// with that count, since over a few records it tells each one's value.
    pub fn counted_by(&self, count: &IndicatorDef) -> bool {
        count.measure == Measure::Count
            && (self.population, self.period, &self.filters)
                == (count.population, count.period, &count.filters)
    }

    /// Checks a percentage against the other definitions: both parts count (a rate of a rate
    /// or of a mean means nothing) the same population over the same period.
    pub fn check_parts(&self, all: &[IndicatorDef]) -> Result<(), String> {
        if !matches!(self.measure, Measure::Percent | Measure::Ratio) {
            return Ok(());
        }
        for (what, id) in [
            ("numérateur", &self.numerator),
            ("dénominateur", &self.denominator),
        ] {
            let Some(part) = id.as_ref().and_then(|id| all.iter().find(|d| &d.id == id)) else {
                return Err(format!("{} : {what} introuvable", self.id));
            };
            if !matches!(part.measure, Measure::Count | Measure::DistinctPersons) {
                return Err(format!(
                    "{} : le {what} « {} » doit être un comptage",
                    self.id, part.id
                ));
            }
            if self.measure == Measure::Percent
                && (part.population, part.period) != (self.population, self.period)
            {
                return Err(format!(
                    "{} : le {what} « {} » ne porte pas sur la même population et la même période",
                    self.id, part.id
                ));
            }
        }
        Ok(())
    }
}

crate::codes::coded!(Breakdown, Breakdown::VARIANTS);

#[cfg(test)]
mod tests {
    use super::*;

    fn def(population: Population, period: PeriodRule, measure: Measure) -> IndicatorDef {
        IndicatorDef {
            id: "x".into(),
            version: 1,
            title: "x".into(),
            definition: "x".into(),
            population,
            period,
            measure,
            filters: Filters::default(),
            numerator: None,
            denominator: None,
            unit: String::new(),
            breakdowns: Vec::new(),
            list_roles: Vec::new(),
            quantity: None,
        }
    }

    #[test]
    fn a_list_is_never_opened_to_a_role_that_may_not_see_names() {
        let mut d = def(Population::Enrolments, PeriodRule::Active, Measure::Count);
        d.list_roles = vec!["read_only".into()];
        let e = d.check(&[]).err().unwrap_or_default();
        assert!(e.contains("Lecture seule"), "{e}");
        d.list_roles = vec!["director".into()];
        assert!(d.check(&[]).is_ok());
        assert!(d.lists_for(crate::Role::Director));
        assert!(!d.lists_for(crate::Role::Manager));
        d.list_roles.clear();
        assert!(d.lists_for(crate::Role::Manager));
        assert!(!d.lists_for(crate::Role::ReadOnly));
    }

    #[test]
    fn a_breakdown_fits_its_population() {
        let mut d = def(Population::Enrolments, PeriodRule::Exited, Measure::Count);
        d.breakdowns = vec![Breakdown::ExitCategory, Breakdown::Rqth];
        assert!(d.check(&[]).is_ok());
        d.breakdowns = vec![Breakdown::ContractKind];
        let e = d.check(&[]).err().unwrap_or_default();
        assert!(e.contains("Type de contrat"), "{e}");
        let mut ratio = def(Population::Steps, PeriodRule::Started, Measure::Ratio);
        ratio.breakdowns = vec![Breakdown::Sex];
        assert!(ratio.check(&[]).is_err());
    }

    #[test]
    fn a_ratio_divides_counts_of_any_populations() {
        let mut steps = def(Population::Steps, PeriodRule::Started, Measure::Count);
        steps.id = "steps".into();
        let mut persons = def(
            Population::Enrolments,
            PeriodRule::Active,
            Measure::DistinctPersons,
        );
        persons.id = "persons".into();
        let mut ratio = def(Population::Steps, PeriodRule::Started, Measure::Ratio);
        ratio.numerator = Some("steps".into());
        ratio.denominator = Some("persons".into());
        assert!(ratio.check(&["steps", "persons"]).is_ok());
        assert!(ratio.check_parts(&[steps.clone(), persons.clone()]).is_ok());
        ratio.measure = Measure::Percent;
        assert!(ratio.check_parts(&[steps, persons]).is_err());
    }

    #[test]
    fn a_sub_total_narrows_its_total() {
        let mut exits = def(Population::Enrolments, PeriodRule::Exited, Measure::Count);
        exits.filters.programme = Some("plie".into());
        let mut dynamic = exits.clone();
        dynamic.id = "dynamic".into();
        dynamic.filters.exit_categories = vec!["durable_job".into(), "transition_job".into()];
        let mut durable = dynamic.clone();
        durable.id = "durable".into();
        durable.filters.exit_categories = vec!["durable_job".into()];
        assert!(dynamic.narrows(&exits) && durable.narrows(&dynamic) && durable.narrows(&exits));
        assert!(!exits.narrows(&dynamic));
        let mut entries = exits.clone();
        entries.id = "entries".into();
        entries.period = PeriodRule::Entered;
        assert!(!entries.narrows(&exits));
    }

    #[test]
    fn a_percent_divides_two_counts_of_the_same_population() {
        let exits = def(Population::Enrolments, PeriodRule::Exited, Measure::Count);
        let mut part = exits.clone();
        part.id = "part".into();
        let mut entries = exits.clone();
        entries.id = "entries".into();
        entries.period = PeriodRule::Entered;
        let mut rate = def(Population::Enrolments, PeriodRule::Exited, Measure::Percent);
        rate.id = "rate".into();
        rate.numerator = Some("part".into());
        rate.denominator = Some("x".into());
        let all = [exits.clone(), part.clone(), entries.clone()];
        assert!(rate.check_parts(&all).is_ok());
        rate.denominator = Some("entries".into());
        let e = rate.check_parts(&all).err().unwrap_or_default();
        assert!(e.contains("même population"), "{e}");
    }

    #[test]
    fn periods_fit_populations() {
        assert!(
            def(Population::Enrolments, PeriodRule::Active, Measure::Count)
                .check(&[])
                .is_ok()
        );
        assert!(
            def(Population::Committees, PeriodRule::Active, Measure::Count)
                .check(&[])
                .is_err()
        );
    }

    #[test]
    fn a_sum_adds_a_quantity_of_its_population() {
        let mut d = def(Population::Contracts, PeriodRule::Started, Measure::Sum);
        let e = d.check(&[]).err().unwrap_or_default();
        assert!(e.contains("additionne"), "{e}");
        d.quantity = Some(Quantity::WeeklyHours);
        assert!(d.check(&[]).is_ok());
        d.breakdowns = vec![Breakdown::Sex];
        assert!(d.check(&[]).is_err(), "a sum has no breakdowns");
        d.breakdowns.clear();
        d.population = Population::Steps;
        d.period = PeriodRule::Started;
        let e = d.check(&[]).err().unwrap_or_default();
        assert!(e.contains("heures hebdomadaires"), "{e}");
        let mut count = def(Population::Contracts, PeriodRule::Started, Measure::Count);
        count.quantity = Some(Quantity::WeeklyHours);
        assert!(count.check(&[]).is_err(), "a quantity only serves a sum");
    }

    #[test]
    fn a_mean_is_counted_by_the_count_of_its_records() {
        let mut mean = def(
            Population::Enrolments,
            PeriodRule::Exited,
            Measure::MeanMonths,
        );
        mean.filters.programme = Some("plie".into());
        let mut exits = def(Population::Enrolments, PeriodRule::Exited, Measure::Count);
        exits.filters.programme = Some("plie".into());
        assert!(mean.counted_by(&exits));
        exits.filters.exit_categories = vec!["durable_job".into()];
        assert!(!mean.counted_by(&exits), "a sub-total counts fewer records");
        exits.filters.exit_categories.clear();
        exits.measure = Measure::DistinctPersons;
        assert!(!mean.counted_by(&exits), "persons are not pathways");
    }

    #[test]
    fn a_percent_names_known_indicators() {
        let mut d = def(Population::Enrolments, PeriodRule::Exited, Measure::Percent);
        assert!(d.check(&["a", "b"]).is_err());
        d.numerator = Some("a".into());
        d.denominator = Some("zz".into());
        let e = d.check(&["a", "b"]).err().unwrap_or_default();
        assert!(e.contains("zz"));
        d.denominator = Some("b".into());
        assert!(d.check(&["a", "b"]).is_ok());
    }

    #[test]
    fn unknown_filters_are_named() {
        let mut d = def(Population::Steps, PeriodRule::Started, Measure::Count);
        d.filters.step_families = vec!["cuisine".into()];
        assert!(d.check(&[]).err().unwrap_or_default().contains("cuisine"));
    }
}
