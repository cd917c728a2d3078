//! Generated keys: the key an event without one is given, [`generated_key`] of its title and
//! start date, else that with the next free `-2`, `-3`... suffix. Written once, above the
//! backends; a backend only answers the two questions of [`KeySpace`], in its own SQL (a
//! range of keys in byte order is SQLite's answer, not every database's: a server's
//! collation sorts otherwise).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::generated_key;

/// What a backend answers about the keys events have, or had (a key is retired when its event
/// is removed or given another key, and is never generated again, so that nothing that held
/// it comes to name another event).
pub trait KeySpace {
    /// The backend's error.
    type Error;
    /// Whether an event has `key`, or had it.
    fn key_taken(&mut self, key: &str) -> Result<bool, Self::Error>;
    /// The keys events have or had that are `base`, a `-` and digits. It may give other keys
    /// besides (e.g. every key that starts with `base-`); they are ignored.
    fn suffixed_keys(&mut self, base: &str) -> Result<Vec<String>, Self::Error>;
}

/// Past this many bases remembered, [`GeneratedKeys`] starts afresh, so memory stays bounded.
const CACHE_LIMIT: usize = 200_000;

/// Gives keys, remembering per base the last suffix given, so that many events of one title
/// and date (an import) cost one lookup each, not one per suffix already taken. One lives as
/// long as the transaction that writes the keys it gives.
#[derive(Debug, Default)]
pub struct GeneratedKeys {
    next: HashMap<String, u64>,
}

impl GeneratedKeys {
    /// A key no event has, nor had, for an event with this title and start date.
    pub fn unique_key<S: KeySpace + ?Sized>(
        &mut self,
        space: &mut S,
        title: &str,
        start: NaiveDate,
    ) -> Result<String, S::Error> {
        let base = generated_key(title, start);
        let mut n = match self.next.get(&base) {
            Some(&n) => n,
            None if !space.key_taken(&base)? => return Ok(base),
            None => highest_suffix(&base, space.suffixed_keys(&base)?),
        };
        loop {
            n += 1;
            let key = format!("{base}-{n}");
            if !space.key_taken(&key)? {
                if self.next.len() >= CACHE_LIMIT {
                    self.next.clear();
                }
                self.next.insert(base, n);
                return Ok(key);
            }
        }
    }
}

/// The largest `N` of `keys` that are `BASE-N` (1 when there is none: the base itself is the
/// first).
fn highest_suffix(base: &str, keys: Vec<String>) -> u64 {
    let mut highest = 1;
    for key in keys {
        let Some(suffix) = key
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('-'))
        else {
            continue;
        };
        if !suffix.is_empty()
            && suffix.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = suffix.parse::<u64>()
        {
            highest = highest.max(n);
        }
    }
    highest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_suffix_counts_only_digits_after_the_base() {
        let keys = ["a-b-2", "a-b-x", "a-b-", "a-b-10", "a-b-3-1", "a-bc-40"]
            .map(String::from)
            .to_vec();
        assert_eq!(highest_suffix("a-b", keys), 10);
        assert_eq!(highest_suffix("a-b", Vec::new()), 1);
    }
}
