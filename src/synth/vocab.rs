//! The vocabularies synthetic ecosystems are composed from: the eight
//! industries of a high-tech zone with their research topics and keywords,
//! company-name endings, IPC main groups, invention objects, claim kinds,
//! method steps, effects, application areas, products and institute/school
//! words; plus cities, trade-name characters, surnames, given-name
//! characters, and the name patterns of universities, platforms, policies,
//! person titles and enterprise needs. Every entry is common technical or
//! naming vocabulary, written for this crate, from which the deterministic
//! generator composes plausible Chinese names, titles and abstracts.
//!
//! The words are kept in data files under `vocab/`, compiled into the
//! binary and parsed once, on first use. This module owns their format and
//! the shapes the generator reads:
//!
//! - a `.txt` file is a list, one entry a line;
//! - a `.tsv` file is a table: a header row naming the columns, then one
//!   row a line, fields separated by tabs;
//! - the files under `vocab/industry/` hold one list of every industry each,
//!   the industry's name in the first column; `vocab/industries.txt` names
//!   the industries and sets their order.
//!
//! No line may be blank, no entry or field empty or padded with spaces.
//! Order is meaningful: the generator draws entries by position, so the same
//! files and the same seed give the same corpus.

use std::sync::LazyLock;

/// A data file compiled into the binary, by its path under `vocab/`.
macro_rules! embedded {
    ($path:literal) => {
        Embedded {
            path: $path,
            text: include_str!(concat!("vocab/", $path)),
        }
    };
}

/// A research topic: what a university team works on and what an enterprise may need.
#[derive(Debug, Clone)]
pub struct Topic {
    /// Short name, e.g. "肿瘤免疫治疗".
    pub name: &'static str,
    /// 6–10 technical keywords specific to this topic (real terms, 2–8 chars each),
    /// e.g. ["PD-1抗体", "CAR-T细胞", "肿瘤微环境", "免疫检查点", "T细胞活化", "抗体偶联药物"].
    pub keywords: Vec<&'static str>,
}

/// An industry of the zone, with every word list the generator draws from for it.
#[derive(Debug, Clone)]
pub struct Industry {
    /// One of exactly these 8 names: 生物医药, 医疗器械, 新一代信息技术, 智能制造, 新材料, 新能源, 海洋科技, 现代服务
    pub name: &'static str,
    /// Words that end an enterprise name before 有限公司, e.g. "生物科技", "医药科技", "生物工程", "制药" (8–12)
    pub company_words: Vec<&'static str>,
    /// IPC-like codes used by patents of this industry, format "A61K 35/28" (12–20, real IPC main groups of the field)
    pub ipc: Vec<&'static str>,
    /// 14–20 research topics, each with 6–10 keywords; topics within an industry must be distinct,
    /// keywords should rarely repeat across topics.
    pub topics: Vec<Topic>,
    /// Objects of inventions, e.g. "重组蛋白表达载体", "缓释微球制剂" (20–30)
    pub objects: Vec<&'static str>,
    /// Kinds of claims/methods, e.g. "制备方法", "检测方法", "纯化工艺", "控制系统" (8–12)
    pub methods: Vec<&'static str>,
    /// Method steps as clauses, e.g. "将培养液离心后收集上清", "在60℃下真空干燥12小时" (15–25)
    pub steps: Vec<&'static str>,
    /// Effects as clauses, e.g. "显著提高了产物纯度", "降低了生产成本" (12–20)
    pub effects: Vec<&'static str>,
    /// Application areas, e.g. "肿瘤早期筛查", "慢性病管理" (10–15)
    pub applications: Vec<&'static str>,
    /// Product nouns an enterprise of this industry sells, e.g. "化学发光免疫分析仪", "核酸检测试剂盒" (15–25)
    pub products: Vec<&'static str>,
    /// Words for institute names, e.g. "生物医药研究院", "药物研究所" (4–8)
    pub institute_words: Vec<&'static str>,
    /// University discipline words, e.g. "药学院", "生命科学学院" (4–8)
    pub schools: Vec<&'static str>,
}

/// The 8 industries, in the order 生物医药, 医疗器械, 新一代信息技术, 智能制造, 新材料, 新能源, 海洋科技, 现代服务;
/// 123 research topics in all. Read from `vocab/industries.txt` and the lists under `vocab/industry/`.
pub static INDUSTRIES: LazyLock<Vec<Industry>> = LazyLock::new(|| parsed(industries()));

/// Cities with their province, Shandong-heavy (a zone's region) plus major national cities:
/// (city, province), e.g. ("青岛", "山东省"), ("济南", "山东省"), ... 25–35 entries, first 10 in 山东省.
pub static CITIES: LazyLock<Vec<(&str, &str)>> = LazyLock::new(|| parsed(cities()));

/// Characters that make good 字号 (trade-name) pairs, e.g. 华 瑞 泰 康 博 宏 科 创 远 海 恒 达 信 德 ...
/// (80–120 distinct chars, positive connotation, common in real company names)
pub static TRADE_NAME_CHARS: LazyLock<Vec<char>> =
    LazyLock::new(|| parsed(embedded!("trade_name_chars.txt").characters()));

/// The 100 most frequent Chinese surnames (single-character), followed by four common two-character ones.
pub static SURNAMES: LazyLock<Vec<&str>> = LazyLock::new(|| parsed(embedded!("surnames.txt").list()));

/// 150–250 characters common in given names (both genders).
pub static GIVEN_NAME_CHARS: LazyLock<Vec<char>> =
    LazyLock::new(|| parsed(embedded!("given_name_chars.txt").characters()));

/// University name patterns; "{city}" is replaced by a city name (institution names only).
pub static UNIVERSITY_PATTERNS: LazyLock<Vec<&str>> =
    LazyLock::new(|| parsed(embedded!("university_patterns.txt").list()));

/// Incubator / platform name patterns with "{city}" and "{industry}" placeholders.
pub static PLATFORM_PATTERNS: LazyLock<Vec<&str>> = LazyLock::new(|| parsed(embedded!("platform_patterns.txt").list()));

/// Policy / financial product name patterns with "{city}", "{industry}" and "{year}" placeholders.
pub static POLICY_PATTERNS: LazyLock<Vec<&str>> = LazyLock::new(|| parsed(embedded!("policy_patterns.txt").list()));

/// Titles for people: (title, is_academic).
pub static PERSON_TITLES: LazyLock<Vec<(&str, bool)>> = LazyLock::new(|| parsed(person_titles()));

/// Enterprise-need sentence patterns with "{topic}" and "{kw}" placeholders, describing what an enterprise needs.
pub static NEED_PATTERNS: LazyLock<Vec<&str>> = LazyLock::new(|| parsed(embedded!("need_patterns.txt").list()));

/// Why a vocabulary file does not parse.
#[derive(Debug, thiserror::Error)]
enum VocabError {
    /// A line that breaks the format.
    #[error("vocab/{file}, line {line}: {problem}")]
    Line {
        file: &'static str,
        line: usize,
        problem: String,
    },
    /// A file that parses but misses something.
    #[error("vocab/{file}: {problem}")]
    File { file: &'static str, problem: String },
}

/// The value of parsed embedded data. The files are compiled in and checked
/// by this module's tests, so they cannot fail here in a tested build.
fn parsed<T>(result: Result<T, VocabError>) -> T {
    result.unwrap_or_else(|error| panic!("embedded vocabulary does not parse: {error}"))
}

/// A data file and its text.
#[derive(Debug, Clone, Copy)]
struct Embedded {
    path: &'static str,
    text: &'static str,
}

impl Embedded {
    fn line_error(self, line: usize, problem: impl Into<String>) -> VocabError {
        VocabError::Line {
            file: self.path,
            line,
            problem: problem.into(),
        }
    }

    fn file_error(self, problem: impl Into<String>) -> VocabError {
        VocabError::File {
            file: self.path,
            problem: problem.into(),
        }
    }

    /// Every line with its number (from 1); none may be blank or padded.
    fn lines(self) -> Result<Vec<(usize, &'static str)>, VocabError> {
        let lines = self
            .text
            .lines()
            .enumerate()
            .map(|(index, line)| {
                let number = index + 1;
                if line.trim().is_empty() {
                    Err(self.line_error(number, "blank line"))
                } else if line.trim() != line {
                    Err(self.line_error(number, "entry padded with spaces"))
                } else {
                    Ok((number, line))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if lines.is_empty() {
            return Err(self.file_error("no entries"));
        }
        Ok(lines)
    }

    /// A list: one entry a line.
    fn list(self) -> Result<Vec<&'static str>, VocabError> {
        Ok(self.lines()?.into_iter().map(|(_, line)| line).collect())
    }

    /// A list of single characters, one a line.
    fn characters(self) -> Result<Vec<char>, VocabError> {
        self.lines()?
            .into_iter()
            .map(|(number, line)| {
                let mut chars = line.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(self.line_error(number, format!("`{line}` is not a single character"))),
                }
            })
            .collect()
    }

    /// The rows of a table whose header row is `header`, each with its line
    /// number and fields: as many fields as the header has columns, or, when
    /// `open_ended`, any more, all belonging to the last column.
    fn rows(self, header: &[&str], open_ended: bool) -> Result<Vec<(usize, Vec<&'static str>)>, VocabError> {
        let mut lines = self.lines()?.into_iter();
        let expected = header.join("\t");
        match lines.next() {
            Some((_, first)) if first == expected => {}
            _ => {
                return Err(self.line_error(
                    1,
                    format!("the header row must be `{}`, tab-separated", header.join(" ")),
                ))
            }
        }
        let rows: Vec<(usize, Vec<&'static str>)> = lines
            .map(|(number, line)| {
                let fields: Vec<&'static str> = line.split('\t').collect();
                let fits = fields.len() == header.len() || (open_ended && fields.len() > header.len());
                if !fits {
                    return Err(self.line_error(number, format!("{} fields, expected {}", fields.len(), header.len())));
                }
                if fields.iter().any(|field| field.is_empty() || field.trim() != *field) {
                    return Err(self.line_error(number, "a field is empty or padded with spaces"));
                }
                Ok((number, fields))
            })
            .collect::<Result<_, _>>()?;
        if rows.is_empty() {
            return Err(self.file_error("no rows"));
        }
        Ok(rows)
    }
}

/// Splits the rows of a per-industry table by industry: for each of
/// `industries`, in order, the rest of its rows' fields (after the
/// industry's name), in file order. Every industry must have a row.
fn by_industry(
    file: Embedded,
    header: &[&str],
    open_ended: bool,
    industries: &[&str],
) -> Result<Vec<Vec<Vec<&'static str>>>, VocabError> {
    let mut lists: Vec<Vec<Vec<&'static str>>> = vec![Vec::new(); industries.len()];
    for (number, mut fields) in file.rows(header, open_ended)? {
        let name = fields.remove(0);
        let index = industries
            .iter()
            .position(|industry| *industry == name)
            .ok_or_else(|| file.line_error(number, format!("`{name}` is not in industries.txt")))?;
        lists[index].push(fields);
    }
    if let Some(index) = lists.iter().position(Vec::is_empty) {
        return Err(file.file_error(format!("no rows for {}", industries[index])));
    }
    Ok(lists)
}

/// A per-industry word list (columns `industry` and `column`), per industry.
fn industry_words(file: Embedded, column: &str, industries: &[&str]) -> Result<Vec<Vec<&'static str>>, VocabError> {
    let lists = by_industry(file, &["industry", column], false, industries)?;
    Ok(lists
        .into_iter()
        .map(|rows| rows.into_iter().flatten().collect())
        .collect())
}

/// The research topics of each industry: a topic's name, then its keywords.
fn industry_topics(industries: &[&str]) -> Result<Vec<Vec<Topic>>, VocabError> {
    let file = embedded!("industry/topics.tsv");
    let lists = by_industry(file, &["industry", "topic", "keywords"], true, industries)?;
    Ok(lists
        .into_iter()
        .map(|rows| {
            rows.into_iter()
                .map(|fields| Topic {
                    name: fields[0],
                    keywords: fields[1..].to_vec(),
                })
                .collect()
        })
        .collect())
}

fn industries() -> Result<Vec<Industry>, VocabError> {
    let names = embedded!("industries.txt").list()?;
    let words = |file: Embedded, column: &str| industry_words(file, column, &names);
    let mut company_words = words(embedded!("industry/company_words.tsv"), "company_word")?;
    let mut ipc = words(embedded!("industry/ipc.tsv"), "ipc_group")?;
    let mut topics = industry_topics(&names)?;
    let mut objects = words(embedded!("industry/objects.tsv"), "object")?;
    let mut methods = words(embedded!("industry/methods.tsv"), "method")?;
    let mut steps = words(embedded!("industry/steps.tsv"), "step")?;
    let mut effects = words(embedded!("industry/effects.tsv"), "effect")?;
    let mut applications = words(embedded!("industry/applications.tsv"), "application")?;
    let mut products = words(embedded!("industry/products.tsv"), "product")?;
    let mut institute_words = words(embedded!("industry/institute_words.tsv"), "institute_word")?;
    let mut schools = words(embedded!("industry/schools.tsv"), "school")?;
    // every list has exactly one entry per name, in the order of the names
    Ok(names
        .iter()
        .enumerate()
        .map(|(index, &name)| Industry {
            name,
            company_words: std::mem::take(&mut company_words[index]),
            ipc: std::mem::take(&mut ipc[index]),
            topics: std::mem::take(&mut topics[index]),
            objects: std::mem::take(&mut objects[index]),
            methods: std::mem::take(&mut methods[index]),
            steps: std::mem::take(&mut steps[index]),
            effects: std::mem::take(&mut effects[index]),
            applications: std::mem::take(&mut applications[index]),
            products: std::mem::take(&mut products[index]),
            institute_words: std::mem::take(&mut institute_words[index]),
            schools: std::mem::take(&mut schools[index]),
        })
        .collect())
}

fn cities() -> Result<Vec<(&'static str, &'static str)>, VocabError> {
    let rows = embedded!("cities.tsv").rows(&["city", "province"], false)?;
    Ok(rows.into_iter().map(|(_, fields)| (fields[0], fields[1])).collect())
}

fn person_titles() -> Result<Vec<(&'static str, bool)>, VocabError> {
    let file = embedded!("person_titles.tsv");
    file.rows(&["title", "kind"], false)?
        .into_iter()
        .map(|(number, fields)| match fields[1] {
            "academic" => Ok((fields[0], true)),
            "business" => Ok((fields[0], false)),
            other => Err(file.line_error(number, format!("kind `{other}` is neither academic nor business"))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::ops::RangeInclusive;

    use super::*;

    /// Asserts that `items` has a length in `range` and no item twice.
    fn distinct<T: std::hash::Hash + Eq + std::fmt::Debug>(what: &str, items: &[T], range: RangeInclusive<usize>) {
        assert!(
            range.contains(&items.len()),
            "{what}: {} entries, expected {range:?}",
            items.len()
        );
        let mut seen = HashSet::new();
        for item in items {
            assert!(seen.insert(item), "{what}: {item:?} twice");
        }
    }

    /// Fails with the parse error's message.
    fn parses<T>(result: Result<T, VocabError>) {
        if let Err(error) = result {
            panic!("{error}");
        }
    }

    #[test]
    fn every_file_parses() {
        for file in [
            embedded!("surnames.txt"),
            embedded!("university_patterns.txt"),
            embedded!("platform_patterns.txt"),
            embedded!("policy_patterns.txt"),
            embedded!("need_patterns.txt"),
        ] {
            parses(file.list());
        }
        parses(embedded!("trade_name_chars.txt").characters());
        parses(embedded!("given_name_chars.txt").characters());
        parses(industries());
        parses(cities());
        parses(person_titles());
    }

    #[test]
    fn eight_industries_with_123_topics() {
        let names: Vec<&str> = INDUSTRIES.iter().map(|i| i.name).collect();
        assert_eq!(
            names,
            [
                "生物医药",
                "医疗器械",
                "新一代信息技术",
                "智能制造",
                "新材料",
                "新能源",
                "海洋科技",
                "现代服务"
            ]
        );
        let topics: usize = INDUSTRIES.iter().map(|i| i.topics.len()).sum();
        assert_eq!(topics, 123);
    }

    #[test]
    fn industry_lists_have_their_sizes_and_no_repeats() {
        for industry in INDUSTRIES.iter() {
            let name = industry.name;
            distinct(&format!("{name} company words"), &industry.company_words, 8..=12);
            distinct(&format!("{name} IPC groups"), &industry.ipc, 12..=20);
            distinct(&format!("{name} objects"), &industry.objects, 20..=30);
            distinct(&format!("{name} methods"), &industry.methods, 8..=12);
            distinct(&format!("{name} steps"), &industry.steps, 15..=25);
            distinct(&format!("{name} effects"), &industry.effects, 12..=20);
            distinct(&format!("{name} applications"), &industry.applications, 10..=15);
            distinct(&format!("{name} products"), &industry.products, 15..=25);
            distinct(&format!("{name} institute words"), &industry.institute_words, 4..=8);
            distinct(&format!("{name} schools"), &industry.schools, 4..=8);
            let topic_names: Vec<&str> = industry.topics.iter().map(|t| t.name).collect();
            distinct(&format!("{name} topics"), &topic_names, 14..=20);
        }
    }

    #[test]
    fn topics_have_six_to_ten_short_keywords_rarely_shared() {
        for industry in INDUSTRIES.iter() {
            let mut keywords = HashSet::new();
            let mut shared = 0;
            for topic in &industry.topics {
                distinct(&format!("keywords of {}", topic.name), &topic.keywords, 6..=10);
                for keyword in &topic.keywords {
                    let length = keyword.chars().count();
                    assert!((2..=8).contains(&length), "keyword {keyword} has {length} characters");
                    if !keywords.insert(*keyword) {
                        shared += 1;
                    }
                }
            }
            assert!(
                shared * 20 <= keywords.len(),
                "{}: {shared} keywords repeat across topics",
                industry.name
            );
        }
    }

    #[test]
    fn ipc_groups_are_well_formed() {
        let format = regex::Regex::new(r"^[A-H]\d{2}[A-Z] \d{1,4}/\d{2,6}$").expect("valid pattern");
        for industry in INDUSTRIES.iter() {
            for group in &industry.ipc {
                assert!(format.is_match(group), "{}: {group}", industry.name);
            }
        }
    }

    #[test]
    fn cities_first_in_shandong() {
        distinct("cities", &CITIES, 25..=35);
        assert!(CITIES[..10].iter().all(|(_, province)| *province == "山东省"));
        assert!(CITIES
            .iter()
            .all(|(_, province)| province.ends_with('省') || province.ends_with('市')));
    }

    #[test]
    fn name_characters_and_surnames_have_their_counts() {
        distinct("trade-name characters", &TRADE_NAME_CHARS, 80..=120);
        distinct("given-name characters", &GIVEN_NAME_CHARS, 150..=250);
        distinct("surnames", &SURNAMES, 104..=104);
        let lengths: Vec<usize> = SURNAMES.iter().map(|s| s.chars().count()).collect();
        assert!(
            lengths[..100].iter().all(|&n| n == 1),
            "100 single-character surnames first"
        );
        assert!(lengths[100..].iter().all(|&n| n == 2), "then two-character ones");
    }

    #[test]
    fn patterns_use_only_their_placeholders() {
        let placeholders = regex::Regex::new(r"\{[^}]*\}").expect("valid pattern");
        let cases: [(&str, &[&str], &[&str]); 4] = [
            ("university", &UNIVERSITY_PATTERNS, &["{city}"]),
            ("platform", &PLATFORM_PATTERNS, &["{city}", "{industry}"]),
            ("policy", &POLICY_PATTERNS, &["{city}", "{industry}", "{year}"]),
            ("need", &NEED_PATTERNS, &["{topic}", "{kw}"]),
        ];
        for (what, patterns, allowed) in cases {
            distinct(&format!("{what} patterns"), patterns, 1..=usize::MAX);
            for pattern in patterns {
                for found in placeholders.find_iter(pattern) {
                    assert!(allowed.contains(&found.as_str()), "{what} pattern {pattern}");
                }
            }
        }
        assert!(UNIVERSITY_PATTERNS.iter().all(|p| p.contains("{city}")));
    }

    #[test]
    fn person_titles_include_those_the_generator_names() {
        let titles: Vec<&str> = PERSON_TITLES.iter().map(|(title, _)| *title).collect();
        distinct("person titles", &titles, 2..=usize::MAX);
        let academic = |title: &str| PERSON_TITLES.iter().find(|(t, _)| *t == title).map(|(_, a)| *a);
        // team leaders are professors or research fellows; founders are named by title
        assert_eq!(academic("教授"), Some(true));
        assert_eq!(academic("研究员"), Some(true));
        assert_eq!(academic("董事长"), Some(false));
        assert_eq!(academic("创始人"), Some(false));
    }

    fn file(text: &'static str) -> Embedded {
        Embedded { path: "test.tsv", text }
    }

    #[test]
    fn malformed_lines_are_errors_with_their_place() {
        let blank = file("a\n\nb\n").list().expect_err("blank line");
        assert_eq!(blank.to_string(), "vocab/test.tsv, line 2: blank line");
        assert!(file(" a\n").list().is_err(), "padded entry");
        assert!(file("").list().is_err(), "empty file");
        assert!(file("ab\n").characters().is_err(), "two characters on a line");
        assert!(file("x\ty\na\tb\n").rows(&["x", "z"], false).is_err(), "wrong header");
        assert!(file("x\ty\na\n").rows(&["x", "y"], false).is_err(), "missing field");
        assert!(file("x\ty\na\tb\tc\n").rows(&["x", "y"], false).is_err(), "extra field");
        assert!(file("x\ty\na\t\n").rows(&["x", "y"], true).is_err(), "empty field");
        assert!(file("x\ty\n").rows(&["x", "y"], false).is_err(), "no rows");
        let rows = file("x\ty\na\tb\tc\n").rows(&["x", "y"], true).expect("open-ended row");
        assert_eq!(rows, vec![(2, vec!["a", "b", "c"])]);
        let unknown = by_industry(
            file("industry\tword\n农业\t种子\n"),
            &["industry", "word"],
            false,
            &["新材料"],
        );
        assert!(unknown.is_err(), "unknown industry");
        let missing = by_industry(
            file("industry\tword\n新材料\t石墨烯\n"),
            &["industry", "word"],
            false,
            &["新材料", "新能源"],
        );
        assert_eq!(
            missing.expect_err("an industry without rows").to_string(),
            "vocab/test.tsv: no rows for 新能源"
        );
    }
}
