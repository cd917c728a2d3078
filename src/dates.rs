//! Calendar dates as users type them (`YYYY-MM-DD`) and as tables show them.
//!
//! Dates are plain calendar days (`chrono::NaiveDate`): an event on 16 March is on 16 March
//! wherever it is read. Parsing is strict, so `2021-3-5` or `2021-02-30` never reach the store.

use chrono::{Datelike, NaiveDate};

/// Parses a `YYYY-MM-DD` date; the error is a reason fit to follow the value in a message.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err("expected a date as YYYY-MM-DD".to_string());
    }
    // The shape check above guarantees three runs of ASCII digits.
    let number = |range: std::ops::Range<usize>| -> u32 {
        text[range]
            .bytes()
            .fold(0, |n, b| n * 10 + u32::from(b - b'0'))
    };
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if year == 0 {
        return Err("year 0000 does not exist".to_string());
    }
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month:02}"));
    }
    // Day 00 is no day of any month: saying how many days the month has would not help.
    if day == 0 {
        return Err("there is no day 00".to_string());
    }
    // `year` has at most four digits, so it fits an i32.
    let year = year as i32;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let last = days_in_month(year, month);
        format!(
            "{} {year} has {last} days",
            MONTH_NAMES[(month - 1) as usize]
        )
    })
}

const MONTH_NAMES: [&str; 12] = [
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

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

/// Parses a day (`2021-03-16`), a month (`2021-03`) or a year (`2021`) as the period of days it
/// covers: its first and its last day.
pub fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // Slicing below is by byte; anything but ASCII is malformed anyway.
    let len = if text.is_ascii() { text.len() } else { 0 };
    match len {
        10 => parse_date(text).map(|d| (d, d)),
        7 if digits(&text[..4]) && text.as_bytes()[4] == b'-' && digits(&text[5..]) => {
            let first = parse_date(&format!("{text}-01"))?;
            let year = first.year();
            let last =
                NaiveDate::from_ymd_opt(year, first.month(), days_in_month(year, first.month()))
                    .unwrap_or(first);
            Ok((first, last))
        }
        4 if digits(text) => {
            let first = parse_date(&format!("{text}-01-01"))?;
            let last = NaiveDate::from_ymd_opt(first.year(), 12, 31).unwrap_or(first);
            Ok((first, last))
        }
        _ => Err("expected a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY".to_string()),
    }
    .map_err(|reason| {
        if reason == "expected a date as YYYY-MM-DD" {
            "expected a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY".to_string()
        } else {
            reason
        }
    })
}

/// Formats a date as `YYYY-MM-DD`, the one form used in storage, JSON and CSV: as chrono's
/// `%Y-%m-%d` does, digit by digit (chrono's formatting machinery was a percent of a large
/// import's writing, which formats each event's dates).
pub fn iso(date: NaiveDate) -> String {
    let (year, month, day) = (date.year(), date.month(), date.day());
    // Years past four digits take a sign there.
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        return date.format("%Y-%m-%d").to_string();
    };
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let mut text = String::with_capacity(10);
    text.extend([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        '-',
        digit(month / 10),
        digit(month),
        '-',
        digit(day / 10),
        digit(day),
    ]);
    text
}

/// Formats an inclusive date range compactly: `2021-03-16`, `2021-03-16 – 18`,
/// `2021-03-30 – 04-02`, `2021-12-30 – 2022-01-02`.
pub fn compact_range(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        iso(start)
    } else if start.year() != end.year() {
        format!("{} – {}", iso(start), iso(end))
    } else if start.month() != end.month() {
        format!("{} – {}", iso(start), end.format("%m-%d"))
    } else {
        format!("{} – {}", iso(start), end.format("%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As chrono writes them, every day of the years with four digits and beyond.
    #[test]
    fn iso_dates_are_written_as_chrono_writes_them() {
        let mut date = NaiveDate::from_ymd_opt(-2, 12, 25).unwrap();
        let mut seen = 0;
        while date.year() <= 10_001 {
            assert_eq!(iso(date), date.format("%Y-%m-%d").to_string());
            // Every day of some years, a day a week of the others.
            date = if date.year() % 1000 < 2 {
                date.succ_opt().unwrap()
            } else {
                date + chrono::Days::new(7)
            };
            seen += 1;
        }
        assert!(seen > 500_000, "{seen}");
        for date in [NaiveDate::MIN, NaiveDate::MAX] {
            assert_eq!(iso(date), date.format("%Y-%m-%d").to_string());
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_valid_dates() {
        assert_eq!(parse_date("2021-03-16"), Ok(d(2021, 3, 16)));
        assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
        assert_eq!(parse_date("0001-01-01"), Ok(d(1, 1, 1)));
    }

    #[test]
    fn rejects_impossible_dates_with_a_reason() {
        assert_eq!(
            parse_date("2021-02-30"),
            Err("February 2021 has 28 days".to_string())
        );
        assert_eq!(
            parse_date("2023-02-29"),
            Err("February 2023 has 28 days".to_string())
        );
        assert_eq!(
            parse_date("2021-04-31"),
            Err("April 2021 has 30 days".to_string())
        );
        assert_eq!(
            parse_date("2021-13-01"),
            Err("there is no month 13".to_string())
        );
        assert_eq!(
            parse_date("2021-00-10"),
            Err("there is no month 00".to_string())
        );
        assert_eq!(
            parse_date("2021-01-00"),
            Err("there is no day 00".to_string())
        );
        assert_eq!(
            parse_date("2021-01-32"),
            Err("January 2021 has 31 days".to_string())
        );
        assert_eq!(
            parse_date("2021-00-00"),
            Err("there is no month 00".to_string())
        );
        assert_eq!(
            parse_date("0000-01-01"),
            Err("year 0000 does not exist".to_string())
        );
    }

    #[test]
    fn rejects_malformed_dates() {
        for text in [
            "",
            "2021",
            "2021-3-16",
            "2021/03/16",
            "16-03-2021",
            "2021-03-16 ",
            " 2021-03-16",
            "+021-03-16",
            "2021-03-1x",
            "２０２１-03-16",
            "2021-03-16T00:00",
        ] {
            assert_eq!(
                parse_date(text),
                Err("expected a date as YYYY-MM-DD".to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("2021"), Ok((d(2021, 1, 1), d(2021, 12, 31))));
        assert_eq!(parse_period("2024-02"), Ok((d(2024, 2, 1), d(2024, 2, 29))));
        assert_eq!(parse_period("2021-02"), Ok((d(2021, 2, 1), d(2021, 2, 28))));
        assert_eq!(
            parse_period("2021-03-16"),
            Ok((d(2021, 3, 16), d(2021, 3, 16)))
        );
        assert_eq!(
            parse_period("2021-13"),
            Err("there is no month 13".to_string())
        );
        assert_eq!(
            parse_period("2021-02-30"),
            Err("February 2021 has 28 days".to_string())
        );
        for bad in [
            "21",
            "2021-3",
            "2021/03",
            "march",
            "",
            "2021-03-1",
            "20é1-0",
            "２０２１",
        ] {
            assert_eq!(
                parse_period(bad),
                Err(
                    "expected a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY"
                        .to_string()
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn compact_ranges() {
        assert_eq!(compact_range(d(2021, 3, 16), d(2021, 3, 16)), "2021-03-16");
        assert_eq!(
            compact_range(d(2021, 3, 16), d(2021, 3, 18)),
            "2021-03-16 – 18"
        );
        assert_eq!(
            compact_range(d(2021, 3, 30), d(2021, 4, 2)),
            "2021-03-30 – 04-02"
        );
        assert_eq!(
            compact_range(d(2021, 12, 30), d(2022, 1, 2)),
            "2021-12-30 – 2022-01-02"
        );
    }
}
