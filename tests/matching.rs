//! University–enterprise matching over the curated corpus, end to end:
//! - needs typed as a tech-transfer officer would find the organisations
//!   that hold the capability, each result explained (terms, evidence,
//!   signal shares adding up to the score);
//! - an enterprise's matches leave out its existing partners unless
//!   `include_linked`, which shows them with the ties and their evidence;
//! - an ingested paper (its author line naming an affiliation) makes its
//!   institution rank first for the paper's own need;
//! - the words that frame a need (希望, 团队, 技术, 合作…) are not searched
//!   for: no team is found for sharing them with the need;
//! - a university is matched to enterprises, never an enterprise to
//!   enterprises;
//! - a team's track record (enterprises it worked with) lifts it for a
//!   need its work fits, at once after the writes that make it, and never
//!   lifts a team of another field;
//! - bad input over HTTP (unknown entity, empty text, a text of 1 MB, a
//!   kind that cannot be matched) is a 4xx with the JSON error body, and
//!   on the command line exit 2 with one line on stderr;
//! - `eval match` on a small generated ecosystem prints the four matchers'
//!   metrics as JSON.

use serde_json::json;

use crate::common::api::{assert_error, call, encode, get};
use crate::common::{curated_index, engine, run, stderr, stdout};
use innograph::matching::MatchRequest;

macro_rules! app {
    () => {
        crate::common::api::app(innograph::Engine::open(curated_index()).expect("index opens"), None).await
    };
}

fn ids(response: &innograph::matching::MatchResponse) -> Vec<&str> {
    response.results.iter().map(|r| r.id.as_str()).collect()
}

/// An engine on a fresh build of the curated corpus, to write to.
fn writable_engine() -> (tempfile::TempDir, innograph::Engine) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    let engine = innograph::Engine::open(&index).unwrap();
    (dir, engine)
}

/// Writes one change given as the API takes it (`{"op": …}`).
fn write(engine: &innograph::Engine, change: serde_json::Value) {
    let change: innograph::model::Change = serde_json::from_value(change).unwrap();
    engine.write(change).unwrap();
}

/// Writes the relation `from` → `to` of `kind`.
fn relate(engine: &innograph::Engine, from: &str, to: &str, kind: &str) {
    write(
        engine,
        json!({"op": "put_relation", "relation": {"from": from, "to": to, "kind": kind}}),
    );
}

#[test]
fn a_stem_cell_need_finds_the_company_that_holds_the_capability() {
    let response = engine()
        .match_text(&MatchRequest::text("需要提高干细胞药物治疗溃疡性结肠炎的疗效"))
        .unwrap();
    assert_eq!(ids(&response).first(), Some(&"ent_aoke_bio"), "{:?}", ids(&response));
    let card = &response.results[0].explanation;
    assert!(card.terms.iter().any(|t| t.term.contains("干细胞")), "{:?}", card.terms);
    assert!(
        card.evidence.iter().any(|e| e.snippet.contains("<em>")),
        "{:?}",
        card.evidence
    );
    let shares: f32 = card.signals.iter().map(|s| s.share).sum();
    assert!((shares - 1.0).abs() < 1e-3, "shares add up to the score: {shares}");
}

#[test]
fn a_rehabilitation_need_finds_the_rehabilitation_university_and_its_team() {
    let response = engine()
        .match_text(&MatchRequest::text("我们想找团队合作开发智能人工血管和神经修复材料"))
        .unwrap();
    assert_eq!(
        ids(&response).first(),
        Some(&"uni_rehabilitation"),
        "{:?}",
        ids(&response)
    );
    let card = &response.results[0].explanation;
    assert!(card.teams.iter().any(|t| t.id == "per_zhou_qihui"), "{:?}", card.teams);
    // the people behind it, ranked as such when asked for
    let mut people = MatchRequest::text("智能人工血管 神经修复材料");
    people.kinds = vec![innograph::model::EntityKind::Person];
    let response = engine().match_text(&people).unwrap();
    assert_eq!(ids(&response).first(), Some(&"per_zhou_qihui"), "{:?}", ids(&response));
}

#[test]
fn an_enterprise_s_partners_are_left_out_unless_asked_for() {
    let response = engine().match_entity(&MatchRequest::entity("喜海生物")).unwrap();
    let found = ids(&response);
    for partner in ["uni_qingdao_agricultural", "inst_qingdao_industrial_tech"] {
        assert!(!found.contains(&partner), "{partner} is a partner: {found:?}");
    }
    assert!(response.linked_left_out >= 2);
    assert!(response.results.iter().all(|r| !r.linked));

    let mut linked = MatchRequest::entity("喜海生物");
    linked.include_linked = true;
    let response = engine().match_entity(&linked).unwrap();
    let agricultural = response
        .results
        .iter()
        .find(|r| r.id == "uni_qingdao_agricultural")
        .expect("the partner university, shown on request");
    assert!(agricultural.linked);
    let card = &agricultural.explanation;
    assert!(
        card.ties
            .iter()
            .any(|t| t.from.id == "per_yang_jianming" && !t.evidence.is_empty()),
        "{:?}",
        card.ties
    );
    let path = card.path.as_ref().expect("a connecting path");
    assert!(path.length <= 2, "{path:?}");
    assert!(
        card.teams.iter().any(|t| t.id == "per_yang_jianming"),
        "{:?}",
        card.teams
    );
}

#[test]
fn a_university_is_matched_to_enterprises_and_an_enterprise_never_to_enterprises() {
    let response = engine().match_entity(&MatchRequest::entity("康复大学")).unwrap();
    assert!(!response.results.is_empty());
    assert!(response
        .results
        .iter()
        .all(|r| r.kind == innograph::model::EntityKind::Enterprise));
    assert_eq!(response.results[0].id, "ent_kangdao_medical", "{:?}", ids(&response));

    let mut competitors = MatchRequest::entity("ent_aoke_bio");
    competitors.kinds = vec![innograph::model::EntityKind::Enterprise];
    let error = engine().match_entity(&competitors).unwrap_err();
    assert_eq!(error.code(), "invalid_parameter");
    assert!(error.to_string().contains("`enterprise` cannot be matched"), "{error}");
}

#[test]
fn profiles_follow_the_graph_after_a_write() {
    let (_dir, engine) = writable_engine();
    let need = MatchRequest::text("钙钛矿叠层电池的封装工艺");
    assert!(engine.match_text(&need).unwrap().results.is_empty());
    let person: innograph::model::Entity = serde_json::from_value(json!({
        "id": "per_test_perovskite", "kind": "person", "name": "钱立新",
        "description": "青岛农业大学研究员，带领团队研究钙钛矿叠层电池的封装工艺。"
    }))
    .unwrap();
    engine
        .write(innograph::model::Change::PutEntity { entity: person })
        .unwrap();
    let relation: innograph::model::Relation = serde_json::from_value(json!({
        "from": "per_test_perovskite", "to": "uni_qingdao_agricultural", "kind": "affiliated_with"
    }))
    .unwrap();
    engine
        .write(innograph::model::Change::PutRelation { relation })
        .unwrap();
    let response = engine.match_text(&need).unwrap();
    assert_eq!(
        ids(&response).first(),
        Some(&"uni_qingdao_agricultural"),
        "{:?}",
        ids(&response)
    );
    assert!(response.results[0]
        .explanation
        .teams
        .iter()
        .any(|t| t.id == "per_test_perovskite"));
}

#[actix_web::test]
async fn http_get_and_post_answer_the_same_shape() {
    let app = app!();
    let (status, body) = get(&app, "/api/match?entity=ent_xihai_bio&include_linked=true&limit=2").await;
    assert_eq!(status, 200, "{body}");
    for key in ["query", "total", "results", "weights", "offset", "limit"] {
        assert!(body.get(key).is_some(), "missing {key}: {body}");
    }
    let first = &body["results"][0];
    for key in ["id", "kind", "name", "score", "linked", "explanation"] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    for key in ["terms", "evidence", "industries", "path", "ties", "signals"] {
        assert!(first["explanation"].get(key).is_some(), "missing {key}: {first}");
    }
    let (status, body) = call(
        &app,
        "POST",
        "/api/match",
        Some(json!({"text": "需要提高干细胞药物治疗溃疡性结肠炎的疗效", "limit": 3, "kind": ["enterprise", "university"]})),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["id"], "ent_aoke_bio", "{body}");
    assert_eq!(body["limit"], 3);
}

#[actix_web::test]
async fn http_bad_input_is_a_4xx_with_the_error_body() {
    let app = app!();
    let (status, body) = get(&app, "/api/match?entity=nobody_here").await;
    assert_error(status, &body, 404, "entity_not_found");
    let (status, body) = get(&app, "/api/match").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, &format!("/api/match?entity={}", encode("青岛高新区"))).await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/match?entity=ent_aoke_bio&kind=enterprise").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/match?entity=ent_aoke_bio&kind=planet").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/match?entity=ent_aoke_bio&limit=0").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = call(&app, "POST", "/api/match", Some(json!({"text": " 。 "})), None).await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = call(
        &app,
        "POST",
        "/api/match",
        Some(json!({"text": "光伏", "colour": 1})),
        None,
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    // a megabyte of text: refused whole, by the body limit or by the text's
    let (status, body) = call(
        &app,
        "POST",
        "/api/match",
        Some(json!({"text": "光伏硅片".repeat(90_000)})),
        None,
    )
    .await;
    assert_error(status, &body, 413, "payload_too_large");
    let (status, body) = call(
        &app,
        "POST",
        "/api/match",
        Some(json!({"text": "光伏硅片".repeat(10_000)})),
        None,
    )
    .await;
    assert_error(status, &body, 413, "payload_too_large");
}

#[test]
fn cli_prints_cards_and_exits_2_on_bad_input() {
    let index = curated_index().to_str().unwrap();
    let output = run(&[
        "match",
        "--index",
        index,
        "--text",
        "需要提高干细胞药物治疗溃疡性结肠炎的疗效",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("奥克生物") && text.contains("signals:"), "{text}");
    let output = run(&["match", "--index", index, "喜海生物", "--json", "--include-linked"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let body: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(body["results"].as_array().unwrap().iter().any(|r| r["linked"] == true));
    for args in [
        vec!["match", "--index", index, "nobody_here"],
        vec!["match", "--index", index, "--text", " "],
        vec!["match", "--index", index, "青岛高新区"],
        vec!["match", "--index", index, "奥克生物", "--kind", "enterprise"],
    ] {
        let output = run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stdout(&output));
        let err = stderr(&output);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}

#[test]
fn eval_match_prints_the_four_matchers_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("gen");
    let output = run(&[
        "gen",
        "--entities",
        "3000",
        "--seed",
        "9",
        "--out",
        corpus.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    for split in ["random", "time"] {
        let output = run(&[
            "eval",
            "match",
            "--corpus",
            corpus.to_str().unwrap(),
            "--split",
            split,
            "--json",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        let body: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        for matcher in ["full", "text_only", "graph_only", "popularity"] {
            for metric in ["recall@10", "recall@50", "mrr", "ndcg@10"] {
                let value = body[matcher][metric].as_f64().unwrap_or(-1.0);
                assert!((0.0..=1.0).contains(&value), "{matcher} {metric}: {body}");
            }
        }
        // the matcher finds hidden teams better than chance among hundreds
        assert!(body["full"]["recall@50"].as_f64().unwrap() > 0.1, "{body}");
    }
}

#[test]
fn an_ingested_paper_makes_its_institution_match_the_paper_s_own_need() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let index = index.to_str().unwrap();
    let corpus = crate::common::curated_corpus();
    let output = run(&["build", "--corpus", corpus.to_str().unwrap(), "--index", index]);
    assert!(output.status.success(), "{}", stderr(&output));
    let papers = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csl_affiliated.jsonl");
    let output = run(&["ingest", papers.to_str().unwrap(), "--index", index]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(&[
        "match",
        "--index",
        index,
        "--text",
        "我们需要一种飞行器大角度机动时的姿态镇定控制方法",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let body: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let first = &body["results"][0];
    assert_eq!(first["name"], "哈尔滨工业大学", "{body}");
    assert_eq!(first["explanation"]["evidence"][0]["via"], "mentions", "{first}");
    let second = body["results"][1]["score"].as_f64().unwrap_or(0.0);
    assert!(first["score"].as_f64().unwrap() > 2.0 * second, "{body}");
}

#[test]
fn a_team_s_track_record_counts_when_it_fits_the_need_and_follows_writes() {
    let (_dir, engine) = writable_engine();
    let put = |entity: serde_json::Value| write(&engine, json!({"op": "put_entity", "entity": entity}));
    let relate = |from: &str, to: &str, kind: &str| relate(&engine, from, to, kind);
    put(json!({
        "id": "ent_test_solar", "kind": "enterprise", "name": "青岛晶曜光伏科技有限公司",
        "description": "光伏组件企业。技术需求：钙钛矿叠层电池的封装工艺与湿热老化。",
        "location": "青岛"
    }));
    // two teams whose work fits the need alike, and busy teams of another
    // field, one in the same city and one far away
    for (id, name, work, city) in [
        ("per_test_fit_a", "钱立新", "钙钛矿叠层电池的封装工艺与湿热老化", "青岛"),
        ("per_test_fit_b", "孙若岚", "钙钛矿叠层电池的封装工艺与湿热老化", "青岛"),
        ("per_test_busy", "周启航", "海洋牧场的藻类养殖与病害防治", "青岛"),
        ("per_test_busy_far", "吴明远", "海洋牧场的藻类养殖与病害防治", "三亚"),
    ] {
        put(json!({
            "id": id, "kind": "person", "name": name, "location": city,
            "description": format!("青岛农业大学研究员，带领团队研究{work}。")
        }));
        relate(id, "uni_qingdao_agricultural", "affiliated_with");
    }
    let mut request = MatchRequest::entity("ent_test_solar");
    request.kinds = vec![innograph::model::EntityKind::Person];
    let popularity = |response: &innograph::matching::MatchResponse, id: &str| {
        let result = response.results.iter().find(|r| r.id == id)?;
        let signal = result.explanation.signals.iter().find(|s| s.signal == "popularity")?;
        Some(signal.value)
    };
    let before = engine.match_entity(&request).unwrap();
    assert_eq!(popularity(&before, "per_test_fit_b"), Some(0.0), "{:?}", ids(&before));

    // the second team and the busy ones work with three enterprises each
    for partner in ["ent_bojie_medical", "ent_hantang_bio", "ent_gaoce"] {
        relate("per_test_fit_b", partner, "collaborates_with");
        relate("per_test_busy", partner, "collaborates_with");
        relate("per_test_busy_far", partner, "collaborates_with");
    }
    let after = engine.match_entity(&request).unwrap();
    let order = ids(&after);
    let at = |id: &str| order.iter().position(|x| *x == id);
    assert!(at("per_test_fit_b") < at("per_test_fit_a"), "{order:?}");
    assert!(popularity(&after, "per_test_fit_b").unwrap() > 0.3, "{order:?}");
    assert_eq!(popularity(&after, "per_test_fit_a"), Some(0.0));
    // a track record alone, in another field, does not make a match
    assert!(
        at("per_test_busy").is_none_or(|busy| busy > at("per_test_fit_a").unwrap()),
        "{order:?}"
    );
    // and counts half of what the same record counts for a team of the
    // field; far away, it is no match at all
    assert_eq!(at("per_test_busy_far"), None, "{order:?}");
    let busy = popularity(&after, "per_test_busy").unwrap();
    let fit = popularity(&after, "per_test_fit_b").unwrap();
    assert!((busy - fit / 2.0).abs() < 1e-6, "{busy} {fit} {order:?}");
}

#[test]
fn a_team_a_partner_worked_with_is_referred_and_names_the_partner() {
    let (_dir, engine) = writable_engine();
    let entity = |id: &str, kind: &str, name: &str, description: &str| {
        let entity = json!({"id": id, "kind": kind, "name": name, "description": description});
        write(&engine, json!({"op": "put_entity", "entity": entity}));
    };
    let relate = |from: &str, to: &str, kind: &str| relate(&engine, from, to, kind);
    entity(
        "ent_test_film",
        "enterprise",
        "青岛膜界新材料有限公司",
        "薄膜材料企业。技术需求：高阻隔包装薄膜的涂布工艺。",
    );
    entity("ent_test_partner", "enterprise", "青岛联涂包装有限公司", "包装企业。");
    // two teams whose work fits the need alike
    for (id, name) in [("per_test_ref_a", "钱望舒"), ("per_test_ref_b", "孙定远")] {
        entity(
            id,
            "person",
            name,
            "青岛农业大学研究员，带领团队研究高阻隔包装薄膜的涂布工艺。",
        );
        relate(id, "uni_qingdao_agricultural", "affiliated_with");
    }
    let mut request = MatchRequest::entity("ent_test_film");
    request.kinds = vec![innograph::model::EntityKind::Person];
    let referral = |response: &innograph::matching::MatchResponse, id: &str| {
        let result = response.results.iter().find(|r| r.id == id)?;
        let signal = result.explanation.signals.iter().find(|s| s.signal == "referral")?;
        Some((signal.value, result.explanation.referred_by.clone()))
    };
    let before = engine.match_entity(&request).unwrap();
    assert_eq!(
        referral(&before, "per_test_ref_b").map(|r| r.0),
        Some(0.0),
        "{:?}",
        ids(&before)
    );

    // the enterprise's partner has worked with the second team
    relate("ent_test_film", "ent_test_partner", "collaborates_with");
    relate("per_test_ref_b", "ent_test_partner", "collaborates_with");
    let after = engine.match_entity(&request).unwrap();
    let order = ids(&after);
    let at = |id: &str| order.iter().position(|x| *x == id);
    assert!(at("per_test_ref_b") < at("per_test_ref_a"), "{order:?}");
    let (value, by) = referral(&after, "per_test_ref_b").unwrap();
    assert_eq!(value, 0.5, "{order:?}");
    assert_eq!(
        by.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["ent_test_partner"]
    );
    assert_eq!(referral(&after, "per_test_ref_a").map(|r| r.0), Some(0.0), "{order:?}");

    // the reverse: the team is matched to its partner's partner, the enterprise
    let mut reverse = MatchRequest::entity("per_test_ref_b");
    reverse.include_linked = true;
    let reverse = engine.match_entity(&reverse).unwrap();
    let (value, by) = referral(&reverse, "ent_test_film").unwrap();
    assert_eq!(value, 0.5, "{:?}", ids(&reverse));
    assert_eq!(
        by.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["ent_test_partner"]
    );
}

#[test]
fn a_profile_leaves_out_where_the_entity_is_and_when_it_was_founded() {
    let (_dir, engine) = writable_engine();
    write(
        &engine,
        json!({"op": "put_entity", "entity": {
            "id": "ent_profiled", "kind": "enterprise", "name": "青岛测绘科技有限公司", "location": "青岛",
            "description": "青岛测绘科技有限公司成立于2014年，位于青岛国家高新技术产业开发区，研发5G定位模组与3D激光扫描仪。"
        }}),
    );
    relate(&engine, "ent_profiled", "zone_qingdao_hitech", "located_in");
    let graph = engine.graph();
    let at = graph.resolve("ent_profiled").unwrap();
    let text = innograph::matching::profile_text(&graph, at).unwrap();
    for left_out in ["青岛测绘科技有限公司", "2014", "青岛国家高新技术产业开发区", "青岛"] {
        assert!(!text.contains(left_out), "{left_out} in {text}");
    }
    for kept in ["5G定位模组", "3D激光扫描仪", "成立于"] {
        assert!(text.contains(kept), "{kept} not in {text}");
    }
}

#[test]
fn the_words_that_frame_a_need_find_nothing_on_their_own() {
    let engine = engine();
    let response = engine
        .match_text(&MatchRequest::text("希望找到做海水淡化膜材料的团队"))
        .unwrap();
    assert_eq!(response.query.words, ["海水", "淡化", "膜", "材料"]);
    for result in &response.results {
        assert!(
            result.explanation.terms.iter().all(|t| t.term != "团队"),
            "{:?}",
            result.explanation.terms
        );
    }
    // nor a year, nor hiring an adviser
    let response = engine
        .match_text(&MatchRequest::text(
            "公司成立于2018年，希望聘请干细胞领域专家担任技术顾问",
        ))
        .unwrap();
    assert_eq!(response.query.words, ["干细胞"]);
    // nothing in the corpus is about liquid biopsy: its framing words
    // (寻求, 技术, 合作) must not list the organisations that hold them
    let response = engine
        .match_text(&MatchRequest::text("寻求肿瘤早筛的液体活检技术合作"))
        .unwrap();
    assert!(response.results.is_empty(), "{:?}", ids(&response));
}
