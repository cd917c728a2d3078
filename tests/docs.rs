//! Documentation that runs: every example of README.md and of each command's `--help` is run,
//! as trycmd would, on the example data right after the Quick start; and `events man --dir`
//! writes a page for every command, with the examples in no-fill blocks.
//!
//! How examples are found and run:
//!
//! - README.md: every fenced block whose info string is `sh`, `bash` or `shell`, unless the
//!   line before its fence is an HTML comment starting `<!-- not run` (for `cargo install` and
//!   the like; keep those few). Other blocks (JSON, sample output) are not commands.
//! - `--help`: the text after each command's help (clap's `after_help`), from the line
//!   "Example:" or "Examples:" to the first blank line; the commands are indented by two
//!   spaces. Every command, nested ones included, must have at least one.
//! - A line ending in `\` goes on to the next; `#` starts a comment; a comment that says
//!   `exit status N` documents a command that fails with status N, which is then asserted.
//! - Each block runs as one bash script (so its commands may build on each other, as a reader
//!   would type them), in a fresh temporary directory: `HOME` and `XDG_DATA_HOME` inside it,
//!   `EVENTS_DB` the default database there, loaded by `events import examples/seminars.json`
//!   (the Quick start) from a working directory that holds a copy of `examples/`, and `events`
//!   first on `PATH`, the binary under test. Standard input is empty (no terminal).
//! - A block that uses a shell variable (`"$id"`) set by an earlier block of the same document
//!   gets that earlier command (and what it needs in turn) run first.
//! - Every command must exit 0 (or its documented status). A failure names the example (file
//!   and line, or the `--help`), the command, and the transcript of the block.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use clap::CommandFactory;
use events::cli::Cli;

/// One command of an example, as written (continuation lines included).
#[derive(Debug, Clone)]
struct Step {
    /// Where it is: `README.md:42` or `events list --help`.
    origin: String,
    text: String,
    /// The exit status the documentation gives it.
    status: i32,
}

/// The commands of one fenced block or one `--help`, run together as one script.
#[derive(Debug)]
struct Block {
    origin: String,
    steps: Vec<Step>,
}

/// The commands of a block (lines, with the line number of the first) in logical lines.
fn steps(origin_of: impl Fn(usize) -> String, lines: &[(usize, &str)]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for &(number, line) in lines {
        let (start, mut text) = current.take().unwrap_or((number, String::new()));
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
        if line.trim_end().ends_with('\\') {
            current = Some((start, text));
            continue;
        }
        let code = strip_comment(&text);
        if code.trim().is_empty() {
            continue;
        }
        let status = documented_status(&text);
        steps.push(Step {
            origin: origin_of(start),
            text,
            status,
        });
    }
    if let Some((start, text)) = current {
        steps.push(Step {
            origin: origin_of(start),
            text,
            status: 0,
        });
    }
    steps
}

/// The text without its shell comments (a `#` at the start of a word, outside quotes).
fn strip_comment(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let (mut single, mut double, mut previous) = (false, false, ' ');
        let mut end = line.len();
        for (i, c) in line.char_indices() {
            match c {
                '\'' if !double => single = !single,
                '"' if !single && previous != '\\' => double = !double,
                '#' if !single && !double && previous.is_whitespace() => {
                    end = i;
                    break;
                }
                _ => {}
            }
            previous = c;
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

/// `exit status N` in a command's comment.
fn documented_status(text: &str) -> i32 {
    let code = strip_comment(text);
    let comment: String = text
        .lines()
        .zip(code.lines())
        .map(|(line, code)| &line[code.len()..])
        .collect();
    comment
        .split("exit status ")
        .nth(1)
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

/// The shell variables a command sets (`id=$(...)` at its start).
fn assigned(step: &Step) -> Option<String> {
    let code = strip_comment(&step.text);
    let name: String = code
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let rest = &code.trim_start()[name.len()..];
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) && rest.starts_with('='))
        .then_some(name)
}

/// The shell variables a command reads (`$id`, `${id}`), outside single quotes and comments.
fn used(step: &Step) -> BTreeSet<String> {
    let code = strip_comment(&step.text);
    let mut names = BTreeSet::new();
    let mut single = false;
    let chars: Vec<char> = code.chars().collect();
    for i in 0..chars.len() {
        match chars[i] {
            '\'' => single = !single,
            '$' if !single => {
                let start = if chars.get(i + 1) == Some(&'{') {
                    i + 2
                } else {
                    i + 1
                };
                let name: String = chars[start.min(chars.len())..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .collect();
                if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
                    names.insert(name);
                }
            }
            _ => {}
        }
    }
    names
}

/// Puts before each block the commands of earlier blocks that set the variables it uses but
/// does not set itself.
fn with_dependencies(blocks: Vec<Block>) -> Vec<Block> {
    let mut earlier: Vec<Step> = Vec::new();
    let mut out = Vec::new();
    for block in blocks {
        let mut needed: Vec<Step> = Vec::new();
        let mut set: BTreeSet<String> = BTreeSet::new();
        let mut wanted: Vec<String> = Vec::new();
        for step in &block.steps {
            wanted.extend(used(step).into_iter().filter(|name| !set.contains(name)));
            set.extend(assigned(step));
        }
        while let Some(name) = wanted.pop() {
            if needed.iter().any(|s| assigned(s).as_deref() == Some(&name)) {
                continue;
            }
            if let Some(step) = earlier
                .iter()
                .rev()
                .find(|s| assigned(s).as_deref() == Some(&name))
            {
                wanted.extend(used(step));
                needed.insert(0, step.clone());
            }
        }
        earlier.extend(block.steps.iter().cloned());
        needed.extend(block.steps);
        out.push(Block {
            origin: block.origin,
            steps: needed,
        });
    }
    out
}

/// The runnable blocks of a Markdown file, and the origins of those marked not to run.
fn markdown_blocks(name: &str, text: &str) -> (Vec<Block>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let (mut blocks, mut not_run) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < lines.len() {
        let Some(info) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let start = i;
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_start().starts_with("```"))
            .unwrap_or_else(|| panic!("{name}:{}: a fenced block is not closed", start + 1));
        let language = info.split([',', ' ']).next().unwrap_or("").trim();
        let marked = lines[..start]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with("<!-- not run"));
        let ignored = info.contains("ignore") || info.contains("no_run");
        if matches!(language, "sh" | "bash" | "shell") {
            let origin = format!("{name}:{}", start + 1);
            if marked || ignored {
                not_run.push(origin);
            } else {
                let body: Vec<(usize, &str)> =
                    (start + 1..end).map(|j| (j + 1, lines[j])).collect();
                blocks.push(Block {
                    origin,
                    steps: steps(|n| format!("{name}:{n}"), &body),
                });
            }
        }
        i = end + 1;
    }
    (blocks, not_run)
}

/// Every command of the program, nested ones included, with its full name (`events org
/// alias`), parents first.
fn all_commands() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, cmd: &clap::Command, out: &mut Vec<(String, clap::Command)>) {
        let name = if prefix.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{prefix} {}", cmd.get_name())
        };
        out.push((name.clone(), cmd.clone()));
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" && !sub.is_hide_set() {
                walk(&name, sub, out);
            }
        }
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk("", &cmd, &mut out);
    out
}

/// The example commands of one command's help: the lines under "Example(s):" up to a blank
/// line, without their indent, each with its line number in that section (1 for the first).
fn help_examples(cmd: &clap::Command) -> Vec<(usize, String)> {
    let text = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|t| t.to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    let (mut inside, mut header) = (false, 0);
    for (i, line) in text.lines().enumerate() {
        if matches!(line.trim(), "Example:" | "Examples:") {
            (inside, header) = (true, i);
        } else if line.trim().is_empty() {
            inside = false;
        } else if inside {
            let command = line.strip_prefix("  ").unwrap_or_else(|| {
                panic!("{line:?}: an example in a --help is indented by two spaces")
            });
            out.push((i - header, command.to_string()));
        }
    }
    out
}

fn help_blocks() -> Vec<Block> {
    all_commands()
        .into_iter()
        .map(|(name, cmd)| {
            let origin = format!("`{name} --help`");
            let lines = help_examples(&cmd);
            let refs: Vec<(usize, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
            let steps = steps(|n| format!("{origin}, example line {n}"), &refs);
            Block { origin, steps }
        })
        .collect()
}

/// Quotes a text for a shell script, in single quotes.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The script of a block: each command preceded by `$ command` in the transcript and
/// followed by a check of its status, ending the script with a line that names it if wrong.
fn script(block: &Block) -> String {
    let mut script = String::from("exec 2>&1\nset -o pipefail\ncd \"$DOCS_WORK\"\n");
    for (i, step) in block.steps.iter().enumerate() {
        let shown = step.text.replace('\n', "\n  ");
        let _ = writeln!(
            script,
            "printf '%s\\n' {}\n{}\n__status=$?\nif [ \"$__status\" -ne {} ]; then printf '\\n@@failed %s %s\\n' {i} \"$__status\"; exit 1; fi",
            quoted(&format!("$ {shown}")),
            step.text,
            step.status,
        );
    }
    script
}

/// A fresh place for one block: a home with the example data loaded at the default database
/// path, and a working directory holding a copy of `examples/`.
struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
    db: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temporary directory");
        let home = dir.path().join("home");
        let work = dir.path().join("work");
        let db = home.join(".local/share/events/events.db");
        std::fs::create_dir_all(work.join("examples")).expect("work directory");
        std::fs::create_dir_all(&home).expect("home directory");
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in std::fs::read_dir(&examples).expect("examples/") {
            let path = entry.expect("an entry of examples/").path();
            if path.is_file() {
                let to = work.join("examples").join(path.file_name().unwrap());
                std::fs::copy(&path, to).expect("copy an example file");
            }
        }
        Sandbox {
            _dir: dir,
            home,
            work,
            db,
        }
    }

    /// A command with this sandbox's environment: `events` first on PATH, the database, the
    /// home and the working directory here, a fixed width, no colour.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let bin = Path::new(env!("CARGO_BIN_EXE_events"))
            .parent()
            .expect("the binary's directory")
            .to_path_buf();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![bin];
        paths.extend(std::env::split_paths(&path));
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.work)
            .env("PATH", std::env::join_paths(paths).expect("PATH"))
            .env("HOME", &self.home)
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("EVENTS_DB", &self.db)
            .env("DOCS_WORK", &self.work)
            .env("COLUMNS", "100")
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .stdin(Stdio::null());
        cmd
    }

    /// The Quick start: `events import examples/seminars.json`.
    fn load_examples(&self) -> Result<(), String> {
        let out = self
            .command(env!("CARGO_BIN_EXE_events"))
            .args(["import", "examples/seminars.json"])
            .output()
            .expect("run events");
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "the Quick start (`events import examples/seminars.json`) failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

/// Runs each block in its own sandbox; returns a report of every failure.
fn run_blocks(blocks: &[Block]) -> Vec<String> {
    let mut failures = Vec::new();
    for block in blocks {
        let sandbox = Sandbox::new();
        if let Err(e) = sandbox.load_examples() {
            failures.push(format!("{}: {e}", block.origin));
            continue;
        }
        let out = sandbox
            .command("bash")
            .arg("-c")
            .arg(script(block))
            .output()
            .expect("run bash");
        let transcript = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            continue;
        }
        let (shown, failed) = match transcript.rsplit_once("\n@@failed ") {
            Some((shown, tail)) => {
                let mut words = tail.split_whitespace();
                let index: usize = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
                let status = words.next().unwrap_or("?");
                let step = &block.steps[index.min(block.steps.len() - 1)];
                let expected = if step.status == 0 {
                    String::new()
                } else {
                    format!(", documented as {}", step.status)
                };
                (
                    shown.to_string(),
                    format!(
                        "{}: this example exited with status {status}{expected}:\n    {}",
                        step.origin,
                        step.text.replace('\n', "\n    ")
                    ),
                )
            }
            None => (
                transcript.clone(),
                format!("{}: the script failed ({})", block.origin, out.status),
            ),
        };
        failures.push(format!(
            "{failed}\n  transcript of the block at {} (run on the example data after the Quick start):\n    {}",
            block.origin,
            shown.trim_end().replace('\n', "\n    ")
        ));
    }
    failures
}

fn report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of the examples in {what} failed:\n\n{}\n",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_readme_example_runs_on_the_example_data() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(path).expect("README.md");
    let (blocks, not_run) = markdown_blocks("README.md", &text);
    // A parser that found nothing would pass; the README has a dozen blocks of commands.
    assert!(blocks.len() >= 10, "only {} blocks found", blocks.len());
    // The exceptions stay few: building and installing with cargo.
    assert!(not_run.len() <= 4, "too many blocks not run: {not_run:?}");
    let failures = run_blocks(&with_dependencies(blocks));
    report("README.md", &failures);
}

#[test]
fn every_command_has_examples_in_its_help() {
    let missing: Vec<String> = all_commands()
        .into_iter()
        .filter(|(_, cmd)| help_examples(cmd).is_empty())
        .map(|(name, _)| name)
        .collect();
    assert!(missing.is_empty(), "no examples in --help of: {missing:?}");
}

#[test]
fn every_help_example_runs_on_the_example_data() {
    let blocks: Vec<Block> = help_blocks()
        .into_iter()
        .filter(|b| !b.steps.is_empty())
        .collect();
    assert!(
        blocks.len() >= 20,
        "only {} helps with examples",
        blocks.len()
    );
    report("the --help texts", &run_blocks(&blocks));
}

#[test]
fn help_shows_each_example_on_lines_of_its_own() {
    // What `--help` prints is what was checked above: clap neither wraps nor joins the lines.
    for (name, cmd) in all_commands() {
        let mut args: Vec<&str> = name.split(' ').skip(1).collect();
        args.push("--help");
        let out = crate::util::bare_cmd().args(&args).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let lines: BTreeSet<&str> = help.lines().map(str::trim_end).collect();
        for (_, example) in help_examples(&cmd) {
            let line = format!("  {example}");
            assert!(
                lines.contains(line.trim_end()),
                "`{name} --help` does not show {line:?} as one line:\n{help}"
            );
        }
    }
}

/// A page's name for a command: `events org alias` → `events-org-alias`.
fn page_name(command: &str) -> String {
    command.replace(' ', "-")
}

/// An example line as roff writes it (clap_mangen's roff crate).
fn roff_escaped(line: &str) -> String {
    let text = line
        .replace('\\', r"\\")
        .replace('-', r"\-")
        .replace('\'', r"\*(Aq");
    if text.starts_with('.') {
        format!(r"\&{text}")
    } else {
        text
    }
}

/// The lines of a page between `.nf` and `.fi`.
fn no_fill_lines(page: &str) -> BTreeSet<&str> {
    let mut lines = BTreeSet::new();
    let mut inside = false;
    for line in page.lines() {
        match line {
            ".nf" => inside = true,
            ".fi" => inside = false,
            _ if inside => {
                lines.insert(line);
            }
            _ => {}
        }
    }
    lines
}

#[test]
fn man_dir_writes_a_page_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("share/man/man1");
    let out = crate::util::bare_cmd()
        .args(["man", "--dir"])
        .arg(&pages)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(out.stdout.is_empty());
    let commands = all_commands();
    assert!(
        stderr.starts_with(&format!(
            "Wrote {} manual pages to {}: events.1, events-add-event.1, ",
            commands.len(),
            pages.display()
        )),
        "{stderr}"
    );

    let written: BTreeSet<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = commands
        .iter()
        .map(|(name, _)| format!("{}.1", page_name(name)))
        .collect();
    assert_eq!(written, expected);
    assert!(written.contains("events-org-alias.1") && written.contains("events-person-merge.1"));

    for (name, cmd) in &commands {
        let file = format!("{}.1", page_name(name));
        let page = std::fs::read_to_string(pages.join(&file)).unwrap();
        let title = format!(".TH {} 1 ", page_name(name));
        for needed in [
            title.as_str(),
            ".SH NAME\n",
            ".SH SYNOPSIS\n",
            ".SH EXAMPLES\n",
        ] {
            assert!(page.contains(needed), "{file} lacks {needed:?}:\n{page}");
        }
        // clap_mangen's own rendering of the examples, as filled text, is gone.
        assert!(!page.contains(".SH EXTRA"), "{file}");
        // Every example line is in a no-fill block, as it is in --help.
        let unfilled = no_fill_lines(&page);
        for (_, example) in help_examples(cmd) {
            let line = roff_escaped(&example);
            assert!(
                unfilled.contains(line.as_str()),
                "{file}: {line:?} is not in a no-fill block:\n{page}"
            );
        }
        // Every page it refers to was written.
        let plain = page
            .replace(r"\fB", "")
            .replace(r"\fR", "")
            .replace(r"\-", "-");
        for word in plain.split([' ', '\n', ',']) {
            if let Some(reference) = word.strip_suffix("(1)") {
                assert!(
                    written.contains(&format!("{reference}.1")),
                    "{file} refers to {reference}(1)"
                );
            }
        }
    }

    // `events man` alone prints the top-level page, the same as events.1.
    let alone = crate::util::bare_cmd().arg("man").output().unwrap();
    assert!(alone.status.success());
    assert_eq!(
        String::from_utf8(alone.stdout).unwrap(),
        std::fs::read_to_string(pages.join("events.1")).unwrap()
    );

    // Again into the same directory: the pages are replaced; -q says nothing.
    let again = crate::util::bare_cmd()
        .args(["-q", "man", "--dir"])
        .arg(&pages)
        .output()
        .unwrap();
    assert!(
        again.status.success() && again.stderr.is_empty(),
        "{again:?}"
    );
}

#[test]
fn man_pages_render_with_examples_unwrapped() {
    // The real formatter, where there is one: no warnings, and at 80 columns each example
    // line is still one line.
    let groff_here = Command::new("groff").arg("--version").output().is_ok();
    if !groff_here {
        eprintln!("skipped: groff is not installed (the roff is checked by the test above)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::bare_cmd()
        .args(["man", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    for (name, cmd) in all_commands() {
        let file = dir.path().join(format!("{}.1", page_name(&name)));
        let out = Command::new("groff")
            .args(["-Kutf8", "-man", "-Tutf8", "-ww", "-rLL=80n"])
            .arg(&file)
            .output()
            .unwrap();
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && warnings.is_empty(),
            "{name}: {warnings}"
        );
        // Overstriking (bold as "c\bc") aside, and the typographic hyphen and quote as typed.
        let raw = String::from_utf8_lossy(&out.stdout);
        let mut text = String::new();
        for c in raw.chars() {
            if c == '\u{8}' {
                text.pop();
            } else {
                text.push(c);
            }
        }
        let text = text
            .replace(['\u{2010}', '\u{2212}'], "-")
            .replace('\u{2019}', "'");
        let lines: BTreeSet<&str> = text.lines().map(str::trim).collect();
        for (_, example) in help_examples(&cmd) {
            assert!(
                lines.contains(example.trim()),
                "{name}: {example:?} is not one line of the formatted page:\n{text}"
            );
        }
    }
}

#[test]
fn man_dir_refuses_a_file() {
    let Some(env) = crate::util::Env::new() else {
        return;
    };
    let file = env.file("pages", "not a directory");
    let stderr = env.fails(1, &["man", "--dir", &file]);
    assert!(
        stderr.starts_with("error: --dir ") && stderr.contains("is not a directory"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "not a directory");
    // An empty DIR is a usage error (clap's), not the current directory.
    let stderr = env.fails(2, &["man", "--dir", ""]);
    assert!(stderr.contains("'--dir <DIR>'"), "{stderr}");
}

#[test]
fn the_record_seminar_script_runs_and_reruns() {
    // examples/record-seminar.sh, as its header says: into an empty database, then again.
    let sandbox = Sandbox::new();
    let script = sandbox.work.join("examples/record-seminar.sh");
    let run = || {
        sandbox
            .command("bash")
            .arg(&script)
            .env("EVENTS", env!("CARGO_BIN_EXE_events"))
            .output()
            .unwrap()
    };
    let first = run();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    let shown = String::from_utf8_lossy(&first.stdout);
    assert!(
        shown.contains("rats-2021-03") && shown.contains("Barchuk"),
        "{shown}"
    );
    let second = run();
    assert!(second.status.success());
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        "already recorded: rats-2021-03\n"
    );
}

#[test]
fn the_example_parser_reads_what_the_docs_write() {
    // The harness itself: continuation lines, comments, documented statuses, variables.
    let text = "\
intro

<!-- not run -->
```sh
cargo install --path .
```

```sh
id=$(events add-event --title \"T # not a comment\" \\
       --start 2021-01-01)   # a comment
events show nothing          # exit status 1
```

```json
{\"id\": 1}
```

```sh
events show \"$id\" '$literal'
```
";
    let (blocks, not_run) = markdown_blocks("X.md", text);
    assert_eq!(not_run, ["X.md:4"]);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].steps.len(), 2);
    assert_eq!(blocks[0].steps[0].origin, "X.md:9");
    assert!(
        blocks[0].steps[0]
            .text
            .ends_with("--start 2021-01-01)   # a comment")
    );
    assert_eq!(blocks[0].steps[0].status, 0);
    assert_eq!(blocks[0].steps[1].status, 1);
    assert_eq!(assigned(&blocks[0].steps[0]).as_deref(), Some("id"));
    assert_eq!(
        used(&blocks[1].steps[0]),
        BTreeSet::from(["id".to_string()])
    );
    let blocks = with_dependencies(blocks);
    let origins: Vec<&str> = blocks[1].steps.iter().map(|s| s.origin.as_str()).collect();
    assert_eq!(origins, ["X.md:9", "X.md:19"]);
}

/// The pages `events man --dir` writes, read back: `(command, page)` for every command.
fn written_pages(dir: &Path) -> Vec<(String, clap::Command, String)> {
    let out = crate::util::bare_cmd()
        .args(["-q", "man", "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    all_commands()
        .into_iter()
        .map(|(name, cmd)| {
            let file = dir.join(format!("{}.1", page_name(&name)));
            let page = std::fs::read_to_string(&file).unwrap();
            (name, cmd, page)
        })
        .collect()
}

/// A page's section `name`, from its `.SH` line to the next one.
fn section<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!(".SH {name}\n"))
        .unwrap_or_else(|| panic!("no {name} in:\n{page}"));
    let rest = &page[start + 1..];
    let end = rest.find("\n.SH ").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[test]
fn man_synopsis_names_the_value_of_each_option() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cmd, page) in written_pages(dir.path()) {
        let synopsis = section(&page, "SYNOPSIS");
        // The global option, on every page: `[--db <PATH|URL>]`, not `[--db]`.
        assert!(
            synopsis.contains(r"[\fB\-\-db\fR \fI<PATH|URL>\fR]"),
            "{name}: {synopsis}"
        );
        for arg in cmd.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if arg.is_hide_set() || arg.is_positional() {
                continue;
            }
            let flag = format!(r"\fB\-\-{}\fR", long.replace('-', r"\-"));
            let Some(at) = synopsis.find(&flag) else {
                continue;
            };
            let after = &synopsis[at + flag.len()..];
            assert_eq!(
                after.starts_with(r" \fI<"),
                arg.get_action().takes_values(),
                "{name}: --{long} in {synopsis}"
            );
        }
    }
}

#[test]
fn man_see_also_names_the_pages_above_and_below() {
    let dir = tempfile::tempdir().unwrap();
    for (name, cmd, page) in written_pages(dir.path()) {
        let subcommands: Vec<String> = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help" && !s.is_hide_set())
            .map(|s| format!("{name} {}", s.get_name()))
            .collect();
        if name == "events" && subcommands.is_empty() {
            continue;
        }
        let see_also = section(&page, r#""SEE ALSO""#);
        let mut expected: Vec<String> = Vec::new();
        let words: Vec<&str> = name.split(' ').collect();
        for n in 1..words.len() {
            expected.push(words[..n].join("-"));
        }
        expected.extend(subcommands.iter().map(|s| page_name(s)));
        for page_ref in &expected {
            let reference = format!(r"\fB{}\fR(1)", page_ref.replace('-', r"\-"));
            assert!(
                see_also.contains(&reference),
                "{name}: SEE ALSO lacks {page_ref}(1): {see_also}"
            );
        }
    }
    let org = std::fs::read_to_string(dir.path().join("events-org.1")).unwrap();
    assert!(org.contains(r"\fBevents\-org\-merge\fR(1)"), "{org}");
}

#[test]
fn man_never_hyphenates_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let pages = written_pages(dir.path());
    let default = "~/.local/share/events/events.db";
    let (_, _, top) = &pages[0];
    // Hyphenation is off for the whole page, from its title line on.
    let after_title = top.lines().skip_while(|l| !l.starts_with(".TH ")).nth(1);
    let groff_here = Command::new("groff").arg("--version").output().is_ok();
    if !groff_here {
        assert_eq!(after_title, Some(".nh"), "{top}");
        eprintln!("skipped the rendering: groff is not installed (the roff is checked)");
        return;
    }
    // Rendered as `man` renders it (hyphenation on), at several widths: the path is whole.
    for width in [60, 70, 80, 100] {
        for (name, _, _) in &pages {
            let file = dir.path().join(format!("{}.1", page_name(name)));
            let out = Command::new("groff")
                .args(["-Kutf8", "-man", "-Tutf8", "-P-cbou", "-rHY=6"])
                .arg(format!("-rLL={width}n"))
                .arg(&file)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: {out:?}");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains(default),
                "{name} at {width}: the path is cut:\n{text}"
            );
        }
    }
    assert_eq!(after_title, Some(".nh"), "{top}");
}
