//! The HTTP API in-process: each endpoint's JSON shape, and the one error
//! body for every kind of bad request.

use crate::common::api::{assert_error, encode, get};
use crate::common::curated_index;

macro_rules! app {
    () => {
        crate::common::api::app(innograph::Engine::open(curated_index()).expect("index opens"), None).await
    };
}

#[actix_web::test]
async fn health_and_stats() {
    let app = app!();
    let (status, body) = get(&app, "/api/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert!(body["entities"].as_u64().unwrap() > 40);
    let (status, body) = get(&app, "/api/stats").await;
    assert_eq!(status, 200);
    assert!(body["graph"]["entity_kinds"]["enterprise"].as_u64().unwrap() >= 10);
    assert!(body["graph"]["degree"]["max"].as_u64().unwrap() > 10);
}

#[actix_web::test]
async fn search_shape_and_paging() {
    let app = app!();
    let (status, body) = get(&app, &format!("/api/search?q={}&limit=2", encode("步态机器人"))).await;
    assert_eq!(status, 200, "{body}");
    for key in ["query", "total", "hits", "facets", "offset", "limit"] {
        assert!(body.get(key).is_some(), "missing {key}: {body}");
    }
    assert_eq!(body["limit"], 2);
    // the product, the enterprise and the article: a first page of two
    assert_eq!(body["total"], 3, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    let enterprise = hits
        .iter()
        .find(|h| h["id"] == "ent_kangdao_medical")
        .expect("the enterprise");
    assert_eq!(enterprise["kind"], "enterprise");
    assert_eq!(enterprise["name"], "康道医疗");
    assert!(enterprise["snippet"].as_str().unwrap().contains("<em>"));
    assert!(body["facets"]["kind"]["enterprise"].as_u64().unwrap() >= 1);
    // the second page holds the rest: the article, titled, not named
    let (status, next) = get(
        &app,
        &format!("/api/search?q={}&limit=2&offset=2", encode("步态机器人")),
    )
    .await;
    assert_eq!(status, 200, "{next}");
    let rest = next["hits"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["kind"], "document");
    assert!(rest[0]["title"].is_string() && rest[0]["name"].is_null());
    // every hit has every field, null where it does not apply
    for hit in hits.iter().chain(rest) {
        for key in [
            "id",
            "kind",
            "name",
            "title",
            "score",
            "snippet",
            "date",
            "relation_count",
        ] {
            assert!(hit.get(key).is_some(), "{key} missing: {hit}");
        }
    }
    assert!(hits.iter().all(|h| h["id"] != rest[0]["id"]));
}

#[actix_web::test]
async fn search_errors() {
    let app = app!();
    let (status, body) = get(&app, "/api/search?q=").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/search").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, &format!("/api/search?q={}", encode("，，"))).await;
    assert_error(status, &body, 400, "invalid_query");
    let (status, body) = get(&app, &format!("/api/search?q={}", encode("\"光伏"))).await;
    assert_error(status, &body, 400, "invalid_query");
    assert!(body["error"]["message"].as_str().unwrap().contains("position 1"));
    let (status, body) = get(&app, "/api/search?q=a&limit=abc").await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("`limit`"));
    let (status, body) = get(&app, "/api/search?q=a&limit=100000").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/search?q=a&colour=red").await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("`colour`"));
    let (status, body) = get(&app, "/api/search?q=a&kind=robot").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn suggest_by_prefix_and_pinyin() {
    let app = app!();
    let (status, body) = get(&app, "/api/suggest?q=qdgx&limit=3").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["suggestions"][0]["id"], "zone_qingdao_hitech");
    for field in ["id", "kind", "name", "matched", "via"] {
        assert!(body["suggestions"][0].get(field).is_some(), "{field}: {body}");
    }
    let (status, body) = get(&app, &format!("/api/suggest?q={}", encode("康复"))).await;
    assert_eq!(status, 200);
    assert!(body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "uni_rehabilitation"));
    let (status, body) = get(&app, "/api/suggest?q=").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/suggest?q=a&limit=500").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn search_filters_and_dates() {
    let app = app!();
    let uri = format!("/api/search?q={}&location={}", encode("企业"), encode("青岛高新区"));
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["hits"].as_array().unwrap().iter().all(|h| h["kind"] != "document"));
    assert!(body["facets"]["location"]["青岛高新区"].as_u64().unwrap() >= 1);
    let (status, body) = get(&app, "/api/search?q=a&from=2023-02-30").await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("`from`"));
    let (status, body) = get(&app, &format!("/api/search?q={}", encode("光伏 date:20x"))).await;
    assert_error(status, &body, 400, "invalid_query");
}

#[actix_web::test]
async fn entities_by_id_name_and_alias() {
    let app = app!();
    for key in ["ent_gaoce", "高测股份", "青岛高测科技股份有限公司"] {
        let (status, body) = get(&app, &format!("/api/entities/{}", encode(key))).await;
        assert_eq!(status, 200, "{key}: {body}");
        assert_eq!(body["id"], "ent_gaoce");
        for field in [
            "kind",
            "name",
            "aliases",
            "description",
            "industry",
            "location",
            "props",
            "relations",
        ] {
            assert!(body.get(field).is_some(), "missing {field}");
        }
        let relation = &body["relations"][0];
        for field in ["kind", "direction", "other", "since", "amount", "unit", "evidence"] {
            assert!(relation.get(field).is_some(), "relation lacks {field}: {relation}");
        }
    }
    let (status, body) = get(&app, "/api/entities/no_such_thing").await;
    assert_error(status, &body, 404, "entity_not_found");
    assert!(body["error"]["message"].as_str().unwrap().contains("no_such_thing"));
}

#[actix_web::test]
async fn neighbors_and_their_errors() {
    let app = app!();
    let (status, body) = get(
        &app,
        &format!("/api/entities/{}/neighbors?depth=2&limit=20", encode("喜海生物")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["center"]["id"], "ent_xihai_bio");
    assert!(body["nodes"].as_array().unwrap().iter().any(|n| n["depth"] == 2));
    assert!(body["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["evidence"].as_array().unwrap().is_empty()));
    assert!(body["truncated"].is_boolean());

    let (status, body) = get(&app, "/api/entities/ent_xihai_bio/neighbors?relation=incubated_by").await;
    assert_eq!(status, 200);
    assert!(body["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] == "incubated_by"));

    let (status, body) = get(&app, "/api/entities/ent_xihai_bio/neighbors?depth=9").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/entities/ent_xihai_bio/neighbors?relation=partner_of").await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("partner_of"));
    let (status, body) = get(&app, "/api/entities/nobody/neighbors").await;
    assert_error(status, &body, 404, "entity_not_found");
}

#[actix_web::test]
async fn paths_with_evidence_and_errors() {
    let app = app!();
    let uri = format!(
        "/api/paths?from={}&to={}&k=3",
        encode("杨建明"),
        encode("青岛市工业技术研究院")
    );
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["from"]["id"], "per_yang_jianming");
    let paths = body["paths"].as_array().unwrap();
    assert!(!paths.is_empty());
    for path in paths {
        assert_eq!(
            path["edges"].as_array().unwrap().len() as u64,
            path["length"].as_u64().unwrap()
        );
        for edge in path["edges"].as_array().unwrap() {
            assert!(edge["evidence"][0]["quote"].is_string(), "{edge}");
            assert!(edge["direction"] == "out" || edge["direction"] == "in");
        }
    }
    // ranked by length: fewest hops first; by strength: strongest first
    let (status, body) = get(
        &app,
        "/api/paths?from=per_yang_jianming&to=zone_qingdao_hitech&k=4&rank=length",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let lengths: Vec<u64> = body["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["length"].as_u64().unwrap())
        .collect();
    assert!(
        lengths.len() >= 2 && lengths.windows(2).all(|w| w[0] <= w[1]),
        "{lengths:?}"
    );
    let (status, body) = get(
        &app,
        "/api/paths?from=per_yang_jianming&to=zone_qingdao_hitech&k=4&rank=strength",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let strengths: Vec<f64> = body["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["strength"].as_f64().unwrap())
        .collect();
    assert!(strengths.windows(2).all(|w| w[0] >= w[1] - 1e-6), "{strengths:?}");
    let (status, body) = get(
        &app,
        "/api/paths?from=per_yang_jianming&to=zone_qingdao_hitech&rank=fastest",
    )
    .await;
    assert_error(status, &body, 400, "invalid_parameter");
    assert!(body["error"]["message"].as_str().unwrap().contains("`rank`"));
    let (status, body) = get(&app, "/api/paths?from=per_yang_jianming").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/paths?from=per_yang_jianming&to=per_yang_jianming").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/paths?from=per_yang_jianming&to=zzz").await;
    assert_error(status, &body, 404, "entity_not_found");
    let (status, body) = get(&app, "/api/paths?from=per_yang_jianming&to=ent_gaoce&max_len=99").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn graph_analysis_endpoints_list_results() {
    let app = app!();
    let uri = format!("/api/graph/common?a={}&b={}", encode("海尔生物"), encode("易邦生物"));
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    let results = body["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["id"] == "zone_qingdao_hitech"));
    assert!(results.iter().all(|r| r["score"].is_number() && r["via_a"].is_array()));

    let (status, body) = get(&app, "/api/graph/centrality?measure=pagerank&limit=3").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["id"], "zone_qingdao_hitech");
    let (status, body) = get(&app, "/api/graph/centrality?kind=enterprise&measure=degree&limit=5").await;
    assert_eq!(status, 200);
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["kind"] == "enterprise"));

    let (status, body) = get(&app, "/api/graph/clusters?method=communities&limit=5").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["results"][0]["size"].as_u64().unwrap() > 1);
    assert!(body["total"].as_u64().unwrap() >= body["results"].as_array().unwrap().len() as u64);

    let (status, body) = get(&app, &format!("/api/graph/timeline?id={}", encode("阿斯利康"))).await;
    assert_eq!(status, 200, "{body}");
    let dates: Vec<&str> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(!dates.is_empty() && dates.windows(2).all(|w| w[0] <= w[1]));

    let (status, body) = get(&app, &format!("/api/graph/equity?id={}", encode("喜海生物"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "per_yang_jianming" && r["direction"] == "holder"));

    for (uri, code) in [
        ("/api/graph/centrality?measure=fame".to_string(), "invalid_parameter"),
        ("/api/graph/clusters?method=magic".to_string(), "invalid_parameter"),
        ("/api/graph/common?a=ent_gaoce".to_string(), "invalid_parameter"),
        ("/api/graph/timeline?id=nobody".to_string(), "entity_not_found"),
        (
            "/api/graph/equity?id=ent_gaoce&depth=99".to_string(),
            "invalid_parameter",
        ),
    ] {
        let (status, body) = get(&app, &uri).await;
        assert!(status == 400 || status == 404, "{uri}: {status}");
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
    }
}

#[actix_web::test]
async fn search_near_an_entity_and_traversals_as_of_a_date() {
    let app = app!();
    let uri = format!("/api/search?q={}&near={}&hops=1", encode("专利"), encode("喜海生物"));
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h["kind"] != "document"),
        "documents are not near anything"
    );
    let (status, body) = get(&app, "/api/search?q=a&hops=2").await;
    assert_error(status, &body, 400, "invalid_parameter");

    let uri = "/api/entities/ent_astrazeneca/neighbors?relation=invests_in&as_of=2022";
    let (status, body) = get(&app, uri).await;
    assert_eq!(status, 200, "{body}");
    let before = body["nodes"].as_array().unwrap().len();
    let (_, body) = get(&app, "/api/entities/ent_astrazeneca/neighbors?relation=invests_in").await;
    assert!(
        body["nodes"].as_array().unwrap().len() > before,
        "the 2023 investments come later"
    );
    let (status, body) = get(&app, "/api/entities/ent_xihai_bio/neighbors?direction=sideways").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/paths?from=ent_astrazeneca&to=zone_qingdao_hitech&as_of=20x").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn unknown_paths_answer_json_404() {
    let app = app!();
    let (status, body) = get(&app, "/api/nothing/here").await;
    assert_error(status, &body, 404, "not_found");
    assert!(body["error"]["message"].as_str().unwrap().contains("/api/nothing/here"));
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_describe_the_index() {
    let app = app!();
    for uri in [
        "/api/entities/zone_qingdao_hitech",
        "/api/entities/ent_kangdao_medical",
        "/api/entities/nobody_at_all",
    ] {
        get(&app, uri).await;
    }
    let request = actix_web::test::TestRequest::get().uri("/metrics").to_request();
    let response = actix_web::test::call_service(&app, request).await;
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let body = String::from_utf8(actix_web::test::read_body(response).await.to_vec()).unwrap();
    let value = |series: &str| -> f64 {
        body.lines()
            .find_map(|line| line.strip_prefix(series))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{body}"))
    };
    // one series per route pattern, not per entity (other tests may add to it)
    assert!(value(r#"innograph_http_requests_total{method="GET",route="/api/entities/{id}",status="200"}"#) >= 2.0);
    assert!(value(r#"innograph_http_requests_total{method="GET",route="/api/entities/{id}",status="404"}"#) >= 1.0);
    assert!(!body.contains("zone_qingdao_hitech"));
    assert!(value(r#"innograph_http_request_duration_seconds_count{route="/api/entities/{id}"}"#) >= 3.0);
    let engine = innograph::Engine::open(curated_index()).unwrap();
    let stats = engine.stats();
    assert_eq!(value(r#"innograph_index{measure="entities"}"#), stats.entities as f64);
    assert_eq!(value(r#"innograph_index{measure="relations"}"#), stats.relations as f64);
    assert!(value(r#"innograph_index{measure="graph_heap_bytes"}"#) > 0.0);
}

/// Every `.route(PATH, web::METHOD()…)` the API registers, as (METHOD, full
/// path), read from the source that registers them.
fn registered_routes() -> std::collections::BTreeSet<(String, String)> {
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api/mod.rs")).unwrap();
    let scope = regex::Regex::new(r#"web::scope\("([^"]+)"\)"#).unwrap();
    let prefix = scope.captures(&source).unwrap()[1].to_string();
    let route = regex::Regex::new(r#"(?s)\.route\(\s*"([^"]+)",\s*web::(\w+)\(\)"#).unwrap();
    let scope_at = source.find("web::scope(").unwrap();
    let scope_end = source.find(".default_service(").unwrap();
    let resource = regex::Regex::new(r#"(?s)web::resource\(\s*"([^"]+)"\)[^;]*?\.route\(web::(\w+)\(\)"#).unwrap();
    route
        .captures_iter(&source)
        .chain(resource.captures_iter(&source))
        .map(|c| {
            let at = c.get(0).unwrap().start();
            let path = if at > scope_at && at < scope_end {
                format!("{prefix}{}", &c[1])
            } else {
                c[1].to_string()
            };
            (c[2].to_uppercase(), path)
        })
        .filter(|(_, path)| path != "/")
        .collect()
}

#[actix_web::test]
async fn openapi_names_every_route_and_its_parameters() {
    let app = app!();
    let (status, doc) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            // the query parameters documented are the ones the route takes:
            // an unknown one is refused with the list of those it expects
            let query: Vec<&str> = operation["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "query")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            if method != "get" || path.contains('{') || query.is_empty() {
                continue;
            }
            let (status, body) = get(&app, &format!("{path}?zz_unknown=1")).await;
            assert_error(status, &body, 400, "invalid_parameter");
            let message = body["error"]["message"].as_str().unwrap();
            let expected: Vec<&str> = message
                .rsplit("expected one of: ")
                .next()
                .unwrap()
                .split(", ")
                .collect();
            let (mut a, mut b) = (query.clone(), expected.clone());
            a.sort();
            b.sort();
            assert_eq!(a, b, "{path}");
        }
    }
    assert_eq!(documented, registered_routes(), "documented vs registered routes");
    // the kinds it lists are the model's
    let listed = |schema: &str| -> Vec<String> {
        let names = doc["components"]["schemas"][schema]["enum"].as_array().unwrap();
        names.iter().map(|k| k.as_str().unwrap().to_string()).collect()
    };
    let names = |kinds: &[&str]| -> Vec<String> { kinds.iter().map(|k| k.to_string()).collect() };
    let entity_kinds: Vec<&str> = innograph::model::EntityKind::ALL.iter().map(|k| k.as_str()).collect();
    let relation_kinds: Vec<&str> = innograph::model::RelationKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(listed("EntityKind"), names(&entity_kinds));
    assert_eq!(listed("RelationKind"), names(&relation_kinds));
}

#[actix_web::test]
async fn an_entity_lists_its_strongest_relations_up_to_a_limit() {
    let app = app!();
    let (status, all) = get(&app, "/api/entities/zone_qingdao_hitech").await;
    assert_eq!(status, 200);
    let total = all["relation_total"].as_u64().unwrap() as usize;
    assert_eq!(
        all["relations"].as_array().unwrap().len(),
        total,
        "the default lists all of a zone's"
    );
    let by_kind: u64 = all["relations_by_kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_kind as usize, total);
    let (status, two) = get(&app, "/api/entities/zone_qingdao_hitech?limit=2").await;
    assert_eq!(status, 200);
    assert_eq!(
        two["relations"].as_array().unwrap()[..],
        all["relations"].as_array().unwrap()[..2]
    );
    assert_eq!(two["relation_total"], all["relation_total"]);
    let (_, later) = get(&app, "/api/entities/zone_qingdao_hitech?offset=1&limit=2").await;
    assert_eq!(
        later["relations"].as_array().unwrap()[..],
        all["relations"].as_array().unwrap()[1..3]
    );
    let (_, located) = get(&app, "/api/entities/zone_qingdao_hitech?relation=located_in,part_of").await;
    let listed = located["relations"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .all(|r| r["kind"] == "located_in" || r["kind"] == "part_of"),
        "{located}"
    );
    let of_kinds = ["located_in", "part_of"]
        .iter()
        .map(|k| all["relations_by_kind"][*k].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert_eq!(listed.len() as u64, of_kinds);
    assert!(of_kinds > 0);
    let (status, body) = get(&app, "/api/entities/zone_qingdao_hitech?limit=0").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/entities/zone_qingdao_hitech?relation=friend_of").await;
    assert_error(status, &body, 400, "invalid_parameter");
    let (status, body) = get(&app, "/api/entities/zone_qingdao_hitech?depth=2").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn names_that_almost_resolve() {
    let app = app!();
    // the beginning of exactly one entity's name resolves, and says so
    let (status, body) = get(&app, &format!("/api/entities/{}", encode("康道"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], "ent_kangdao_medical");
    assert_eq!(body["resolved_from"]["康道"], "ent_kangdao_medical");
    let (status, body) = get(&app, &format!("/api/entities/{}", encode("高新贷"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "高新贷2.0");
    // a whole name resolves without a note; an id in another case too
    let (_, body) = get(&app, &format!("/api/entities/{}", encode("康道医疗"))).await;
    assert_eq!(body["resolved_from"], serde_json::json!({}));
    let (status, body) = get(&app, "/api/entities/ENT_GAOCE").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], "ent_gaoce");
    // both ends of a path
    let uri = format!("/api/paths?from={}&to={}", encode("海尔"), encode("易邦"));
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["resolved_from"]["海尔"], "ent_haier_bio");
    assert_eq!(body["resolved_from"]["易邦"], "ent_yebio");
    // short forms that begin no name: the 404 lists candidates
    for (typed, meant) in [
        ("农大", "uni_qingdao_agricultural"),
        ("工研院", "inst_qingdao_industrial_tech"),
    ] {
        let (status, body) = get(&app, &format!("/api/entities/{}", encode(typed))).await;
        assert_error(status, &body, 404, "entity_not_found");
        let candidates = body["error"]["candidates"].as_array().unwrap();
        assert!(candidates.len() <= 5);
        assert!(candidates.iter().any(|c| c.as_str().unwrap().contains(meant)), "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("did you mean"),
            "{body}"
        );
    }
    // the beginning of several names resolves to none of them
    let (status, body) = get(&app, &format!("/api/entities/{}", encode("青岛高新"))).await;
    assert_error(status, &body, 404, "entity_not_found");
    assert!(body["error"]["candidates"].as_array().unwrap().len() >= 2, "{body}");
    // searching near an entity leaves that entity out
    let uri = format!(
        "/api/search?q={}&near={}&limit=50",
        encode("生物医药"),
        encode("海尔生物")
    );
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, 200, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["id"] != "ent_haier_bio"), "{body}");
}

#[actix_web::test]
async fn empty_answers_say_why() {
    let app = app!();
    let yang = encode("杨建明");
    let zone = encode("青岛高新区");
    let (status, body) = get(&app, &format!("/api/paths?from={yang}&to={zone}&relation=invests_in")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["paths"].as_array().unwrap().is_empty());
    let why = body["explanation"].as_str().unwrap();
    assert!(why.contains("relations asked for") && why.contains("2 hop"), "{why}");
    let (_, body) = get(&app, &format!("/api/paths?from={yang}&to={zone}&max_len=1")).await;
    assert!(
        body["explanation"].as_str().unwrap().contains("raise max_len"),
        "{body}"
    );
    let (_, body) = get(&app, &format!("/api/paths?from={yang}&to={zone}")).await;
    assert!(body["explanation"].is_null(), "{body}");
    // a kind filter that blocks the walk says so and offers through=any
    let (status, body) = get(&app, &format!("/api/entities/{yang}/neighbors?kind=industry&depth=3")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["nodes"].as_array().unwrap().is_empty());
    assert!(body["explanation"].as_str().unwrap().contains("through=any"), "{body}");
    let (_, body) = get(
        &app,
        &format!("/api/entities/{yang}/neighbors?kind=industry&depth=3&through=any"),
    )
    .await;
    let nodes = body["nodes"].as_array().unwrap();
    assert!(
        !nodes.is_empty() && nodes.iter().all(|n| n["kind"] == "industry"),
        "{body}"
    );
    assert!(body["explanation"].is_null());
    // a date range that ends before it starts is refused, not empty
    let (status, body) = get(&app, &format!("/api/search?q={}&from=2025&to=2023", encode("光伏"))).await;
    assert_error(status, &body, 400, "invalid_parameter");
    // a one-word query with no hit claims no fallback
    let (status, body) = get(&app, &format!("/api/search?q={}", encode("书剑恩仇录"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 0);
    assert!(body["fallback"].is_null(), "{body}");
    assert!(body["reading"].is_null(), "{body}");
    // a question: the words it was read as, how many were required, the words left out
    let (status, body) = get(&app, &format!("/api/search?q={}", encode("杨建明是哪个大学的教授"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["reading"]["words"],
        serde_json::json!(["杨建明", "大学", "教授"]),
        "{body}"
    );
    assert_eq!(body["reading"]["required"], 2, "{body}");
    assert_eq!(
        body["reading"]["dropped"],
        serde_json::json!(["是", "哪个", "的"]),
        "{body}"
    );
}

#[actix_web::test]
async fn wrong_methods_and_every_error_code_documented() {
    let app = app!();
    for (method, uri, allowed) in [
        ("POST", "/api/search?q=x", "GET"),
        ("DELETE", "/api/paths", "GET"),
        ("GET", "/api/relations", "POST, DELETE"),
    ] {
        let (status, body) = crate::common::api::call(&app, method, uri, None, None).await;
        assert_error(status, &body, 405, "method_not_allowed");
        let message = body["error"]["message"].as_str().unwrap();
        for method in allowed.split(", ") {
            assert!(message.contains(method), "{message}");
        }
    }
    // every code the server can answer is in the OpenAPI document and the
    // README
    let source = |path: &str| std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let errors = source("src/error.rs");
    let code_fn = &errors[errors.find("fn code").unwrap()..errors.find("fn status").unwrap()];
    let quoted = regex::Regex::new(r#"=> "([a-z_]+)""#).unwrap();
    let mut codes: Vec<String> = quoted.captures_iter(code_fn).map(|c| c[1].to_string()).collect();
    let api_code = regex::Regex::new(r#"StatusCode::[A-Z_]+,\s*"([a-z_]+)""#).unwrap();
    for file in ["src/api/error.rs", "src/api/routes.rs"] {
        codes.extend(api_code.captures_iter(&source(file)).map(|c| c[1].to_string()));
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() >= 20, "{codes:?}");
    let (_, doc) = get(&app, "/api/openapi.json").await;
    let listed = doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"].clone();
    let readme = source("README.md");
    for code in &codes {
        assert!(
            listed.as_array().unwrap().iter().any(|c| c == code),
            "{code} not in the OpenAPI document"
        );
        assert!(readme.contains(&format!("| `{code}` |")), "{code} not in the README");
    }
}

#[actix_web::test]
async fn a_document_with_its_mentions_linked() {
    let app = app!();
    let (status, doc) = get(&app, "/api/documents/doc_gaoce_profile").await;
    assert_eq!(status, 200, "{doc}");
    assert_eq!(doc["title"], "企业速写：高测股份");
    let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let mentions = doc["mentions"].as_array().unwrap();
    // offsets count characters of the text; the enterprise is linked
    let gaoce = mentions
        .iter()
        .find(|m| m["entity_id"] == "ent_gaoce")
        .expect("高测股份 is linked");
    let (start, end) = (
        gaoce["start"].as_u64().unwrap() as usize,
        gaoce["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        text[start..end].iter().collect::<String>(),
        gaoce["text"].as_str().unwrap()
    );
    assert!(mentions
        .iter()
        .all(|m| m["status"] != "linked" || m["entity_id"].is_string()));
    let (status, body) = get(&app, "/api/documents/doc_nowhere").await;
    assert_error(status, &body, 404, "document_not_found");
    let (status, body) = get(&app, "/api/documents/doc_gaoce_profile?zz=1").await;
    assert_error(status, &body, 400, "invalid_parameter");
}

#[actix_web::test]
async fn the_latest_dated_relations_and_the_kind_labels() {
    let app = app!();
    let (status, body) = get(&app, "/api/graph/recent?limit=2").await;
    assert_eq!(status, 200, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{body}");
    let dates: Vec<&str> = results.iter().map(|r| r["date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert!(results
        .iter()
        .all(|r| r["kind"] != "mentions" && r["from"]["name"].is_string()));
    // the newest dated relation of the corpus leads
    let (_, all) = get(&app, "/api/graph/recent?limit=200").await;
    let newest = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["date"].as_str().unwrap())
        .max();
    assert_eq!(Some(dates[0]), newest);
    for bad in ["limit=0", "limit=201", "limit=x"] {
        let (status, body) = get(&app, &format!("/api/graph/recent?{bad}")).await;
        assert_error(status, &body, 400, "invalid_parameter");
    }
    let (status, kinds) = get(&app, "/api/kinds").await;
    assert_eq!(status, 200);
    let label = |list: &str, kind: &str| {
        kinds[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kind"] == kind)
            .map(|k| k["label"].as_str().unwrap().to_string())
    };
    assert_eq!(label("entity", "university").as_deref(), Some("高校"));
    assert_eq!(label("relation", "incubated_by").as_deref(), Some("孵化于"));
    assert_eq!(
        kinds["relation"].as_array().unwrap().len(),
        innograph::model::RelationKind::ALL.len()
    );
}

#[actix_web::test]
async fn entity_hits_carry_their_key_facts() {
    let app = app!();
    let (status, body) = get(&app, &format!("/api/search?q={}&kind=enterprise", encode("高测"))).await;
    assert_eq!(status, 200, "{body}");
    let gaoce = body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "ent_gaoce")
        .expect("高测股份");
    assert_eq!(gaoce["industry"], serde_json::json!(["光伏"]));
    assert_eq!(gaoce["location"], "青岛高新区");
}

/// `GET uri`: the status, the content type and the body as text.
async fn get_text(app: &impl crate::common::api::Api, uri: &str) -> (u16, String, String) {
    let request = actix_web::test::TestRequest::get().uri(uri).to_request();
    let response = actix_web::test::call_service(app, request).await;
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = actix_web::test::read_body(response).await;
    (status, kind, String::from_utf8_lossy(&body).into_owned())
}

#[actix_web::test]
async fn the_web_ui_answers_its_pages_and_files() {
    let app = app!();
    let (status, kind, home) = get_text(&app, "/").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    assert!(home.contains("lang=\"zh-CN\""), "{home}");
    // every page of the app is the app, which reads the URL
    for page in [
        "/search?q=x",
        "/entity/ent_gaoce",
        "/document/doc_gaoce_profile",
        "/path?from=a&to=b",
        "/match",
    ] {
        let (status, _, body) = get_text(&app, page).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(body, home, "{page}");
    }
    // the files the page loads are served, with their types
    let scripts = regex::Regex::new(r#"(?:src|href)="(/assets/[^"]+)""#).unwrap();
    let files: Vec<String> = scripts.captures_iter(&home).map(|c| c[1].to_string()).collect();
    if home.contains("id=\"app\"") {
        assert!(files.iter().any(|f| f.ends_with(".js")), "{home}");
        for file in &files {
            let (status, kind, _) = get_text(&app, file).await;
            assert_eq!(status, 200, "{file}");
            assert!(
                kind.starts_with("text/javascript") || kind.starts_with("text/css"),
                "{file}: {kind}"
            );
        }
    } else {
        // built without node: the page says so
        assert!(home.contains("网页界面未随本程序构建"), "{home}");
    }
    let (status, _, _) = get_text(&app, "/assets/nothing-here.js").await;
    assert_eq!(status, 404);
    let (status, body) = get(&app, "/api/nothing-here").await;
    assert_error(status, &body, 404, "not_found");
}

#[actix_web::test]
async fn a_hubs_neighbourhood_balanced_across_relation_kinds() {
    let app = app!();
    let zone = "zone_qingdao_hitech";
    let (status, body) = get(&app, &format!("/api/entities/{zone}/neighbors?per_kind=2")).await;
    assert_eq!(status, 200, "{body}");
    let (_, page) = get(&app, &format!("/api/entities/{zone}")).await;
    assert_eq!(
        body["relations_by_kind"], page["relations_by_kind"],
        "the entity view's counts"
    );
    // the kinds linking each neighbour to the zone
    let mut links: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> = Default::default();
    for edge in body["edges"].as_array().unwrap() {
        let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
        let other = match (from == zone, to == zone) {
            (true, false) => to,
            (false, true) => from,
            _ => continue,
        };
        links.entry(other).or_default().insert(edge["kind"].as_str().unwrap());
    }
    let nodes = body["nodes"].as_array().unwrap();
    assert_eq!(links.len(), nodes.len(), "every neighbour is linked to the zone");
    let kinds: std::collections::BTreeSet<&str> = links.values().flatten().copied().collect();
    assert!(kinds.len() >= 6, "a mix of relation kinds: {kinds:?}");
    // at most two neighbours linked only through each kind
    for kind in &kinds {
        let only = links.values().filter(|k| k.len() == 1 && k.contains(kind)).count();
        assert!(only <= 2, "{kind}: {only}");
    }
    // the zone has 24 located_in relations: most were left out, and said so
    let by_kind = body["relations_by_kind"].as_object().unwrap();
    assert!(by_kind["located_in"].as_u64().unwrap() > 10, "{body}");
    let cut = body["per_kind_omitted"].as_object().unwrap();
    assert!(
        cut["located_in"].as_u64().unwrap() >= by_kind["located_in"].as_u64().unwrap() - 4,
        "{body}"
    );
    assert!(cut.keys().all(|k| by_kind[k].as_u64().unwrap() > 2), "{body}");
    assert_eq!(body["truncated"], false, "per_kind alone does not truncate");

    // a limit below the kinds' shares keeps one of each kind first
    let (status, tight) = get(&app, &format!("/api/entities/{zone}/neighbors?per_kind=2&limit=3")).await;
    assert_eq!(status, 200, "{tight}");
    assert_eq!(tight["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(tight["truncated"], true);
    // without per_kind the answer has the same shape, nothing cut by kind
    let (status, plain) = get(&app, &format!("/api/entities/{zone}/neighbors?limit=10")).await;
    assert_eq!(status, 200, "{plain}");
    assert_eq!(plain["per_kind_omitted"], serde_json::json!({}));
    assert_eq!(plain["relations_by_kind"], page["relations_by_kind"]);

    for bad in ["0", "1001", "abc", "-1", "2.5"] {
        let (status, body) = get(&app, &format!("/api/entities/{zone}/neighbors?per_kind={bad}")).await;
        assert_error(status, &body, 400, "invalid_parameter");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains("per_kind"), "{bad}: {message}");
    }
}

#[actix_web::test]
async fn a_page_with_the_first_relations_of_every_kind() {
    let app = app!();
    let (_, all) = get(&app, "/api/entities/zone_qingdao_hitech?limit=5000").await;
    let (status, firsts) = get(&app, "/api/entities/zone_qingdao_hitech?per_kind=2").await;
    assert_eq!(status, 200, "{firsts}");
    let by_kind = firsts["relations_by_kind"].as_object().unwrap();
    let listed = firsts["relations"].as_array().unwrap();
    let expected: u64 = by_kind.values().map(|n| n.as_u64().unwrap().min(2)).sum();
    assert_eq!(
        listed.len() as u64,
        expected,
        "two of each kind, or all of a smaller kind"
    );
    // each kind's two are its first two in the full listing, in its order
    let key = |r: &serde_json::Value| (r["kind"].clone(), r["other"]["id"].clone());
    for kind in by_kind.keys() {
        let of = |list: &[serde_json::Value]| -> Vec<_> {
            list.iter().filter(|r| r["kind"] == kind.as_str()).map(key).collect()
        };
        let full = of(all["relations"].as_array().unwrap());
        assert_eq!(of(listed), full[..full.len().min(2)].to_vec(), "{kind}");
    }
    let (status, body) = get(&app, "/api/entities/zone_qingdao_hitech?per_kind=0").await;
    assert_error(status, &body, 400, "invalid_parameter");
}
