//! What the store's operations take and give beyond the model's values: what a curation did,
//! which lists an edit changes, counts, an organization or person found by name.

/// An organization or person found by one of its names: its id and its own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: i64,
    pub name: String,
}

/// What adding a participation did, with the participation's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantAdded {
    New(i64),
    /// Nothing: an identical participation was there, this one.
    AlreadyThere(i64),
    /// An identical participation was there, this one, and it now heads its delegation.
    MadeHead(i64),
}

/// What an alias request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasOutcome {
    Added { name: String },
    AlreadyThere { name: String },
}

/// What a merge moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MergeReport {
    /// Organizer and partner links moved (organizations only).
    pub links: usize,
    /// Participations whose person or organization changed.
    pub participations: usize,
    /// Names (the merged one's own and its aliases) that became aliases.
    pub names: usize,
    /// Participations removed because the merge made them identical to another.
    pub duplicates: usize,
    /// Partner links removed where the merged organization became both organizer and
    /// partner of an event: it stays organizer.
    pub partner_links_dropped: usize,
    /// Heads of the merged organization's delegations that became members: the kept
    /// organization's delegation at the same event had a head.
    pub heads_stepped_down: usize,
}

/// A change to an event's sessions, as `edit-event` asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEdit {
    /// Rename a session; onto the name of another session of the event, merge the two.
    Rename { old: String, new: String },
    /// Remove a session; its participations stay, with no session.
    Remove(String),
}

/// What session edits did beyond what they say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionsEdited {
    /// Sessions merged into another by a rename.
    pub merged: usize,
    /// Participations left with no session by a removal.
    pub unassigned: usize,
    /// Participations removed because they became identical to another.
    pub duplicates: usize,
}

/// What a merge did, with both names as they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub keep: String,
    pub other: String,
    pub report: MergeReport,
}

/// Which of an event's lists an edit changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListsChanged {
    pub tags: bool,
    pub organizers: bool,
    pub partners: bool,
}

/// How many of each kind of record a database holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub events: i64,
    pub organizations: i64,
    pub people: i64,
    pub participations: i64,
}
