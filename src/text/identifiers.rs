//! Identifiers that must be found exactly rather than as words: IPC codes
//! (`A61K 35/28`), Chinese patent application numbers (`CN201910456789.0`)
//! and unified social credit codes (`91370212MA3C4X5Y6K`). Each is brought
//! to one canonical form (upper case, no spaces) at index and query time.

use std::sync::LazyLock;

use regex::Regex;

static IPC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)([A-H]\d{2}[A-Z])\s?(\d{1,4}/\d{2,6})").expect("valid IPC pattern"));
static PATENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:CN|ZL)\s?(\d{8,12})(?:\.([\dX]))?").expect("valid patent number pattern")
});
static CREDIT_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?-u:\b)")
        .expect("valid credit code pattern")
});

/// An identifier found in a text: byte span and canonical forms (the full
/// form first, then shorter forms that should find it too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identifier {
    pub start: usize,
    pub end: usize,
    pub forms: Vec<String>,
}

/// Whether `text`, normalised or not, may hold an identifier: every
/// pattern has at least two digits (ASCII or full-width, which normalise
/// to ASCII), and most text has none to scan for.
pub fn may_hold_identifiers(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_ascii_digit() || ('\u{FF10}'..='\u{FF19}').contains(c))
        .nth(1)
        .is_some()
}

/// Finds the identifiers in `text`, in order, without overlaps.
pub fn find_identifiers(text: &str) -> Vec<Identifier> {
    if text.bytes().filter(u8::is_ascii_digit).nth(1).is_none() {
        return Vec::new();
    }
    let mut found: Vec<Identifier> = Vec::new();
    for m in IPC.captures_iter(text) {
        let (Some(whole), Some(subclass), Some(group)) = (m.get(0), m.get(1), m.get(2)) else {
            continue;
        };
        let subclass = subclass.as_str().to_ascii_uppercase();
        found.push(Identifier {
            start: whole.start(),
            end: whole.end(),
            forms: vec![format!("{subclass}{}", group.as_str()), subclass],
        });
    }
    for m in PATENT.captures_iter(text) {
        let (Some(whole), Some(digits)) = (m.get(0), m.get(1)) else {
            continue;
        };
        let mut forms = Vec::new();
        if let Some(check) = m.get(2) {
            forms.push(format!("CN{}.{}", digits.as_str(), check.as_str().to_ascii_uppercase()));
        }
        forms.push(format!("CN{}", digits.as_str()));
        found.push(Identifier {
            start: whole.start(),
            end: whole.end(),
            forms,
        });
    }
    for m in CREDIT_CODE.find_iter(text) {
        // a patent number's digits are not a credit code
        if m.as_str().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        found.push(Identifier {
            start: m.start(),
            end: m.end(),
            forms: vec![m.as_str().to_ascii_uppercase()],
        });
    }
    found.sort_by_key(|i| (i.start, std::cmp::Reverse(i.end)));
    let mut kept: Vec<Identifier> = Vec::with_capacity(found.len());
    for identifier in found {
        if kept.last().is_none_or(|last| identifier.start >= last.end) {
            kept.push(identifier);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<Vec<String>> {
        find_identifiers(text).into_iter().map(|i| i.forms).collect()
    }

    #[test]
    fn ipc_patent_numbers_and_credit_codes() {
        assert_eq!(
            forms("分类号 A61K 35/28 与 c12n5/0775"),
            [vec!["A61K35/28", "A61K"], vec!["C12N5/0775", "C12N"]]
        );
        assert_eq!(
            forms("申请号CN201910456789.0"),
            [vec!["CN201910456789.0", "CN201910456789"]]
        );
        assert_eq!(forms("ZL 201910456789"), [vec!["CN201910456789"]]);
        assert_eq!(
            forms("统一社会信用代码：91370212MA3C4X5Y6K。"),
            [vec!["91370212MA3C4X5Y6K"]]
        );
        assert!(find_identifiers("高新贷2.0 最高2000万元").is_empty());
        assert!(may_hold_identifiers("ＣＮ２０１９") && may_hold_identifiers("A61K 35/28"));
        assert!(!may_hold_identifiers("第1章") && !may_hold_identifiers("高新区"));
    }
}
