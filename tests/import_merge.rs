//! What an import does to what is there: JSON records merged into the events they match, the
//! changes a dry run lists, alias records anywhere in a file, badly quoted CSV, and the files
//! an interrupted import leaves behind.

use crate::util::{Env, example};

const SEED_KEY: &str = "rats-sco-2021-03-16-un-virtual-seminar";

#[test]
fn text_after_a_closing_quote_is_refused_with_its_line() {
    let env = Env::new();
    let file = env.file(
        "bad.csv",
        "title,start\nGood,2021-01-01\n\"Seminar \"Security\" 2021\",2021-02-01\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "bad.csv: line 3: title: broken CSV: text after the closing quote of a quoted cell; \
             a quote inside a quoted cell is written twice, as \"\""
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
    assert!(!env.db.exists(), "nothing was imported");
    // Written as RFC 4180 says, the same title goes in as it is.
    let file = env.file(
        "good.csv",
        "title,start\n\"Seminar \"\"Security\"\" 2021\",2021-02-01\n",
    );
    env.ok(&["import", &file]);
    assert!(
        env.ok(&["list", "--format", "csv"])
            .contains("\"Seminar \"\"Security\"\" 2021\"")
    );
}

#[test]
fn a_semicolon_separated_file_gets_a_hint() {
    let env = Env::new();
    let file = env.file(
        "semi.csv",
        "title;start;end\nSeminar;2021-01-01;2021-01-02\n",
    );
    let err = env.fails(1, &["import", &file]);
    assert!(
        err.contains(
            "semi.csv: line 1: the header \"title;start;end\" has no comma: the file seems \
             separated by semicolons"
        ),
        "{err}"
    );
    assert!(err.contains("1 problem in "), "{err}");
}
