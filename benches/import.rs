//! Import benchmark: how fast `innograph import` takes a large registry
//! export and a large patent list into the curated index.
//!
//! What it does, in one run:
//! 1. writes two spreadsheets into a temporary directory (or `BENCH_DIR`),
//!    from a fixed seed: a registry export of `BENCH_ROWS` companies (100,000
//!    by default; UTF-8 with BOM, the columns of
//!    `corpus/mappings/registry.toml`) and a patent list of `BENCH_ROWS`
//!    patents (GBK, the columns of `corpus/mappings/patents.toml`), whose
//!    applicants are mostly the registry's companies (found by name), some
//!    universities and some people, with two to four inventors each (drawn
//!    from a small pool of names, so that namesakes abound) and a transfer
//!    on one patent in ten;
//! 2. builds the curated corpus into a fresh index;
//! 3. imports the registry, then the patents, as the CLI does (plan against
//!    the graph, then batches of `BENCH_CHUNK` changes, default
//!    [`innograph::import::DEFAULT_CHUNK`], one snapshot at the end), and
//!    reports for each the plan time, the write time, rows per second and
//!    the changes written;
//! 4. imports the patent list again, which must write nothing (the bench
//!    fails otherwise), and reports the time that takes;
//! 5. opens the index afresh and checks that a company and a patent are
//!    there and found by search.
//!
//! Run with `cargo bench --bench import`; figures go to `BENCHMARKS.md`.

#[path = "common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{env_or, fmt_count, fmt_duration, machine, print_table, BenchResult};
use innograph::import::{self, CsvInput, Mapping};
use innograph::search::SearchRequest;
use innograph::Engine;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SEED: u64 = 2026;

/// Characters of made-up company names: three of them name one company,
/// so every name is distinct (see [`name_chars`]).
const NAME_CHARS: &str = "澜海蓝芯启明岳光知微恒康瑞禾北岸云帆德润智汇科精微影纳储明创新华泰宏远鑫源丰盛安达正和嘉诚博瀚睿思天成信诺宇航通达东方金石银河星辰晨曦青松翠柏长江黄河泰山昆仑凌霄腾飞跃进卓越领航先锋前沿极光";
const TRADES: &[&str] = &[
    "智能装备",
    "生物科技",
    "医疗器械",
    "光电科技",
    "数据技术",
    "康复器械",
    "检测技术",
    "新材料科技",
    "海洋科技",
    "生物医药",
    "康养服务",
    "精密机械",
    "医学影像",
    "储能技术",
    "软件",
    "电子科技",
    "环境科技",
    "食品科技",
];
/// Industry names: the first five are industries of the curated graph.
const INDUSTRIES: &[&str] = &[
    "生物医药",
    "医疗器械",
    "智能制造",
    "光伏",
    "新一代信息技术",
    "新材料",
    "海洋科技",
    "新能源",
    "现代农业",
    "节能环保",
];
const SURNAMES: &str =
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉宇浩然梓涵子轩思远晨曦欣怡雨泽";
const UNIVERSITIES: &[&str] = &[
    "青岛农业大学",
    "青岛海滨理工大学",
    "青岛滨海医科大学",
    "山东海洋工程学院",
];
const TECH: &[&str] = &[
    "外骨骼",
    "微流控芯片",
    "血液分析仪",
    "病灶分割方法",
    "硅片切割方法",
    "密封舱结构",
    "热管理方法",
    "骨钉",
    "呼叫终端",
    "复合材料",
    "冻干保护剂",
    "热误差补偿装置",
    "巡检机器人",
    "传感器",
    "检测试剂盒",
    "储能电池",
    "导航方法",
    "图像识别方法",
];
const IPC: &[&str] = &[
    "A61H 3/00",
    "B01L 3/00",
    "G01N 33/48",
    "G06T 7/11",
    "B28D 5/04",
    "B63C 11/52",
    "H01M 10/613",
    "A61L 31/02",
    "G08B 21/04",
    "C08J 5/24",
    "G05D 1/02",
    "G06N 3/08",
];

/// The distinct characters of [`NAME_CHARS`], in order.
fn name_chars() -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for c in NAME_CHARS.chars() {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    chars
}

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn pick_char(rng: &mut ChaCha8Rng, chars: &[char]) -> char {
    chars[rng.random_range(0..chars.len())]
}

/// The name of company `i`: distinct for every `i` below 100³.
fn company(i: usize, chars: &[char]) -> String {
    let n = chars.len();
    let trade = TRADES[i % TRADES.len()];
    format!(
        "青岛{}{}{}{trade}有限公司",
        chars[i % n],
        chars[(i / n) % n],
        chars[(i / n / n) % n]
    )
}

fn person(rng: &mut ChaCha8Rng, surnames: &[char], given: &[char]) -> String {
    let mut name = String::new();
    name.push(pick_char(rng, surnames));
    for _ in 0..rng.random_range(1..=2) {
        name.push(pick_char(rng, given));
    }
    name
}

fn date(rng: &mut ChaCha8Rng, first_year: i32) -> String {
    let year = rng.random_range(first_year..=2024);
    let month = rng.random_range(1..=12);
    let day = rng.random_range(1..=28);
    match rng.random_range(0..4) {
        0 => format!("{year}/{month}/{day}"),
        1 => format!("{year}年{month}月{day}日"),
        2 => format!("{year}{month:02}{day:02}"),
        _ => format!("{year}-{month:02}-{day:02}"),
    }
}

fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

/// Writes the registry export and the patent list; returns their sizes.
fn write_sheets(dir: &Path, rows: usize) -> BenchResult<(u64, u64)> {
    let chars = name_chars();
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    assert!(rows <= chars.len().pow(3), "at most {} companies", chars.len().pow(3));
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut registry = String::from(
        "\u{feff}企业名称,统一社会信用代码,法定代表人,成立日期,注册资本,企业类型,所属行业,经营范围,地址,简称,登记状态\r\n",
    );
    for i in 0..rows {
        let name = company(i, &chars);
        let short: String = name.chars().skip(2).take(5).collect();
        let industry = pick(&mut rng, INDUSTRIES);
        let scope = format!(
            "{}的研发、生产与销售，{}技术咨询, 技术服务，货物进出口。",
            pick(&mut rng, TECH),
            pick(&mut rng, TECH)
        );
        let _ = write!(
            registry,
            "{name},91370212MA{i:08X},{},{},{}万元人民币,有限责任公司,{industry},{},青岛高新区{}路{}号,{short},存续\r\n",
            person(&mut rng, &surnames, &given),
            date(&mut rng, 1995),
            rng.random_range(10..10_000),
            quoted(&scope),
            pick(&mut rng, &["锦业", "华贯", "新业", "科海", "火炬", "康湾", "汇智桥", "宝源"]),
            rng.random_range(1..999),
        );
    }
    let registry_path = dir.join("registry.csv");
    std::fs::write(&registry_path, &registry)?;
    let mut patents =
        String::from("申请号,名称,摘要,申请人,发明人,申请日,公开日,IPC,法律状态,转让人,受让人,转让日期\n");
    for i in 0..rows {
        let applicant = match rng.random_range(0..20) {
            0..=15 => company(rng.random_range(0..rows), &chars),
            16..=18 => pick(&mut rng, UNIVERSITIES).to_string(),
            _ => person(&mut rng, &surnames, &given),
        };
        let inventors: Vec<String> = (0..rng.random_range(2..=4))
            .map(|_| person(&mut rng, &surnames, &given))
            .collect();
        let title = format!(
            "一种{}{}",
            pick(&mut rng, TECH),
            pick(&mut rng, &["", "及其制备方法", "的控制方法", "系统"])
        );
        let abstract_text = format!(
            "本发明公开了{title}，通过改进{}提高了{}，适用于{}。",
            pick(&mut rng, TECH),
            pick(&mut rng, &["精度", "效率", "稳定性", "安全性"]),
            pick(&mut rng, INDUSTRIES)
        );
        let (assignor, assignee, transferred) = if rng.random_range(0..10) == 0 {
            (
                applicant.clone(),
                company(rng.random_range(0..rows), &chars),
                date(&mut rng, 2015),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        let _ = writeln!(
            patents,
            "CN{}{:07}.{},{title},{abstract_text},{applicant},{},{},{},{},{},{assignor},{assignee},{transferred}",
            rng.random_range(2010..2025),
            i,
            i % 10,
            inventors.join("；"),
            date(&mut rng, 2010),
            date(&mut rng, 2011),
            quoted(&format!("{}; {}", pick(&mut rng, IPC), pick(&mut rng, IPC))),
            pick(&mut rng, &["授权", "实质审查", "公开"]),
        );
    }
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&patents);
    assert!(!unmappable, "the patent list must be GBK text");
    let patents_path = dir.join("patents.gbk.csv");
    std::fs::write(&patents_path, &gbk)?;
    Ok((registry.len() as u64, gbk.len() as u64))
}

/// One import's figures.
struct Measured {
    rows: usize,
    changes: usize,
    batches: usize,
    plan: Duration,
    write: Duration,
}

/// Imports `csv` through `mapping` as the CLI does; opens the index anew.
fn import_file(index: &Path, csv: &Path, mapping: &str, chunk: usize) -> BenchResult<Measured> {
    let mapping = Mapping::read(&innograph_root().join("corpus/mappings").join(mapping))?;
    let input = CsvInput::read(csv, None)?;
    let engine = Engine::open(index)?;
    let started = Instant::now();
    let plan = import::plan(&input, &mapping, &engine.graph())?;
    let planned = started.elapsed();
    if plan.bad_rows > 0 {
        return Err(format!("{} bad rows, first: {}", plan.bad_rows, plan.problems[0]).into());
    }
    let (rows, changes) = (plan.rows, plan.changes.len());
    let compact_after = (engine.pending_changes() + changes).max(innograph::COMPACT_AFTER);
    let engine = engine.compacting_after(compact_after);
    let started = Instant::now();
    let receipt = import::import(&engine, plan, chunk, &mut |_, _| {})?;
    Ok(Measured {
        rows,
        changes,
        batches: receipt.batches,
        plan: planned,
        write: started.elapsed(),
    })
}

fn innograph_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn main() -> BenchResult<()> {
    let rows: usize = env_or("BENCH_ROWS", 100_000)?;
    let chunk: usize = env_or("BENCH_CHUNK", import::DEFAULT_CHUNK)?;
    let temp = tempfile::tempdir()?;
    let dir = match std::env::var("BENCH_DIR") {
        Ok(dir) => std::path::PathBuf::from(dir),
        Err(_) => temp.path().to_path_buf(),
    };
    std::fs::create_dir_all(&dir)?;
    println!("# import bench: {} rows per sheet, batches of {chunk}", fmt_count(rows));
    println!("machine: {}", machine());
    let started = Instant::now();
    let (registry_bytes, patent_bytes) = write_sheets(&dir, rows)?;
    println!(
        "sheets written in {}: registry.csv {:.1} MB (UTF-8), patents.gbk.csv {:.1} MB (GBK)",
        fmt_duration(started.elapsed()),
        registry_bytes as f64 / 1e6,
        patent_bytes as f64 / 1e6
    );
    let index = dir.join("index");
    if index.exists() {
        std::fs::remove_dir_all(&index)?;
    }
    let started = Instant::now();
    innograph::store::build(&innograph_root().join("corpus"), &index, &mut |_| {})?;
    println!("curated index built in {}", fmt_duration(started.elapsed()));

    let mut table = Vec::new();
    let mut row = |label: &str, measured: &Measured, bytes: u64| {
        let total = measured.plan + measured.write;
        table.push(vec![
            label.to_string(),
            fmt_count(measured.rows),
            format!("{:.1} MB", bytes as f64 / 1e6),
            fmt_count(measured.changes),
            measured.batches.to_string(),
            fmt_duration(measured.plan),
            fmt_duration(measured.write),
            fmt_duration(total),
            fmt_count((measured.rows as f64 / total.as_secs_f64()) as usize),
        ]);
    };
    let registry = import_file(&index, &dir.join("registry.csv"), "registry.toml", chunk)?;
    row("registry (UTF-8)", &registry, registry_bytes);
    let patents = import_file(&index, &dir.join("patents.gbk.csv"), "patents.toml", chunk)?;
    row("patents (GBK)", &patents, patent_bytes);
    let again = import_file(&index, &dir.join("patents.gbk.csv"), "patents.toml", chunk)?;
    if again.changes != 0 {
        return Err(format!("importing the patents again wrote {} changes", again.changes).into());
    }
    row("patents again (no change)", &again, patent_bytes);
    print_table(
        &[
            "import", "rows", "file", "changes", "batches", "plan", "write", "total", "rows/s",
        ],
        &table,
    );

    let started = Instant::now();
    let engine = Engine::open(&index)?;
    let opened = started.elapsed();
    let stats = engine.stats();
    println!(
        "reopened in {}: {} entities, {} relations, {} changes in the log",
        fmt_duration(opened),
        fmt_count(stats.entities),
        fmt_count(stats.relations),
        fmt_count(stats.pending_changes)
    );
    let chars = name_chars();
    let name = company(rows / 2, &chars);
    let found = engine.search(&SearchRequest::new(&name, 5))?;
    if !found.hits.iter().any(|hit| hit.name.as_deref() == Some(name.as_str())) {
        return Err(format!("{name} is not found by search after the import").into());
    }
    println!("search finds {name} after the import");
    Ok(())
}
