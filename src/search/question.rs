//! Questions and pasted text. A query of plain keywords is conjunctive; a
//! question (`杨建明是哪个大学的教授`) or a pasted paragraph is not: its
//! function and question words (的, 是, 哪个, …) carry no meaning for
//! search, and no entry holds every one of its content words. This module
//! reads a parsed query into the units search looks for: the content words
//! (function words dropped, unless they are all there is), the quoted
//! phrases and identifiers, and whether the query reads as a question.

use serde::{Deserialize, Serialize};

use super::query::{ParsedQuery, QueryPart};
use crate::text::Segmenter;

/// Function and question words: optional in a multi-word query, never
/// required, given no weight and not highlighted (unless they are the
/// whole query or inside a quoted phrase). Particles, copulas, question
/// words, pronouns, conjunctions and prepositions that jieba cuts as words
/// of their own.
pub const FUNCTION_WORDS: &[&str] = &[
    // particles and copulas
    "的",
    "了",
    "是",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "么",
    "着",
    "过",
    "地",
    "得",
    "之",
    "所",
    "等",
    "是否",
    "是不是",
    // question words
    "什么",
    "啥",
    "哪",
    "哪个",
    "哪些",
    "哪里",
    "哪儿",
    "哪家",
    "哪位",
    "哪一",
    "哪一个",
    "哪种",
    "哪方面",
    "什么样",
    "谁",
    "如何",
    "怎么",
    "怎样",
    "怎么样",
    "多少",
    "几",
    "几个",
    "为什么",
    "为何",
    "有没有",
    "有无",
    "请问",
    "多久",
    "多长",
    "多大",
    "多远",
    "多高",
    "何时",
    "什么时候",
    "几时",
    "几年",
    // pronouns and determiners
    "我",
    "你",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "他们",
    "她们",
    "其",
    "这",
    "那",
    "这个",
    "那个",
    "这些",
    "那些",
    "一个",
    "一些",
    "该",
    "此",
    // conjunctions, prepositions, auxiliaries
    "和",
    "与",
    "及",
    "以及",
    "或",
    "或者",
    "还是",
    "在",
    "于",
    "对",
    "对于",
    "关于",
    "把",
    "被",
    "让",
    "给",
    "从",
    "向",
    "往",
    "也",
    "都",
    "还",
    "就",
    "又",
    "而",
    "并",
    "且",
    "但",
    "由",
    "将",
    "已",
    "已经",
    "有",
    "没有",
    "没",
    "能",
    "能否",
    "会",
    "可以",
    "可",
    "要",
    "想",
    "需要",
    "以",
    "为",
    "到",
];

/// Most content words a query keeps: a longer text (a pasted paragraph)
/// is cut to its rarest words in the index, so it answers as fast as a
/// short query.
pub const MAX_CONTENT_WORDS: usize = 12;

/// Whether `word` is a function or question word.
pub fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
}

/// One thing a query looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unit {
    /// A content word of a bare chunk.
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// An identifier, in its canonical forms.
    Identifier(Vec<String>),
}

impl Unit {
    /// The unit as a user would type it.
    fn label(&self) -> String {
        match self {
            Unit::Word(word) => word.clone(),
            Unit::Phrase(text) => format!("\"{text}\""),
            Unit::Identifier(forms) => forms.first().cloned().unwrap_or_default(),
        }
    }
}

/// How a question or a text was read: the words looked for, how many of
/// them an entry had to hold, and the words left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryReading {
    /// Content words, phrases and identifiers looked for, in query order.
    pub words: Vec<String>,
    /// How many of `words` an entry had to hold.
    pub required: usize,
    /// Function and question words left out.
    pub dropped: Vec<String>,
    /// The commonest words of a long text, left out to keep its rarest.
    pub cut: Vec<String>,
}

/// What a query asks for, read for ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reading {
    /// The units looked for, in query order.
    pub units: Vec<Unit>,
    /// Whether the query reads as a question or as text (it holds function
    /// words, more than two typed parts, or more than four words), so that
    /// it ranks by coverage rather than requiring every unit.
    pub natural: bool,
    /// Function words left out.
    pub dropped: Vec<String>,
    /// Common words cut from a long text (see [`MAX_CONTENT_WORDS`]).
    pub cut: Vec<String>,
    /// Words that name what a question asks for: the word after a
    /// question word such as 哪个 or 什么 (`哪个孵化器` asks for a
    /// 孵化器). They weigh more.
    pub focus: Vec<String>,
}

/// Whether `word` asks which one: 哪 and the words it begins (哪个, 哪家,
/// 哪所…), 什么 and 什么样.
fn asks_which(word: &str) -> bool {
    word.starts_with('哪') || word == "什么" || word == "什么样"
}

impl Reading {
    /// Reads the required parts of `parsed`, dropping `ignored` words as
    /// function words.
    pub(super) fn of(parsed: &ParsedQuery, segmenter: &Segmenter, ignored: &[&str]) -> Reading {
        let mut units = Vec::new();
        let mut dropped = Vec::new();
        let mut focus = Vec::new();
        for part in &parsed.required {
            match part {
                QueryPart::Term(text) => {
                    let mut after_which = false;
                    for word in segmenter.query_words(text) {
                        if is_function_word(&word) || asks_which(&word) || ignored.contains(&word.as_str()) {
                            after_which = asks_which(&word);
                            dropped.push(word);
                        } else {
                            if after_which {
                                focus.push(word.clone());
                            }
                            after_which = false;
                            units.push(Unit::Word(word));
                        }
                    }
                }
                QueryPart::Phrase(text) => units.push(Unit::Phrase(text.clone())),
                QueryPart::Identifier(forms) => units.push(Unit::Identifier(forms.clone())),
            }
        }
        if units.is_empty() {
            // function words are all there is: they are the query
            units = std::mem::take(&mut dropped).into_iter().map(Unit::Word).collect();
        }
        let mut seen = Vec::new();
        units.retain(|unit| {
            let fresh = !seen.contains(unit);
            seen.push(unit.clone());
            fresh
        });
        // typed keywords stay conjunctive even when jieba cuts one of them
        // into several words (`溃疡性结肠炎`); function words, more than two
        // typed parts, or a long unbroken run make a question or a text
        let natural = !dropped.is_empty() || parsed.required.len() > 2 || units.len() > 4;
        Reading {
            units,
            natural,
            dropped,
            cut: Vec::new(),
            focus,
        }
    }

    /// How the query was read, as the response reports it.
    pub(super) fn report(&self, minimum: usize) -> QueryReading {
        QueryReading {
            words: self.units.iter().map(Unit::label).collect(),
            required: minimum,
            dropped: self.dropped.clone(),
            cut: self.cut.clone(),
        }
    }

    /// Keeps the [`MAX_CONTENT_WORDS`] words that `rarity` ranks first
    /// (fewest entries, but a word no entry holds last: it could match
    /// nothing), phrases and identifiers always; query order is kept.
    pub(super) fn keep_strongest(&mut self, rarity: impl Fn(&str) -> u64) {
        let words: Vec<(u64, usize)> = self
            .units
            .iter()
            .enumerate()
            .filter_map(|(at, unit)| match unit {
                // a word no entry holds can match nothing: it goes first
                Unit::Word(word) => Some((Some(rarity(word)).filter(|&n| n > 0).unwrap_or(u64::MAX), at)),
                _ => None,
            })
            .collect();
        if words.len() <= MAX_CONTENT_WORDS {
            return;
        }
        let mut ranked = words;
        ranked.sort_unstable();
        let cut: Vec<usize> = ranked[MAX_CONTENT_WORDS..].iter().map(|&(_, at)| at).collect();
        let mut at = 0;
        let mut left_out = Vec::new();
        self.units.retain(|unit| {
            let keep = !cut.contains(&at);
            at += 1;
            if !keep {
                left_out.push(unit.label());
            }
            keep
        });
        self.cut = left_out;
    }

    /// How many units an entry must hold to match: all of up to two, then
    /// half of them (rounded up): a question's answer is often worded
    /// otherwise, and ranking by coverage puts the entries holding more
    /// first.
    pub(super) fn minimum_to_match(&self) -> usize {
        let count = self.units.len();
        if count <= 2 {
            count
        } else {
            count.div_ceil(2)
        }
    }

    /// The words and phrases to highlight: a word of one character only
    /// when nothing longer is looked for (it would light up inside every
    /// word that holds it).
    pub(super) fn highlights(&self) -> Vec<String> {
        let longer = self.units.iter().any(|unit| match unit {
            Unit::Word(text) | Unit::Phrase(text) => text.chars().count() > 1,
            Unit::Identifier(_) => true,
        });
        self.units
            .iter()
            .filter_map(|unit| match unit {
                Unit::Word(text) if longer && text.chars().count() == 1 => None,
                Unit::Word(text) | Unit::Phrase(text) => Some(text.clone()),
                Unit::Identifier(_) => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse_query;

    fn read(query: &str) -> Reading {
        let segmenter = Segmenter::new(["杨建明", "青岛农业大学", "阿斯利康"]);
        Reading::of(&parse_query(query).unwrap(), &segmenter, &[])
    }

    fn words(reading: &Reading) -> Vec<String> {
        reading
            .units
            .iter()
            .map(|unit| match unit {
                Unit::Word(text) | Unit::Phrase(text) => text.clone(),
                Unit::Identifier(forms) => forms[0].clone(),
            })
            .collect()
    }

    #[test]
    fn questions_keep_their_content_words() {
        let question = read("杨建明是哪个大学的教授");
        assert!(question.natural);
        assert_eq!(words(&question), ["杨建明", "大学", "教授"]);
        assert_eq!(question.dropped, ["是", "哪个", "的"]);
        assert_eq!(question.focus, ["大学"], "哪个大学 asks for a university");
        let money = read("阿斯利康在青岛投资了多少钱？");
        assert_eq!(words(&money), ["阿斯利康", "青岛", "投资", "钱"]);
        assert_eq!(money.minimum_to_match(), 2);
        // a lone character is looked for but not highlighted beside words
        assert_eq!(money.highlights(), ["阿斯利康", "青岛", "投资"]);
    }

    #[test]
    fn keywords_stay_conjunctive_and_function_words_alone_are_the_query() {
        let keywords = read("光伏 硅片");
        assert!(!keywords.natural);
        assert_eq!(keywords.minimum_to_match(), 2);
        let only = read("的 是");
        assert_eq!(words(&only), ["的", "是"]);
        assert!(!only.natural);
        // a phrase keeps its function words
        let phrase = read("\"高新区的企业\" 投资");
        assert_eq!(words(&phrase), ["高新区的企业", "投资"]);
    }

    #[test]
    fn long_text_keeps_its_rarest_words() {
        let text: String = (1..=16).map(|n| format!("w{n:02} ")).collect();
        let mut reading = read(&text);
        assert_eq!(reading.units.len(), 16);
        // rarity: the words later in the text are rarer
        let order: Vec<String> = words(&reading);
        reading.keep_strongest(|word| 100 - order.iter().position(|w| w == word).unwrap_or(0) as u64);
        assert_eq!(reading.units.len(), MAX_CONTENT_WORDS);
        assert_eq!(words(&reading).first().map(String::as_str), Some("w05"));
        assert_eq!(words(&reading).last().map(String::as_str), Some("w16"));
    }
}
