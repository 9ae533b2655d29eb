//! Mention recognition end to end: the built-in model and rules against the
//! labelled sentences in `tests/data/extract_gold.jsonl` (written for this
//! crate: news and notices of a science park, with traps), `train ner` and
//! `eval extract` on a small fixture, and, when `../shared/data` is there,
//! the held-out part of CLUENER (skipped with a message otherwise).

use std::path::{Path, PathBuf};

use innograph::extract::data::{part_of, read_gold, Part};
use innograph::extract::eval::evaluate;
use innograph::extract::{MentionKind, Recognizer};
use serde_json::Value;

use crate::common::{run, stderr, stdout};

fn gold_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/extract_gold.jsonl")
}

#[test]
fn the_gold_set_is_large_valid_and_keeps_its_relations() {
    let sentences = read_gold(&gold_path()).expect("the gold set reads");
    assert!(sentences.len() >= 80, "{} sentences", sentences.len());
    let ids: std::collections::HashSet<&str> = sentences.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), sentences.len(), "ids are unique");
    // traps: sentences with nothing to find, quoted products and slogans,
    // names cut by line breaks
    assert!(sentences.iter().filter(|s| s.entities.is_empty()).count() >= 5);
    assert!(sentences.iter().filter(|s| s.text.contains('“')).count() >= 10);
    assert!(sentences.iter().filter(|s| s.text.contains('\n')).count() >= 3);
    assert!(sentences.iter().filter(|s| !s.relations.is_empty()).count() >= 50);
}

#[test]
fn the_recognizer_scores_well_on_the_gold_set() {
    let sentences = read_gold(&gold_path()).unwrap();
    let evaluation = evaluate(&Recognizer::new(), &sentences, 0);
    let floor = [
        (MentionKind::Organization, 0.93),
        (MentionKind::Person, 0.90),
        (MentionKind::Amount, 0.95),
        (MentionKind::Date, 0.95),
        (MentionKind::Location, 0.80),
    ];
    for (kind, at_least) in floor {
        let score = evaluation.score(kind).expect("labelled");
        assert!(score.f1 >= at_least, "{kind}: {score:?}");
        // and far above jieba's part-of-speech tags
        let baseline = evaluation.kinds.iter().find(|k| k.kind == kind).unwrap().baseline;
        assert!(score.f1 > baseline.f1 + 0.3, "{kind}: {score:?} against {baseline:?}");
    }
}

#[test]
fn a_name_cut_by_a_line_break_is_one_mention() {
    let text = "青岛高新区管委会副主任刘建\n华出席了签约仪式并致辞。";
    let mentions = Recognizer::new().mentions(text);
    let person = mentions
        .iter()
        .find(|m| m.kind == MentionKind::Person)
        .expect("a person");
    assert_eq!(person.text, "刘建华");
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[person.start..person.end].iter().collect::<String>(), "刘建\n华");
}

#[test]
fn titles_of_works_are_not_organisations() {
    let recognizer = Recognizer::new();
    for text in [
        "《青岛科技大学学报》刊发了该团队关于橡胶材料的论文。",
        "“智慧医院管理系统”已在二十余家医院上线。",
    ] {
        let mentions = recognizer.mentions(text);
        assert!(
            mentions.iter().all(|m| m.kind != MentionKind::Organization),
            "{text}: {mentions:?}"
        );
    }
}

const FIXTURE: &str = r#"{"id":"f1","text":"青岛大学张伟教授团队来到海尔集团。","entities":[{"type":"organization","start":0,"end":4,"text":"青岛大学"},{"type":"name","start":4,"end":6,"text":"张伟"},{"type":"company","start":12,"end":16,"text":"海尔集团"}]}
{"id":"f2","text":"李明在山东大学工作。","entities":[{"type":"name","start":0,"end":2,"text":"李明"},{"type":"organization","start":3,"end":7,"text":"山东大学"}]}
{"id":"f3","text":"王芳教授来自北京，担任董事长。","entities":[{"type":"name","start":0,"end":2,"text":"王芳"},{"type":"address","start":6,"end":8,"text":"北京"},{"type":"position","start":11,"end":14,"text":"董事长"}]}
{"id":"f4","text":"海信集团与中国海洋大学合作开发《海洋之心》。","entities":[{"type":"company","start":0,"end":4,"text":"海信集团"},{"type":"organization","start":5,"end":11,"text":"中国海洋大学"},{"type":"game","start":16,"end":20,"text":"海洋之心"}]}
"#;

#[test]
fn train_ner_then_eval_extract_with_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("train.jsonl");
    std::fs::write(&data, FIXTURE).unwrap();
    let model = dir.path().join("ner.bin");
    let output = run(&[
        "train",
        "ner",
        "--data",
        data.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--epochs",
        "8",
        "--min-weight",
        "1",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let held_out = FIXTURE
        .lines()
        .filter(|line| {
            let id = serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            part_of(&id) == Part::HeldOut
        })
        .count();
    assert_eq!(json["held_out"], held_out);
    assert_eq!(json["sentences"], 4 - held_out);
    assert!(json["bytes"].as_u64().unwrap() > 0);
    assert!(model.is_file());

    let output = run(&[
        "eval",
        "extract",
        "--gold",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--only",
        "model",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["sentences"], 4);
    let kinds: Vec<&str> = json["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["organization", "person", "location"]);

    // a damaged model file is refused with the data-file error
    std::fs::write(&model, b"not a model").unwrap();
    let output = run(&[
        "eval",
        "extract",
        "--gold",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("model"), "{}", stderr(&output));
}

#[test]
fn held_out_cluener_when_the_shared_data_is_there() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/cluener2020/train.jsonl");
    if !path.is_file() {
        eprintln!(
            "skipped: {} is missing (the held-out CLUENER check needs it)",
            path.display()
        );
        return;
    }
    let mut sentences = read_gold(&path).unwrap();
    sentences.retain(|s| part_of(&s.id) == Part::HeldOut);
    let evaluation = evaluate(&Recognizer::new(), &sentences, 0);
    let person = evaluation.score(MentionKind::Person).unwrap();
    let organization = evaluation.score(MentionKind::Organization).unwrap();
    assert!(person.f1 >= 0.73, "{person:?}");
    assert!(organization.f1 >= 0.70, "{organization:?}");
}
