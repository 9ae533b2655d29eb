//! Search relevance over the curated corpus. Checks, each a query typed as a
//! user would:
//! - technologies, products and disease areas find their enterprise or
//!   university in the top three;
//! - full registered names, short names, English names and full-width forms
//!   resolve to the entity;
//! - a short name inside a longer name and a single character are found
//!   through bigrams;
//! - `kind` and `industry` filters, `-exclusion`, "phrases";
//! - questions in traditional characters, with amounts, about people,
//!   reforms and deals find their answer;
//! - the any-word fallback is announced;
//! - snippets highlight whole characters with balanced `<em>` marks.

use innograph::search::{SearchRequest, SearchResponse};

use crate::common::engine;

fn search(q: &str) -> SearchResponse {
    engine()
        .search(&SearchRequest::new(q, 10))
        .unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn rank_of(response: &SearchResponse, id: &str) -> Option<usize> {
    response.hits.iter().position(|h| h.id == id)
}

#[track_caller]
fn assert_top(q: &str, id: &str, within: usize) {
    let response = search(q);
    let ids: Vec<&str> = response.hits.iter().map(|h| h.id.as_str()).collect();
    match rank_of(&response, id) {
        Some(rank) if rank < within => {}
        _ => panic!("`{q}`: expected {id} in the top {within}, got {ids:?}"),
    }
}

#[test]
fn technologies_products_and_diseases_find_their_organisation() {
    let cases = [
        ("光伏硅片", "ent_gaoce"),
        ("高精度切割", "ent_gaoce"),
        ("痕量病毒", "ent_bojie_medical"),
        ("病毒富集", "ent_bojie_medical"),
        ("免疫流水线", "ent_hantang_bio"),
        ("步态机器人", "ent_kangdao_medical"),
        ("脊柱手术设备", "ent_yuren_medical"),
        ("微创脊柱", "ent_yuren_medical"),
        ("溃疡性结肠炎", "ent_aoke_bio"),
        ("干细胞", "ent_aoke_bio"),
        ("益生菌", "ent_yuanda_bio"),
        ("吸入气雾剂", "ent_astrazeneca"),
        ("人工血管", "uni_rehabilitation"),
        ("神经修复材料", "uni_rehabilitation"),
        ("光合固碳", "uni_qingdao_agricultural"),
        ("纯信用贷款", "ent_runyang_env"),
        ("产业链链主", "ent_haier_bio"),
    ];
    for (q, id) in cases {
        assert_top(q, id, 3);
    }
}

#[test]
fn names_aliases_and_forms_resolve_to_the_entity_first() {
    let cases = [
        ("青岛高测科技股份有限公司", "ent_gaoce"),
        ("高测股份", "ent_gaoce"),
        ("青岛国家高新技术产业开发区", "zone_qingdao_hitech"),
        ("AstraZeneca", "ent_astrazeneca"),
        ("astrazeneca", "ent_astrazeneca"),
        ("高新贷2.0", "pol_gaoxindai_2"),
        ("高新贷２．０", "pol_gaoxindai_2"),
        ("高新贷", "pol_gaoxindai_2"),
        ("康复大学", "uni_rehabilitation"),
        ("青岛市工业技术研究院", "inst_qingdao_industrial_tech"),
    ];
    for (q, id) in cases {
        assert_top(q, id, 1);
    }
}

#[test]
fn questions_users_ask_about_the_zone() {
    let cases = [
        ("康復大學", "uni_rehabilitation", 1),
        ("醫療器械", "ind_medical_devices", 1),
        ("阿斯利康 投资", "ent_astrazeneca", 3),
        ("8.86亿美元", "ent_astrazeneca", 3),
        ("近零碳", "proj_az_inhalation_base", 1),
        ("喜海生物", "ent_xihai_bio", 1),
        ("蓝贝创新园", "plat_lanbei_park", 1),
        ("杨建明", "per_yang_jianming", 1),
        ("周祺惠 人工血管", "per_zhou_qihui", 3),
        ("技术入股", "ent_xihai_bio", 3),
        ("专利转让 喜海", "ent_xihai_bio", 3),
        ("餐饮 营业执照", "pol_catering_change", 1),
        ("承诺开工", "pol_commit_start", 1),
        ("审批时限", "pol_commit_start", 1),
        ("信用贷款 2000万元", "pol_gaoxindai_2", 1),
        ("链主 生物医药", "ent_haier_bio", 3),
        ("Ⅱ期临床", "ent_aoke_bio", 3),
        ("海克斯康 展会", "doc_expos_visits", 1),
    ];
    for (q, id, within) in cases {
        assert_top(q, id, within);
    }
}

#[test]
fn parts_of_words_are_found_through_bigrams() {
    // `高测` is only ever indexed inside longer words.
    assert_top("高测", "ent_gaoce", 3);
    // A single character matches inside words.
    let response = search("贷");
    assert!(rank_of(&response, "pol_gaoxindai_2").is_some(), "{:?}", response.hits);
    assert_top("ＩＶＤ", "ind_ivd", 3);
}

#[test]
fn kind_and_industry_filters() {
    let mut request = SearchRequest::new("康复", 10);
    request.kind = Some("university".into());
    let response = engine().search(&request).unwrap();
    assert_eq!(response.hits[0].id, "uni_rehabilitation");
    assert!(response.hits.iter().all(|h| h.kind == "university"));
    assert_eq!(response.total as u64, response.facets.kind["university"]);

    let mut request = SearchRequest::new("企业", 100);
    request.kind = Some("enterprise".into());
    request.industry = Some("体外诊断".into());
    let response = engine().search(&request).unwrap();
    assert!(!response.hits.is_empty());
    assert!(rank_of(&response, "ent_hantang_bio").is_some());
    assert!(rank_of(&response, "ent_gaoce").is_none());

    let mut request = SearchRequest::new("光伏", 10);
    request.kind = Some("spaceship".into());
    let err = engine().search(&request).unwrap_err().to_string();
    assert!(err.contains("unknown kind `spaceship`"), "{err}");
}

#[test]
fn exclusion_and_phrases() {
    let all = search("生物医药");
    assert!(rank_of(&all, "ent_astrazeneca").is_some());
    let without = search("生物医药 -阿斯利康");
    assert!(rank_of(&without, "ent_astrazeneca").is_none());
    assert!(without.hits.iter().all(|h| !h.snippet.contains("阿斯利康")));
    assert!(without.total < all.total);

    let phrase = search("\"中试\"");
    assert!(rank_of(&phrase, "ent_xihai_bio").is_some());
    // the quoted words in this order do not occur anywhere
    let reversed = engine().search(&SearchRequest::new("\"硅片光伏\"", 10)).unwrap();
    assert_eq!(reversed.total, 0);
}

#[test]
fn any_word_fallback_is_announced() {
    let response = search("光伏 溃疡性结肠炎");
    assert_eq!(response.fallback.as_deref(), Some("any_term"));
    assert!(rank_of(&response, "ent_aoke_bio").is_some() && rank_of(&response, "ent_gaoce").is_some());
    assert!(search("光伏 硅片").fallback.is_none());
}

#[test]
fn facets_count_all_matches_and_paging_is_consistent() {
    let response = search("高新区");
    let facet_total: u64 = response.facets.kind.values().sum();
    assert_eq!(facet_total, response.total as u64);
    assert!(response.facets.kind.contains_key("document"));
    let mut second = SearchRequest::new("高新区", 5);
    second.offset = 5;
    let page = engine().search(&second).unwrap();
    let first_ids: Vec<&str> = response.hits[5..10].iter().map(|h| h.id.as_str()).collect();
    let page_ids: Vec<&str> = page.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(first_ids, page_ids);
}

#[test]
fn snippets_highlight_whole_characters() {
    for q in ["光伏", "人工血管", "中国康湾", "审批", "阿斯利康 投资", "ＩＶＤ"] {
        let response = search(q);
        assert!(!response.hits.is_empty(), "{q}");
        let any_highlight = response.hits.iter().any(|h| h.snippet.contains("<em>"));
        assert!(any_highlight, "{q}: no highlight in {:?}", response.hits);
        for hit in &response.hits {
            assert_eq!(
                hit.snippet.matches("<em>").count(),
                hit.snippet.matches("</em>").count(),
                "{}",
                hit.snippet
            );
            assert!(!hit.snippet.contains("<em></em>"));
        }
    }
}

#[test]
fn bad_queries_are_user_errors() {
    for q in ["", "   ", "，。", "-光伏", "\"未闭合"] {
        let err = engine().search(&SearchRequest::new(q, 10)).unwrap_err();
        assert_eq!(err.code(), "invalid_query", "{q}");
        assert!(err.is_user_error());
    }
}
