//! The date, period and search parsers, and terminal escaping, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(date) = events::dates::parse_date(text) {
        // What parses prints back the same.
        assert_eq!(events::dates::iso(date), text);
    }
    if let Ok((first, last)) = events::dates::parse_period(text) {
        assert!(first <= last);
    }
    let _ = events::model::search_query(text);
    let escaped = events::render::text::escape(text);
    assert!(!escaped.chars().any(char::is_control));
});
