//! The menus the modules register: the main navigation bar and the administration pages,
//! filtered by the user's role, and the layout's context of a signed-in user, which carries
//! the bar.

use passerelle_domain::Permission;

use super::MODULES;
use crate::auth::CurrentUser;
use crate::view::{MenuLink, PageCtx};

/// Where a menu entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The main navigation bar.
    Main,
    /// The administration section (its page list on the home page; the bar's « Administration »
    /// opens the first one the user may see).
    Admin,
}

/// A link a module adds to the menu, shown to the users holding its permission.
#[derive(Debug, Clone, Copy)]
pub struct MenuEntry {
    pub label: &'static str,
    pub href: &'static str,
    /// The section pages of this entry mark as current (`PageCtx::section`).
    pub section: &'static str,
    pub permission: Permission,
    pub place: Place,
    /// Position among the entries of its place (smaller first).
    pub order: u16,
}

/// Modules announced in the bar but not built yet, with their position among the main entries.
const UPCOMING: &[(&str, u16)] = &[
    ("Événements", 30),
    ("Entreprises", 40),
    ("Clause sociale", 50),
];

/// Where the bar's « Administration » sits among the main entries.
const ADMIN_ORDER: u16 = 90;

/// The entries of `place` that `user` may open, in order.
pub fn entries(user: &CurrentUser, place: Place) -> Vec<&'static MenuEntry> {
    let mut found: Vec<&MenuEntry> = MODULES
        .iter()
        .flat_map(|m| m.menu.iter())
        .filter(|e| e.place == place && user.can(e.permission))
        .collect();
    found.sort_by_key(|e| e.order);
    found
}

/// The main navigation bar of `user`: their modules, the modules to come, and
/// « Administration » when they may open one of its pages.
pub fn main_menu(user: &CurrentUser) -> Vec<MenuLink> {
    let mut links: Vec<(u16, MenuLink)> = entries(user, Place::Main)
        .into_iter()
        .map(|e| {
            let link = MenuLink {
                label: e.label,
                href: Some(e.href),
                section: e.section,
            };
            (e.order, link)
        })
        .collect();
    links.extend(UPCOMING.iter().map(|(label, order)| {
        let link = MenuLink {
            label,
            href: None,
            section: "",
        };
        (*order, link)
    }));
    if let Some(first) = entries(user, Place::Admin).first() {
        let link = MenuLink {
            label: "Administration",
            href: Some(first.href),
            section: "admin",
        };
        links.push((ADMIN_ORDER, link));
    }
    links.sort_by_key(|(order, _)| *order);
    links.into_iter().map(|(_, l)| l).collect()
}

/// The administration pages `user` may open, as links.
pub fn admin_menu(user: &CurrentUser) -> Vec<MenuLink> {
    entries(user, Place::Admin)
        .into_iter()
        .map(|e| MenuLink {
            label: e.label,
            href: Some(e.href),
            section: e.section,
        })
        .collect()
}

impl PageCtx {
    /// The layout of `user`'s page in `section`: their name, role, CSRF token and menu.
    pub fn new(user: &CurrentUser, section: &'static str) -> PageCtx {
        PageCtx {
            signed_in: true,
            user_name: user.user.display_name.clone(),
            role_label: user.user.role.label().to_owned(),
            csrf: user.csrf().to_owned(),
            menu: main_menu(user),
            section,
            notice: None,
        }
    }
}
