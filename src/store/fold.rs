//! Text as people read it: how titles and names sort (accents folded, case ignored), and the
//! skeleton that tells two spellings of one name apart from two names.

use crate::model::name_key;

/// The base letters of U+00C0..=U+00FF, lower-case; `*` where a letter has no one-letter
/// base (Æ, Ð is `d`, ×, Þ, ß, æ, ÷, þ: see [`fold_char`]).
const LATIN_1: &[u8; 64] = b"aaaaaa*ceeeeiiiidnooooo*ouuuuy**aaaaaa*ceeeeiiiidnooooo*ouuuuy*y";

/// The base letters of U+0100..=U+017F (Latin Extended-A), lower-case; `*` for Ĳ, ĳ, Œ, œ.
const LATIN_EXTENDED_A: &[u8; 128] = b"aaaaaaccccccccdd\
ddeeeeeeeeeegggg\
gggghhhhiiiiiiii\
ii**jjkkklllllll\
lllnnnnnnnnnoooo\
oo**rrrrrrssssss\
ssttttttuuuuuuuu\
uuuuwwyyyzzzzzzs";

/// Pushes `c` (already lower-case) with its accent taken off: Latin letters with diacritics
/// become their base letters, ligatures their letters; combining marks are dropped. Other
/// scripts are kept as they are.
fn fold_char(c: char, out: &mut String) {
    let code = c as u32;
    let table = match code {
        0x0300..=0x036F => return, // combining diacritical marks
        0x00C0..=0x00FF => LATIN_1[(code - 0xC0) as usize],
        0x0100..=0x017F => LATIN_EXTENDED_A[(code - 0x100) as usize],
        _ => {
            out.push(c);
            return;
        }
    };
    if table != b'*' {
        out.push(char::from(table));
        return;
    }
    match c {
        'æ' | 'Æ' => out.push_str("ae"),
        'þ' | 'Þ' => out.push_str("th"),
        'ß' => out.push_str("ss"),
        'ĳ' | 'Ĳ' => out.push_str("ij"),
        'œ' | 'Œ' => out.push_str("oe"),
        other => out.push(other), // × and ÷
    }
}

/// The key text sorts by: white space normalized, case and accents ignored, so that
/// "Éclair" sorts before "zeta" and beside "eclair".
pub(crate) fn sort_key(text: &str) -> String {
    let key = name_key(text);
    if key.is_ascii() {
        return key;
    }
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// What is left of a name once case, accents, spacing and punctuation are taken out, `&`
/// read as `and`: "V.V. Barchuk" and "v. v. barchuk" have one skeleton, "UN Office on Drugs
/// & Crime" and "UN Office on Drugs and Crime" too.
pub(crate) fn skeleton(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in sort_key(name).chars() {
        if c == '&' {
            out.push_str("and");
        } else if c.is_alphanumeric() {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_are_folded() {
        assert_eq!(sort_key("Éclair"), "eclair");
        assert_eq!(sort_key("  Michèle   Coninsx "), "michele coninsx");
        assert_eq!(sort_key("Łódź Œuvre Straße"), "lodz oeuvre strasse");
        assert_eq!(sort_key("e\u{301}clair"), "eclair");
        assert_eq!(sort_key("Ташкент"), "ташкент");
        assert!(sort_key("Éclair") < sort_key("zeta"));
    }

    #[test]
    fn skeletons() {
        assert_eq!(skeleton("V.V. Barchuk"), skeleton("v. v. barchuk"));
        assert_eq!(
            skeleton("UN Office on Drugs & Crime"),
            skeleton("UN Office on Drugs and Crime")
        );
        assert_ne!(
            skeleton("UN Counter-Terrorism Centre"),
            skeleton("UN Office of Counter-Terrorism")
        );
    }
}
