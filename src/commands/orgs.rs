//! `events orgs`: every organization with its aliases and how it took part in events.

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::Result;

use crate::Context;
use crate::cli::OrgsArgs;
use crate::model::abbrev::{abbreviation_key, derived_initialisms, initialism};
use crate::model::{EntityKind, name_key};
use crate::render::tables;

pub fn run(ctx: &Context, args: &OrgsArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let mut orgs = store.organizations(args.search.as_deref())?;
    if !orgs.is_empty() {
        let mut reach = Reach::default();
        store.each_name(EntityKind::Organization, &mut |id, name| {
            reach.add(id, name)
        })?;
        for o in &mut orgs {
            o.initialisms = reach.shown(&o.name, &o.aliases);
        }
    }
    super::print_view(
        args.format,
        &orgs,
        &[
            "name",
            "aliases",
            "initialisms",
            "events",
            "as_organizer",
            "as_partner",
            "as_participant",
            "first",
            "last",
        ],
        orgs.iter().map(|o| {
            vec![
                Cow::from(o.name.as_str()),
                Cow::from(o.aliases.join("; ")),
                Cow::from(o.initialisms.join("; ")),
                Cow::from(o.events.to_string()),
                Cow::from(o.as_organizer.to_string()),
                Cow::from(o.as_partner.to_string()),
                Cow::from(o.as_participant.to_string()),
                Cow::from(o.first.as_deref().unwrap_or("")),
                Cow::from(o.last.as_deref().unwrap_or("")),
            ]
        }),
        orgs.is_empty().then_some("No organizations."),
        |term| tables::organizations(&orgs, term),
    )
}

/// Which derived initialisms reach their organization, read from every name in one pass: an
/// initialism is shown only when `--org` with it would name this organization, so not when
/// it is (as abbreviations are compared: case, dots and spaces aside) a name or alias of
/// another organization (that one wins), nor when several organizations' names give it
/// (`--org` with it is refused as ambiguous).
#[derive(Default)]
struct Reach {
    /// The organization each name (its key) is of.
    owner: HashMap<String, i64>,
    /// Per abbreviation key of a name or alias: the organizations called so.
    called: HashMap<String, Vec<i64>>,
    /// Per initialism: the organizations whose names give it.
    derived: HashMap<String, Vec<i64>>,
}

impl Reach {
    fn add(&mut self, id: i64, name: &str) {
        self.owner.insert(name_key(name), id);
        let push = |map: &mut HashMap<String, Vec<i64>>, key: String| {
            let ids = map.entry(key).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        };
        if let Some(key) = abbreviation_key(name) {
            push(&mut self.called, key);
        }
        if let Some(key) = initialism(name) {
            push(&mut self.derived, key);
        }
    }

    /// The derived initialisms of the organization called `name` that reach it.
    fn shown(&self, name: &str, aliases: &[String]) -> Vec<String> {
        let Some(&id) = self.owner.get(&name_key(name)) else {
            return Vec::new();
        };
        let only_this = |ids: Option<&Vec<i64>>| ids.is_none_or(|ids| ids.iter().all(|&i| i == id));
        derived_initialisms(name, aliases)
            .into_iter()
            .filter(|key| only_this(self.called.get(key)) && only_this(self.derived.get(key)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Reach;

    #[test]
    fn an_initialism_is_shown_where_it_reaches() {
        let mut reach = Reach::default();
        for (id, name) in [
            (1, "United Nations Development Programme"),
            (2, "United Nations Drug Programme"),
            (3, "U.N.D.P."),
            (4, "UN Office on Drugs and Crime"),
            (4, "United Nations Office on Drugs and Crime"),
            (5, "Organization for Security and Co-operation in Europe"),
            (6, "Office for Security and Co-operation in Europe"),
            (7, "Group of Twenty"),
            (8, "Shanghai Cooperation Organisation"),
            (9, "sco"),
        ] {
            reach.add(id, name);
        }
        // Another's name, dots aside: that one wins.
        assert!(
            reach
                .shown("United Nations Development Programme", &[])
                .is_empty()
        );
        // Two organizations give it: ambiguous, not shown.
        assert!(
            reach
                .shown("Organization for Security and Co-operation in Europe", &[])
                .is_empty()
        );
        // Its two names give it: one organization.
        let aliases = ["United Nations Office on Drugs and Crime".to_string()];
        assert_eq!(
            reach.shown("UN Office on Drugs and Crime", &aliases),
            ["UNODC"]
        );
        assert_eq!(reach.shown("group of twenty", &[]), ["GT"]);
        assert!(reach.shown("Unknown Body", &[]).is_empty());
        // Another's name, case aside, and given by this one only: still another's.
        assert!(
            reach
                .shown("Shanghai Cooperation Organisation", &[])
                .is_empty()
        );
    }
}
