//! What an indicator definition's types cannot say, checked before it is saved or used: the
//! period fits the population, a rate names its parts, filters and breakdowns fit, the list
//! opens only to roles that may see names. Each refusal says which indicator and where.

use super::indicator::{Breakdown, IndicatorDef, Measure, PeriodRule, Population};

impl IndicatorDef {
    /// Checks what the types cannot: the period fits the population, a percent names its two
    /// indicators among `known`, filters fit the population. The message says where.
    pub fn check(&self, known: &[&str]) -> Result<(), String> {
        self.check_period()?;
        self.check_parts_named(known)?;
        self.check_measure()?;
        self.check_step_filters()?;
        self.check_breakdowns()?;
        self.check_list_roles()?;
        self.check_exit_categories()
    }

    /// The period rule fits the population.
    fn check_period(&self) -> Result<(), String> {
        use PeriodRule::*;
        use Population::*;
        let fits = matches!(
            (self.population, self.period),
            (Enrolments, Active | Entered | Exited | ActiveAtEnd)
                | (Steps, Started | Ended)
                | (Contracts, Started)
                | (Committees, Held)
        );
        if !fits {
            return Err(format!(
                "{} : la période {:?} ne s'applique pas à la population {:?}",
                self.id, self.period, self.population
            ));
        }
        Ok(())
    }

    /// A percent or a ratio names its two parts among `known`, neither itself.
    fn check_parts_named(&self, known: &[&str]) -> Result<(), String> {
        if matches!(self.measure, Measure::Percent | Measure::Ratio) {
            for (what, id) in [
                ("numérateur", &self.numerator),
                ("dénominateur", &self.denominator),
            ] {
                match id {
                    Some(id) if known.contains(&id.as_str()) && id != &self.id => {}
                    Some(id) => return Err(format!("{} : {what} « {id} » inconnu", self.id)),
                    None => return Err(format!("{} : un pourcentage indique son {what}", self.id)),
                }
            }
        }
        Ok(())
    }

    /// A sum names a quantity of its population; a mean of months is over exited pathways.
    fn check_measure(&self) -> Result<(), String> {
        use Population::*;
        match (self.measure, self.quantity) {
            (Measure::Sum, None) => {
                return Err(format!(
                    "{} : une somme indique ce qu'elle additionne (quantity)",
                    self.id
                ));
            }
            (Measure::Sum, Some(q)) if q.population() != self.population => {
                return Err(format!(
                    "{} : la quantité « {} » ne se trouve pas dans la population {:?}",
                    self.id,
                    q.label(),
                    self.population
                ));
            }
            (Measure::Sum, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(format!(
                    "{} : une quantité (quantity) ne sert qu'à une somme",
                    self.id
                ));
            }
        }
        if self.measure == Measure::MeanMonths
            && (self.population, self.period) != (Enrolments, PeriodRule::Exited)
        {
            return Err(format!(
                "{} : la durée moyenne porte sur les parcours sortis dans la période",
                self.id
            ));
        }
        Ok(())
    }

    /// Step filters apply to steps, with known families.
    fn check_step_filters(&self) -> Result<(), String> {
        if (!self.filters.step_families.is_empty() || self.filters.validated.is_some())
            && self.population != Population::Steps
        {
            return Err(format!(
                "{} : les filtres d'étape ne s'appliquent qu'aux étapes",
                self.id
            ));
        }
        for f in &self.filters.step_families {
            if f.parse::<crate::pathways::step::StepFamily>().is_err() {
                return Err(format!("{} : famille d'étape inconnue « {f} »", self.id));
            }
        }
        Ok(())
    }

    /// Each breakdown fits the population, and only counts are broken down.
    fn check_breakdowns(&self) -> Result<(), String> {
        use Population::*;
        for b in &self.breakdowns {
            let fits = match b {
                Breakdown::ExitCategory => self.population == Enrolments,
                Breakdown::ContractKind => self.population == Contracts,
                _ => true,
            };
            if !fits {
                return Err(format!(
                    "{} : la répartition « {} » ne s'applique pas à la population {:?}",
                    self.id,
                    b.label(),
                    self.population
                ));
            }
        }
        if !self.breakdowns.is_empty()
            && (self.population == Population::Committees
                || matches!(
                    self.measure,
                    Measure::Percent | Measure::Ratio | Measure::MeanMonths | Measure::Sum
                ))
        {
            return Err(format!(
                "{} : ce chiffre ne se décompose pas (réunions, taux, moyenne ou somme)",
                self.id
            ));
        }
        Ok(())
    }

    /// The roles a structure opens the list to may see names.
    fn check_list_roles(&self) -> Result<(), String> {
        for code in &self.list_roles {
            match code.parse::<crate::Role>() {
                Err(_) => return Err(format!("{} : rôle inconnu « {code} »", self.id)),
                Ok(role) if !role.allows(crate::Permission::ReportExplain) => {
                    return Err(format!(
                        "{} : le rôle « {} » ne peut pas voir les noms des personnes ; il ne peut pas ouvrir la liste de ce chiffre",
                        self.id,
                        role.label()
                    ));
                }
                Ok(_) => {}
            }
        }
        Ok(())
    }

    /// The exit categories filtered on exist.
    fn check_exit_categories(&self) -> Result<(), String> {
        for c in &self.filters.exit_categories {
            if c.parse::<crate::pathways::exit::ExitCategory>().is_err() {
                return Err(format!(
                    "{} : catégorie de sortie inconnue « {c} »",
                    self.id
                ));
            }
        }
        Ok(())
    }
}
