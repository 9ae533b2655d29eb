//! Question-style relevance: questions typed in plain Chinese, each with
//! the passages that answer it, over three collections, against a plain
//! BM25 baseline computed in the same run.
//!
//! - **curated**: the questions of `tests/data/curated_questions.tsv`
//!   (38, some tuned on, the others kept aside) over the curated corpus;
//! - **csl**: questions written from 19 CSL abstracts
//!   (`../shared/data/csl/papers.jsonl`: 2,000 papers, title and abstract
//!   as a document), each answered by its paper;
//! - **cluener**: questions written from 12 CLUENER 2020 news sentences
//!   (`../shared/data/cluener2020/train.jsonl`: 10,748 sentences, each an
//!   untitled document), each answered by its sentence.
//!
//! The CSL and CLUENER questions were never tuned on. innograph answers
//! through `Engine::search` on an index built with `store::build`. The
//! baseline is BM25 over jieba words: a tantivy index of the same texts
//! (one field, tantivy-jieba), the question cut by the same tokenizer and
//! every word a `Should` term (any word may match). Reported per set and split:
//! MRR@10 and the share answered in the first three, for both.
//!
//! Run: `cargo bench --bench search_questions`. When `../shared/data` is
//! missing the CSL and CLUENER sets are skipped.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::{print_table, write_document_corpus, BenchResult};
use innograph::model::Document;
use innograph::search::SearchRequest;
use innograph::Engine;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::tokenizer::TokenStream;
use tantivy::{doc, Index, TantivyDocument, Term};

/// Questions over CSL abstracts and the paper that answers each.
const CSL_QUESTIONS: &[(&str, &str)] = &[
    ("支持向量机能不能用来预报热带气旋的路径？", "csl-dev-530"),
    ("等离子体反应器里反向注入载气后传热和流动有什么变化", "csl-dev-595"),
    ("建模仿真主计划的公共技术框架是什么", "csl-test-403"),
    ("网络语言为什么被看作一种青年亚文化", "csl-test-862"),
    ("发电机碳刷摩擦为什么会引起转子振动", "csl-test-400"),
    ("哪些因素影响农村父母对子女的教育投资", "csl-test-642"),
    ("怎样用人工湿地处理农村生活污水", "csl-test-739"),
    ("温室如何根据作物昼夜变化进行变温管理", "csl-test-822"),
    ("从解释学看纪录片创作的主体性", "csl-dev-380"),
    ("双层隔振系统的最优阻尼怎么求", "csl-test-335"),
    ("中国紫金牛属植物的系统发育关系是怎样的", "csl-dev-472"),
    ("中美欧企业的人力资源管理有哪些差异", "csl-test-364"),
    ("复方甘正浸膏对脂肪肝大鼠有什么作用", "csl-dev-301"),
    ("小型旋耕灭茬机的传动系统怎么优化设计", "csl-test-780"),
    ("三子胶囊的质量标准是怎样建立的", "csl-dev-461"),
    ("如何从苦瓜中提取和分离皂甙", "csl-test-503"),
    ("退耕还林工程带来了哪些社会影响", "csl-dev-383"),
    ("成都的投资法律环境还有哪些不足", "csl-dev-266"),
    ("明清时期巢湖流域的人们怎样兴修塘坝", "csl-dev-145"),
];

/// More questions over CSL abstracts, written after the ranking was
/// settled and never tuned on.
const CSL_FRESH_QUESTIONS: &[(&str, &str)] = &[
    ("半干法烟气脱硫的效率能达到多少", "csl-dev-779"),
    ("举证责任倒置在司法实践中有什么分歧", "csl-dev-409"),
    ("怎样抑制SAR图像的相干斑噪声", "csl-test-227"),
    ("台风蒲公英两次登陆后结构有什么变化", "csl-dev-366"),
    ("无人机拍的线阵CCD影像怎么做几何校正", "csl-dev-508"),
    ("瑞典社会民主党是怎么处理党群关系的", "csl-dev-272"),
    ("传感器网络中不确定数据的频繁项怎么查询", "csl-test-556"),
    ("红藤汤治疗盆腔炎的效果如何", "csl-dev-177"),
    ("如何给露天矿边坡做三维重建", "csl-dev-514"),
    ("苏州市的土地利用十年间发生了哪些变化", "csl-test-493"),
];

/// Questions over CLUENER news sentences and the sentences (comma-separated
/// ids) that answer each.
const CLUENER_QUESTIONS: &[(&str, &str)] = &[
    (
        "哪家通讯社从印度国防部的消息人士那里得到了交易的消息",
        "cluener-train-1186",
    ),
    ("陶玲在农行办理了什么储蓄", "cluener-train-950"),
    ("徐克导演的哪部电影被要求重新审查", "cluener-train-9028"),
    ("金庸在香港创办了哪份报纸", "cluener-train-3657,cluener-train-8318"),
    ("埃梅里执教的是哪支球队", "cluener-train-1013"),
    ("韩国OGN电视台的总经理是谁", "cluener-train-2961"),
    ("希特勒当年靠什么赚钱过活", "cluener-train-5146"),
    ("章凌名下的定期存款被谁提前支取了", "cluener-train-4744"),
    ("哪些地方的武侯祠有这幅帖的刻石", "cluener-train-7104"),
    ("世界上最长的单跨缆车在塔斯马尼亚的哪里", "cluener-train-976"),
    ("于有斌感谢了哪些人为崇礼政府提建议", "cluener-train-3517"),
    ("五角大楼说美军的f-22要承担什么任务", "cluener-train-791"),
];

/// More questions over CLUENER sentences, written after the ranking was
/// settled and never tuned on.
const CLUENER_FRESH_QUESTIONS: &[(&str, &str)] = &[
    ("曼联被哪支球队逼平", "cluener-train-2929"),
    ("乾隆皇帝的青玉螭龙钮在哪家公司拍卖", "cluener-train-10222"),
    ("库兰达集市是什么时候建立的", "cluener-train-9640"),
    ("保持通话是谁导演的", "cluener-train-6358"),
    ("夺宝冒险王是哪家公司研发的", "cluener-train-7560"),
    ("曼城引进了哪些球星", "cluener-train-2932"),
    ("美军为训练军官开发了什么游戏", "cluener-train-698"),
    ("上季联盟杯最佳射手是谁", "cluener-train-4413"),
];

struct Question {
    text: String,
    answers: Vec<String>,
    split: String,
}

/// A collection: its id → text records for the baseline, and innograph's
/// engine over the same texts.
struct Collection {
    name: &'static str,
    records: Vec<(String, String)>,
    engine: Engine,
    questions: Vec<Question>,
    _dir: tempfile::TempDir,
}

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn curated() -> BenchResult<Collection> {
    let corpus_dir = crate_path("corpus");
    let dir = tempfile::tempdir()?;
    let index = dir.path().join("index");
    innograph::store::build(&corpus_dir, &index, &mut |_| {})?;
    let corpus = innograph::corpus::load(&corpus_dir)?;
    let mut records: Vec<(String, String)> = corpus
        .entities
        .iter()
        .map(|e| {
            let text = format!("{} {} {}", e.name, e.aliases.join(" "), e.description);
            (e.id.clone(), text)
        })
        .collect();
    records.extend(
        corpus
            .documents
            .iter()
            .map(|d| (d.id.clone(), format!("{}\n{}", d.title, d.text))),
    );
    let text = std::fs::read_to_string(crate_path("tests/data/curated_questions.tsv"))?;
    let questions = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            Question {
                text: fields[0].to_string(),
                answers: fields[1].split(',').map(str::to_string).collect(),
                split: fields[2].to_string(),
            }
        })
        .collect();
    Ok(Collection {
        name: "curated",
        records,
        engine: Engine::open(&index)?,
        questions,
        _dir: dir,
    })
}

fn read_jsonl(path: &Path) -> BenchResult<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?)
}

/// A collection of documents (id, title, text) and its questions.
fn documents(
    name: &'static str,
    documents: Vec<Document>,
    questions: &[(&str, &str)],
    fresh: &[(&str, &str)],
) -> BenchResult<Collection> {
    let dir = tempfile::tempdir()?;
    let corpus_dir = dir.path().join("corpus");
    let index = dir.path().join("index");
    let records = documents
        .iter()
        .map(|d| (d.id.clone(), format!("{}\n{}", d.title, d.text)))
        .collect();
    write_document_corpus(&corpus_dir, name, documents)?;
    innograph::store::build(&corpus_dir, &index, &mut |_| {})?;
    Ok(Collection {
        name,
        records,
        engine: Engine::open(&index)?,
        questions: questions
            .iter()
            .map(|q| (q, "held"))
            .chain(fresh.iter().map(|q| (q, "fresh")))
            .map(|((text, answer), split)| Question {
                text: text.to_string(),
                answers: answer.split(',').map(str::to_string).collect(),
                split: split.into(),
            })
            .collect(),
        _dir: dir,
    })
}

fn csl(path: &Path) -> BenchResult<Collection> {
    let papers = read_jsonl(path)?
        .into_iter()
        .map(|p| Document {
            id: p["id"].as_str().unwrap_or_default().to_string(),
            title: p["title"].as_str().unwrap_or_default().to_string(),
            text: p["abstract"].as_str().unwrap_or_default().to_string(),
            source: "CSL benchmark (ydli-ai/CSL, Apache-2.0)".into(),
            ..Default::default()
        })
        .collect();
    documents("csl", papers, CSL_QUESTIONS, CSL_FRESH_QUESTIONS)
}

fn cluener(path: &Path) -> BenchResult<Collection> {
    let sentences = read_jsonl(path)?
        .into_iter()
        .map(|s| Document {
            id: s["id"].as_str().unwrap_or_default().to_string(),
            text: s["text"].as_str().unwrap_or_default().to_string(),
            source: "CLUENER 2020".into(),
            ..Default::default()
        })
        .collect();
    documents("cluener", sentences, CLUENER_QUESTIONS, CLUENER_FRESH_QUESTIONS)
}

/// BM25 over jieba words: one field, tantivy-jieba, any word may match.
struct Baseline {
    index: Index,
    key: tantivy::schema::Field,
    body: tantivy::schema::Field,
}

impl Baseline {
    fn build(records: &[(String, String)]) -> BenchResult<Baseline> {
        let mut schema = Schema::builder();
        let key = schema.add_text_field("key", STRING | STORED);
        let body = schema.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("jieba")
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let index = Index::create_in_ram(schema.build());
        index
            .tokenizers()
            .register("jieba", tantivy_jieba::JiebaTokenizer::new());
        let mut writer: tantivy::IndexWriter = index.writer(64 << 20)?;
        for (id, text) in records {
            writer.add_document(doc!(key => id.as_str(), body => text.as_str()))?;
        }
        writer.commit()?;
        Ok(Baseline { index, key, body })
    }

    /// The question cut by tantivy-jieba, every word a `Should` term:
    /// BM25 of the words an entry holds. (tantivy's `QueryParser` would read
    /// an unspaced Chinese question as one phrase.)
    fn search(&self, question: &str) -> BenchResult<Vec<String>> {
        let mut tokenizer = self.index.tokenizer_for_field(self.body)?;
        let mut stream = tokenizer.token_stream(question);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        while let Some(token) = stream.next() {
            if token.text.chars().any(char::is_alphanumeric) {
                let term = Term::from_field_text(self.body, &token.text);
                clauses.push((
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                ));
            }
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.index.reader()?.searcher();
        let mut ids = Vec::new();
        for (_, address) in searcher.search(&query, &TopDocs::with_limit(10).order_by_score())? {
            let doc: TantivyDocument = searcher.doc(address)?;
            ids.push(
                doc.get_first(self.key)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
            );
        }
        Ok(ids)
    }
}

/// Reciprocal rank of the first answer among `ids` (0 when none).
fn reciprocal_rank(ids: &[String], answers: &[String]) -> f64 {
    ids.iter()
        .position(|id| answers.contains(id))
        .map_or(0.0, |rank| 1.0 / (rank + 1) as f64)
}

#[derive(Default)]
struct Score {
    questions: usize,
    mrr: f64,
    top3: usize,
}

impl Score {
    fn add(&mut self, rr: f64) {
        self.questions += 1;
        self.mrr += rr;
        if rr >= 1.0 / 3.0 {
            self.top3 += 1;
        }
    }

    fn cells(&self) -> [String; 2] {
        let n = self.questions.max(1) as f64;
        [format!("{:.3}", self.mrr / n), format!("{:.2}", self.top3 as f64 / n)]
    }
}

fn main() -> BenchResult<()> {
    let data = crate_path("../shared/data");
    let mut collections = vec![curated()?];
    let csl_path = data.join("csl/papers.jsonl");
    let cluener_path = data.join("cluener2020/train.jsonl");
    if csl_path.is_file() && cluener_path.is_file() {
        collections.push(csl(&csl_path)?);
        collections.push(cluener(&cluener_path)?);
    } else {
        eprintln!("../shared/data is missing: only the curated questions run");
    }
    let mut rows = Vec::new();
    let mut totals: HashMap<&str, (Score, Score)> = HashMap::new();
    for collection in &collections {
        let baseline = Baseline::build(&collection.records)?;
        let mut by_split: Vec<(String, Score, Score)> = Vec::new();
        for question in &collection.questions {
            let ours: Vec<String> = collection
                .engine
                .search(&SearchRequest::new(&question.text, 10))?
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect();
            let theirs = baseline.search(&question.text)?;
            let (rr_ours, rr_theirs) = (
                reciprocal_rank(&ours, &question.answers),
                reciprocal_rank(&theirs, &question.answers),
            );
            if rr_ours < rr_theirs {
                eprintln!(
                    "[{}] {} → {:?} (expected {:?})",
                    collection.name,
                    question.text,
                    &ours[..ours.len().min(3)],
                    question.answers
                );
            }
            let slot = match by_split.iter().position(|(split, _, _)| *split == question.split) {
                Some(at) => at,
                None => {
                    by_split.push((question.split.clone(), Score::default(), Score::default()));
                    by_split.len() - 1
                }
            };
            by_split[slot].1.add(rr_ours);
            by_split[slot].2.add(rr_theirs);
            let total = totals
                .entry(match question.split.as_str() {
                    "tune" => "tuned on",
                    "fresh" => "fresh (written after tuning)",
                    _ => "held out",
                })
                .or_default();
            total.0.add(rr_ours);
            total.1.add(rr_theirs);
        }
        for (split, ours, theirs) in by_split {
            let [mrr, top3] = ours.cells();
            let [base_mrr, base_top3] = theirs.cells();
            rows.push(vec![
                collection.name.to_string(),
                split,
                ours.questions.to_string(),
                mrr,
                base_mrr,
                top3,
                base_top3,
            ]);
        }
    }
    let mut keys: Vec<&&str> = totals.keys().collect();
    keys.sort();
    for key in keys {
        let (ours, theirs) = &totals[*key];
        let [mrr, top3] = ours.cells();
        let [base_mrr, base_top3] = theirs.cells();
        rows.push(vec![
            "all".into(),
            key.to_string(),
            ours.questions.to_string(),
            mrr,
            base_mrr,
            top3,
            base_top3,
        ]);
    }
    println!("machine: {}", common::machine());
    print_table(
        &[
            "set",
            "split",
            "questions",
            "MRR@10 innograph",
            "MRR@10 BM25 baseline",
            "top-3 innograph",
            "top-3 baseline",
        ],
        &rows,
    );
    Ok(())
}
