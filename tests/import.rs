//! `innograph import` end to end, with the sample mappings of
//! `corpus/mappings/` and fixtures written here: a UTF-8 registry export
//! with a BOM, quoted commas and a line break inside a cell, and a GBK
//! patent list. Checks, through `Engine::open` after the CLI is done:
//! - entities and relations with their kinds, directions, dates and
//!   `source` props;
//! - a curated company and professor linked by alias and name, not
//!   duplicated;
//! - a second import changing nothing;
//! - a bad row: exit 2, one line on stderr, the line and column on stdout,
//!   nothing written; `--skip-bad` writing the others; `--dry-run` nothing;
//! - files that are not tables, bad mappings, a missing index: exit 2 with
//!   one line naming the file;
//! - imported names found by search right after the import.

use std::path::{Path, PathBuf};

use innograph::model::{EntityKind, RelationKind};
use innograph::search::SearchRequest;
use innograph::Engine;

use crate::common::{run, stderr, stdout};

fn mapping(name: &str) -> String {
    crate::common::curated_corpus()
        .join("mappings")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn fresh_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    innograph::store::build(&crate::common::curated_corpus(), &index, &mut |_| {}).unwrap();
    (dir, index)
}

const REGISTRY_HEADER: &str =
    "企业名称,统一社会信用代码,法定代表人,成立日期,注册资本,企业类型,所属行业,经营范围,地址,简称,登记状态";

/// A registry export as Excel writes "CSV UTF-8": a BOM, CRLF line ends, a
/// scope with commas (quoted) and one with a line break inside.
fn registry_csv(dir: &Path) -> PathBuf {
    let rows = [
        REGISTRY_HEADER,
        "青岛澜汐智能装备有限公司,91370212MA3X0001AA,周海峰,2019/6/18,1000万元人民币,有限责任公司,智能制造,\"智能机器人研发, 工业自动化设备制造, 机械设备销售\",青岛高新区锦业路18号,澜汐智能,存续",
        "青岛汐芯生物科技有限公司,91370212MA3X0002BB,林晓雯,2020年3月5日,\"1,000 万美元\",有限责任公司,生物医药;医疗器械,\"细胞治疗技术开发\n检测试剂销售\",青岛高新区华贯路819号,汐芯生物,存续",
        "青岛高测科技股份有限公司,91370200MA3X0003CC,杨建明,20060925,2.5亿元,股份有限公司,光伏,硅片切割设备制造,青岛高新区,,存续",
    ];
    let path = dir.join("registry.csv");
    let text = rows.join("\r\n") + "\r\n";
    std::fs::write(&path, [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap();
    path
}

/// A patent list saved in GBK.
fn patents_csv(dir: &Path) -> PathBuf {
    let text = "申请号,名称,摘要,申请人,发明人,申请日,公开日,IPC,法律状态,转让人,受让人,转让日期\n\
        CN202110555001.2,一种汐芯微流控富集芯片,用确定性侧向位移结构富集循环肿瘤细胞。,青岛农业大学,杨建明；宋知远,2021/3/5,2021/6/18,B01L 3/00; G01N 33/574,授权,青岛农业大学,青岛汐芯生物科技有限公司,2022年5月16日\n\
        CN202210555002.7,一种澜汐巡检机器人,巡检机器人的导航方法。,青岛澜汐智能装备有限公司、青岛澜汐研究院,周海峰,20220218,20220712,G05D 1/02,实质审查,,,\n";
    let path = dir.join("patents.gbk.csv");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must not be UTF-8");
    std::fs::write(&path, &bytes).unwrap();
    path
}

fn import(index: &Path, csv: &Path, mapping_name: &str, extra: &[&str]) -> std::process::Output {
    let index = index.to_string_lossy();
    let csv = csv.to_string_lossy();
    let mapping = mapping(mapping_name);
    let mut args = vec!["--index", &index, "import", "--csv", &csv, "--mapping", &mapping];
    args.extend_from_slice(extra);
    run(&args)
}

fn relation_props(engine: &Engine, from: &str, to: &str, kind: RelationKind) -> innograph::model::Relation {
    engine
        .graph()
        .relation_record(from, to, kind)
        .unwrap()
        .unwrap_or_else(|| panic!("no {kind} relation {from} → {to}"))
}

#[test]
fn spreadsheets_become_linked_entities_once() {
    let (dir, index) = fresh_index();
    let registry = registry_csv(dir.path());
    let patents = patents_csv(dir.path());
    let before = Engine::open(&index).unwrap().stats();

    let output = import(&index, &registry, "registry.toml", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("registry.csv (utf-8 (BOM)): 3 row(s), 0 bad"),
        "{report}"
    );
    let output = import(&index, &patents, "patents.toml", &["--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["encoding"], "gb18030");
    assert_eq!(json["counts"]["entities"]["patent"]["new"], 2);
    assert!(json["written"]["batches"].as_u64().unwrap() >= 1, "{json}");

    let engine = Engine::open(&index).unwrap();
    let graph = engine.graph();
    let lanxi = graph.entity("ent_91370212MA3X0001AA").unwrap();
    assert_eq!(lanxi.kind, EntityKind::Enterprise);
    assert_eq!(lanxi.name, "青岛澜汐智能装备有限公司");
    assert_eq!(lanxi.aliases, ["澜汐智能"]);
    assert_eq!(lanxi.description, "智能机器人研发, 工业自动化设备制造, 机械设备销售");
    assert_eq!(lanxi.props["founded"], "2019-06-18");
    assert_eq!(lanxi.props["registered_capital"], 1000.0);
    assert_eq!(lanxi.props["registered_capital_unit"], "万元");
    assert_eq!(lanxi.props["source"], "registry.csv:2");
    let xixin = graph.entity("汐芯生物").unwrap();
    assert_eq!(xixin.description, "细胞治疗技术开发\n检测试剂销售");
    assert_eq!(xixin.props["founded"], "2020-03-05");
    assert_eq!(xixin.props["registered_capital"], 1000.0);
    assert_eq!(xixin.props["registered_capital_unit"], "万美元");
    assert_eq!(xixin.props["source"], "registry.csv:3");
    assert_eq!(xixin.industry, ["生物医药", "医疗器械"]);
    for industry in ["ind_biomedicine", "ind_medical_devices"] {
        relation_props(&engine, &xixin.id, industry, RelationKind::InIndustry);
    }

    // the legal representative leads the company: person → enterprise
    let zhou = graph.entity("周海峰").unwrap();
    assert_eq!(zhou.kind, EntityKind::Person);
    assert_eq!(zhou.props["auto"], true);
    assert_eq!(zhou.props["source"], "registry.csv:2");
    let leads = relation_props(&engine, &zhou.id, &lanxi.id, RelationKind::Leads);
    assert_eq!(leads.props["source"], "registry.csv:2");
    assert!(leads.evidence.is_empty());

    // the curated 高测股份 is found by its registered name (an alias) and
    // completed; the curated professor by his name
    let gaoce = graph.entity("ent_gaoce").unwrap();
    assert_eq!(gaoce.name, "高测股份");
    assert_eq!(gaoce.props["founded"], "2006-09-25");
    // line 5: the row before it spans two lines
    assert_eq!(gaoce.props["import_source"], "registry.csv:5");
    assert!(
        graph.entity("ent_91370200MA3X0003CC").is_err(),
        "no duplicate of 高测股份"
    );
    assert_eq!(graph.name_holders("青岛高测科技股份有限公司").len(), 1);
    relation_props(&engine, "per_yang_jianming", "ent_gaoce", RelationKind::Leads);
    assert_eq!(graph.name_holders("杨建明").len(), 1, "no second 杨建明");

    // patents: applicants, inventors and the transfer, each way round
    let chip = graph.entity("pat_CN202110555001.2").unwrap();
    assert_eq!(chip.kind, EntityKind::Patent);
    assert_eq!(chip.props["filed"], "2021-03-05");
    assert_eq!(chip.props["ipc"], serde_json::json!(["B01L 3/00", "G01N 33/574"]));
    let applicant = relation_props(&engine, "uni_qingdao_agricultural", &chip.id, RelationKind::ApplicantOf);
    assert_eq!(applicant.props["source"], "patents.gbk.csv:2");
    relation_props(&engine, "per_yang_jianming", &chip.id, RelationKind::InventorOf);
    let song = graph.entity("宋知远").unwrap();
    relation_props(&engine, &song.id, &chip.id, RelationKind::InventorOf);
    let transfer = relation_props(&engine, &chip.id, &xixin.id, RelationKind::TransferredTo);
    assert_eq!(transfer.since.as_deref(), Some("2022-05-16"));
    assert_eq!(transfer.props["assignor"], "青岛农业大学");
    let robot = graph.entity("pat_CN202210555002.7").unwrap();
    relation_props(&engine, &lanxi.id, &robot.id, RelationKind::ApplicantOf);
    let institute = graph.entity("青岛澜汐研究院").unwrap();
    assert_eq!(institute.kind, EntityKind::Institute);
    assert_eq!(institute.props["source"], "patents.gbk.csv:3");
    // 周海峰 of the registry is 周海峰 the inventor: the graph has one
    relation_props(&engine, &zhou.id, &robot.id, RelationKind::InventorOf);

    // found by search right after the import
    for (query, id) in [
        ("澜汐智能", lanxi.id.as_str()),
        ("汐芯微流控富集芯片", chip.id.as_str()),
        ("宋知远", song.id.as_str()),
    ] {
        let found = engine.search(&SearchRequest::new(query, 5)).unwrap();
        assert!(found.hits.iter().any(|hit| hit.id == id), "{query}: {:?}", found.hits);
    }

    // a second import changes nothing
    let after = engine.stats();
    assert!(after.entities > before.entities && after.relations > before.relations);
    drop(engine);
    for (csv, mapping) in [(&registry, "registry.toml"), (&patents, "patents.toml")] {
        let output = import(&index, csv, mapping, &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stdout(&output).contains("nothing to write"), "{}", stdout(&output));
    }
    let again = Engine::open(&index).unwrap().stats();
    assert_eq!(
        (again.entities, again.relations, again.pending_changes),
        (after.entities, after.relations, after.pending_changes)
    );
}

#[test]
fn a_bad_row_writes_nothing_unless_skipped() {
    let (dir, index) = fresh_index();
    let path = dir.path().join("registry_bad.csv");
    let text = [
        REGISTRY_HEADER,
        "青岛甲一科技有限公司,91370212MA3X0011AA,钱一,2021/3/5,100万元,有限责任公司,智能制造,研发,青岛高新区,,存续",
        "青岛甲二科技有限公司,91370212MA3X0012AA,钱二,2021/13/01,100万元,有限责任公司,智能制造,研发,青岛高新区,,存续",
        "青岛甲三科技有限公司,91370212MA3X0013AA,钱三,2021/3/7,100万元,有限责任公司,智能制造,研发,青岛高新区,,存续",
    ]
    .join("\n");
    std::fs::write(&path, text).unwrap();
    let before = Engine::open(&index).unwrap().stats();

    let dry = import(&index, &path, "registry.toml", &["--dry-run", "--skip-bad"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("would write (dry run)"), "{}", stdout(&dry));

    let refused = import(&index, &path, "registry.toml", &[]);
    assert_eq!(refused.status.code(), Some(2));
    let err = stderr(&refused);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("1 of 3 row(s) are bad, nothing written"), "{err}");
    let out = stdout(&refused);
    assert!(
        out.contains("registry_bad.csv:3: column 成立日期: bad date \"2021/13/01\", expected"),
        "{out}"
    );
    let unchanged = Engine::open(&index).unwrap().stats();
    assert_eq!(
        (unchanged.entities, unchanged.relations, unchanged.pending_changes),
        (before.entities, before.relations, before.pending_changes)
    );

    let skipped = import(&index, &path, "registry.toml", &["--skip-bad", "--json"]);
    assert!(skipped.status.success(), "{}", stderr(&skipped));
    let json: serde_json::Value = serde_json::from_str(&stdout(&skipped)).unwrap();
    assert_eq!(json["bad_rows"], 1);
    assert_eq!(json["problems"][0]["line"], 3);
    assert_eq!(json["problems"][0]["column"], "成立日期");
    let engine = Engine::open(&index).unwrap();
    let graph = engine.graph();
    assert!(graph.entity("ent_91370212MA3X0011AA").is_ok());
    assert!(graph.entity("ent_91370212MA3X0013AA").is_ok());
    assert!(graph.entity("ent_91370212MA3X0012AA").is_err());
    assert!(graph.entity("钱二").is_err());
}

#[test]
fn files_that_cannot_be_read_are_one_clear_line() {
    let (dir, index) = fresh_index();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let registry = registry_csv(dir.path());
    let expect_error = |output: std::process::Output, starts: &str| {
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let err = stderr(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with(&format!("error: {starts}")), "{err}");
    };
    let binary = write(
        "binary.csv",
        b"\x50\x4b\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00\x21\x00",
    );
    expect_error(
        import(&index, &binary, "registry.toml", &[]),
        "binary.csv:1: binary data",
    );
    let open_quote = format!("{REGISTRY_HEADER}\n青岛甲,9137,\"钱一,2021,100万元\n");
    let truncated = write("truncated.csv", open_quote.as_bytes());
    expect_error(
        import(&index, &truncated, "registry.toml", &[]),
        "truncated.csv:2: a quoted cell is never closed",
    );
    let long_line = format!("{REGISTRY_HEADER}\n{}\n", "甲".repeat(600_000));
    let long = write("long.csv", long_line.as_bytes());
    expect_error(
        import(&index, &long, "registry.toml", &[]),
        "long.csv:2: a row longer than 1 MB",
    );
    let other = write("other.csv", "名称,代码\n甲,1\n".as_bytes());
    expect_error(
        import(&index, &other, "registry.toml", &[]),
        "bad mapping registry.toml, key `entity.id.column`: column `统一社会信用代码` is not in the header of other.csv",
    );
    let typo = write(
        "typo.toml",
        "[entity]\nkind = \"enterprise\"\nname = \"企业名称\"\ndescripton = \"经营范围\"\n".as_bytes(),
    );
    let output = run(&[
        "--index",
        &index.to_string_lossy(),
        "import",
        "--csv",
        &registry.to_string_lossy(),
        "--mapping",
        &typo.to_string_lossy(),
    ]);
    expect_error(
        output,
        "bad mapping typo.toml:4, key `entity.descripton`: unknown field `descripton`",
    );
    let gbk_as_utf8 = patents_csv(dir.path());
    expect_error(
        import(&index, &gbk_as_utf8, "patents.toml", &["--encoding", "utf-8"]),
        "patents.gbk.csv:1: not UTF-8 text",
    );
    let missing = dir.path().join("no-index");
    expect_error(import(&missing, &registry, "registry.toml", &[]), "no index in");
    let engine = Engine::open(&index).unwrap();
    assert_eq!(engine.pending_changes(), 0, "nothing was written");
}
