//! Deterministic ids for imported entities, and the kind a bare name
//! reads as. An id depends only on what the row says (a code, or a kind
//! and a name, and for people their organisation), never on the order of
//! rows or on the graph, so that importing a file again, or again after an
//! interruption, writes the same records.

use crate::model::EntityKind;
use crate::text::normalize;

/// Hex digits of a hashed id: 64 bits, enough that two names of a
/// registry never share one.
const HASH_HEX_DIGITS: usize = 16;

/// The prefix the curated corpus gives ids of this kind (`ent_`,
/// `per_`…), which imported ids follow.
pub fn default_prefix(kind: EntityKind) -> &'static str {
    use EntityKind::*;
    match kind {
        Enterprise => "ent_",
        University => "uni_",
        Institute => "inst_",
        Platform => "plat_",
        Person => "per_",
        Patent => "pat_",
        Project => "proj_",
        Product => "prod_",
        Policy => "pol_",
        Zone => "zone_",
        Industry => "ind_",
        Award => "award_",
        Event => "event_",
        Region => "region_",
        Agency => "agency_",
        Document => "doc_",
    }
}

fn hex(parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update(&[0x1f]);
    }
    let mut digits = hasher.finalize().to_hex().to_string();
    digits.truncate(HASH_HEX_DIGITS);
    digits
}

/// The id of a code cell (a credit code, an application number): the
/// prefix and the code without spaces.
pub fn code_id(prefix: &str, code: &str) -> String {
    let code: String = normalize_code(code);
    format!("{prefix}{code}")
}

/// A code as ids hold it: no spaces, full-width forms made ASCII, letters
/// in upper case (`cn 2021 1023.5` is `CN20211023.5`).
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The id of a row without a code: the prefix and a hash of its kind and
/// name (compared as search compares names: full-width, case and
/// traditional forms folded).
pub fn name_id(prefix: &str, kind: EntityKind, name: &str) -> String {
    format!("{prefix}{}", hex(&[kind.as_str(), &normalize(name.trim())]))
}

/// The id of an entity made for a name a cell gives and the graph does
/// not have: `ent_auto_…`, a hash of its kind and name.
pub fn auto_id(kind: EntityKind, name: &str) -> String {
    format!(
        "{}auto_{}",
        default_prefix(kind),
        hex(&[kind.as_str(), &normalize(name.trim())])
    )
}

/// The id of a person made for a name: a hash of the name and of the
/// organisation of the row that names them, so that the 张伟 of one
/// company and the 张伟 of another are two people, and the 张伟 of one
/// company in two rows is one.
pub fn person_id(name: &str, organisation: &str) -> String {
    format!(
        "{}auto_{}",
        default_prefix(EntityKind::Person),
        hex(&["person", &normalize(name.trim()), &normalize(organisation.trim())])
    )
}

/// Endings of names, and the kind a name with that ending is; the first
/// that matches wins (`青岛大学附属医院` is a hospital, not a university).
const ENDINGS: &[(&[&str], EntityKind)] = &[
    (
        &["孵化器", "众创空间", "加速器", "产业园", "创新园", "科技园", "创业园"],
        EntityKind::Platform,
    ),
    (
        &[
            "研究院",
            "研究所",
            "研究中心",
            "实验室",
            "科学院",
            "医院",
            "研究会",
            "工程中心",
        ],
        EntityKind::Institute,
    ),
    (&["大学", "学院", "学校", "大學"], EntityKind::University),
    (&["管委会", "委员会", "人民政府", "局", "办公室"], EntityKind::Agency),
    (
        &[
            "公司",
            "集团",
            "厂",
            "企业",
            "合伙)",
            "合伙）",
            "事务所",
            "工作室",
            "株式会社",
            "商行",
            "中心",
        ],
        EntityKind::Enterprise,
    ),
];

/// Latin words of names and the kind they say.
const LATIN_WORDS: &[(&[&str], EntityKind)] = &[
    (&["university", "college"], EntityKind::University),
    (
        &["institute", "laboratory", "academy", "hospital"],
        EntityKind::Institute,
    ),
    (
        &[
            "inc",
            "ltd",
            "llc",
            "gmbh",
            "corp",
            "corporation",
            "co",
            "company",
            "limited",
            "ag",
            "sa",
        ],
        EntityKind::Enterprise,
    ),
];

/// Two-character surnames: with them a person's name has up to four
/// characters.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "万俟", "申屠",
];

/// The kind a name reads as, when it says: its ending (…大学, …研究院,
/// …有限公司) or, for two or three Chinese characters (four with a
/// two-character surname, or a name with a middle dot), a person. `None`
/// when the name does not say.
pub fn guess_kind(name: &str) -> Option<EntityKind> {
    let name = name.trim();
    for (endings, kind) in ENDINGS {
        if endings.iter().any(|ending| name.ends_with(ending)) {
            return Some(*kind);
        }
    }
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (latin, kind) in LATIN_WORDS {
        if words.iter().any(|word| latin.contains(word)) {
            return Some(*kind);
        }
    }
    let chinese = name.chars().all(|c| crate::text::is_cjk(c) || c == '·' || c == '•');
    let count = name.chars().count();
    let person = chinese
        && match count {
            2 | 3 => true,
            4 => COMPOUND_SURNAMES.iter().any(|surname| name.starts_with(surname)),
            5..=12 => name.contains(['·', '•']),
            _ => false,
        };
    person.then_some(EntityKind::Person)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_fold_forms() {
        assert_eq!(code_id("ent_", " 91370212MA3C 5X8P2K "), "ent_91370212MA3C5X8P2K");
        assert_eq!(code_id("pat_", "cn２０２１１０２３４５６７.８"), "pat_CN202110234567.8");
        let id = name_id("ent_", EntityKind::Enterprise, "青岛澜海科技有限公司");
        assert_eq!(id, name_id("ent_", EntityKind::Enterprise, " 青島澜海科技有限公司 "));
        assert_ne!(id, name_id("ent_", EntityKind::Institute, "青岛澜海科技有限公司"));
        assert!(id.starts_with("ent_") && id.len() == 4 + HASH_HEX_DIGITS, "{id}");
        assert!(auto_id(EntityKind::University, "青岛大学").starts_with("uni_auto_"));
        assert_eq!(person_id("张伟", "甲公司"), person_id("张伟", "甲公司"));
        assert_ne!(person_id("张伟", "甲公司"), person_id("张伟", "乙公司"));
        // pinned: ids written by one version are found by the next
        assert_eq!(
            person_id("张伟", "甲公司"),
            "per_auto_".to_string() + &hex(&["person", "张伟", "甲公司"])
        );
    }

    #[test]
    fn names_tell_their_kind() {
        for (name, kind) in [
            ("青岛澜海智能装备有限公司", Some(EntityKind::Enterprise)),
            ("青岛大学", Some(EntityKind::University)),
            ("青岛大学附属医院", Some(EntityKind::Institute)),
            ("中国科学院青岛生物能源与过程研究所", Some(EntityKind::Institute)),
            ("青岛国际创新园", Some(EntityKind::Platform)),
            ("青岛市科学技术局", Some(EntityKind::Agency)),
            ("Qingdao Ocean Tech Co., Ltd.", Some(EntityKind::Enterprise)),
            ("张伟", Some(EntityKind::Person)),
            ("欧阳明远", Some(EntityKind::Person)),
            ("阿不都·热合曼", Some(EntityKind::Person)),
            ("海尔智家", None),
            ("Zhang Wei", None),
        ] {
            assert_eq!(guess_kind(name), kind, "{name}");
        }
    }
}
