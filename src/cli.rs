//! The command line, as clap types only. The `///` on each field is its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Record seminars, conferences and meetings, who organized them and who took part.
#[derive(Debug, Parser)]
#[command(name = "events", version, max_term_width = 100)]
#[command(after_help = "\
Examples:
  id=$(events add-event --title \"Regional seminar\" --start 2021-03-16 --end 2021-03-18)
  events add-participant \"$id\" --name \"V. V. Barchuk\" --role \"head of delegation\"
  events list --from 2021-01-01 --to 2021-12-31
  events show \"$id\"")]
pub struct Cli {
    /// The database: a SQLite file's PATH, or a PostgreSQL server's URL
    /// (postgres://USER@HOST/DATABASE) [default: $XDG_DATA_HOME/events/events.db, else
    /// ~/.local/share/events/events.db]
    #[arg(
        long,
        global = true,
        env = "EVENTS_DB",
        value_name = "PATH|URL",
        hide_env_values = true,
        help_heading = "Global options",
        // Any path, even an empty one: `EVENTS_DB=` means the default place, as an unset
        // variable does (clap's own parser for paths refuses an empty value).
        value_parser = clap::builder::TypedValueParser::map(
            clap::builder::OsStringValueParser::new(),
            PathBuf::from
        )
    )]
    pub db: Option<PathBuf>,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record a new event and print its id
    #[command(after_help = ADD_EVENT_EXAMPLE)]
    AddEvent(AddEventArgs),
    /// Record that someone took part in an event and print the participation's id
    #[command(after_help = ADD_PARTICIPANT_EXAMPLE)]
    AddParticipant(AddParticipantArgs),
    /// Change an event: only the fields given change; lists can be edited item by item
    #[command(after_help = EDIT_EVENT_EXAMPLE)]
    EditEvent(Box<EditEventArgs>),
    /// Change what a participation records (its id is shown by `show`)
    #[command(after_help = EDIT_PARTICIPANT_EXAMPLE)]
    EditParticipant(EditParticipantArgs),
    /// Remove one participation (its id is shown by `show`); the person stays
    #[command(after_help = REMOVE_PARTICIPANT_EXAMPLE)]
    RemoveParticipant(RemoveParticipantArgs),
    /// Remove an event with its links, sessions and participations; organizations and people stay
    #[command(after_help = REMOVE_EVENT_EXAMPLE)]
    RemoveEvent(RemoveEventArgs),
    /// List events, by start date
    #[command(after_help = LIST_EXAMPLE)]
    List(ListArgs),
    /// Show one event with its participants
    #[command(after_help = SHOW_EXAMPLE)]
    Show(ShowArgs),
    /// Load events, or participants, from a JSON, NDJSON, CSV, Excel or iCalendar file, in one
    /// transaction
    #[command(after_help = IMPORT_EXAMPLE)]
    Import(ImportArgs),
    /// Write events out as NDJSON, JSON, CSV, iCalendar, schema.org JSON-LD or an Excel workbook
    #[command(after_help = EXPORT_EXAMPLE)]
    Export(ExportArgs),
    /// An activity report of the events that pass the filters, as Markdown or one HTML file
    #[command(after_help = REPORT_EXAMPLE)]
    Report(ReportArgs),
    /// List organizations with their aliases, how many events they took part in and in what role
    #[command(after_help = ORGS_EXAMPLE)]
    Orgs(OrgsArgs),
    /// Give an organization another name, rename it, or merge two into one
    #[command(subcommand, after_help = ORG_EXAMPLE)]
    Org(OrgCommand),
    /// List people with how many events they took part in and their latest position
    #[command(after_help = PEOPLE_EXAMPLE)]
    People(PeopleArgs),
    /// Show what one person took part in over the years; or merge, alias, rename people
    #[command(after_help = PERSON_EXAMPLE)]
    Person(PersonArgs),
    /// Count events by year, kind, mode, organization or region, with a bar for each count
    #[command(after_help = STATS_EXAMPLE)]
    #[command(mut_arg("limit", |a| a.help("At most this many groups: those with the most events")))]
    #[command(mut_arg("sort", |a| a.hide(true)))]
    Stats(StatsArgs),
    /// Check the database: integrity, foreign keys, the search index, the summaries
    #[command(after_help = "Example:\n  events check")]
    Check,
    /// Find organizations, people and events recorded twice, and what records lack
    #[command(after_help = DOCTOR_EXAMPLE)]
    Doctor(DoctorArgs),
    /// The history of changes, newest first: who changed what, when; `log show OP` for one
    #[command(after_help = LOG_EXAMPLE)]
    Log(LogArgs),
    /// Revert the newest change not undone yet, or operation OP; undoing an undo redoes
    #[command(after_help = UNDO_EXAMPLE)]
    Undo(UndoArgs),
    /// Edit an event, participants included, as JSON in $VISUAL or $EDITOR
    #[command(after_help = EDIT_EXAMPLE)]
    Edit(EditArgs),
    /// Write a consistent copy of the database to FILE, even while others write to it
    #[command(after_help = BACKUP_EXAMPLE)]
    Backup(BackupArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_EXAMPLE)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a directory
    #[command(after_help = MAN_EXAMPLE)]
    Man(ManArgs),
}

// The examples below are run by tests/docs.rs, each section as one shell script, on a fresh
// database loaded with examples/seminars.json (the README's Quick start): they must work as
// written on that data. A section is "Example:" or "Examples:", then the commands indented by
// two spaces (a line ending in `\` goes on), up to a blank line.

const ADD_EVENT_EXAMPLE: &str = "\
Example:
  id=$(events add-event \\
        --title \"Regional workshop on the investigation of illicit arms trafficking\" \\
        --kind workshop --start 2021-11-23 --end 2021-11-25 --mode hybrid \\
        --location Almaty --region \"Central Asia\" \\
        --organizer \"UN Office on Drugs and Crime\" --organizer \"UN Counter-Terrorism Centre\" \\
        --partner \"RATS SCO Executive Committee\" \\
        --project \"Exploring the Relationship between Terrorism, Weapons and Crime\" \\
        --tag SALW --tag training --key unodc-2021-11)
  echo \"recorded event $id\"";

const ADD_PARTICIPANT_EXAMPLE: &str = "\
Example:
  events add-participant unodc-2022-06 --name \"V. V. Barchuk\" \\
        --org \"SCO RATS\" --position \"Deputy Director\" \\
        --role speaker --contribution presentation";

const EDIT_EVENT_EXAMPLE: &str = "\
Examples:
  events edit-event 1 --title \"Regional seminar on judicial cooperation\" --end 2021-03-17
  events edit-event rats-2021-03 --add-tag \"arms trafficking\" --remove-tag SALW
  events edit-event 1 --add-partner \"OSCE\" --remove-organizer \"UNODC\"
  events edit-event 1 --location \"\"            # an empty value clears a field
  events edit-event 1 --organizer \"UNOCT\" --organizer \"UNODC\"   # replaces the list
  events edit-event 4 --start 2023-04-13     # moves the whole event, keeping its length
  events edit-event 2 --rename-session \"Opening\" \"Opening session\"
  events edit-event 2 --remove-session \"Opening session\"   # its participations stay

--start alone moves the whole event and keeps its length; --end alone changes the end. Adding
and removing the same item in one command is refused as a contradiction, in any order.";

const EDIT_PARTICIPANT_EXAMPLE: &str = "\
Examples:
  events edit-participant 12 --position \"Director\" --role speaker
  events edit-participant 12 --session \"\"     # an empty value clears a field
  events edit-participant 8 --no-head          # no longer heads the delegation";

const REMOVE_PARTICIPANT_EXAMPLE: &str = "\
Example:
  events remove-participant 12";

const REMOVE_EVENT_EXAMPLE: &str = "\
Example:
  events remove-event rats-2023-04 --yes      # without --yes: asks first, on a terminal";

const LIST_EXAMPLE: &str = "\
Examples:
  events list --from 2021-01-01 --to 2021-12-31 --org \"rats sco executive committee\"
  events list --from 2021-03-17 --to 2021-03-17      # events running on that day
  events list --org \"SCO RATS\" --org-role participant --from 2021
  events list --head \"V. V. Barchuk\"               # where he headed a delegation
  events list --format csv > events.csv";

const SHOW_EXAMPLE: &str = "\
Examples:
  events show 1
  events show rats-2021-03 --format json";

const IMPORT_EXAMPLE: &str = "\
Examples:
  events import examples/seminars.json
  events import --dry-run examples/participants.csv   # check a file, say what would change
  events export --org \"SCO RATS\" | events --db rats.db import --format ndjson
  events import examples/participants.csv   # a CSV with `event` and `name` columns
  events export --output seminars.xlsx && events --db copy.db import seminars.xlsx
  events import examples/invitation.ics     # a calendar: each VEVENT an event, its UID the key

A participants CSV may also have `organization`, `position`, `role`, `session`, `contribution`
and `head` (true/false, yes/no, 1/0: the head of the organization's delegation) columns; in
JSON, a participant's \"head\": true.

A workbook (.xlsx) is read sheet by sheet: Events (the columns of a CSV of events),
Participants (those of a participants CSV), then the aliases of Organizations and People;
other sheets are not read.

iCalendar: SUMMARY is the title, DESCRIPTION, LOCATION, URL the source, CATEGORIES the tags,
UID the key (a second import of a calendar, or of an updated invitation, updates); timed events
take their dates in their own time zone (TZID), UTC times in the calendar's X-WR-TIMEZONE, else
UTC. ATTENDEEs with a name (CN) become participants; recurring events (RRULE) are refused and
cancelled ones skipped.

The format comes from --format, else the file's extension (.json, .ndjson or .jsonl, .csv,
.xlsx, .ics or .ical), else the content: `[` starts a JSON array, `{` starts NDJSON, a zip an
.xlsx, BEGIN:VCALENDAR iCalendar.";

const REPORT_EXAMPLE: &str = "\
Examples:
  events report --on 2021 --output report-2021.html
  events report --org UNODC --format md > unodc.md
  events report --from 2021-01 --to 2022-06 --kind seminar";

const EXPORT_EXAMPLE: &str = "\
Examples:
  events export > all.ndjson
  events export --format ics --from 2021 --output seminars.ics
  events export --format csv --org \"UN Office on Drugs and Crime\" > unodc.csv
  events export --format jsonld --on 2021-03-17 > seminar.jsonld
  events export --from 2021 --output seminars.xlsx   # sheets Events, Participants, ...

The format comes from --format, else the --output file's extension, else ndjson.";

const ORGS_EXAMPLE: &str = "\
Examples:
  events orgs
  events orgs --search rats --format json";

const ORG_EXAMPLE: &str = "\
Examples:
  events org alias \"RATS SCO Executive Committee\" \"RATS SCO\"
  events org alias \"RATS SCO Executive Committee\" \"RATS SCO\" --remove
  events org rename \"UNOCT\" \"United Nations Office of Counter-Terrorism\"
  events org merge \"RATS SCO Executive Committee\" \"Executive Committee of the SCO RATS\"";

const ORG_ALIAS_EXAMPLE: &str = "\
Example:
  events org alias \"RATS SCO Executive Committee\" \"RATS SCO\"
  events list --org \"rats sco\"                # the alias is matched, in any case
  events org alias \"RATS SCO Executive Committee\" \"RATS SCO\" --remove   # no longer a name";

const ORG_RENAME_EXAMPLE: &str = "\
Example:
  events org rename \"UNOCT\" \"United Nations Office of Counter-Terrorism\"
  events list --org \"UN Office of Counter-Terrorism\"   # the old name stays an alias";

const ORG_MERGE_EXAMPLE: &str = "\
Example:
  events org merge \"RATS SCO Executive Committee\" \"Executive Committee of the SCO RATS\"
  events orgs --search rats                  # one organization, the other name an alias";

const PEOPLE_EXAMPLE: &str = "\
Examples:
  events people
  events people --org \"RATS SCO Executive Committee\" --format csv";

const PERSON_EXAMPLE: &str = "\
Examples:
  events person \"V. V. Barchuk\"
  events person \"v. v. barchuk\" --format json      # a name or an alias, any case
  events person merge \"V. V. Barchuk\" \"Vladimir Barchuk\"
  events person alias \"V. V. Barchuk\" \"Barchuk V.V.\"
  events person alias \"V. V. Barchuk\" \"Barchuk V.V.\" --remove
  events person rename \"M. Conynx\" \"Michèle Coninsx\"
  events person show \"V. V. Barchuk\"    # the same; needed for a person called \"merge\" or \"show\"";

const PERSON_SHOW_EXAMPLE: &str = "\
Examples:
  events person show \"V. V. Barchuk\"
  events person show \"v. v. barchuk\" --format json  # a name or an alias, any case
  events person -- \"V. V. Barchuk\"                 # the same: after --, NAME is never a subcommand";

const PERSON_MERGE_EXAMPLE: &str = "\
Example:
  events person merge \"V. V. Barchuk\" \"Vladimir Barchuk\"
  events person \"Vladimir Barchuk\"        # the other name stays an alias";

const PERSON_ALIAS_EXAMPLE: &str = "\
Example:
  events person alias \"V. V. Barchuk\" \"Barchuk V.V.\"
  events list --person \"barchuk v.v.\"
  events person alias \"V. V. Barchuk\" \"Barchuk V.V.\" --remove   # no longer a name";

const PERSON_RENAME_EXAMPLE: &str = "\
Example:
  events person rename \"M. Conynx\" \"Michèle Coninsx\"
  events person \"M. Conynx\"               # the old name stays an alias";

const STATS_EXAMPLE: &str = "\
Examples:
  events stats --by year
  events stats --by org --from 2021 --to 2021 --kind seminar
  events stats --by kind --format json
  events stats --by org --limit 10      # the ten organizations with the most events

Years are in order, other groups most events first. With --by year an event counts in every
year it runs in, within --from and --to (no other year is shown), so the counts may add up to
more than the number of events. --limit applies to the groups; --sort is refused.";

const DOCTOR_EXAMPLE: &str = "\
Examples:
  events doctor
  events doctor --only duplicate-organizations --only duplicate-people
  events doctor --format json

Each finding names the records and the command that would set it right (a merge keeps the
one most used). Run those you agree with: nothing is changed by doctor itself. Fixes that
remove ask first (add --yes in a script); URL, NAME and ORGANIZATION are to be filled in
(for an abbreviation of several organizations, the one it stands for). The exit status is 0
whether or not there are findings; their number is said on stderr.";

const LOG_EXAMPLE: &str = "\
Examples:
  events log --limit 5
  events log --event rats-2021-03 --since 2021-01-01
  events log --org \"SCO RATS\" --format json
  events log show 1                          # what operation 1 changed, field by field
  events log --prune --before 2000-01-01 --yes   # drop older history; records stay

--since and --until take a day (YYYY-MM-DD, --until inclusive) or an RFC 3339 time
(2026-12-01T12:00:00Z). Operations are stamped in UTC.";

const LOG_SHOW_EXAMPLE: &str = "\
Examples:
  events log show 1
  events log show 1 --format json";

const UNDO_EXAMPLE: &str = "\
Examples:
  events edit-event osce-2021-10 --location Graz
  events undo                 # reverts that edit, and says the undo's own operation id
  events undo                 # undoes the undo: the edit is back

An operation whose records were changed by a later one is not undone: the error names the
later operations, to undo first (newest first).";

const EDIT_EXAMPLE: &str = "\
Example:
  VISUAL=\"sed -i s/Tashkent/Almaty/\" events edit rats-2023-04   # any program that edits FILE

`events edit EVENT` opens $VISUAL, else $EDITOR, else vi, on the event's JSON. It is saved
only if nobody changed the event meanwhile (else the text is kept in a file named in the
message); it is checked as `import` checks a record; \"id\" cannot change, and
\"delegations\" is shown only (ignored). A field left out is cleared.";

const BACKUP_EXAMPLE: &str = "\
Example:
  mkdir -p ~/backups && events backup ~/backups/events-$(date +%F).db";

const COMPLETIONS_EXAMPLE: &str = "\
Examples:
  mkdir -p ~/.local/share/bash-completion/completions ~/.zfunc ~/.config/fish/completions
  events completions bash > ~/.local/share/bash-completion/completions/events
  events completions zsh > ~/.zfunc/_events     # with fpath=(~/.zfunc $fpath) in ~/.zshrc
  events completions fish > ~/.config/fish/completions/events.fish";

const MAN_EXAMPLE: &str = "\
Examples:
  events man > events.1                       # the page of `events` itself
  events man --dir ~/.local/share/man/man1    # a page per command; then: man events-list";

#[derive(Debug, Args)]
pub struct AddEventArgs {
    /// What the event was called
    #[arg(long, value_name = "T")]
    pub title: String,
    /// First day, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub start: String,
    /// Last day, YYYY-MM-DD, inclusive [default: the start]
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// seminar, conference, meeting, workshop, summit... (stored lower-case)
    #[arg(long, value_name = "K")]
    pub kind: Option<String>,
    /// How it was held: in-person, virtual or hybrid
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// Where it was held (city, venue)
    #[arg(long, value_name = "L")]
    pub location: Option<String>,
    /// The region it concerned (Central Asia, ...)
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// An organization that organized it (repeatable)
    #[arg(long, value_name = "ORG")]
    pub organizer: Vec<String>,
    /// An organization that partnered (repeatable)
    #[arg(long, value_name = "ORG")]
    pub partner: Vec<String>,
    /// The framework project or programme it was held under
    #[arg(long, value_name = "P")]
    pub project: Option<String>,
    /// What happened, in prose
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Where the record comes from: a URL or a publisher
    #[arg(long, value_name = "S")]
    pub source: Option<String>,
    /// A tag (repeatable)
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
    /// A unique, stable name of your own for the event, usable wherever an id is (not digits
    /// only); without it, one is made from the start date and title
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddParticipantArgs {
    /// The event: its id (a plain number), its key, or `key:KEY`
    #[arg(value_name = "EVENT")]
    pub event: String,
    /// The person's name
    #[arg(long, value_name = "NAME")]
    pub name: String,
    /// The organization or delegation they represented
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// The position they held at the time
    #[arg(long, value_name = "P")]
    pub position: Option<String>,
    /// Their role: head of delegation, delegate, speaker, opening address, moderator...
    #[arg(long, value_name = "R")]
    pub role: Option<String>,
    /// The session of the event they took part in (created if new)
    #[arg(long, value_name = "S")]
    pub session: Option<String>,
    /// What they contributed: report, presentation...
    #[arg(long, value_name = "C")]
    pub contribution: Option<String>,
    /// They headed the delegation of --org (one head per organization and event)
    #[arg(long)]
    pub head: bool,
}

/// The filters `list`, `export`, `report` and `stats` share; all of them must hold.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only events that end on or after this day; a year (2021) or a month (2021-03) means
    /// its first day
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub from: Option<String>,
    /// Only events that start on or before this day; a year or a month means its last day
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub to: Option<String>,
    /// Only events running on this day, or at some time in this month (2021-03) or year (2021)
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub on: Option<String>,
    /// Only events this organization (name or alias, any case, or the initialism of one
    /// organization's name: UNODC) organized, partnered or sent someone to
    #[arg(long, value_name = "ORG", help_heading = "Filters")]
    pub org: Option<String>,
    /// With --org: only in this role
    #[arg(
        long,
        value_enum,
        value_name = "ROLE",
        requires = "org",
        help_heading = "Filters"
    )]
    pub org_role: Option<OrgRoleArg>,
    /// Only events this person (name or alias, any case; or their surname, or initials after
    /// it, when that is one person) took part in
    #[arg(long, value_name = "NAME", help_heading = "Filters")]
    pub person: Option<String>,
    /// Only events where someone took part in this role (with --person: that person)
    #[arg(long, value_name = "ROLE", help_heading = "Filters")]
    pub role: Option<String>,
    /// Only events where this person (name or alias, any case) headed a delegation
    #[arg(long, value_name = "NAME", help_heading = "Filters")]
    pub head: Option<String>,
    /// Only events of this kind (seminar, conference...)
    #[arg(long, value_name = "K", help_heading = "Filters")]
    pub kind: Option<String>,
    /// Only events held this way: in-person, virtual or hybrid
    #[arg(long, value_name = "M", help_heading = "Filters")]
    pub mode: Option<String>,
    /// Only events in this region
    #[arg(long, value_name = "R", help_heading = "Filters")]
    pub region: Option<String>,
    /// Only events whose project contains this text
    #[arg(long, value_name = "TEXT", help_heading = "Filters")]
    pub project: Option<String>,
    /// Only events with this tag (repeatable: every tag must be there)
    #[arg(long, value_name = "T", help_heading = "Filters")]
    pub tag: Vec<String>,
    /// Full-text search in titles, descriptions, projects, tags and session names: words
    /// (all must appear), "quoted phrases", prefix*
    #[arg(long, value_name = "TEXT", help_heading = "Filters")]
    pub search: Option<String>,
    /// Order: start (default), -start (latest first) or title
    #[arg(
        long,
        value_enum,
        value_name = "ORDER",
        allow_hyphen_values = true,
        help_heading = "Filters"
    )]
    pub sort: Option<SortArg>,
    /// At most this many events
    #[arg(long, value_name = "N", help_heading = "Filters")]
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrgRoleArg {
    Organizer,
    Partner,
    Participant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Start,
    #[value(name = "-start")]
    StartDescending,
    Title,
}

#[derive(Debug, Clone, Args)]
pub struct EditEventArgs {
    /// The event: its id (a plain number), its key, or `key:KEY`
    #[arg(value_name = "EVENT")]
    pub event: String,
    /// New title
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// New first day, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// New last day, YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub end: Option<String>,
    /// New kind
    #[arg(long, value_name = "K")]
    pub kind: Option<String>,
    /// New mode: in-person, virtual or hybrid
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// New location
    #[arg(long, value_name = "L")]
    pub location: Option<String>,
    /// New region
    #[arg(long, value_name = "R")]
    pub region: Option<String>,
    /// Replace the organizers with these (repeatable)
    #[arg(long, value_name = "ORG")]
    pub organizer: Vec<String>,
    /// Replace the partners with these (repeatable)
    #[arg(long, value_name = "ORG")]
    pub partner: Vec<String>,
    /// New project
    #[arg(long, value_name = "P")]
    pub project: Option<String>,
    /// New description
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// New source
    #[arg(long, value_name = "S")]
    pub source: Option<String>,
    /// Replace the tags with these (repeatable)
    #[arg(long, value_name = "T")]
    pub tag: Vec<String>,
    /// New key (not digits only; a key can be changed, not removed)
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Add an organizer (repeatable)
    #[arg(long, value_name = "ORG")]
    pub add_organizer: Vec<String>,
    /// Remove an organizer (repeatable)
    #[arg(long, value_name = "ORG")]
    pub remove_organizer: Vec<String>,
    /// Add a partner (repeatable)
    #[arg(long, value_name = "ORG")]
    pub add_partner: Vec<String>,
    /// Remove a partner (repeatable)
    #[arg(long, value_name = "ORG")]
    pub remove_partner: Vec<String>,
    /// Add a tag (repeatable)
    #[arg(long, value_name = "T")]
    pub add_tag: Vec<String>,
    /// Remove a tag (repeatable)
    #[arg(long, value_name = "T")]
    pub remove_tag: Vec<String>,
    /// Rename a session; onto the name of another session of the event, merge the two
    /// (repeatable)
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub rename_session: Vec<String>,
    /// Remove a session; its participations stay, with no session (repeatable)
    #[arg(long, value_name = "S")]
    pub remove_session: Vec<String>,
    /// Refuse the edit, changing nothing, if the event was changed after this moment (RFC
    /// 3339: 2026-12-01T12:00:00Z), such as when it was read
    #[arg(long, value_name = "TIMESTAMP")]
    pub if_unchanged_since: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct EditParticipantArgs {
    /// The participation's id, as `show` prints it
    #[arg(value_name = "ID")]
    pub id: i64,
    /// Another person (name or alias; created if new)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The organization or delegation represented
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// The position held at the time
    #[arg(long, value_name = "P")]
    pub position: Option<String>,
    /// The role
    #[arg(long, value_name = "R")]
    pub role: Option<String>,
    /// The session of the event (created if new)
    #[arg(long, value_name = "S")]
    pub session: Option<String>,
    /// The contribution
    #[arg(long, value_name = "C")]
    pub contribution: Option<String>,
    /// They headed their organization's delegation (one head per organization and event)
    #[arg(long, conflicts_with = "no_head")]
    pub head: bool,
    /// They did not head their delegation
    #[arg(long)]
    pub no_head: bool,
    /// Refuse the edit, changing nothing, if the participation's event was changed after this
    /// moment (RFC 3339: 2026-12-01T12:00:00Z), such as when it was read
    #[arg(long, value_name = "TIMESTAMP")]
    pub if_unchanged_since: Option<String>,
}

#[derive(Debug, Args)]
pub struct RemoveParticipantArgs {
    /// The participation's id, as `show` prints it
    #[arg(value_name = "ID")]
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct RemoveEventArgs {
    /// The event: its id (a plain number), its key, or `key:KEY`
    #[arg(value_name = "EVENT")]
    pub event: String,
    /// Remove without asking (needed when standard input is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// CSV: write cells exactly, without the ' that keeps a spreadsheet from running a cell
    /// that starts with = + - @ (or a tab or carriage return) as a formula
    #[arg(long)]
    pub raw: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read; `-` or nothing reads standard input
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The file's format [default: from the extension, else the content]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Check everything and report what would change, without writing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Json,
    Ndjson,
    Csv,
    /// An Excel workbook: its Events, Participants, Organizations and People sheets
    Xlsx,
    /// iCalendar (RFC 5545): .ics files of calendar programs
    Ics,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format [default: from the --output extension, else ndjson]
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to this file instead of standard output: replaced whole once complete, keeping
    /// its mode, through a symbolic link; never the database or its journals
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// CSV: write cells exactly, without the ' that keeps a spreadsheet from running a cell
    /// that starts with = + - @ (or a tab or carriage return) as a formula
    #[arg(long)]
    pub raw: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format [default: from the --output extension (.md, .markdown, .html, .htm),
    /// else md]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to this file instead of standard output: replaced whole once complete, keeping
    /// its mode, through a symbolic link; never the database or its journals
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// GitHub-flavoured Markdown
    Md,
    /// One self-contained HTML file: inline styles and chart, no script
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Ndjson,
    Json,
    Csv,
    Ics,
    /// schema.org `Event` objects (JSON-LD), for web pages and search engines
    Jsonld,
    /// An Excel workbook (sheets Events, Participants, Organizations, People); needs --output
    /// or a pipe
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The event: its id (a plain number), its key, or `key:KEY`
    #[arg(value_name = "EVENT")]
    pub event: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct OrgsArgs {
    /// Only organizations with a name or alias containing this text (any case)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Make ALIAS another name of ORG, matched wherever a name is; or, with --remove, no
    /// longer one
    #[command(after_help = ORG_ALIAS_EXAMPLE)]
    Alias {
        /// The organization (a name or alias)
        org: String,
        /// The other name
        alias: String,
        /// Remove ALIAS from ORG's names (its own name cannot be removed: rename it)
        #[arg(long)]
        remove: bool,
    },
    /// Rename an organization; the old name stays as an alias
    #[command(after_help = ORG_RENAME_EXAMPLE)]
    Rename {
        /// The organization (a name or alias)
        org: String,
        /// Its new name
        new: String,
    },
    /// Move every link of OTHER to KEEP; OTHER's names become aliases of KEEP
    #[command(after_help = ORG_MERGE_EXAMPLE)]
    Merge {
        /// The organization that stays
        keep: String,
        /// The organization merged into it
        other: String,
    },
}

#[derive(Debug, Args)]
pub struct PeopleArgs {
    /// Only people who represented this organization (name, alias or initialism) at some event
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct PersonArgs {
    #[command(subcommand)]
    pub command: Option<PersonAction>,
    /// The person: a name or an alias, any case; or the surname, or initials after it
    /// (Barchuk, "Barchuk V.V."), when that is one person
    #[arg(value_name = "NAME", required = true)]
    pub name: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// What `person` does besides showing someone: show them explicitly, or curate.
#[derive(Debug, Subcommand)]
pub enum PersonAction {
    /// Show what one person took part in, as `person NAME` does; also for a person whose name
    /// is a subcommand's (show, merge, alias, rename)
    #[command(after_help = PERSON_SHOW_EXAMPLE)]
    Show(PersonShowArgs),
    #[command(flatten)]
    Curate(PersonCommand),
}

#[derive(Debug, Args)]
pub struct PersonShowArgs {
    /// The person: a name or an alias, any case
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Move every participation of OTHER to KEEP; OTHER's names become aliases of KEEP
    #[command(after_help = PERSON_MERGE_EXAMPLE)]
    Merge {
        /// The person who stays
        keep: String,
        /// The person merged into them
        other: String,
    },
    /// Make ALIAS another name of PERSON; or, with --remove, no longer one
    #[command(after_help = PERSON_ALIAS_EXAMPLE)]
    Alias {
        /// The person (a name or alias)
        person: String,
        /// The other name
        alias: String,
        /// Remove ALIAS from PERSON's names (their own name cannot be removed: rename them)
        #[arg(long)]
        remove: bool,
    },
    /// Rename a person; the old name stays as an alias
    #[command(after_help = PERSON_RENAME_EXAMPLE)]
    Rename {
        /// The person (a name or alias)
        person: String,
        /// Their new name
        new: String,
    },
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// What to count events by (an event counts in every year it runs in)
    #[arg(long, value_enum)]
    pub by: StatsByArg,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsByArg {
    Year,
    Kind,
    Mode,
    Org,
    Region,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Only this kind of finding (repeatable)
    #[arg(long, value_enum, value_name = "KIND")]
    pub only: Vec<crate::model::FindingKind>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DoctorFormat::Table)]
    pub format: DoctorFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: Option<LogCommand>,
    /// Only operations that changed this event (id, key or `key:KEY`; the id of a removed
    /// event too)
    #[arg(long, value_name = "EVENT", help_heading = "Filters")]
    pub event: Option<String>,
    /// Only operations that touched this organization (name, alias or initialism) or an
    /// event it organized, partnered or took part in
    #[arg(long, value_name = "ORG", help_heading = "Filters")]
    pub org: Option<String>,
    /// Only operations at or after this day (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub since: Option<String>,
    /// Only operations on or before this day (YYYY-MM-DD, inclusive) or before this time
    /// (RFC 3339)
    #[arg(long, value_name = "DATE", help_heading = "Filters")]
    pub until: Option<String>,
    /// Only operations by this user (the database role or the OS user, any case)
    #[arg(long, value_name = "U", help_heading = "Filters")]
    pub user: Option<String>,
    /// At most this many operations: the newest
    #[arg(long, value_name = "N", help_heading = "Filters")]
    pub limit: Option<usize>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
    /// Drop the operations from before --before from the history (the records stay as they
    /// are); asks first on a terminal
    #[arg(
        long,
        requires = "before",
        conflicts_with_all = ["event", "org", "since", "until", "user", "limit"]
    )]
    pub prune: bool,
    /// With --prune: the day (YYYY-MM-DD) or time (RFC 3339) before which operations go
    #[arg(long, value_name = "DATE", requires = "prune")]
    pub before: Option<String>,
    /// With --prune: do not ask (needed when standard input is not a terminal)
    #[arg(short, long, requires = "prune")]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Show what one operation changed, record by record, before -> after per field
    #[command(after_help = LOG_SHOW_EXAMPLE)]
    Show(LogShowArgs),
}

#[derive(Debug, Args)]
pub struct LogShowArgs {
    /// The operation's id, as `events log` shows it
    #[arg(value_name = "OP")]
    pub op: i64,
    /// Output format
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The operation to revert, as `events log` shows it [default: the newest not undone]
    #[arg(value_name = "OP")]
    pub op: Option<i64>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The event: its id (a plain number), its key, or `key:KEY`
    #[arg(value_name = "EVENT")]
    pub event: String,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (created if missing), events.1, events-list.1,
    /// events-org-alias.1..., instead of printing the page of `events` itself
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
