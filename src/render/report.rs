//! `events report`: an activity report of the events that pass the filters, as GitHub-flavoured
//! Markdown or as one self-contained HTML file.
//!
//! The events are read one at a time ([`ReportBuilder::add`]) and kept only as what the report
//! shows of them ([`EventView`]: strings, no ids, no descriptions); [`ReportBuilder::finish`]
//! adds the totals, the chart and the organizations. The two formats are askama templates
//! (`templates/report.html`, `templates/report.md`), checked when the program is compiled: a
//! template that names a missing field does not build, and no template can fail at run time.
//! askama escapes every value it writes: HTML by its own escaper, Markdown by [`Markdown`]
//! (configured for `.md` templates in `askama.toml`). No value is ever marked safe, so no user
//! text reaches the output unescaped.
//!
//! Before either escaper, user text is made [`plain`]: line breaks and tabs become spaces (a
//! title is one line in a heading or a table cell) and the characters a terminal would act on
//! (controls, bidirectional overrides...) are shown as `\u{1b}`, as everywhere else.
//!
//! The output depends only on the events and the filters: no date of making, so that a report
//! made twice is the same file (and the example under `examples/` can be checked).

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};

use askama::Template;
use chrono::{Datelike as _, NaiveDate};

use crate::model::{
    Event, EventFilter, LinkRole, Participant, delegations, name_key, organization_roles,
};
use crate::render::text::escape;

/// What the report says about the filters that chose its events, in words; the command
/// fills it from the filter flags (the names as resolved: an initialism becomes the
/// organization's own name).
#[derive(Debug, Default)]
pub struct Scope {
    /// The first and last day asked for (`--from`, `--to`, `--on`), if any.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The other filters, as phrases: `organization UN Office on Drugs and Crime`.
    pub filters: Vec<String>,
    /// Whether any filter narrowed the events (for the message when there are none).
    pub narrowed: bool,
}

impl Scope {
    /// The scope of `filter`; `search` is the `--search` text as typed.
    pub fn of(filter: &EventFilter, search: Option<&str>) -> Scope {
        let mut filters = Vec::new();
        if let Some(org) = &filter.org {
            let role = match filter.org_role {
                None => "",
                Some(LinkRole::Organizer) => " as organizer",
                Some(LinkRole::Partner) => " as partner",
                Some(LinkRole::Participant) => " as participant",
            };
            filters.push(format!("organization {org}{role}"));
        }
        if let Some(person) = &filter.person {
            filters.push(format!("person {person}"));
        }
        if let Some(role) = &filter.role {
            filters.push(format!("role {role}"));
        }
        if let Some(head) = &filter.head {
            filters.push(format!("delegations headed by {head}"));
        }
        if let Some(kind) = &filter.kind {
            filters.push(format!("kind {kind}"));
        }
        if let Some(mode) = filter.mode {
            filters.push(format!("mode {mode}"));
        }
        if let Some(region) = &filter.region {
            filters.push(format!("region {region}"));
        }
        if let Some(project) = &filter.project {
            filters.push(format!("project {project}"));
        }
        for tag in &filter.tags {
            filters.push(format!("tag {tag}"));
        }
        if let Some(search) = search {
            filters.push(format!("matching {search}"));
        }
        if let Some(limit) = filter.limit {
            filters.push(format!(
                "the first {limit} {}",
                if limit == 1 { "event" } else { "events" }
            ));
        }
        Scope {
            from: filter.from,
            to: filter.to,
            filters,
            // As `list` says it: `--limit 0` shows none of the events there are.
            narrowed: filter.is_narrowed() || filter.limit == Some(0),
        }
    }
}

/// User text as the report shows it: on one line, and with the characters a terminal would
/// act on shown as escapes (`\u{1b}`); the template's escaper then does the rest.
pub fn plain(text: &str) -> String {
    // A line break (`\r\n` too) is one space.
    let one_line: String = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    escape(one_line.trim()).into_owned()
}

fn plain_opt(text: Option<&str>) -> Option<String> {
    text.map(plain).filter(|t| !t.is_empty())
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

/// `12 April 2023`.
pub fn long_date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_name(date), date.year())
}

/// An inclusive range of days in words: `12 April 2023`, `16–18 March 2021`,
/// `30 March – 2 April 2021`, `30 December 2021 – 2 January 2022`.
pub fn long_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        long_date(start)
    } else if start.year() != end.year() {
        format!("{} – {}", long_date(start), long_date(end))
    } else if start.month() != end.month() {
        format!("{} {} – {}", start.day(), month_name(start), long_date(end))
    } else {
        format!(
            "{}–{} {} {}",
            start.day(),
            end.day(),
            month_name(end),
            end.year()
        )
    }
}

/// Someone who spoke: their name, who they are (position, organization) and what they gave.
#[derive(Debug)]
pub struct Speaker {
    pub name: String,
    /// `Deputy Director, RATS SCO Executive Committee` (either may be missing: then empty).
    pub about: String,
    /// `head of delegation: report on ...`: their role and contribution, either may be
    /// missing (then empty).
    pub said: String,
}

/// The speakers of one session.
#[derive(Debug)]
pub struct SessionView {
    pub name: String,
    pub speakers: Vec<Speaker>,
}

/// One organization's delegation at an event.
#[derive(Debug)]
pub struct DelegationView {
    /// Empty for the people who represented no organization.
    pub organization: String,
    /// Its head, with their position: `V. V. Barchuk, Deputy Director`.
    pub head: Option<String>,
    /// The others, by name, each once.
    pub members: Vec<String>,
}

/// One event as the report shows it.
#[derive(Debug)]
pub struct EventView {
    pub title: String,
    pub key: Option<String>,
    /// `16–18 March 2021`.
    pub dates: String,
    /// How many days it ran, first to last.
    pub days: i64,
    pub kind: Option<String>,
    /// How and where: `virtual, Central Asia`, `hybrid, Vienna`.
    pub held: Option<String>,
    pub organizers: Vec<String>,
    pub partners: Vec<String>,
    pub project: Option<String>,
    pub delegations: Vec<DelegationView>,
    pub opening: Vec<Speaker>,
    pub sessions: Vec<SessionView>,
    pub source: Option<String>,
    /// The source, when it is a web address to link to (`http://` or `https://`).
    pub source_url: Option<String>,
}

/// One line of the totals.
#[derive(Debug)]
pub struct Total {
    pub label: &'static str,
    pub value: u64,
    /// How it is counted, where that needs saying.
    pub note: &'static str,
}

/// A kind of event in the chart, with its colour and how many events it has.
#[derive(Debug)]
pub struct KindView {
    pub name: String,
    pub color: &'static str,
    pub count: u64,
}

/// One bar of the chart: a month (or a year), with its count per kind.
#[derive(Debug)]
pub struct Bin {
    /// `2021-03`, or `2021` when the chart counts by year.
    pub label: String,
    pub total: u64,
    /// The count of each kind of [`Chart::kinds`], in that order.
    pub counts: Vec<u64>,
    /// The count as a bar of text, for Markdown: `███▌`.
    pub bar: String,
    /// `seminar 1, workshop 2`: the kinds with events, for Markdown and the text equivalent.
    pub breakdown: String,
}

/// A rectangle of the chart's SVG, with the tooltip that names it.
#[derive(Debug)]
pub struct Rect {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub color: &'static str,
    pub label: String,
}

/// A label on an axis of the chart, at a place in the SVG.
#[derive(Debug)]
pub struct Label {
    pub x: String,
    pub y: String,
    pub text: String,
}

/// The chart of events per month (or year) stacked by kind, with its geometry worked out.
#[derive(Debug)]
pub struct Chart {
    /// `month` or `year`.
    pub unit: &'static str,
    pub kinds: Vec<KindView>,
    pub bins: Vec<Bin>,
    /// Whether only the years with events are shown (a span too long to draw every year).
    pub sparse: bool,
    pub width: String,
    pub height: String,
    pub rects: Vec<Rect>,
    /// The y axis: value labels and the grid lines at them.
    pub ticks: Vec<Label>,
    pub x_labels: Vec<Label>,
    /// The plot's left, right, top and bottom, for the axes.
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    /// Where the axis titles go.
    pub x_title: Label,
    pub y_title: Label,
    /// The whole chart in words, for screen readers (the SVG's `<desc>`).
    pub description: String,
}

/// The Organizations section: one row per organization.
#[derive(Debug)]
pub struct OrgRow {
    pub name: String,
    pub events: u64,
    pub organizer: u64,
    pub partner: u64,
    pub delegation: u64,
}

/// The whole report, ready for a template.
#[derive(Debug)]
pub struct Report {
    pub title: String,
    /// When there are no events: what to say instead.
    pub empty: Option<&'static str>,
    pub totals: Vec<Total>,
    pub chart: Chart,
    pub events: Vec<EventView>,
    pub organizations: Vec<OrgRow>,
}

/// How one organization took part, while the events are read.
#[derive(Default)]
struct OrgCount {
    name: String,
    events: u64,
    organizer: u64,
    partner: u64,
    delegation: u64,
}

/// Reads the events one at a time and keeps what the report shows.
pub struct ReportBuilder {
    scope: Scope,
    events: Vec<EventView>,
    /// Each event's start and kind (its key: lower case), for the chart.
    starts: Vec<(NaiveDate, String, String)>,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    days: u64,
    people: HashSet<String>,
    orgs: HashMap<String, OrgCount>,
    delegations: u64,
    headed: u64,
}

/// Whether a participation was part of the opening: its role says so (`opening address`,
/// `opening remarks`) or its session is the opening one.
fn is_opening(p: &Participant) -> bool {
    let opening = |text: &Option<String>| {
        text.as_deref()
            .is_some_and(|t| name_key(t).starts_with("opening"))
    };
    opening(&p.session)
        || p.role
            .as_deref()
            .is_some_and(|r| name_key(r).contains("opening"))
}

fn joined(parts: &[Option<&str>], separator: &str) -> String {
    parts
        .iter()
        .flatten()
        .map(|p| plain(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

impl ReportBuilder {
    pub fn new(scope: Scope) -> ReportBuilder {
        ReportBuilder {
            scope,
            events: Vec::new(),
            starts: Vec::new(),
            first: None,
            last: None,
            days: 0,
            people: HashSet::new(),
            orgs: HashMap::new(),
            delegations: 0,
            headed: 0,
        }
    }

    /// Takes in one event (in the order they are to be shown).
    pub fn add(&mut self, e: &Event) {
        self.first = Some(self.first.map_or(e.start, |f| f.min(e.start)));
        self.last = Some(self.last.map_or(e.end, |l| l.max(e.end)));
        let days = (e.end - e.start).num_days() + 1;
        self.days += u64::try_from(days).unwrap_or(0);
        let kind = plain_opt(e.kind.as_deref());
        self.starts.push((
            e.start,
            kind.as_deref().map(name_key).unwrap_or_default(),
            kind.clone().unwrap_or_default(),
        ));

        // Each organization counts once per event in each role it had there.
        for roles in organization_roles(e) {
            let entry = self.orgs.entry(roles.key).or_insert_with(|| OrgCount {
                name: plain(roles.name),
                ..OrgCount::default()
            });
            entry.events += 1;
            entry.organizer += u64::from(roles.organizer);
            entry.partner += u64::from(roles.partner);
            entry.delegation += u64::from(roles.participant);
        }
        for p in &e.participants {
            self.people.insert(name_key(&p.name));
        }

        let mut delegation_views = Vec::new();
        for (org, members) in delegations(&e.participants) {
            let head = members.iter().find(|p| p.head && org.is_some());
            if org.is_some() {
                self.delegations += 1;
                if head.is_some() {
                    self.headed += 1;
                }
            }
            let mut names: Vec<String> = Vec::new();
            let mut keys: Vec<String> = head.map(|h| name_key(&h.name)).into_iter().collect();
            for p in &members {
                let key = name_key(&p.name);
                if !keys.contains(&key) {
                    keys.push(key);
                    names.push(plain(&p.name));
                }
            }
            delegation_views.push(DelegationView {
                organization: org.map(plain).unwrap_or_default(),
                head: head.map(|h| joined(&[Some(&h.name), h.position.as_deref()], ", ")),
                members: names,
            });
        }

        let speaker = |p: &Participant, opening: bool| Speaker {
            name: plain(&p.name),
            about: joined(&[p.position.as_deref(), p.organization.as_deref()], ", "),
            // In the opening, "opening address" goes without saying.
            said: if opening {
                joined(&[p.contribution.as_deref()], "")
            } else {
                joined(&[p.role.as_deref(), p.contribution.as_deref()], ": ")
            },
        };
        let opening: Vec<Speaker> = e
            .participants
            .iter()
            .filter(|p| is_opening(p))
            .map(|p| speaker(p, true))
            .collect();
        // The other sessions in the event's order, then contributions made in none.
        let mut sessions: Vec<SessionView> = Vec::new();
        let mut by_session: Vec<(Option<String>, Vec<&Participant>)> = e
            .sessions
            .iter()
            .map(|s| (Some(name_key(s)), Vec::new()))
            .collect();
        by_session.push((None, Vec::new()));
        for p in e.participants.iter().filter(|p| !is_opening(p)) {
            let key = p.session.as_deref().map(name_key);
            if key.is_none() && p.contribution.is_none() {
                continue;
            }
            match by_session.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(p),
                // A session the event does not list (it always should): at the end.
                None => by_session.push((key, vec![p])),
            }
        }
        for (key, list) in by_session {
            let Some(first) = list.first() else { continue };
            let name = match key {
                None => "Without a session".to_string(),
                Some(_) => first.session.as_deref().map(plain).unwrap_or_default(),
            };
            sessions.push(SessionView {
                name,
                speakers: list.iter().map(|p| speaker(p, false)).collect(),
            });
        }

        let source = plain_opt(e.source.as_deref());
        let source_url = source
            .as_deref()
            // Not one whose control characters `plain` wrote as escapes.
            .filter(|s| crate::formats::is_web_address(s) && !s.contains('\\'))
            .map(str::to_string);
        self.events.push(EventView {
            title: plain(&e.title),
            key: plain_opt(e.key.as_deref()),
            dates: long_range(e.start, e.end),
            days,
            kind,
            held: Some(joined(
                &[
                    e.mode.map(|m| m.as_str()),
                    e.location.as_deref(),
                    e.region.as_deref(),
                ],
                ", ",
            ))
            .filter(|h| !h.is_empty()),
            organizers: e.organizers.iter().map(|o| plain(o)).collect(),
            partners: e.partners.iter().map(|o| plain(o)).collect(),
            project: plain_opt(e.project.as_deref()),
            delegations: delegation_views,
            opening,
            sessions,
            source,
            source_url,
        });
    }

    /// The report of the events taken in.
    pub fn finish(self) -> Report {
        let scope = &self.scope;
        let mut title = "Activity report".to_string();
        let from = scope.from.or(self.first);
        let to = scope.to.or(self.last);
        if let (Some(from), Some(to)) = (from, to) {
            title.push_str(", ");
            title.push_str(&long_range(from, to.max(from)));
        } else if let Some(from) = from {
            title.push_str(&format!(", from {}", long_date(from)));
        } else if let Some(to) = to {
            title.push_str(&format!(", until {}", long_date(to)));
        }
        for filter in &scope.filters {
            title.push_str(", ");
            title.push_str(&plain(filter));
        }
        let empty = self.events.is_empty().then_some(if scope.narrowed {
            "No events match."
        } else {
            "No events yet. Record one with `events add-event`."
        });
        let count = |n: usize| n as u64;
        let totals = vec![
            Total {
                label: "Events",
                value: count(self.events.len()),
                note: "",
            },
            Total {
                label: "Days",
                value: self.days,
                note: "each event's own span, first day to last, added up",
            },
            Total {
                label: "Organizations",
                value: count(self.orgs.len()),
                note: "organizers, partners and those who sent someone",
            },
            Total {
                label: "People",
                value: count(self.people.len()),
                note: "each person once",
            },
            Total {
                label: "Delegations",
                value: self.delegations,
                note: "an organization's people at one event",
            },
            Total {
                label: "Delegations headed",
                value: self.headed,
                note: "with a head of delegation recorded",
            },
        ];
        let chart = chart(&self.starts, scope.from, scope.to);
        let mut organizations: Vec<OrgRow> = self
            .orgs
            .into_values()
            .map(|c| OrgRow {
                name: c.name,
                events: c.events,
                organizer: c.organizer,
                partner: c.partner,
                delegation: c.delegation,
            })
            .collect();
        organizations.sort_by(|a, b| {
            b.events
                .cmp(&a.events)
                .then_with(|| name_key(&a.name).cmp(&name_key(&b.name)))
                .then_with(|| a.name.cmp(&b.name))
        });
        Report {
            title,
            empty,
            totals,
            chart,
            events: self.events,
            organizations,
        }
    }
}

/// Colours for the kinds (Okabe and Ito's, told apart with every kind of colour blindness);
/// grey for the kinds past them, together.
const COLORS: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
];
const OTHER_COLOR: &str = "#999999";

/// At most this many months are drawn one bar each; a longer span is drawn by year.
const MAX_MONTHS: i32 = 48;
/// At most this many years are drawn one bar each; a longer span shows only its years with
/// events.
const MAX_YEARS: i32 = 100;

/// A number for the SVG: at most one decimal, no trailing zero.
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// The month number (year * 12 + month0) of a date.
fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

/// A step for the y axis that gives about five lines: 1, 2, 5, 10, 20, 50...
fn tick_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if max <= step * factor * 5 {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// A bar of text `max_width` characters long for `max`, in eighths: `███▌`.
fn text_bar(value: u64, max: u64, max_width: u64) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    if value == 0 || max == 0 {
        return String::new();
    }
    let eighths = ((value * max_width * 8 + max / 2) / max).max(1);
    let mut bar = "█".repeat((eighths / 8) as usize);
    if !eighths.is_multiple_of(8) {
        bar.push(EIGHTHS[(eighths % 8 - 1) as usize]);
    }
    bar
}

/// The chart of events per month of their start (per year when the span is long), stacked by
/// kind; the months from `from` to `to` (the period asked for) are all drawn, with or without
/// events.
fn chart(
    starts: &[(NaiveDate, String, String)],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Chart {
    // Kinds by number of events, then name; past the colours, together as "other kinds".
    let mut kinds: Vec<(String, String, u64)> = Vec::new();
    for (_, key, name) in starts {
        match kinds.iter_mut().find(|(k, _, _)| k == key) {
            Some((_, _, n)) => *n += 1,
            None => kinds.push((
                key.clone(),
                if name.is_empty() {
                    "no kind given".to_string()
                } else {
                    name.clone()
                },
                1,
            )),
        }
    }
    // Events without a kind last, whatever their number.
    kinds.sort_by(|a, b| {
        (a.0.is_empty().cmp(&b.0.is_empty()))
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut kind_views: Vec<KindView> = Vec::new();
    let mut kind_index: HashMap<String, usize> = HashMap::new();
    let overflow = kinds.len() > COLORS.len();
    for (i, (key, name, count)) in kinds.into_iter().enumerate() {
        if overflow && i >= COLORS.len() - 1 {
            if kind_views.len() < COLORS.len() {
                kind_views.push(KindView {
                    name: "other kinds".to_string(),
                    color: OTHER_COLOR,
                    count: 0,
                });
            }
            let last = kind_views.len() - 1;
            kind_views[last].count += count;
            kind_index.insert(key, last);
        } else {
            kind_index.insert(key, kind_views.len());
            kind_views.push(KindView {
                name,
                color: COLORS[i],
                count,
            });
        }
    }

    // The bins: months, else years, else the years with events.
    let first = starts.iter().map(|s| s.0).min();
    let last = starts.iter().map(|s| s.0).max();
    let low = [from, first].into_iter().flatten().min();
    let high = [to, last].into_iter().flatten().max();
    let (unit, sparse, keys): (&'static str, bool, Vec<i32>) = match (low, high) {
        (Some(low), Some(high)) if month_index(high) - month_index(low) < MAX_MONTHS => (
            "month",
            false,
            (month_index(low)..=month_index(high)).collect(),
        ),
        (Some(low), Some(high)) if high.year() - low.year() < MAX_YEARS => {
            ("year", false, (low.year()..=high.year()).collect())
        }
        _ => {
            let mut years: Vec<i32> = starts.iter().map(|s| s.0.year()).collect();
            years.sort_unstable();
            years.dedup();
            ("year", true, years)
        }
    };
    let key_of = |date: NaiveDate| {
        if unit == "month" {
            month_index(date)
        } else {
            date.year()
        }
    };
    let mut bins: Vec<Bin> = keys
        .iter()
        .map(|&k| Bin {
            label: if unit == "month" {
                format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
            } else {
                format!("{k:04}")
            },
            total: 0,
            counts: vec![0; kind_views.len()],
            bar: String::new(),
            breakdown: String::new(),
        })
        .collect();
    for (date, key, _) in starts {
        if let Ok(i) = keys.binary_search(&key_of(*date))
            && let Some(&k) = kind_index.get(key)
        {
            bins[i].total += 1;
            bins[i].counts[k] += 1;
        }
    }
    let max = bins.iter().map(|b| b.total).max().unwrap_or(0);
    for bin in &mut bins {
        bin.bar = text_bar(bin.total, max, 20);
        bin.breakdown = kind_views
            .iter()
            .zip(&bin.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{} {n}", k.name))
            .collect::<Vec<_>>()
            .join(", ");
    }

    // The SVG: bars `STEP` apart in a plot `PLOT_HEIGHT` high, the y axis on the left, the
    // labels of the months below, turned so that they do not overlap.
    const STEP: f64 = 28.0;
    const BAR: f64 = 20.0;
    const PLOT_HEIGHT: f64 = 180.0;
    const LEFT: f64 = 48.0;
    const TOP: f64 = 12.0;
    const BELOW: f64 = 72.0;
    let n = bins.len().max(1) as f64;
    let right = LEFT + n * STEP;
    // Wide enough for the axis's title under a few bars.
    let wide = right.max(LEFT + 140.0);
    let bottom = TOP + PLOT_HEIGHT;
    let step = tick_step(max.max(1));
    let top_value = max.max(1).div_ceil(step) * step;
    let scale = PLOT_HEIGHT / top_value as f64;
    let mut rects = Vec::new();
    for (i, bin) in bins.iter().enumerate() {
        let x = LEFT + i as f64 * STEP + (STEP - BAR) / 2.0;
        let mut y = bottom;
        for (k, &count) in bin.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let height = count as f64 * scale;
            y -= height;
            rects.push(Rect {
                x: num(x),
                y: num(y),
                width: num(BAR),
                height: num(height),
                color: kind_views[k].color,
                label: format!("{}, {}: {count}", bin.label, kind_views[k].name),
            });
        }
    }
    let ticks = (0..=top_value / step)
        .map(|i| Label {
            x: num(LEFT - 6.0),
            y: num(bottom - (i * step) as f64 * scale),
            text: (i * step).to_string(),
        })
        .collect();
    // At most about 24 labels: every other month, every third... when there are more.
    let every = bins.len().div_ceil(24).max(1);
    let x_labels = bins
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, bin)| Label {
            x: num(LEFT + i as f64 * STEP + STEP / 2.0),
            y: num(bottom + 10.0),
            text: bin.label.clone(),
        })
        .collect();
    let mut description = format!(
        "Events per {unit} of their start, by kind. {}",
        if bins.iter().all(|b| b.total == 0) {
            "There are none.".to_string()
        } else {
            let with: Vec<String> = bins
                .iter()
                .filter(|b| b.total > 0)
                .map(|b| format!("{}: {} ({})", b.label, b.total, b.breakdown))
                .collect();
            format!("{}.", with.join("; "))
        }
    );
    if bins.iter().any(|b| b.total == 0) {
        let _ = write!(description, " The other {unit}s shown have none.");
    }
    Chart {
        unit,
        kinds: kind_views,
        bins,
        sparse,
        width: num(wide + 12.0),
        height: num(bottom + BELOW),
        rects,
        ticks,
        x_labels,
        left: num(LEFT),
        right: num(right),
        top: num(TOP),
        bottom: num(bottom),
        x_title: Label {
            x: num((LEFT + wide) / 2.0),
            y: num(bottom + BELOW - 4.0),
            text: if unit == "month" {
                "Month of the start".to_string()
            } else {
                "Year of the start".to_string()
            },
        },
        y_title: Label {
            x: num(14.0),
            y: num(TOP + PLOT_HEIGHT / 2.0),
            text: "Events".to_string(),
        },
        description,
    }
}

/// The HTML report: `templates/report.html`.
#[derive(Template)]
#[template(path = "report.html")]
pub struct HtmlReport<'a> {
    pub r: &'a Report,
}

/// The Markdown report: `templates/report.md`, escaped by [`Markdown`].
#[derive(Template)]
#[template(path = "report.md")]
pub struct MarkdownReport<'a> {
    pub r: &'a Report,
}

/// askama's escaper for Markdown (GitHub-flavoured), set for `.md` templates in
/// `askama.toml`: a backslash before each character that would start markup inline (emphasis,
/// code, links, HTML, a table cell's end, a heading's closing `#`, an entity), and line breaks
/// as spaces, so that a value stays one line of a list item or one table cell. Values are
/// never at the start of a line (they follow `# `, `- `, `| `), so the characters that only
/// mean something there (`-`, `+`, `1.`, `>`) need nothing.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl askama::filters::Escaper for Markdown {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        for c in text.chars() {
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '~' | '!' => {
                    dest.write_char('\\')?;
                    dest.write_char(c)?;
                }
                '\n' | '\r' => dest.write_char(' ')?,
                c => dest.write_char(c)?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ranges_in_words() {
        assert_eq!(long_range(d(2023, 4, 12), d(2023, 4, 12)), "12 April 2023");
        assert_eq!(
            long_range(d(2021, 3, 16), d(2021, 3, 18)),
            "16–18 March 2021"
        );
        assert_eq!(
            long_range(d(2021, 3, 30), d(2021, 4, 2)),
            "30 March – 2 April 2021"
        );
        assert_eq!(
            long_range(d(2021, 12, 30), d(2022, 1, 2)),
            "30 December 2021 – 2 January 2022"
        );
    }

    #[test]
    fn text_bars_in_eighths() {
        assert_eq!(text_bar(0, 4, 20), "");
        assert_eq!(text_bar(4, 4, 20), "█".repeat(20));
        assert_eq!(text_bar(1, 4, 2), "▌");
        assert_eq!(text_bar(1, 1000, 20), "▏");
    }

    #[test]
    fn markdown_escapes_markup_and_keeps_one_line() {
        let mut out = String::new();
        askama::filters::Escaper::write_escaped_str(&Markdown, &mut out, "a|b *c* <x>\n# `d`")
            .unwrap();
        assert_eq!(out, r"a\|b \*c\* \<x\> \# \`d\`");
    }

    #[test]
    fn plain_text_is_one_line_without_controls() {
        assert_eq!(plain("a\nb\tc \u{1b}[2J"), r"a b c \u{1b}[2J");
    }
}
