//! Name search that ignores accents and case and tolerates one typo.
//!
//! Names are normalised (accents and case removed, punctuation to spaces) and cut into tokens.
//! Typo tolerance uses the symmetric-deletion method (as SymSpell does): a token and every
//! form of it with one letter deleted are its *variants*; two tokens within one edit share a
//! variant. Storage keeps a small dictionary `variant → token` over the distinct name tokens of
//! the register, so a search is a few index look-ups whatever the register's size. We do not
//! use a SymSpell crate because the dictionary must live in the database, shared by every
//! server and updated with each saved person.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Tokens shorter than this are matched by prefix only: one typo in three letters is another
/// name.
pub const MIN_FUZZY_LEN: usize = 4;

/// Lower case, no accents, ligatures spelled out, anything but letters and digits as a space,
/// single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Lower case first, then spell out ligatures, so that normalising twice changes nothing
    // (ẞ lowers to ß, which spells ss).
    for c in text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The distinct tokens of a normalised name.
pub fn tokens(text: &str) -> Vec<String> {
    let mut t: Vec<String> = normalise(text)
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    t.sort();
    t.dedup();
    t
}

/// The token and its one-deletion forms (none for short tokens).
pub fn variants(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut out = vec![token.to_owned()];
    if chars.len() >= MIN_FUZZY_LEN {
        for i in 0..chars.len() {
            let v: String = chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, c)| c)
                .collect();
            out.push(v);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a dictionary token found through a shared variant is really within one typo (one
/// insertion, deletion, substitution or swap of neighbours) of the searched token.
pub fn within_one_typo(searched: &str, candidate: &str) -> bool {
    strsim::damerau_levenshtein(searched, candidate) <= 1
}

/// The exclusive upper bound of the strings that start with `prefix`, for an index range scan
/// (`token >= prefix AND token < bound`) that works the same on SQLite and PostgreSQL's "C"
/// collation.
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_case_and_punctuation() {
        assert_eq!(normalise("  DUPONT-Lefèvre "), "dupont lefevre");
        assert_eq!(normalise("Héloïse"), "heloise");
        assert_eq!(normalise("Cœur d'Alène"), "coeur d alene");
        assert_eq!(normalise("Ñúñez"), "nunez");
        assert_eq!(normalise("STRAẞE Œuvre"), "strasse oeuvre");
    }

    #[test]
    fn one_typo_shares_a_variant() {
        let share = |a: &str, b: &str| {
            let va = variants(a);
            variants(b).iter().any(|v| va.contains(v))
        };
        assert!(share("dupont", "dupond")); // substitution
        assert!(share("dupont", "dupon")); // deletion
        assert!(share("dupont", "duppont")); // insertion
        assert!(share("dupont", "dpuont")); // swap
        assert!(!share("dupont", "durand"));
    }

    #[test]
    fn short_tokens_are_not_fuzzy() {
        assert_eq!(variants("li"), vec!["li".to_owned()]);
    }

    proptest! {
        #[test]
        fn normalised_text_is_stable(s in "\\PC{0,40}") {
            let once = normalise(&s);
            prop_assert_eq!(normalise(&once), once.clone());
            prop_assert_eq!(once.to_lowercase(), once);
        }

        #[test]
        fn any_single_deletion_is_found(s in "[a-z]{4,12}", i in 0usize..12) {
            let i = i % s.len();
            let mut typo = s.clone();
            typo.remove(i);
            let vs = variants(&s);
            prop_assert!(variants(&typo).iter().any(|v| vs.contains(v)));
            prop_assert!(within_one_typo(&s, &typo));
        }
    }
}
