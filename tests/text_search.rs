//! Chinese text that trips up search engines, over a corpus the test writes:
//! a word inside a compound, numbers with units, mixed scripts, names jieba
//! has never seen, traditional characters, full-width digits, identifiers,
//! phrases at every word boundary, filters and suggestions.

use std::sync::OnceLock;

use innograph::search::SearchRequest;
use innograph::Engine;

use crate::common::write;

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
}

const ARTICLES: &[(&str, &str, &str)] = &[
    (
        "bank",
        "中国农业发展银行支持园区建设",
        "中国农业发展银行向园区在建工程项目发放贷款。",
    ),
    (
        "money",
        "跨国药企追加投资",
        "累计投资额达8.86亿美元，最高信用贷款达2000万元。",
    ),
    (
        "ivd",
        "体外诊断展会",
        "“生物医药产业IVD体外诊断”主题展在园区举办，5G基站同步开通。",
    ),
    ("rare", "新企业落户", "翀霈科技与鼗鼕材料签署协议，共建联合实验室。"),
    ("trad", "醫療器械產業", "青島高新區的醫療器械企業數量持續增長。"),
    ("width", "年度报告", "２０２３年，园区新增企业１２０家。"),
    ("date", "旧闻", "二〇一五年的储能项目回顾。"),
    (
        "cut",
        "课间",
        "上课时躲着看书剑恩仇录。一名海军陆战队员到场，美国防部长随后发言。",
    ),
];

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        write(
            &corpus,
            "entities.jsonl",
            concat!(
                r#"{"id":"adbc","kind":"enterprise","name":"中国农业发展银行","location":"北京"}"#,
                "\n",
                r#"{"id":"pat","kind":"patent","name":"一种间充质干细胞制剂","description":"用于治疗溃疡性结肠炎","props":{"application_no":"CN201910456789.0","ipc":"A61K 35/28"}}"#,
                "\n",
                r#"{"id":"firm","kind":"enterprise","name":"青岛瑞康生物科技有限公司","aliases":["瑞康生物"],"location":"青岛","props":{"credit_code":"91370212MA3C4X5Y6K"}}"#,
                "\n",
                r#"{"id":"zone","kind":"zone","name":"青岛高新区","location":"青岛"}"#,
                "\n",
            ),
        );
        write(
            &corpus,
            "relations.jsonl",
            r#"{"from":"firm","to":"zone","kind":"located_in"}"#,
        );
        let mut articles = String::new();
        for (index, (id, title, text)) in ARTICLES.iter().enumerate() {
            let date = if *id == "date" { "2015-06-01".to_string() } else { format!("2023-0{}-01", index + 1) };
            articles.push_str(
                &serde_json::json!({"id": id, "title": title, "text": text, "date": date}).to_string(),
            );
            articles.push('\n');
        }
        write(&corpus, "news/articles.jsonl", &articles);
        let index = dir.path().join("index");
        innograph::store::build(&corpus, &index, &mut |_| {}).unwrap();
        let engine = Engine::open(&index).unwrap();
        Fixture { _dir: dir, engine }
    })
}

fn ids(q: &str) -> Vec<String> {
    let response = fixture()
        .engine
        .search(&SearchRequest::new(q, 20))
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    response.hits.into_iter().map(|h| h.id).collect()
}

#[track_caller]
fn finds(q: &str, id: &str) {
    let found = ids(q);
    assert!(found.iter().any(|f| f == id), "`{q}` should find {id}, got {found:?}");
}

#[test]
fn words_inside_compounds() {
    finds("农业", "adbc");
    finds("农业", "bank");
    finds("工程", "bank");
    finds("发展银行", "adbc");
}

#[test]
fn numbers_units_and_mixed_scripts() {
    finds("8.86亿美元", "money");
    finds("2000万元", "money");
    finds("IVD", "ivd");
    finds("ivd体外诊断", "ivd");
    finds("5G", "ivd");
    finds("5G基站", "ivd");
}

#[test]
fn names_jieba_never_saw() {
    finds("翀霈科技", "rare");
    finds("鼗鼕", "rare");
}

#[test]
fn dictionary_words_the_text_was_cut_across() {
    // jieba cuts the text 看书|剑|恩仇录, 海军陆战队|员, 美|国防部长: the
    // words are only in the bigrams there
    finds("书剑恩仇录", "cut");
    finds("队员", "cut");
    finds("美国防部", "cut");
}

#[test]
fn a_long_unknown_word_falls_back_to_its_bigrams() {
    // written nowhere as such, but its parts are in the `rare` article
    let response = fixture().engine.search(&SearchRequest::new("翀霈鼗鼕", 5)).unwrap();
    assert_eq!(response.hits[0].id, "rare");
}

#[test]
fn traditional_and_full_width() {
    finds("医疗器械", "trad");
    finds("青岛高新区", "trad");
    finds("醫療器械", "trad");
    finds("2023年", "width");
    finds("120家", "width");
}

#[test]
fn identifiers_are_found_exactly() {
    for q in [
        "A61K 35/28",
        "a61k35/28",
        "CN201910456789.0",
        "CN201910456789",
        "ZL201910456789",
    ] {
        assert_eq!(ids(q).first().map(String::as_str), Some("pat"), "{q}");
    }
    assert_eq!(ids("91370212MA3C4X5Y6K"), ["firm"]);
    finds("A61K", "pat");
}

#[test]
fn every_run_of_words_is_found_as_a_phrase() {
    let segmenter = innograph::text::Segmenter::new([]);
    for (id, _, text) in ARTICLES {
        // within each clause (punctuation ends a phrase), every run of up
        // to four consecutive words, written as they stand in the text
        let normalized = innograph::text::normalize(text);
        for clause in normalized.split(|c: char| !c.is_alphanumeric() && c != '.') {
            let words = segmenter.query_words(clause);
            for start in 0..words.len() {
                for end in start + 1..=words.len().min(start + 4) {
                    let phrase: String = words[start..end].concat();
                    assert!(clause.contains(&phrase), "{phrase} is written in {clause}");
                    finds(&format!("\"{phrase}\""), id);
                }
            }
        }
    }
}

#[test]
fn filters_in_the_query_and_as_parameters() {
    assert_eq!(ids("kind:enterprise location:青岛"), ["firm"]);
    let all_2023 = ids("园区 date:2023");
    assert!(all_2023.contains(&"bank".to_string()) && !all_2023.contains(&"date".to_string()));
    let mut request = SearchRequest::new("储能", 10);
    request.from = Some("2016".into());
    assert_eq!(fixture().engine.search(&request).unwrap().total, 0);
    request.from = Some("2015-06".into());
    request.to = Some("2015-06-30".into());
    assert_eq!(fixture().engine.search(&request).unwrap().total, 1);
    request.to = Some("2015-13".into());
    assert_eq!(
        fixture().engine.search(&request).unwrap_err().code(),
        "invalid_parameter"
    );
}

#[test]
fn entity_hits_carry_relation_counts_and_facets() {
    let response = fixture().engine.search(&SearchRequest::new("瑞康生物", 5)).unwrap();
    assert_eq!(response.hits[0].id, "firm");
    assert_eq!(response.hits[0].relation_count, Some(1));
    assert_eq!(response.facets.location.get("青岛"), Some(&1));
    let documents = fixture().engine.search(&SearchRequest::new("园区", 20)).unwrap();
    assert!(documents.facets.year.contains_key("2023"));
    assert!(documents
        .hits
        .iter()
        .filter(|h| h.kind == "document")
        .all(|h| h.relation_count.is_none()));
}

#[test]
fn suggestions_by_prefix_pinyin_and_initials() {
    let engine = &fixture().engine;
    let first = |q: &str| {
        engine
            .suggest(&innograph::search::SuggestRequest::new(q, 5))
            .unwrap()
            .suggestions
            .first()
            .map(|s| s.entity.id.clone())
    };
    assert_eq!(first("青岛瑞").as_deref(), Some("firm"));
    assert_eq!(first("瑞康").as_deref(), Some("firm"));
    assert_eq!(first("ruikang").as_deref(), Some("firm"));
    assert_eq!(first("qdgxq").as_deref(), Some("zone"));
    assert_eq!(first("zhongguonongye").as_deref(), Some("adbc"));
    assert_eq!(
        first("青島高新").as_deref(),
        Some("zone"),
        "traditional characters fold"
    );
    assert!(engine
        .suggest(&innograph::search::SuggestRequest::new("xyzxyz", 5))
        .unwrap()
        .suggestions
        .is_empty());
}
