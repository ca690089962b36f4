//! Who may do what: staff roles, teams, and the permission matrix checked on every route.

pub mod accounts;

use std::fmt;
use std::str::FromStr;

use crate::audit::RecordKind;
use crate::modules::DomainModule;

pub const USER: RecordKind = RecordKind {
    code: "user",
    label: "Compte",
    access: true,
};
pub const API_TOKEN: RecordKind = RecordKind {
    code: "api_token",
    label: "Jeton d'API",
    access: true,
};
pub const SESSION: RecordKind = RecordKind {
    code: "session",
    label: "Session",
    access: true,
};

/// A structure sharing the base: created by a command on the server, the demo or the tests.
pub const STRUCTURE: RecordKind = RecordKind {
    code: "structure",
    label: "Structure",
    access: true,
};

pub const MODULE: DomainModule = DomainModule {
    name: "access",
    record_kinds: &[USER, API_TOKEN, SESSION, STRUCTURE],
};

/// A staff member's role. One role per account; least privilege first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, API tokens and reads the audit trail; does not browse the register.
    Admin,
    Director,
    Manager,
    Referent,
    Facilitator,
    Reception,
    ReadOnly,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Director,
        Role::Manager,
        Role::Referent,
        Role::Facilitator,
        Role::Reception,
        Role::ReadOnly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Director => "director",
            Role::Manager => "manager",
            Role::Referent => "referent",
            Role::Facilitator => "facilitator",
            Role::Reception => "reception",
            Role::ReadOnly => "read_only",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrateur",
            Role::Director => "Direction",
            Role::Manager => "Responsable d'équipe",
            Role::Referent => "Référent de parcours",
            Role::Facilitator => "Facilitateur clause",
            Role::Reception => "Accueil",
            Role::ReadOnly => "Lecture seule",
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        permission.roles().contains(&self)
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Who acts, with what they may do: a staff member of a structure, their role and teams. Every
/// service takes one; the audit row's actor and the reader's record scope are derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub structure_id: crate::StructureId,
    pub user_id: crate::UserId,
    pub role: Role,
    pub teams: Vec<Team>,
}

impl Principal {
    pub fn can(&self, p: Permission) -> bool {
        self.role.allows(p)
    }

    /// A principal acting as `actor` with `role` and no team: the command line, the demo and
    /// tests, for use cases whose record scope is given apart (teams play no part in them).
    pub fn acting(actor: crate::audit::Actor, role: Role) -> Principal {
        Principal {
            structure_id: actor.structure_id.into(),
            user_id: actor.user_id.into(),
            role,
            teams: Vec::new(),
        }
    }

    /// The actor of the audit rows this principal's writes and views leave.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            structure_id: self.structure_id.uuid(),
            user_id: self.user_id.uuid(),
        }
    }
}

/// A code read from storage or input that names no known value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("code inconnu : {0}")]
pub struct UnknownCode(pub String);

/// The teams of the MiE. A user belongs to one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Team {
    Plie,
    Clause,
    ProchInfoFormation,
    Companies,
    Fabrik,
    Reception,
    Direction,
}

impl Team {
    pub const ALL: [Team; 7] = [
        Team::Plie,
        Team::Clause,
        Team::ProchInfoFormation,
        Team::Companies,
        Team::Fabrik,
        Team::Reception,
        Team::Direction,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Team::Plie => "plie",
            Team::Clause => "clause",
            Team::ProchInfoFormation => "proch_info_formation",
            Team::Companies => "companies",
            Team::Fabrik => "fabrik",
            Team::Reception => "reception",
            Team::Direction => "direction",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Team::Plie => "PLIE",
            Team::Clause => "Clause sociale",
            Team::ProchInfoFormation => "Proch'Info Formation",
            Team::Companies => "Entreprises",
            Team::Fabrik => "La Fabrik",
            Team::Reception => "Accueil",
            Team::Direction => "Direction",
        }
    }
}

impl FromStr for Team {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Team::ALL
            .into_iter()
            .find(|t| t.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// An action a route performs. Every route names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Any signed-in staff member: home page, own password.
    SignedIn,
    PersonRead,
    PersonWrite,
    PersonDelete,
    /// The dated situation (benefits, job-seeker registration, education level…).
    SituationWrite,
    /// RQTH, health, justice and other special-category answers.
    SensitiveRead,
    AuditRead,
    UserManage,
    ApiTokenManage,
    /// Towns and dated QPV lists.
    ReferenceDataManage,
    /// Pathways in one's scope: a referent's caseload, a manager's team, everything for the
    /// director.
    PathwayRead,
    /// Referrals, roadmap, steps, contracts, exits within one's scope.
    PathwayWrite,
    /// Access committees: meetings and decisions.
    CommitteeManage,
    /// Assign or change the referent of a pathway.
    ReferentAssign,
    /// Programmes: names, eligibility, durations.
    ProgrammeManage,
    /// The figures of the reports, without names.
    ReportRead,
    /// The records behind a figure ("explain this number"), with names.
    ReportExplain,
    /// Publish (freeze) a report.
    ReportPublish,
    /// The structure's own indicator definitions.
    IndicatorManage,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::SignedIn,
        Permission::PersonRead,
        Permission::PersonWrite,
        Permission::PersonDelete,
        Permission::SituationWrite,
        Permission::SensitiveRead,
        Permission::AuditRead,
        Permission::UserManage,
        Permission::ApiTokenManage,
        Permission::ReferenceDataManage,
        Permission::PathwayRead,
        Permission::PathwayWrite,
        Permission::CommitteeManage,
        Permission::ReferentAssign,
        Permission::ProgrammeManage,
        Permission::ReportRead,
        Permission::ReportExplain,
        Permission::ReportPublish,
        Permission::IndicatorManage,
    ];

    /// The matrix itself: which roles hold the permission.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::SignedIn => &Role::ALL,
            Permission::PersonRead => &[
                Director,
                Manager,
                Referent,
                Facilitator,
                Reception,
                ReadOnly,
            ],
            Permission::PersonWrite => &[Director, Manager, Referent, Facilitator, Reception],
            Permission::PersonDelete => &[Director, Manager],
            Permission::SituationWrite => &[Director, Manager, Referent, Facilitator],
            Permission::SensitiveRead => &[Director, Manager, Referent, Facilitator],
            Permission::AuditRead => &[Admin, Director],
            Permission::UserManage => &[Admin],
            Permission::ApiTokenManage => &[Admin],
            Permission::ReferenceDataManage => &[Admin],
            Permission::PathwayRead => &[Director, Manager, Referent, ReadOnly],
            Permission::PathwayWrite => &[Director, Manager, Referent],
            Permission::CommitteeManage => &[Director, Manager],
            Permission::ReferentAssign => &[Director, Manager],
            Permission::ProgrammeManage => &[Admin],
            Permission::ReportRead => &[Director, Manager, ReadOnly],
            Permission::ReportExplain => &[Director, Manager],
            Permission::ReportPublish => &[Director],
            Permission::IndicatorManage => &[Director],
        }
    }
}

crate::codes::coded!(Role, &Role::ALL);

crate::codes::coded!(Team, &Team::ALL);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>(), Ok(r));
        }
        for t in Team::ALL {
            assert_eq!(t.code().parse::<Team>(), Ok(t));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn reception_may_register_but_not_see_sensitive_data() {
        assert!(Role::Reception.allows(Permission::PersonWrite));
        assert!(!Role::Reception.allows(Permission::SensitiveRead));
        assert!(!Role::Reception.allows(Permission::SituationWrite));
    }

    #[test]
    fn admin_manages_accounts_but_does_not_browse_the_register() {
        assert!(Role::Admin.allows(Permission::UserManage));
        assert!(!Role::Admin.allows(Permission::PersonRead));
    }

    #[test]
    fn read_only_never_writes() {
        for p in [
            Permission::PersonWrite,
            Permission::PersonDelete,
            Permission::SituationWrite,
            Permission::UserManage,
        ] {
            assert!(!Role::ReadOnly.allows(p));
        }
    }
}
