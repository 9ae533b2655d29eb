//! The mention types every part of `extract` returns, and the gazetteer
//! entries a caller hands in. These are the stable public shapes: the HTTP
//! API serialises [`Mention`] as it is.

use serde::{Deserialize, Serialize};

use crate::model::EntityKind;

/// What a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    /// An enterprise, university, institute, hospital, incubator, lab or
    /// government body.
    Organization,
    /// A person.
    Person,
    /// A sum of money with its unit.
    Amount,
    /// A year, a month or a day.
    Date,
    /// A place name or a zone (青岛市, 崂山区, 青岛高新区): never an
    /// organisation by itself.
    Location,
}

impl MentionKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [MentionKind] = &[
        MentionKind::Organization,
        MentionKind::Person,
        MentionKind::Amount,
        MentionKind::Date,
        MentionKind::Location,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Organization => "organization",
            MentionKind::Person => "person",
            MentionKind::Amount => "amount",
            MentionKind::Date => "date",
            MentionKind::Location => "location",
        }
    }

    /// Reads a gold label: this crate's names, and CLUENER's (`company`,
    /// `organization` and `government` are organisations, `name` a person,
    /// `address` a location). Other labels (`game`, `book`, `position` …)
    /// are `None`: no kind of ours.
    pub fn from_label(label: &str) -> Option<MentionKind> {
        match label {
            "organization" | "company" | "government" | "org" => Some(MentionKind::Organization),
            "person" | "name" | "per" => Some(MentionKind::Person),
            "amount" | "money" => Some(MentionKind::Amount),
            "date" | "time" => Some(MentionKind::Date),
            "location" | "address" | "loc" => Some(MentionKind::Location),
            _ => None,
        }
    }
}

impl std::fmt::Display for MentionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// For organisations: what kind of body, read from the head word that ends
/// the name (有限公司, 大学, 研究院, 医院, 孵化器, 实验室, 管委会 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 有限公司, 集团, 银行 …
    Enterprise,
    /// 大学, 学院 …
    University,
    /// 研究院, 研究所, 研究中心, 科学院 …
    Institute,
    /// 医院 …
    Hospital,
    /// 孵化器, 众创空间, 加速器, 产业园, 科技园 …
    Platform,
    /// 实验室, 重点实验室 …
    Lab,
    /// 管委会, 委员会, 局, 厅, 人民政府 …
    Government,
    /// An organisation whose head word says nothing of its kind (协会,
    /// 联盟, or a name the model found without one).
    Other,
}

impl OrgKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::Institute => "institute",
            OrgKind::Hospital => "hospital",
            OrgKind::Platform => "platform",
            OrgKind::Lab => "lab",
            OrgKind::Government => "government",
            OrgKind::Other => "other",
        }
    }

    /// The entity kind a new entity of this kind of body gets in the graph.
    /// Hospitals and labs are research bodies ([`EntityKind::Institute`]),
    /// government bodies are agencies; [`OrgKind::Other`] says nothing, so
    /// it is `None` and the caller decides.
    pub fn entity_kind(self) -> Option<EntityKind> {
        match self {
            OrgKind::Enterprise => Some(EntityKind::Enterprise),
            OrgKind::University => Some(EntityKind::University),
            OrgKind::Institute | OrgKind::Hospital | OrgKind::Lab => Some(EntityKind::Institute),
            OrgKind::Platform => Some(EntityKind::Platform),
            OrgKind::Government => Some(EntityKind::Agency),
            OrgKind::Other => None,
        }
    }
}

/// What found a mention. When several did, the one kept is named: a known
/// name first, then the rules, then the statistical model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionSource {
    /// A name or alias from the gazetteer the recognizer was built with.
    Gazetteer,
    /// The sequence model trained on CLUENER.
    Model,
    /// A pattern: an organisation head word, a title beside a name, a
    /// number with a unit, a date, an author affiliation.
    Rule,
}

/// A sum of money: `1.5亿元` is `{value: 1.5, unit: "亿元"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub value: f64,
    /// The unit as written after the number, multiplier included: 万元,
    /// 亿元, 千万元, 元, 万美元, 亿美元, 美元 …
    pub unit: String,
}

/// One mention found in a text.
///
/// `start` and `end` are **character** offsets (not bytes) into the text
/// given to [`crate::extract::Recognizer::mentions`], end-exclusive. `text`
/// is the mention as read: when a line break cut a name in two, the
/// recognizer read the lines joined, so `text` leaves the break out while
/// `start..end` spans it in the original.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub kind: MentionKind,
    /// For organisations: what kind of body; `None` for other kinds.
    pub org_kind: Option<OrgKind>,
    pub start: usize,
    pub end: usize,
    /// For persons: the title or role beside the name that marks them
    /// (教授, 研究员, 董事长, 团队负责人 …), when there is one.
    pub role: Option<String>,
    /// For amounts: the value and unit, when the number could be read.
    pub amount: Option<Amount>,
    /// For dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    pub source: MentionSource,
    /// For gazetteer mentions: the keys of every entry with this name (the
    /// linker chooses among them); empty otherwise.
    pub keys: Vec<u32>,
}

impl Mention {
    /// A mention of `kind` over `start..end` with nothing else set.
    pub fn new(text: impl Into<String>, kind: MentionKind, start: usize, end: usize, source: MentionSource) -> Self {
        Mention {
            text: text.into(),
            kind,
            org_kind: None,
            start,
            end,
            role: None,
            amount: None,
            date: None,
            source,
            keys: Vec::new(),
        }
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the mention covers no character.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Whether the two mentions share a character.
    pub fn overlaps(&self, other: &Mention) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A known name for the gazetteer: an entity's name or one of its aliases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GazetteerEntry {
    pub name: String,
    pub kind: MentionKind,
    pub org_kind: Option<OrgKind>,
    /// The caller's id for the entry, e.g. an entity's position; mentions
    /// carry it back.
    pub key: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&MentionKind::Organization).unwrap(),
            "\"organization\""
        );
        assert_eq!(serde_json::to_string(&OrgKind::Platform).unwrap(), "\"platform\"");
        assert_eq!(
            serde_json::to_string(&MentionSource::Gazetteer).unwrap(),
            "\"gazetteer\""
        );
        for kind in MentionKind::ALL {
            assert_eq!(MentionKind::from_label(kind.as_str()), Some(*kind));
        }
        assert_eq!(MentionKind::from_label("government"), Some(MentionKind::Organization));
        assert_eq!(MentionKind::from_label("game"), None);
    }

    #[test]
    fn org_kinds_map_to_entity_kinds() {
        assert_eq!(OrgKind::Platform.entity_kind(), Some(EntityKind::Platform));
        assert_eq!(OrgKind::Government.entity_kind(), Some(EntityKind::Agency));
        assert_eq!(OrgKind::Other.entity_kind(), None);
    }
}
