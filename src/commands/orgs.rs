//! `events orgs`: every organization with its aliases and how it took part in events.

use std::borrow::Cow;

use anyhow::Result;

use crate::Context;
use crate::cli::OrgsArgs;
use crate::render::tables;

pub fn run(ctx: &Context, args: &OrgsArgs) -> Result<()> {
    let mut store = super::open_for_reading(ctx)?;
    let mut orgs = store.organizations(args.search.as_deref())?;
    if !orgs.is_empty() {
        // Shown only where `--org` with it would name this organization.
        // Without `--search`, every organization is listed.
        let all = if args.search.is_none() { orgs.len() } else { 0 };
        let abbreviations = store.abbreviations(all)?;
        for o in &mut orgs {
            o.initialisms = abbreviations.shown(&o.name, &o.aliases);
        }
    }
    // Closed once read: its page cache (up to 16 MB on SQLite) is then free for the table.
    drop(store);
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
        |out, term| tables::write_organizations(out, &orgs, term).map(drop),
    )
}
