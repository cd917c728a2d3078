//! The plan of an update of an event's sessions and participations by difference, decided
//! above the backends: which stored rows stay, which are changed in place (so they keep their
//! ids, which scripts may hold), which go and which are new. A backend only carries it out.

use crate::model::{Event, NewEvent, NewParticipant, name_key};

/// How to make a stored event's sessions and participations the ones a record wants.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParticipationPlan {
    /// Stored sessions no longer named, by stored name: they go, and their participations
    /// lose the session (unless removed or changed below).
    pub remove_sessions: Vec<String>,
    /// Stored sessions named with another spelling: the stored name, and the new one.
    pub rename_sessions: Vec<(String, String)>,
    /// New sessions, in the order they are to be created: the event's, then any other a
    /// participation names.
    pub add_sessions: Vec<String>,
    /// Stored participations that record exactly a wanted one: left as they are.
    pub keep: Vec<i64>,
    /// The participations to write, in the record's order (which is the order any person or
    /// organization new to the store is created in, and the order of the new ids).
    pub write: Vec<Write>,
    /// Stored participations no longer wanted.
    pub remove: Vec<i64>,
    /// Stored heads of delegations that are changed or removed: they stop heading first, so
    /// that a delegation never has two heads on the way (the database refuses that).
    pub unhead: Vec<i64>,
}

/// What a participation records, as an update compares it: the person, organization and
/// session by name key (two spellings of one name are one), position, role and contribution
/// exactly (a change of case is a change), and whether it heads its delegation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Content {
    person: String,
    organization: Option<String>,
    position: Option<String>,
    role: Option<String>,
    session: Option<String>,
    contribution: Option<String>,
    head: bool,
}

impl Content {
    pub(crate) fn of(p: &NewParticipant) -> Content {
        Content {
            person: name_key(&p.name),
            organization: p.organization.as_deref().map(name_key),
            position: p.position.clone(),
            role: p.role.clone(),
            session: p.session.as_deref().map(name_key),
            contribution: p.contribution.clone(),
            head: p.head,
        }
    }

    /// What a participation records as merges compare it, every text case and spacing aside,
    /// and whether it heads its delegation aside: two participations with the same are one
    /// (see `collapse_participants`), which heads the delegation if either did.
    pub(crate) fn folded(p: &NewParticipant) -> Content {
        let text = |t: &Option<String>| t.as_deref().map(name_key);
        Content {
            person: name_key(&p.name),
            organization: text(&p.organization),
            position: text(&p.position),
            role: text(&p.role),
            session: text(&p.session),
            contribution: text(&p.contribution),
            head: false,
        }
    }
}

/// A participation to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// A stored participation of the wanted person that differs otherwise: overwritten in
    /// place, so it keeps its id (the person stays, the rest becomes this).
    Change(i64, NewParticipant),
    /// A new participation.
    Add(NewParticipant),
}

impl ParticipationPlan {
    /// The plan that makes `stored`'s sessions and participations `wanted`'s. `canonical` is
    /// `wanted` with every person and organization under the name it is stored under (a name
    /// no one has as it is), participant for participant: two participations are of the same
    /// person (organization) when those names are equal but for case and spacing, as their ids
    /// would be. A stored participation matches the first wanted one that records exactly the
    /// same (sessions by name key; position, role and contribution exactly), oldest first;
    /// each wanted one left then takes the oldest stored one left of the same person, if any,
    /// else is added; the stored ones left are removed.
    pub fn new(stored: &Event, wanted: &NewEvent, canonical: &NewEvent) -> ParticipationPlan {
        let mut plan = ParticipationPlan::default();

        // Sessions, by name key.
        let wanted_keys: Vec<String> = wanted.sessions.iter().map(|s| name_key(s)).collect();
        let mut present: Vec<String> = Vec::new();
        for name in &stored.sessions {
            let key = name_key(name);
            match wanted_keys.iter().position(|k| *k == key) {
                None => plan.remove_sessions.push(name.clone()),
                Some(at) => {
                    if wanted.sessions[at] != *name {
                        plan.rename_sessions
                            .push((name.clone(), wanted.sessions[at].clone()));
                    }
                    present.push(key);
                }
            }
        }
        let named = wanted.sessions.iter().chain(
            wanted
                .participants
                .iter()
                .filter_map(|p| p.session.as_ref()),
        );
        for name in named {
            let key = name_key(name);
            if !present.contains(&key) {
                present.push(key);
                plan.add_sessions.push(name.clone());
            }
        }

        // Participations: what each records, with a session that goes as none.
        let heads: Vec<i64> = stored
            .participants
            .iter()
            .filter(|p| p.head)
            .map(|p| p.id)
            .collect();
        let mut rows: Vec<(i64, Content)> = stored
            .participants
            .iter()
            .map(|p| {
                let mut content = Content::of(&NewParticipant::from(p));
                // A session that goes counts as none.
                content.session = content.session.filter(|key| wanted_keys.contains(key));
                (p.id, content)
            })
            .collect();
        rows.sort_by_key(|(id, _)| *id);
        let mut unmatched: Vec<(usize, Content)> = Vec::new();
        // `canonical` is `wanted` with its names as stored: the rest is the same.
        for (i, c) in canonical.participants.iter().enumerate() {
            let row = Content::of(c);
            match rows.iter().position(|(_, s)| *s == row) {
                Some(at) => plan.keep.push(rows.remove(at).0),
                None => unmatched.push((i, row)),
            }
        }
        for (i, row) in unmatched {
            let p = wanted.participants[i].clone();
            match rows.iter().position(|(_, s)| s.person == row.person) {
                Some(at) => plan.write.push(Write::Change(rows.remove(at).0, p)),
                None => plan.write.push(Write::Add(p)),
            }
        }
        plan.remove = rows.into_iter().map(|(id, _)| id).collect();
        let changed = plan.write.iter().filter_map(|w| match w {
            Write::Change(id, _) => Some(*id),
            Write::Add(_) => None,
        });
        plan.unhead = changed
            .chain(plan.remove.iter().copied())
            .filter(|id| heads.contains(id))
            .collect();
        plan
    }
}

/// The rows a participation refers to: its person, and its organization and session if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ParticipantRefs {
    pub person: i64,
    pub organization: Option<i64>,
    pub session: Option<i64>,
}

/// What makes two participations of one event the same, as merges and imports compare them:
/// the same person, organization and session (by id), and the same position, role and
/// contribution, case and spacing aside (their keys, which a server stores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sameness {
    pub refs: ParticipantRefs,
    pub position: Option<String>,
    pub role: Option<String>,
    pub contribution: Option<String>,
}

/// The participations of a new event, each recorded once: one identical to an earlier one
/// (see [`Sameness`]) is that one, which heads its delegation if either does. Each row is
/// borrowed, with whether it heads its delegation; the keys of its texts are made only to
/// compare it with an earlier row of the same person, organization and session (rare),
/// not for every participant of an import.
#[derive(Debug, Default)]
pub(super) struct OnceEach<'a> {
    pub rows: Vec<(ParticipantRefs, &'a NewParticipant, bool)>,
}

impl<'a> OnceEach<'a> {
    pub(super) fn add(&mut self, refs: ParticipantRefs, p: &'a NewParticipant) {
        let same = self
            .rows
            .iter_mut()
            .find(|(r, kept, _)| *r == refs && Sameness::new(*r, kept) == Sameness::new(refs, p));
        match same {
            Some((_, _, head)) => *head |= p.head,
            None => self.rows.push((refs, p, p.head)),
        }
    }
}

impl Sameness {
    pub(super) fn new(refs: ParticipantRefs, p: &NewParticipant) -> Sameness {
        Sameness {
            refs,
            position: p.position.as_deref().map(name_key),
            role: p.role.as_deref().map(name_key),
            contribution: p.contribution.as_deref().map(name_key),
        }
    }
}
