//! What an import remembers of every record it wrote, in memory that does not grow with the
//! file where it can: the ids of one import are drawn from the tables' sequences in blocks
//! and handed out in order, so the ids it created are a few runs of consecutive ids, and the
//! lines that wrote them are consecutive too. A run is kept, not each id (at 100,000 events,
//! a `HashMap` entry per record held tens of megabytes; issue 12).
//!
//! - [`IdRuns`]: a set of ids, as runs of consecutive ids.
//! - [`LineRuns`]: the line of the file that wrote each event, as runs where the id and the
//!   line go up together.
//! - [`Hashed`]: the events created by the hash of a text (a key; a title and start date),
//!   for lookups whose answer is almost always "none": a candidate found is checked against
//!   the text itself by the caller.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// A set of ids, kept as runs of consecutive ids (first → last): as small as one run when
/// the ids come in order.
#[derive(Debug, Default, Clone)]
pub(super) struct IdRuns {
    runs: BTreeMap<i64, i64>,
    len: usize,
}

impl IdRuns {
    /// The run holding `id`, if any.
    fn run_of(&self, id: i64) -> Option<(i64, i64)> {
        self.runs
            .range(..=id)
            .next_back()
            .filter(|&(_, &last)| id <= last)
            .map(|(&first, &last)| (first, last))
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        self.run_of(id).is_some()
    }

    /// Adds `id`; whether it was not there.
    pub(super) fn insert(&mut self, id: i64) -> bool {
        if self.contains(id) {
            return false;
        }
        self.len += 1;
        // Joined to the run that ends just before it, and to the one that starts just after.
        let before = self
            .runs
            .range(..id)
            .next_back()
            .filter(|&(_, &last)| last.checked_add(1) == Some(id))
            .map(|(&first, _)| first);
        let after = id
            .checked_add(1)
            .and_then(|next| self.runs.remove_entry(&next))
            .map(|(_, last)| last);
        let first = before.unwrap_or(id);
        self.runs.insert(first, after.unwrap_or(id));
        true
    }

    /// Takes `id` out; whether it was there.
    pub(super) fn remove(&mut self, id: i64) -> bool {
        let Some((first, last)) = self.run_of(id) else {
            return false;
        };
        self.len -= 1;
        self.runs.remove(&first);
        if first < id {
            self.runs.insert(first, id - 1);
        }
        if id < last {
            self.runs.insert(id + 1, last);
        }
        true
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The runs, first and last id of each, in order.
    pub(super) fn runs(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.runs.iter().map(|(&first, &last)| (first, last))
    }

    /// Every id, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.runs().flat_map(|(first, last)| first..=last)
    }
}

/// The line of the file that wrote each event: runs of (first id → first line, length) in
/// which the id and the line go up by one together (a file whose records each create an
/// event is one run).
#[derive(Debug, Default)]
pub(super) struct LineRuns {
    runs: BTreeMap<i64, (u64, i64)>,
}

impl LineRuns {
    pub(super) fn get(&self, id: i64) -> Option<u64> {
        let (&first, &(line, len)) = self.runs.range(..=id).next_back()?;
        let offset = id - first;
        (offset < len).then(|| line + offset as u64)
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        self.get(id).is_some()
    }

    /// Remembers that `line` wrote event `id` (in place of any line remembered for it).
    pub(super) fn insert(&mut self, id: i64, line: u64) {
        match self.get(id) {
            Some(known) if known == line => return,
            Some(_) => self.split_out(id),
            None => {}
        }
        // Continues the run just before it, when both go on by one.
        if let Some((&first, run)) = self.runs.range_mut(..id).next_back()
            && first + run.1 == id
            && run.0.checked_add(run.1 as u64) == Some(line)
        {
            run.1 += 1;
            return;
        }
        self.runs.insert(id, (line, 1));
    }

    /// Takes `id` out of its run (the run split in two around it).
    fn split_out(&mut self, id: i64) {
        let Some((&first, &(line, len))) = self.runs.range(..=id).next_back() else {
            return;
        };
        self.runs.remove(&first);
        let offset = id - first;
        if offset > 0 {
            self.runs.insert(first, (line, offset));
        }
        if offset + 1 < len {
            self.runs
                .insert(id + 1, (line + offset as u64 + 1, len - offset - 1));
        }
    }
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
pub(super) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not used for u64 keys; folded in for any other, all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn write_u32(&mut self, n: u32) {
        // Spread over the high bits too, which the table reads first.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The hash of a value, the same for the whole run of the program.
pub(super) fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Ids by the hash of a text, 32 bits of it: the first id given under each in one table (8
/// bytes an entry), the rare others aside (the same text for several ids, two texts of the
/// same 32 bits: about one in 4,000 lookups at a million, each checked against its row by
/// the caller; an id past 32 bits).
#[derive(Default)]
pub(super) struct Hashed {
    first: HashMap<u32, u32, BuildHasherDefault<Prehashed>>,
    more: HashMap<u32, Vec<i64>>,
}

impl Hashed {
    pub(super) fn insert(&mut self, hash: u64, id: i64) {
        let short = hash as u32;
        match (self.first.entry(short), u32::try_from(id)) {
            (std::collections::hash_map::Entry::Vacant(slot), Ok(id)) => {
                slot.insert(id);
            }
            _ => self.more.entry(short).or_default().push(id),
        }
    }

    /// The ids given under `hash`, and perhaps others (none: no id has a text of that hash).
    pub(super) fn get(&self, hash: u64) -> Vec<i64> {
        let short = hash as u32;
        let mut ids: Vec<i64> = self
            .first
            .get(&short)
            .map(|&id| id.into())
            .into_iter()
            .collect();
        if let Some(more) = self.more.get(&short) {
            ids.extend(more);
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_runs_hold_each_id_once_in_few_runs() {
        let mut ids = IdRuns::default();
        for id in (1..=100).chain(200..=250).chain([150, 101, 199, 149, 151]) {
            assert!(ids.insert(id));
        }
        assert!(!ids.insert(50));
        assert_eq!(ids.len(), 156);
        assert_eq!(
            ids.runs().collect::<Vec<_>>(),
            vec![(1, 101), (149, 151), (199, 250)]
        );
        assert!(ids.contains(1) && ids.contains(250) && ids.contains(150));
        assert!(!ids.contains(0) && !ids.contains(102) && !ids.contains(198));
        let all: Vec<i64> = ids.iter().collect();
        assert_eq!(all.len(), 156);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert!(ids.remove(150) && !ids.remove(150) && ids.remove(1) && ids.remove(101));
        assert_eq!(
            ids.runs().collect::<Vec<_>>(),
            vec![(2, 100), (149, 149), (151, 151), (199, 250)]
        );
        assert_eq!(ids.len(), 153);
        // Joining two runs by the id between them.
        let mut ids = IdRuns::default();
        for id in [1, 3, 2] {
            ids.insert(id);
        }
        assert_eq!(ids.runs().collect::<Vec<_>>(), vec![(1, 3)]);
    }

    #[test]
    fn line_runs_give_back_each_line() {
        let mut lines = LineRuns::default();
        let pairs: Vec<(i64, u64)> = (1..=50)
            .map(|i| (i, i as u64 + 1))
            .chain([(51, 60), (52, 61), (7, 500), (40, 3)])
            .chain((53..=60).map(|i| (i, 100 - i as u64)))
            .collect();
        let mut expected = HashMap::new();
        for (id, line) in pairs {
            lines.insert(id, line);
            expected.insert(id, line);
        }
        for id in 0..=70 {
            assert_eq!(lines.get(id), expected.get(&id).copied(), "id {id}");
        }
        assert!(lines.runs.len() < 20);
    }

    #[test]
    fn hashed_gives_every_id_of_a_hash_in_order() {
        let mut hashed = Hashed::default();
        hashed.insert(hash_of(&"a"), 1);
        hashed.insert(hash_of(&"b"), 2);
        hashed.insert(hash_of(&"a"), 3);
        hashed.insert(hash_of(&"d"), i64::from(u32::MAX) + 1);
        assert_eq!(hashed.get(hash_of(&"a")), vec![1, 3]);
        assert_eq!(hashed.get(hash_of(&"b")), vec![2]);
        assert_eq!(hashed.get(hash_of(&"d")), vec![i64::from(u32::MAX) + 1]);
        assert!(hashed.get(hash_of(&"c")).is_empty());
        // Two hashes of the same 32 bits: both ids are candidates.
        let mut hashed = Hashed::default();
        hashed.insert(7, 10);
        hashed.insert(7 | (1 << 40), 11);
        assert_eq!(hashed.get(7), vec![10, 11]);
    }
}
