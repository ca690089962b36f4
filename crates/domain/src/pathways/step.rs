//! Pathway steps, typed by family, and roadmap objectives.

/// An enum with a stored code (through [`crate::codes::codes!`]) and a French label.
macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        crate::codes::codes!($name { $($variant = $code),+ });

        impl $name {
            pub const ALL: &'static [$name] = Self::VARIANTS;
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
        }

        crate::codes::coded!($name, $name::VARIANTS);
    };
}

coded_enum! {
    /// The family of a step (RULES.md B.2, issue 3).
    StepFamily {
        QualifyingTraining = "qualifying_training": "Formation qualifiante",
        PreQualifyingTraining = "pre_qualifying_training": "Formation préqualifiante",
        CertifyingTraining = "certifying_training": "Formation certifiante",
        Vae = "vae": "VAE",
        Immersion = "immersion": "Immersion (PMSMP)",
        Workshop = "workshop": "Atelier",
        Coaching = "coaching": "Coaching",
        InsertionJob = "insertion_job": "Emploi d'insertion (chantier, SIAE)",
        Childcare = "childcare": "Accompagnement social : garde d'enfants",
        Mobility = "mobility": "Accompagnement social : mobilité",
        Housing = "housing": "Accompagnement social : logement",
        Health = "health": "Accompagnement social : santé",
    }
}

impl StepFamily {
    /// The "skills" family counted as upskilling steps in the activity report.
    pub fn is_upskilling(self) -> bool {
        matches!(
            self,
            StepFamily::QualifyingTraining
                | StepFamily::PreQualifyingTraining
                | StepFamily::CertifyingTraining
                | StepFamily::Vae
        )
    }

    /// A training that leads to a diploma, title or certificate: once validated, a positive
    /// exit (RULES.md rule 14, "qualifying or certifying training validated").
    pub fn leads_to_qualification(self) -> bool {
        matches!(
            self,
            StepFamily::QualifyingTraining | StepFamily::CertifyingTraining
        )
    }

    pub fn is_training(self) -> bool {
        self.is_upskilling() && self != StepFamily::Vae
    }
}

coded_enum! {
    /// Where an action of the roadmap stands.
    ObjectiveStatus {
        Planned = "planned": "Prévu",
        InProgress = "in_progress": "En cours",
        Done = "done": "Réalisé",
        Abandoned = "abandoned": "Abandonné",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upskilling_family() {
        assert!(StepFamily::Vae.is_upskilling());
        assert!(!StepFamily::Vae.is_training());
        assert!(!StepFamily::Workshop.is_upskilling());
        for f in StepFamily::ALL {
            assert_eq!(f.code().parse::<StepFamily>(), Ok(*f));
        }
    }
}

coded_enum! {
    /// A criterion of the eligibility diagnosis (RULES.md A.2, IAE grid), each recorded with a
    /// date, a proof and its author.
    DiagnosisCriterion {
        LongTermJobseeker = "long_term_jobseeker": "Demandeur d'emploi de longue durée (12 mois et plus)",
        VeryLongTermJobseeker = "very_long_term_jobseeker": "Demandeur d'emploi de très longue durée (24 mois et plus)",
        Rsa = "rsa": "Bénéficiaire du RSA",
        Ass = "ass": "Bénéficiaire de l'ASS",
        Aah = "aah": "Bénéficiaire de l'AAH",
        Rqth = "rqth": "Travailleur handicapé (RQTH)",
        QpvResident = "qpv_resident": "Résident d'un quartier prioritaire",
        LowQualification = "low_qualification": "Niveau de qualification CAP/BEP ou inférieur",
        Under26 = "under_26": "Jeune de moins de 26 ans",
        Over50 = "over_50": "Senior de 50 ans et plus",
        SingleParent = "single_parent": "Parent isolé",
        Homeless = "homeless": "Sans hébergement ou hébergé",
        Justice = "justice": "Sous main de justice",
        Other = "other": "Autre difficulté (préciser dans la preuve)",
    }
}

coded_enum! {
    /// How an appointment with the person took place.
    AppointmentKind {
        InPerson = "in_person": "Entretien en présentiel",
        Phone = "phone": "Entretien téléphonique",
        Video = "video": "Visioconférence",
        HomeVisit = "home_visit": "Visite à domicile",
    }
}
