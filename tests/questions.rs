//! Questions in plain Chinese over the curated corpus (from
//! `tests/data/curated_questions.tsv`): the answer must be among the first
//! three hits, and function words must not be highlighted on their own.

use innograph::search::SearchRequest;

use crate::common::engine;

/// (question, ids that answer it, split) of the curated question set.
pub fn curated_questions() -> Vec<(String, Vec<String>, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/curated_questions.tsv");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let answers = fields[1].split(',').map(str::to_string).collect();
            (fields[0].to_string(), answers, fields[2].to_string())
        })
        .collect()
}

#[test]
fn every_question_finds_its_answer_in_the_first_three() {
    let questions = curated_questions();
    assert!(questions.len() >= 35, "{} questions", questions.len());
    let mut misses = Vec::new();
    for (question, answers, _) in &questions {
        let response = engine().search(&SearchRequest::new(question, 3)).unwrap();
        let ids: Vec<&str> = response.hits.iter().map(|h| h.id.as_str()).collect();
        if !ids.iter().any(|id| answers.iter().any(|a| a == id)) {
            misses.push(format!("{question} → {ids:?}, expected one of {answers:?}"));
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {} missed:\n{}",
        misses.len(),
        questions.len(),
        misses.join("\n")
    );
}

#[test]
fn function_words_are_not_highlighted() {
    let response = engine()
        .search(&SearchRequest::new("杨建明是哪个大学的教授", 5))
        .unwrap();
    for hit in &response.hits {
        for lone in ["<em>的</em>", "<em>是</em>", "<em>哪个</em>"] {
            assert!(!hit.snippet.contains(lone), "{}", hit.snippet);
        }
    }
    assert!(response.hits[0].snippet.contains("<em>"), "content words are");
    // a question no entry answers with every word says so
    let response = engine()
        .search(&SearchRequest::new("阿斯利康在青岛投资了多少钱", 5))
        .unwrap();
    assert_eq!(response.fallback.as_deref(), Some("most_terms"));
    // a function word typed alone is the query
    let alone = engine().search(&SearchRequest::new("的", 3)).unwrap();
    assert!(alone.total > 0);
}
