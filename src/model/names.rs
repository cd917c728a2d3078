//! Names as they are stored and compared: white space normalized, and a key with case
//! folded that tells two spellings of one name from two names.

/// Collapses runs of white space to one space and trims both ends: how names are stored.
pub fn normalize_name(name: &str) -> String {
    if is_normalized(name) {
        name.to_string()
    } else {
        name.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Whether a name already has single spaces only, none at either end (the common case,
/// checked without allocating).
fn is_normalized(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_ascii() {
        // One pass: a space only after something else, no other white space, none at the end.
        let mut after_space = true;
        for &b in bytes {
            if b == b' ' {
                if after_space {
                    return false;
                }
                after_space = true;
            } else if b.is_ascii_whitespace() || b == 0x0b {
                return false;
            } else {
                after_space = false;
            }
        }
        return !after_space || bytes.is_empty();
    }
    let mut after_space = true;
    for c in name.chars() {
        if c.is_whitespace() {
            if c != ' ' || after_space {
                return false;
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    !after_space || name.is_empty()
}

/// The key two names are compared by: normalized white space, case folded.
pub fn name_key(name: &str) -> String {
    if is_normalized(name) {
        // The same as `to_lowercase` for ASCII, without its per-character mapping.
        if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            name.to_lowercase()
        }
    } else {
        normalize_name(name).to_lowercase()
    }
}

/// Normalizes names, drops blanks and drops repeats (compared case-insensitively), keeping
/// the first spelling and the order given.
pub(crate) fn name_set(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(|n| normalize_name(n))
        .filter(|n| !n.is_empty() && seen.insert(n.to_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_names_are_told_in_one_pass() {
        for (name, normalized) in [
            ("", true),
            ("a", true),
            ("a b", true),
            (" a", false),
            ("a ", false),
            ("a  b", false),
            ("a\tb", false),
            ("a\u{b}b", false),
            ("é b", true),
            ("é  b", false),
            ("é\u{a0}b", false),
        ] {
            assert_eq!(is_normalized(name), normalized, "{name:?}");
        }
        assert_eq!(name_key("UN Office"), "un office");
        assert_eq!(name_key("ÉCOLE  Normale"), "école normale");
    }

    #[test]
    fn name_normalization() {
        for (name, normalized) in [
            ("UN Office", "UN Office"),
            ("", ""),
            (" UN  Office\t", "UN Office"),
            ("UN\u{a0}Office", "UN Office"),
            ("a ", "a"),
            (" a", "a"),
        ] {
            assert_eq!(normalize_name(name), normalized, "{name:?}");
            assert_eq!(name_key(name), normalized.to_lowercase(), "{name:?}");
        }
    }
}
