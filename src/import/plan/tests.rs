//! Planning rows against a small graph: fields and conversions, linking by
//! name and alias, people told apart by organisation, bad rows by line and
//! column, and a second plan over the first's result changing nothing.

use super::*;
use crate::graph::{test_entity, test_relation};
use crate::model::RelationKind;

const REGISTRY_MAPPING: &str = r#"
[entity]
kind = "enterprise"
id = { column = "统一社会信用代码", prefix = "ent_" }
name = "企业名称"
aliases = "简称"
description = "经营范围"
industry = "所属行业"
props.founded = { column = "成立日期", type = "date" }
props.capital = { column = "注册资本", type = "amount" }

[[relations]]
column = "法定代表人"
relation = "leads"
kinds = "person"
split = false

[[relations]]
column = "所属行业"
relation = "in_industry"
kinds = "industry"
missing = "skip"
"#;

const PATENT_MAPPING: &str = r#"
[entity]
kind = "patent"
id = { column = "申请号", prefix = "pat_" }
name = "名称"
organisation = "申请人"
props.filed = { column = "申请日", type = "date" }

[[relations]]
column = "申请人"
relation = "applicant_of"
kinds = ["enterprise", "university", "institute", "person"]
required = true

[[relations]]
column = "发明人"
relation = "inventor_of"
kinds = "person"

[[relations]]
column = "受让人"
relation = "transferred_to"
since = "转让日期"
"#;

const REGISTRY_HEADER: &str = "企业名称,统一社会信用代码,法定代表人,成立日期,注册资本,所属行业,经营范围,简称\n";
const PATENT_HEADER: &str = "申请号,名称,申请人,发明人,申请日,受让人,转让日期\n";

/// A graph with a curated company (known by its registered name as an
/// alias), an industry, one 杨建明 and two 李明.
fn graph() -> KnowledgeGraph {
    let mut gaoce = test_entity(
        "ent_gaoce",
        EntityKind::Enterprise,
        "高测股份",
        &["青岛高测科技股份有限公司"],
    );
    gaoce.description = "光伏切割设备".into();
    KnowledgeGraph::from_records(
        vec![
            gaoce,
            test_entity("ind_pv", EntityKind::Industry, "光伏", &[]),
            test_entity("uni_qau", EntityKind::University, "青岛农业大学", &["青农大"]),
            test_entity("per_yang", EntityKind::Person, "杨建明", &[]),
            test_entity("per_li_1", EntityKind::Person, "李明", &[]),
            test_entity("per_li_2", EntityKind::Person, "李明", &[]),
            test_entity("ent_twin_a", EntityKind::Enterprise, "双子", &[]),
            test_entity("uni_twin_b", EntityKind::University, "双子学院", &["双子"]),
        ],
        vec![test_relation("ent_gaoce", "ind_pv", RelationKind::InIndustry)],
    )
    .unwrap()
}

fn planned(mapping: &str, file: &str, text: &str, graph: &KnowledgeGraph) -> ImportPlan {
    let mapping = Mapping::parse(mapping, "m.toml").unwrap();
    let csv = CsvInput {
        file: file.into(),
        bytes: text.as_bytes().to_vec(),
        encoding: None,
    };
    plan(&csv, &mapping, graph).unwrap()
}

fn entities(plan: &ImportPlan) -> Vec<&Entity> {
    plan.changes
        .iter()
        .filter_map(|change| match change {
            Change::PutEntity { entity } => Some(entity),
            _ => None,
        })
        .collect()
}

fn relations(plan: &ImportPlan) -> Vec<&Relation> {
    plan.changes
        .iter()
        .filter_map(|change| match change {
            Change::PutRelation { relation } => Some(relation),
            _ => None,
        })
        .collect()
}

fn applied(graph: &KnowledgeGraph, plan: &ImportPlan) -> KnowledgeGraph {
    let mut next = graph.clone();
    next.apply_checked(plan.changes.iter().cloned()).unwrap();
    next
}

#[test]
fn registry_rows_become_companies_led_by_people() {
    let graph = graph();
    let text = format!(
        "{REGISTRY_HEADER}青岛澜海智能装备有限公司,91370212MA3C5X8P2K,周海峰,2019/6/18,1000万元人民币,光伏；新材料,\"机器人研发，设备销售, 技术服务\",澜海智能\n"
    );
    let plan = planned(REGISTRY_MAPPING, "r.csv", &text, &graph);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!((plan.rows, plan.bad_rows), (1, 0));
    let made = entities(&plan);
    let company = made.iter().find(|e| e.kind == EntityKind::Enterprise).unwrap();
    assert_eq!(company.id, "ent_91370212MA3C5X8P2K");
    assert_eq!(company.aliases, ["澜海智能"]);
    assert_eq!(company.description, "机器人研发，设备销售, 技术服务");
    assert_eq!(company.industry, ["光伏", "新材料"]);
    assert_eq!(company.props["founded"], "2019-06-18");
    assert_eq!(company.props["capital"], 1000.0);
    assert_eq!(company.props["capital_unit"], "万元");
    assert_eq!(company.props["source"], "r.csv:2");
    let person = made.iter().find(|e| e.kind == EntityKind::Person).unwrap();
    assert_eq!(person.name, "周海峰");
    assert_eq!(person.props["auto"], true);
    assert_eq!(person.id, ids::person_id("周海峰", "青岛澜海智能装备有限公司"));
    let links = relations(&plan);
    let leads = links.iter().find(|r| r.kind == RelationKind::Leads).unwrap();
    assert_eq!(
        (leads.from.as_str(), leads.to.as_str()),
        (person.id.as_str(), company.id.as_str())
    );
    assert_eq!(leads.props["source"], "r.csv:2");
    assert!(leads.evidence.is_empty());
    // 光伏 is an industry of the graph; 新材料 is not, and makes no link
    let industries: Vec<&str> = links
        .iter()
        .filter(|r| r.kind == RelationKind::InIndustry)
        .map(|r| r.to.as_str())
        .collect();
    assert_eq!(industries, ["ind_pv"]);
    assert_eq!(plan.counts.skipped_names, 1);
    assert_eq!(plan.counts.entities["enterprise"], KindCount { new: 1, updated: 0 });
}

#[test]
fn a_second_plan_over_the_first_changes_nothing() {
    let graph = graph();
    let registry = format!(
        "{REGISTRY_HEADER}青岛澜海智能装备有限公司,91370212MA3C5X8P2K,张伟,2019/6/18,1000万元,光伏,研发,澜海智能\n\
         青岛瑞禾检测技术有限公司,91370212MA3E5F6G7H,张伟,2022-04-15,200万元,,检测,\n\
         青岛高测科技股份有限公司,91370200MA3AAAAAAA,王强,2006年10月,2.5亿元,光伏,切割设备,\n"
    );
    let first = planned(REGISTRY_MAPPING, "r.csv", &registry, &graph);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let after = applied(&graph, &first);
    let again = planned(REGISTRY_MAPPING, "r.csv", &registry, &after);
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    // the people made the first time are linked to now, the rest unchanged
    assert_eq!(again.counts.unchanged, first.counts.unchanged + first.changes.len() - 3);
    let patents = format!(
        "{PATENT_HEADER}CN202110234567.8,一种外骨骼装置,青岛澜海智能装备有限公司；青岛海滨理工大学,张伟；李娜,2021/3/5,,\n\
         CN202010987654.3,一种微流控芯片,青岛海滨理工大学,高远,2020年9月22日,青岛瑞禾检测技术有限公司,2022/5/16\n"
    );
    let first = planned(PATENT_MAPPING, "p.csv", &patents, &after);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let after = applied(&after, &first);
    assert!(planned(PATENT_MAPPING, "p.csv", &patents, &after).changes.is_empty());
}

#[test]
fn existing_entities_are_completed_not_duplicated() {
    let graph = graph();
    let text = format!("{REGISTRY_HEADER}青岛高测科技股份有限公司,91370200MA3AAAAAAA,王强,2006年10月,2.5亿元,光伏,硅片切割设备制造,高测科技\n");
    let plan = planned(REGISTRY_MAPPING, "r.csv", &text, &graph);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    let made = entities(&plan);
    let gaoce = made.iter().find(|e| e.kind == EntityKind::Enterprise).unwrap();
    // the curated record, found by its alias, keeps its id, name and
    // profile, and gains the row's facts
    assert_eq!(gaoce.id, "ent_gaoce");
    assert_eq!(gaoce.name, "高测股份");
    assert_eq!(gaoce.description, "光伏切割设备");
    assert_eq!(gaoce.aliases, ["青岛高测科技股份有限公司", "高测科技"]);
    assert_eq!(gaoce.props["founded"], "2006-10");
    assert_eq!(gaoce.props["import_source"], "r.csv:2");
    assert!(!gaoce.props.contains_key("source"));
    assert_eq!(plan.counts.entities["enterprise"], KindCount { new: 0, updated: 1 });
    // the curated in_industry relation is already there, as the row says
    assert!(relations(&plan).iter().all(|r| r.kind != RelationKind::InIndustry));
    assert_eq!(plan.counts.unchanged, 1);
}

#[test]
fn people_are_one_only_when_the_graph_has_one_of_that_name() {
    let graph = graph();
    let text = format!(
        "{PATENT_HEADER}CN1,甲装置,青岛甲科技有限公司,杨建明；李明；张伟,2021,,\n\
         CN2,乙装置,青岛乙科技有限公司,李明；张伟,2021,,\n\
         CN3,丙装置,青岛甲科技有限公司,张伟,2022,,\n"
    );
    let plan = planned(PATENT_MAPPING, "p.csv", &text, &graph);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    let inventors = |patent: &str| -> Vec<String> {
        relations(&plan)
            .iter()
            .filter(|r| r.kind == RelationKind::InventorOf && r.to == patent)
            .map(|r| r.from.clone())
            .collect()
    };
    let first = inventors("pat_CN1");
    // the graph's one 杨建明 is him; its two 李明 are neither: a new one
    assert_eq!(first[0], "per_yang");
    assert_eq!(first[1], ids::person_id("李明", "青岛甲科技有限公司"));
    let second = inventors("pat_CN2");
    assert_eq!(second[0], ids::person_id("李明", "青岛乙科技有限公司"));
    // 张伟 of 甲 in two rows is one person, 张伟 of 乙 another
    assert_eq!(first[2], inventors("pat_CN3")[0]);
    assert_ne!(first[2], second[1]);
    let people = entities(&plan).iter().filter(|e| e.kind == EntityKind::Person).count();
    assert_eq!(people, 4);
}

#[test]
fn applicants_resolve_by_alias_and_new_ones_take_the_kind_their_name_tells() {
    let graph = graph();
    let text = format!("{PATENT_HEADER}CN1,甲装置,青农大；青岛海洋能源研究院；刘洋,王芳,2021,,\n");
    let plan = planned(PATENT_MAPPING, "p.csv", &text, &graph);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    let applicants: Vec<&str> = relations(&plan)
        .iter()
        .filter(|r| r.kind == RelationKind::ApplicantOf)
        .map(|r| r.from.as_str())
        .collect();
    assert_eq!(applicants[0], "uni_qau");
    assert_eq!(applicants[1], ids::auto_id(EntityKind::Institute, "青岛海洋能源研究院"));
    assert_eq!(applicants[2], ids::person_id("刘洋", "青农大"));
    assert_eq!(plan.counts.linked, 1);
    assert_eq!(plan.counts.auto_created, 3);
}

#[test]
fn bad_rows_are_listed_by_line_and_column_and_add_nothing() {
    let graph = graph();
    let text = format!(
        "{REGISTRY_HEADER}青岛好公司,91370212MA3C5X8P2K,周海峰,2019/6/18,100万元,,研发,\n\
         青岛坏日期有限公司,913702120000000001,赵一,2021/13/01,100万元,,研发,\n\
         ,913702120000000002,赵二,2021/1/1,100万元,,研发,\n\
         青岛多列有限公司,913702120000000003,赵三,2021/1/1,100万元,,研发,,多余\n\
         青岛坏金额有限公司,,赵四,2021/1/1,约一百万,,研发,\n\
         \"青岛引号有限公司\n第二行\",913702120000000005,赵五,2021/1/1,五百万,,研发,\n\
         青岛撞名有限公司,913702120000000006,赵六,2021/1/1,100万元,,研发,双子\n"
    );
    let plan = planned(REGISTRY_MAPPING, "registry.csv", &text, &graph);
    assert_eq!((plan.rows, plan.bad_rows), (7, 6));
    let shown: Vec<String> = plan.problems.iter().map(ToString::to_string).collect();
    let expect = [
        "registry.csv:3: column 成立日期: bad date \"2021/13/01\", expected a date such as",
        "registry.csv:4: column 企业名称: empty: every row needs a name",
        "registry.csv:5: 9 cells, but the header has 8 columns",
        "registry.csv:6: column 注册资本: bad amount \"约一百万\"",
        "registry.csv:6: column 统一社会信用代码: empty: the row's id is made from it",
        "registry.csv:7: column 注册资本: bad amount \"五百万\"",
        "registry.csv:9: column 企业名称: `双子` is already a name of",
    ];
    assert_eq!(shown.len(), expect.len(), "{shown:#?}");
    for (shown, expected) in shown.iter().zip(expect) {
        assert!(shown.starts_with(expected), "{shown} should start with {expected}");
    }
    // the good row's company, person and relation only
    assert_eq!(plan.changes.len(), 3);
}

#[test]
fn a_shared_name_is_ambiguous_unless_the_column_kinds_pick_one() {
    let graph = graph();
    let any_kind = r#"
[entity]
kind = "patent"
id = "申请号"
name = "名称"
[[relations]]
column = "申请人"
relation = "applicant_of"
"#;
    let text = "申请号,名称,申请人\nCN1,甲装置,双子\n";
    let plan = planned(any_kind, "p.csv", text, &graph);
    assert_eq!(plan.bad_rows, 1);
    let problem = plan.problems[0].to_string();
    assert!(
        problem.starts_with("p.csv:2: column 申请人: `双子` names 2 entities"),
        "{problem}"
    );
    assert!(
        problem.contains("ent_twin_a") && problem.contains("uni_twin_b"),
        "{problem}"
    );
    let universities = any_kind.replace(
        "relation = \"applicant_of\"",
        "relation = \"applicant_of\"\nkinds = [\"university\", \"person\"]",
    );
    let plan = planned(&universities, "p.csv", text, &graph);
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(relations(&plan)[0].from, "uni_twin_b");
}

#[test]
fn two_rows_of_one_name_and_different_codes_are_a_problem() {
    let graph = graph();
    let text = format!(
        "{REGISTRY_HEADER}青岛同名有限公司,913702120000000001,赵一,2021,100万元,,研发,\n\
         青岛同名有限公司,913702120000000002,赵二,2021,100万元,,研发,\n\
         青岛同名有限公司,913702120000000001,赵一,2021,200万元,,研发,\n"
    );
    let plan = planned(REGISTRY_MAPPING, "r.csv", &text, &graph);
    assert_eq!(plan.bad_rows, 1, "{:?}", plan.problems);
    assert!(
        plan.problems[0].message.contains("from r.csv:2"),
        "{}",
        plan.problems[0]
    );
    // the third row repeats the first: one company, with the later values
    let companies: Vec<&Entity> = entities(&plan)
        .into_iter()
        .filter(|e| e.kind == EntityKind::Enterprise)
        .collect();
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].props["capital"], 200.0);
}

#[test]
fn columns_the_header_lacks_name_the_mapping_key() {
    let graph = graph();
    let mapping = Mapping::parse(REGISTRY_MAPPING, "registry.toml").unwrap();
    let csv = CsvInput {
        file: "r.csv".into(),
        bytes: "企业名称, 统一社会信用代码 ,法定代表人\n".as_bytes().to_vec(),
        encoding: None,
    };
    let error = plan(&csv, &mapping, &graph).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "bad mapping registry.toml, key `entity.aliases[0]`: column `简称` is not in the header of r.csv"
        ),
        "{error}"
    );
    let empty = CsvInput {
        file: "r.csv".into(),
        bytes: Vec::new(),
        encoding: None,
    };
    assert_eq!(
        plan(&empty, &mapping, &graph).unwrap_err().to_string(),
        "r.csv: empty file: no header row"
    );
}

#[test]
fn lines_count_from_the_file_whatever_its_line_ends() {
    let graph = graph();
    let text = format!(
        "{}\r\n青岛甲有限公司,913702120000000001,赵一,2021,100万元,,\"研发\r\n生产\",\r\n\r\n青岛乙有限公司,913702120000000002,赵二,2021/2/30,100万元,,研发,\r\n",
        REGISTRY_HEADER.trim_end()
    );
    let plan = planned(REGISTRY_MAPPING, "r.csv", &text, &graph);
    assert_eq!(plan.problems.len(), 1);
    assert_eq!(plan.problems[0].line, 5);
    assert_eq!(entities(&plan)[0].props["source"], "r.csv:2");
}
