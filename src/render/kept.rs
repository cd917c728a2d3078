//! The rows of a table written as it is read ([`super::layout::write_rows`]) kept between its
//! passes over them: in memory while they are few, then in an unnamed temporary file (which
//! the system removes once closed, however the program ends), so that the rows are read from
//! the database once at any size and memory stays bounded. When no file can be written,
//! nothing is kept and the table reads its rows again.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// Where the rows are.
enum Place {
    Memory(Vec<Vec<String>>),
    /// Being written.
    Writing(BufWriter<File>),
    /// Written whole.
    File(File),
    /// Not kept: to be read again from where they came from.
    Nowhere,
}

/// Rows kept, each as many cells as the first.
pub(super) struct Kept {
    place: Place,
    /// How many rows.
    rows: u64,
    /// Roughly how much memory the rows kept in memory take.
    bytes: usize,
    /// Past this, the rows go to a file.
    limit: usize,
    /// Whether they may go to a file at all.
    spill: bool,
}

impl Kept {
    /// Rows kept in up to `limit` bytes of memory, then in a file if `spill`.
    pub(super) fn new(limit: usize, spill: bool) -> Kept {
        Kept {
            place: Place::Memory(Vec::new()),
            rows: 0,
            bytes: 0,
            limit,
            spill,
        }
    }

    /// Keeps one more row, if rows are still kept. Never fails: what cannot be written to the
    /// file is given up, and the rows read again instead.
    pub(super) fn push(&mut self, row: Vec<String>) {
        self.rows += 1;
        if let Place::Memory(rows) = &mut self.place {
            self.bytes += std::mem::size_of::<Vec<String>>()
                + row
                    .iter()
                    .map(|c| c.len() + std::mem::size_of::<String>())
                    .sum::<usize>();
            if self.bytes <= self.limit {
                rows.push(row);
                return;
            }
            let rows = std::mem::take(rows);
            self.place = if self.spill {
                spill(&rows).map_or(Place::Nowhere, Place::Writing)
            } else {
                Place::Nowhere
            };
        }
        if let Place::Writing(file) = &mut self.place
            && write_row(file, &row).is_err()
        {
            self.place = Place::Nowhere;
        }
    }

    /// Done pushing: the rows are ready to be read back.
    pub(super) fn finish(&mut self) {
        if let Place::Writing(_) = self.place {
            let Place::Writing(file) = std::mem::replace(&mut self.place, Place::Nowhere) else {
                return;
            };
            if let Ok(file) = file.into_inner() {
                self.place = Place::File(file);
            }
        }
    }

    /// Calls `f` with each row kept, in order; `false` (and no call) when they were not kept.
    pub(super) fn replay(
        &mut self,
        f: &mut dyn FnMut(&[String]) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        match &mut self.place {
            Place::Memory(rows) => {
                for row in rows.iter() {
                    f(row)?;
                }
                Ok(true)
            }
            Place::File(file) => {
                file.seek(SeekFrom::Start(0))?;
                let mut input = BufReader::with_capacity(1 << 16, &*file);
                let mut row: Vec<String> = Vec::new();
                for _ in 0..self.rows {
                    read_row(&mut input, &mut row)?;
                    f(&row)?;
                }
                Ok(true)
            }
            Place::Writing(_) | Place::Nowhere => Ok(false),
        }
    }

    /// Calls `f` with each row kept, in order, given away: the last reading of them. `false`
    /// (and no call) when they were not kept.
    pub(super) fn drain(
        &mut self,
        f: &mut dyn FnMut(Vec<String>) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        match &mut self.place {
            Place::Memory(rows) => {
                for row in std::mem::take(rows) {
                    f(row)?;
                }
                self.place = Place::Nowhere;
                Ok(true)
            }
            Place::File(_) => self.replay(&mut |row| f(row.to_vec())),
            Place::Writing(_) | Place::Nowhere => Ok(false),
        }
    }
}

/// A new unnamed temporary file (readable by its owner only) holding `rows`.
fn spill(rows: &[Vec<String>]) -> std::io::Result<BufWriter<File>> {
    let mut file = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
    for row in rows {
        write_row(&mut file, row)?;
    }
    Ok(file)
}

/// A row as its number of cells, then each cell's length and bytes.
fn write_row(out: &mut impl Write, row: &[String]) -> std::io::Result<()> {
    out.write_all(&(row.len() as u32).to_le_bytes())?;
    for cell in row {
        out.write_all(&(cell.len() as u32).to_le_bytes())?;
        out.write_all(cell.as_bytes())?;
    }
    Ok(())
}

fn read_row(input: &mut impl Read, row: &mut Vec<String>) -> anyhow::Result<()> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    row.clear();
    for _ in 0..u32::from_le_bytes(len) {
        input.read_exact(&mut len)?;
        let mut cell = vec![0; u32::from_le_bytes(len) as usize];
        input.read_exact(&mut cell)?;
        row.push(String::from_utf8(cell)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| vec![i.to_string(), "é ".repeat(i % 7), String::new()])
            .collect()
    }

    fn replayed(kept: &mut Kept) -> Option<Vec<Vec<String>>> {
        let mut out = Vec::new();
        let kept = kept
            .replay(&mut |row| {
                out.push(row.to_vec());
                Ok(())
            })
            .unwrap();
        kept.then_some(out)
    }

    #[test]
    fn rows_come_back_from_memory_or_a_file_as_they_went_in() {
        for (limit, spill) in [(usize::MAX, true), (0, true), (300, true), (300, false)] {
            let mut kept = Kept::new(limit, spill);
            let all = rows(50);
            for row in &all {
                kept.push(row.clone());
            }
            kept.finish();
            let expected = (limit == usize::MAX || spill).then(|| all.clone());
            // As often as asked.
            assert_eq!(replayed(&mut kept), expected, "{limit} {spill}");
            assert_eq!(replayed(&mut kept), expected, "{limit} {spill}");
            let mut drained = Vec::new();
            let kept = kept
                .drain(&mut |row| {
                    drained.push(row);
                    Ok(())
                })
                .unwrap();
            assert_eq!(kept.then_some(drained), expected, "{limit} {spill}");
        }
    }
}
