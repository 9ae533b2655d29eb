//! The closed sets of entity and relation kinds. A kind the code does not
//! know is an input error, so both enums are exhaustive lists with their
//! snake_case JSON names and Chinese labels.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! kind_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $json:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[doc = $label] $variant,)+
        }

        impl $name {
            /// Every kind, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The snake_case name used in JSON, the CLI and the index.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $json,)+ }
            }

            /// The Chinese label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// How many of each kind `kinds` holds, by name; kinds it does
            /// not hold are left out.
            pub fn tally(kinds: impl IntoIterator<Item = $name>) -> BTreeMap<String, usize> {
                let mut counts = [0usize; $name::ALL.len()];
                for kind in kinds {
                    counts[kind as usize] += 1;
                }
                $name::ALL
                    .iter()
                    .zip(counts)
                    .filter(|&(_, count)| count > 0)
                    .map(|(kind, count)| (kind.as_str().to_string(), count))
                    .collect()
            }
        }

        impl $name {
            /// The Chinese names a user may type for this kind: its label,
            /// and each part of a label like `产品/成果` that is not another
            /// kind's whole label.
            pub fn chinese_names(self) -> impl Iterator<Item = &'static str> {
                let label = self.label();
                std::iter::once(label).chain(
                    label
                        .split('/')
                        .filter(move |part| *part != label)
                        .filter(|part| !$name::ALL.iter().any(|other| other.label() == *part)),
                )
            }
        }

        impl FromStr for $name {
            type Err = String;
            /// Parses the snake_case name or a Chinese name
            /// ([`Self::chinese_names`]).
            fn from_str(s: &str) -> Result<Self, String> {
                let text = s.trim();
                if let Some(kind) = $name::ALL.iter().find(|kind| kind.as_str() == text) {
                    return Ok(*kind);
                }
                if let Some(kind) = $name::ALL.iter().find(|kind| kind.chinese_names().any(|n| n == text)) {
                    return Ok(*kind);
                }
                Err(format!(
                    "unknown {} `{}`, expected one of: {} (or their Chinese names: {})",
                    stringify!($name).to_lowercase().replace("kind", " kind"),
                    s,
                    [$($json,)+].join(", "),
                    [$($label,)+].join("、")
                ))
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                let value = clap::builder::PossibleValue::new(self.as_str()).help(self.label());
                Some(self.chinese_names().fold(value, |value, name| value.alias(name)))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kind_enum! {
    /// What an entity is.
    EntityKind {
        Enterprise = "enterprise", "企业";
        University = "university", "高校";
        Institute = "institute", "科研院所";
        Platform = "platform", "孵化器/园区";
        Person = "person", "人员";
        Patent = "patent", "专利";
        Project = "project", "项目";
        Product = "product", "产品/成果";
        Policy = "policy", "政策/金融产品";
        Zone = "zone", "园区";
        Industry = "industry", "产业";
        Award = "award", "奖项";
        Event = "event", "展会/活动";
        Region = "region", "行政区";
        Agency = "agency", "政府/服务机构";
        Document = "document", "文档";
    }
}

kind_enum! {
    /// How two entities are linked; directed from `from` to `to`.
    RelationKind {
        LocatedIn = "located_in", "位于";
        AffiliatedWith = "affiliated_with", "隶属";
        Leads = "leads", "带领";
        Founded = "founded", "创办";
        IncubatedBy = "incubated_by", "孵化于";
        ApplicantOf = "applicant_of", "申请专利";
        InventorOf = "inventor_of", "发明";
        TransferredTo = "transferred_to", "转让给";
        LicensedTo = "licensed_to", "许可给";
        Undertakes = "undertakes", "承担";
        CollaboratesWith = "collaborates_with", "合作";
        InvestsIn = "invests_in", "投资";
        Produces = "produces", "生产";
        InIndustry = "in_industry", "所属产业";
        SupportedBy = "supported_by", "获支持";
        HoldsEquityIn = "holds_equity_in", "持股";
        Mentions = "mentions", "提及";
        ChainLeaderOf = "chain_leader_of", "产业链链主";
        WonAward = "won_award", "获奖";
        IssuedBy = "issued_by", "发布方";
        PartOf = "part_of", "属于";
        ExhibitedAt = "exhibited_at", "参展";
        Develops = "develops", "研发";
        ReportedOn = "reported_on", "报道";
    }
}

impl RelationKind {
    /// How much a link of this kind says about two entities being really
    /// connected, in (0, 1]. A patent transfer or an equity stake is strong
    /// evidence; sharing a location or being mentioned together is weak.
    /// Used to choose between parallel edges and to rank paths.
    pub fn strength(self) -> f32 {
        use RelationKind::*;
        match self {
            TransferredTo | LicensedTo | HoldsEquityIn | Founded | InvestsIn => 1.0,
            IncubatedBy | Leads | Develops | InventorOf | ApplicantOf | Undertakes => 0.9,
            CollaboratesWith | Produces | SupportedBy | AffiliatedWith | WonAward => 0.8,
            ChainLeaderOf | ExhibitedAt | IssuedBy | ReportedOn => 0.6,
            PartOf | InIndustry => 0.4,
            LocatedIn => 0.3,
            Mentions => 0.2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_json_and_from_str() {
        for kind in EntityKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.as_str().parse::<EntityKind>().unwrap(), *kind);
        }
        for kind in RelationKind::ALL {
            let back: RelationKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
            assert_eq!(back, *kind);
        }
    }

    #[test]
    fn chinese_names_parse_and_stay_unambiguous() {
        assert_eq!("企业".parse::<EntityKind>(), Ok(EntityKind::Enterprise));
        assert_eq!("投资".parse::<RelationKind>(), Ok(RelationKind::InvestsIn));
        assert_eq!(" 成果 ".parse::<EntityKind>(), Ok(EntityKind::Product));
        assert_eq!("孵化器".parse::<EntityKind>(), Ok(EntityKind::Platform));
        // 园区 is the zone's whole label, not a short form of 孵化器/园区
        assert_eq!("园区".parse::<EntityKind>(), Ok(EntityKind::Zone));
        assert!(!EntityKind::Platform.chinese_names().any(|n| n == "园区"));
        for kind in EntityKind::ALL {
            for name in kind.chinese_names() {
                assert_eq!(name.parse::<EntityKind>(), Ok(*kind), "{name}");
            }
        }
        for kind in RelationKind::ALL {
            assert_eq!(kind.label().parse::<RelationKind>(), Ok(*kind));
        }
    }

    #[test]
    fn unknown_kind_lists_the_known_ones() {
        let err = "partner_of".parse::<RelationKind>().unwrap_err();
        assert!(err.contains("`partner_of`"), "{err}");
        assert!(err.contains("transferred_to"), "{err}");
    }
}
