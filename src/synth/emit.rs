//! Writing a planned ecosystem as a corpus: every entity, its relations,
//! news articles whose sentences are the evidence of the relations they
//! state, and the planted university–enterprise links. Records are drawn in
//! parallel, each from a random stream seeded by (seed, kind, index), and
//! written in a fixed order, so the output is the same on any machine.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};
use rayon::prelude::*;
use serde::Serialize;

use super::growth::{LinkKind, PlannedLink};
use super::plan::{Employer, Enterprise, Owner, Plan, LAST_YEAR};
use super::text::{self, date_in, pick, TopicId};
use super::vocab::{INDUSTRIES, PERSON_TITLES};
use crate::{Error, Result};

/// What to generate and where.
#[derive(Debug, Clone)]
pub struct GenConfig {
    /// Number of entities.
    pub entities: usize,
    pub seed: u64,
    pub out: PathBuf,
    /// Replace an earlier synthetic corpus in `out`.
    pub force: bool,
}

/// What was generated.
#[derive(Debug, Clone, Serialize)]
pub struct GenSummary {
    pub generator: &'static str,
    pub version: &'static str,
    pub seed: u64,
    pub entities: usize,
    pub relations: usize,
    pub documents: usize,
    pub truth_links: usize,
    pub entity_kinds: std::collections::BTreeMap<&'static str, usize>,
    pub elapsed_ms: u128,
    pub synthetic: bool,
}

/// File holding the parameters and counts of a synthetic corpus.
const MANIFEST: &str = "gen.json";

#[derive(Serialize)]
struct EntityOut<'a> {
    id: &'a str,
    kind: &'static str,
    name: &'a str,
    aliases: &'a [String],
    description: &'a str,
    industry: &'a [&'static str],
    location: &'a str,
    props: serde_json::Value,
}

#[derive(Serialize, Default)]
struct RelationProps<'a> {
    synthetic: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<&'a str>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    doc: &'a str,
    quote: &'a str,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<&'static str>,
    props: RelationProps<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<EvidenceOut<'a>>,
}

/// A relation being assembled, with the news sentence that states it.
struct Link {
    from: String,
    to: String,
    kind: &'static str,
    since: Option<u16>,
    amount: Option<f64>,
    unit: Option<&'static str>,
    share: Option<f64>,
    organization: Option<String>,
    sentence: Option<String>,
}

impl Link {
    fn new(from: String, to: String, kind: &'static str) -> Link {
        Link {
            from,
            to,
            kind,
            since: None,
            amount: None,
            unit: None,
            share: None,
            organization: None,
            sentence: None,
        }
    }

    fn since(mut self, year: u16) -> Link {
        self.since = Some(year);
        self
    }

    fn amount(mut self, amount: f64, unit: &'static str) -> Link {
        self.amount = Some(amount);
        self.unit = Some(unit);
        self
    }

    fn says(mut self, sentence: String) -> Link {
        self.sentence = Some(sentence);
        self
    }
}

/// The text one job produces, per output file.
#[derive(Default)]
struct Output {
    entities: String,
    relations: String,
    documents: String,
    truth: String,
    relation_count: usize,
    document_count: usize,
    truth_count: usize,
}

impl Output {
    fn line<T: Serialize>(target: &mut String, value: &T) {
        // serialising plain structs of strings and numbers cannot fail
        if let Ok(json) = serde_json::to_string(value) {
            target.push_str(&json);
            target.push('\n');
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn entity(
        &mut self,
        id: &str,
        kind: &'static str,
        name: &str,
        aliases: &[String],
        description: &str,
        industry: &[&'static str],
        location: &str,
        props: serde_json::Value,
    ) {
        let record = EntityOut {
            id,
            kind,
            name,
            aliases,
            description,
            industry,
            location,
            props,
        };
        Output::line(&mut self.entities, &record);
    }

    /// Writes relations; those whose sentence is in `document` cite it.
    fn relations(&mut self, links: &[Link], document: Option<&str>) {
        for link in links {
            let evidence = match (document, &link.sentence) {
                (Some(doc), Some(quote)) => vec![EvidenceOut { doc, quote }],
                _ => Vec::new(),
            };
            let record = RelationOut {
                from: &link.from,
                to: &link.to,
                kind: link.kind,
                since: link.since.map(|y| y.to_string()),
                amount: link.amount,
                unit: link.unit,
                props: RelationProps {
                    synthetic: true,
                    share: link.share,
                    organization: link.organization.as_deref(),
                },
                evidence,
            };
            Output::line(&mut self.relations, &record);
            self.relation_count += 1;
        }
    }

    fn merge(&mut self, other: Output) {
        self.entities.push_str(&other.entities);
        self.relations.push_str(&other.relations);
        self.documents.push_str(&other.documents);
        self.truth.push_str(&other.truth);
        self.relation_count += other.relation_count;
        self.document_count += other.document_count;
        self.truth_count += other.truth_count;
    }
}

/// Kinds of records, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Industry,
    Zone,
    University,
    Institute,
    Platform,
    Policy,
    Enterprise,
    Person,
    Project,
    Product,
    Patent,
}

impl Kind {
    const ALL: [Kind; 11] = [
        Kind::Industry,
        Kind::Zone,
        Kind::University,
        Kind::Institute,
        Kind::Platform,
        Kind::Policy,
        Kind::Enterprise,
        Kind::Person,
        Kind::Project,
        Kind::Product,
        Kind::Patent,
    ];

    fn prefix(self) -> &'static str {
        match self {
            Kind::Industry => "ind",
            Kind::Zone => "zone",
            Kind::University => "uni",
            Kind::Institute => "inst",
            Kind::Platform => "plat",
            Kind::Policy => "pol",
            Kind::Enterprise => "ent",
            Kind::Person => "per",
            Kind::Project => "proj",
            Kind::Product => "prod",
            Kind::Patent => "pat",
        }
    }

    fn entity_kind(self) -> &'static str {
        match self {
            Kind::Industry => "industry",
            Kind::Zone => "zone",
            Kind::University => "university",
            Kind::Institute => "institute",
            Kind::Platform => "platform",
            Kind::Policy => "policy",
            Kind::Enterprise => "enterprise",
            Kind::Person => "person",
            Kind::Project => "project",
            Kind::Product => "product",
            Kind::Patent => "patent",
        }
    }

    fn count(self, plan: &Plan) -> usize {
        let c = &plan.counts;
        match self {
            Kind::Industry => c.industries,
            Kind::Zone => c.zones,
            Kind::University => c.universities,
            Kind::Institute => c.institutes,
            Kind::Platform => c.platforms,
            Kind::Policy => c.policies,
            Kind::Enterprise => c.enterprises,
            Kind::Person => c.persons,
            Kind::Project => c.projects,
            Kind::Product => c.products,
            Kind::Patent => c.patents,
        }
    }
}

fn id(kind: Kind, index: impl std::fmt::Display) -> String {
    format!("syn_{}_{index}", kind.prefix())
}

fn employer_id(employer: Employer) -> String {
    match employer {
        Employer::University(u) => id(Kind::University, u),
        Employer::Institute(i) => id(Kind::Institute, i),
        Employer::Enterprise(e) => id(Kind::Enterprise, e),
    }
}

/// The random stream of one record.
fn stream(seed: u64, kind: Kind, index: u32) -> ChaCha8Rng {
    let tag = kind as u64 + 1;
    let mixed = seed ^ tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    ChaCha8Rng::seed_from_u64(mixed)
}

fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64, cap: usize) -> usize {
    Poisson::new(mean).map(|p| p.sample(rng) as usize).unwrap_or(0).min(cap)
}

fn industry_name(index: u8) -> &'static str {
    INDUSTRIES[index as usize].name
}

fn topic_names(topics: &[TopicId]) -> String {
    topics.iter().map(|t| t.get().name).collect::<Vec<_>>().join("、")
}

/// Emits one job: records `range` of `kind`.
fn emit(plan: &Plan, kind: Kind, range: std::ops::Range<u32>) -> Output {
    let mut out = Output::default();
    for index in range {
        let mut rng = stream(plan.seed, kind, index);
        match kind {
            Kind::Industry => emit_industry(&mut out, index),
            Kind::Zone => emit_zone(&mut out, plan, index),
            Kind::University => emit_university(&mut out, plan, index, &mut rng),
            Kind::Institute => emit_institute(&mut out, plan, index),
            Kind::Platform => emit_platform(&mut out, plan, index),
            Kind::Policy => emit_policy(&mut out, plan, index),
            Kind::Enterprise => emit_enterprise(&mut out, plan, index, &mut rng),
            Kind::Person => emit_person(&mut out, plan, index),
            Kind::Project => emit_project(&mut out, plan, index, &mut rng),
            Kind::Product => emit_product(&mut out, plan, index, &mut rng),
            Kind::Patent => emit_patent(&mut out, plan, index, &mut rng),
        }
    }
    out
}

fn synthetic() -> serde_json::Value {
    serde_json::json!({"synthetic": true})
}

fn emit_industry(out: &mut Output, index: u32) {
    let industry = &INDUSTRIES[index as usize];
    let topics: Vec<&str> = industry.topics.iter().take(5).map(|t| t.name).collect();
    let description = format!("{}产业，涵盖{}等方向。", industry.name, topics.join("、"));
    out.entity(
        &id(Kind::Industry, index),
        "industry",
        industry.name,
        &[],
        &description,
        &[],
        "",
        synthetic(),
    );
}

fn emit_zone(out: &mut Output, plan: &Plan, index: u32) {
    let zone = &plan.zones[index as usize];
    let city = text::city(zone.city);
    let aliases = vec![format!("{city}高新区")];
    let description = format!(
        "{}是{city}的国家级高新区，集聚了大量科技企业、孵化载体和研发机构。",
        zone.name
    );
    out.entity(
        &id(Kind::Zone, index),
        "zone",
        &zone.name,
        &aliases,
        &description,
        &[],
        city,
        synthetic(),
    );
}

fn emit_university(out: &mut Output, plan: &Plan, index: u32, rng: &mut ChaCha8Rng) {
    let university = &plan.universities[index as usize];
    let industries: Vec<&'static str> = university.industries.iter().map(|&i| industry_name(i)).collect();
    let schools: Vec<&str> = university
        .industries
        .iter()
        .map(|&i| *pick(rng, &INDUSTRIES[i as usize].schools))
        .collect();
    let description = format!(
        "{}位于{}，设有{}等院系，在{}等领域开展科学研究与人才培养。",
        university.name,
        text::city(university.city),
        schools.join("、"),
        industries.join("、")
    );
    let own_id = id(Kind::University, index);
    out.entity(
        &own_id,
        "university",
        &university.name,
        &[],
        &description,
        &industries,
        text::city(university.city),
        synthetic(),
    );
    let links: Vec<Link> = university
        .industries
        .iter()
        .map(|&i| Link::new(own_id.clone(), id(Kind::Industry, i), "in_industry"))
        .collect();
    out.relations(&links, None);
}

fn emit_institute(out: &mut Output, plan: &Plan, index: u32) {
    let institute = &plan.institutes[index as usize];
    let industry = industry_name(institute.industry);
    let description = format!(
        "{}是位于{}的研究机构，主要从事{industry}领域的应用基础研究和技术转移。",
        institute.name,
        text::city(institute.city)
    );
    let own_id = id(Kind::Institute, index);
    out.entity(
        &own_id,
        "institute",
        &institute.name,
        &[],
        &description,
        &[industry],
        text::city(institute.city),
        synthetic(),
    );
    let mut links = vec![Link::new(
        own_id.clone(),
        id(Kind::Industry, institute.industry),
        "in_industry",
    )];
    if let Some(parent) = institute.parent {
        links.push(Link::new(
            own_id.clone(),
            id(Kind::University, parent),
            "affiliated_with",
        ));
    }
    out.relations(&links, None);
}

fn emit_platform(out: &mut Output, plan: &Plan, index: u32) {
    let platform = &plan.platforms[index as usize];
    let industry = industry_name(platform.industry);
    let description = format!(
        "{}是服务{industry}领域科技企业的孵化与创新平台，提供办公场地、中试验证和投融资对接等服务。",
        platform.name
    );
    let own_id = id(Kind::Platform, index);
    out.entity(
        &own_id,
        "platform",
        &platform.name,
        &[],
        &description,
        &[industry],
        text::city(platform.city),
        synthetic(),
    );
    let mut links = vec![Link::new(
        own_id.clone(),
        id(Kind::Industry, platform.industry),
        "in_industry",
    )];
    if let Some(zone) = platform.zone {
        links.push(Link::new(own_id, id(Kind::Zone, zone), "located_in"));
    }
    out.relations(&links, None);
}

fn emit_policy(out: &mut Output, plan: &Plan, index: u32) {
    let policy = &plan.policies[index as usize];
    let industry = industry_name(policy.industry);
    let description = format!(
        "{}于{}年推出，面向{industry}等领域的科技型企业，提供资金、金融或服务方面的支持。",
        policy.name, policy.year
    );
    let own_id = id(Kind::Policy, index);
    out.entity(
        &own_id,
        "policy",
        &policy.name,
        &[],
        &description,
        &[industry],
        text::city(policy.city),
        serde_json::json!({"synthetic": true, "year": policy.year}),
    );
    let mut links = vec![Link::new(
        own_id.clone(),
        id(Kind::Industry, policy.industry),
        "in_industry",
    )];
    if let Some(zone) = policy.zone {
        links.push(Link::new(own_id, id(Kind::Zone, zone), "issued_by").since(policy.year));
    }
    out.relations(&links, None);
}

/// A team's organisation id, name and kind.
fn team_org(plan: &Plan, team: u32) -> (String, &str, &'static str, u8) {
    let employer = plan.teams[team as usize].employer;
    let (name, city) = plan.research_org(employer);
    let kind = match employer {
        Employer::University(_) => "university",
        _ => "institute",
    };
    (employer_id(employer), name, kind, city)
}

#[derive(Serialize)]
struct TruthOut<'a> {
    organization: &'a str,
    organization_kind: &'a str,
    team: &'a str,
    enterprise: &'a str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    patent: Option<&'a str>,
    since: u16,
    synthetic: bool,
}

/// A planted university–enterprise link, as `truth.jsonl` lists it.
struct Planted {
    team: u32,
    kind: &'static str,
    patent: Option<u32>,
    since: u16,
}

impl Planted {
    fn new(team: u32, kind: &'static str, patent: Option<u32>, since: u16) -> Planted {
        Planted {
            team,
            kind,
            patent,
            since,
        }
    }
}

/// An enterprise being written: its plan, index and id. After an article's
/// first sentence the enterprise goes by its short name, `name`.
struct Subject<'a> {
    plan: &'a Plan,
    index: u32,
    enterprise: &'a Enterprise,
    id: String,
    name: &'a str,
}

/// Writes an enterprise: its profile, its relations with the sentences that
/// state them, a news article telling its story (for one enterprise in
/// two), and the university–enterprise links planted on it.
fn emit_enterprise(out: &mut Output, plan: &Plan, index: u32, rng: &mut ChaCha8Rng) {
    let enterprise = &plan.enterprises[index as usize];
    let subject = Subject {
        plan,
        index,
        enterprise,
        id: id(Kind::Enterprise, index),
        name: &enterprise.short_name,
    };
    emit_enterprise_profile(out, &subject, rng);
    let mut links: Vec<Link> = Vec::new();
    let planted = planted_links(&subject, &mut links);
    place_links(&subject, &mut links);
    support_links(&subject, rng, &mut links);
    partner_links(&subject, &mut links);
    links.extend(investment_link(&subject, rng));
    links.extend(equity_link(&subject, rng));
    links.extend(chain_leader_link(&subject));
    links.extend(founder_link(&subject));
    let document = emit_article(out, &subject, &planted, &mut links, rng);
    out.relations(&links, document.as_deref());
    emit_truth(out, &subject, &planted);
}

/// The enterprise record: a profile stating its products and technical
/// needs, a unified social credit code, its founding year and capital.
fn emit_enterprise_profile(out: &mut Output, subject: &Subject, rng: &mut ChaCha8Rng) {
    let e = subject.enterprise;
    let city = text::city(e.city);
    let zone_name = e.zone.map(|z| subject.plan.zones[z as usize].name.as_str());
    let field = text::industry(e.industry);
    let mut products: Vec<&str> = (0..2).map(|_| *pick(rng, &field.products)).collect();
    products.dedup();
    let needs: Vec<String> = e.needs.iter().map(|&n| text::need_text(rng, n)).collect();
    let description = format!(
        "{}成立于{}年，位于{}，主要从事{}相关产品的研发、生产与销售，主营{}。技术需求：{}。",
        e.name,
        e.founded,
        zone_name.unwrap_or(city),
        topic_names(&e.topics),
        products.join("、"),
        needs.join("；")
    );
    let region = 370_000 + (e.city as u32 % 17) * 100 + rng.random_range(1..=20);
    let props = serde_json::json!({
        "synthetic": true,
        "credit_code": text::credit_code(rng, region),
        "founded": e.founded,
        "registered_capital_wan_yuan": (e.weight * 500.0).round().min(5.0e6),
    });
    out.entity(
        &subject.id,
        "enterprise",
        &e.name,
        std::slice::from_ref(&e.short_name),
        &description,
        &[industry_name(e.industry)],
        city,
        props,
    );
}

/// The university–enterprise links planned for the enterprise
/// ([`super::growth`]), with the sentences that state them.
fn planted_links(subject: &Subject, links: &mut Vec<Link>) -> Vec<Planted> {
    let plan = subject.plan;
    let mut planted = Vec::new();
    for link in &plan.links[subject.index as usize] {
        let (mut out, record) = planted_link(subject, link);
        out.organization = Some(team_org(plan, link.team).0);
        links.push(out);
        planted.push(record);
    }
    planted
}

/// The relation a planned link makes: a collaboration with the team's
/// leader, a transfer or licence of one of the team's patents, or a
/// spin-off the leader founded.
fn planted_link(subject: &Subject, planned: &PlannedLink) -> (Link, Planted) {
    let plan = subject.plan;
    let name = subject.name;
    let team = planned.team;
    let (_, org_name, _, _) = team_org(plan, team);
    let team_data = &plan.teams[team as usize];
    let leader = &plan.persons[team_data.leader as usize];
    let title = PERSON_TITLES[leader.title as usize].0;
    let topic = closest_topic(subject.enterprise, &team_data.topics);
    let leader_id = id(Kind::Person, team_data.leader);
    let since = planned.year;
    match planned.kind {
        LinkKind::Collaboration => (
            Link::new(leader_id, subject.id.clone(), "collaborates_with")
                .since(since)
                .says(format!(
                    "{org_name}{}{title}团队与{name}签订产学研合作协议，双方将围绕{}开展联合攻关。",
                    leader.name,
                    topic.get().name
                )),
            Planted::new(team, "collaborates_with", None, since),
        ),
        LinkKind::SpinOff => (
            Link::new(leader_id, subject.id.clone(), "founded")
                .since(since)
                .says(format!(
                    "{org_name}{}{title}以{}方向的科研成果作价入股，创办了{name}。",
                    leader.name,
                    topic.get().name
                )),
            Planted::new(team, "founded", None, since),
        ),
        LinkKind::Transfer(patent) | LinkKind::Licence(patent) => {
            let (patent_title, _) = text::patent_text(
                &mut stream(plan.seed, Kind::Patent, patent),
                plan.patents[patent as usize].topic,
            );
            let patent_id = id(Kind::Patent, patent);
            if matches!(planned.kind, LinkKind::Transfer(_)) {
                let link = Link::new(patent_id, subject.id.clone(), "transferred_to")
                    .since(since)
                    .says(format!(
                        "{org_name}将“{patent_title}”专利转让给{name}，推动该成果产业化。"
                    ));
                (link, Planted::new(team, "transferred_to", Some(patent), since))
            } else {
                let link = Link::new(patent_id, subject.id.clone(), "licensed_to")
                    .since(since)
                    .says(format!("{name}获得{org_name}“{patent_title}”专利的实施许可。"));
                (link, Planted::new(team, "licensed_to", Some(patent), since))
            }
        }
    }
}

/// Of a team's topics, the one closest to the enterprise's needs.
fn closest_topic(e: &Enterprise, topics: &[TopicId]) -> TopicId {
    let closeness = |t: &TopicId| e.needs.iter().map(|n| n.similarity(*t)).fold(0.0, f64::max);
    *topics
        .iter()
        .max_by(|a, b| closeness(a).total_cmp(&closeness(b)))
        .expect("a team has topics")
}

/// Where the enterprise is: its zone, its industry and its incubator.
fn place_links(subject: &Subject, links: &mut Vec<Link>) {
    let plan = subject.plan;
    let e = subject.enterprise;
    let name = subject.name;
    if let Some(zone) = e.zone {
        links.push(
            Link::new(subject.id.clone(), id(Kind::Zone, zone), "located_in")
                .since(e.founded)
                .says(format!("{name}坐落于{}。", plan.zones[zone as usize].name)),
        );
    }
    links.push(Link::new(
        subject.id.clone(),
        id(Kind::Industry, e.industry),
        "in_industry",
    ));
    if let Some(platform) = e.incubator {
        links.push(
            Link::new(subject.id.clone(), id(Kind::Platform, platform), "incubated_by")
                .since(e.founded)
                .says(format!(
                    "{name}入驻{}，获得了场地、中试和投融资对接等孵化服务。",
                    plan.platforms[platform as usize].name
                )),
        );
    }
}

/// Policies that funded the enterprise: a few, mostly its own city's,
/// popular ones more often.
fn support_links(subject: &Subject, rng: &mut ChaCha8Rng, links: &mut Vec<Link>) {
    let plan = subject.plan;
    let e = subject.enterprise;
    let mut supporters: Vec<u32> = Vec::new();
    for _ in 0..poisson(rng, 2.8, 8) {
        let local = &plan.policies_by_city[e.city as usize];
        let policy = if !local.is_empty() && rng.random_bool(0.8) {
            local[(plan.policy_zipf.sample(rng) as usize - 1) % local.len()]
        } else {
            (plan.policy_zipf.sample(rng) as u32 - 1).min(plan.policies.len() as u32 - 1)
        };
        if supporters.contains(&policy) {
            continue;
        }
        supporters.push(policy);
        let amount = (rng.random_range(1..=40) * 50) as f64;
        let since = plan.policies[policy as usize].year.max(e.founded);
        links.push(
            Link::new(subject.id.clone(), id(Kind::Policy, policy), "supported_by")
                .since(since)
                .amount(amount, "万元")
                .says(format!(
                    "{}获得“{}”支持资金{amount}万元。",
                    subject.name, plan.policies[policy as usize].name
                )),
        );
    }
}

/// Strategic partnerships with other enterprises, as planned (large ones
/// more often).
fn partner_links(subject: &Subject, links: &mut Vec<Link>) {
    let plan = subject.plan;
    let e = subject.enterprise;
    for partner in &plan.partners[subject.index as usize] {
        links.push(
            Link::new(
                subject.id.clone(),
                id(Kind::Enterprise, partner.other),
                "collaborates_with",
            )
            .since(partner.year)
            .says(format!(
                "{}与{}签署战略合作协议，共同拓展{}市场。",
                subject.name,
                plan.enterprises[partner.other as usize].name,
                industry_name(e.industry)
            )),
        );
    }
}

/// An investment in the enterprise by another, for one enterprise in twelve
/// or so.
fn investment_link(subject: &Subject, rng: &mut ChaCha8Rng) -> Option<Link> {
    let plan = subject.plan;
    let e = subject.enterprise;
    if !rng.random_bool(0.08) {
        return None;
    }
    let investor = plan.enterprise_sampler.sample(rng) as u32;
    if investor == subject.index {
        return None;
    }
    let amount = (rng.random_range(2..=200) * 100) as f64;
    let investor_name = &plan.enterprises[investor as usize].name;
    Some(
        Link::new(id(Kind::Enterprise, investor), subject.id.clone(), "invests_in")
            .since(rng.random_range(e.founded..=LAST_YEAR.max(e.founded)))
            .amount(amount, "万元")
            .says(format!("{investor_name}向{}投资{amount}万元。", subject.name)),
    )
}

/// A stake the enterprise holds in another, for one enterprise in twenty or
/// so.
fn equity_link(subject: &Subject, rng: &mut ChaCha8Rng) -> Option<Link> {
    let plan = subject.plan;
    let e = subject.enterprise;
    if !rng.random_bool(0.05) {
        return None;
    }
    let other = plan.enterprise_sampler.sample(rng) as u32;
    if other == subject.index {
        return None;
    }
    let share = (rng.random_range(5..=60)) as f64;
    let mut link = Link::new(subject.id.clone(), id(Kind::Enterprise, other), "holds_equity_in")
        .since(rng.random_range(e.founded..=LAST_YEAR.max(e.founded)))
        .says(format!(
            "{}入股{}，持股比例为{share}%。",
            subject.name, plan.enterprises[other as usize].name
        ));
    link.share = Some(share / 100.0);
    Some(link)
}

/// The industry chain the enterprise leads, if it is among the largest.
fn chain_leader_link(subject: &Subject) -> Option<Link> {
    let e = subject.enterprise;
    (e.weight >= subject.plan.chain_leader_weight).then(|| {
        Link::new(subject.id.clone(), id(Kind::Industry, e.industry), "chain_leader_of").says(format!(
            "{}被认定为{}市{}产业链链主企业。",
            subject.name,
            text::city(e.city),
            industry_name(e.industry)
        ))
    })
}

/// The founder of the enterprise: its first employee, if a chairman or
/// founder by title.
fn founder_link(subject: &Subject) -> Option<Link> {
    let plan = subject.plan;
    let e = subject.enterprise;
    let founder = *plan.staff[subject.index as usize].first()?;
    let person = &plan.persons[founder as usize];
    let title = PERSON_TITLES[person.title as usize].0;
    matches!(title, "董事长" | "创始人").then(|| {
        Link::new(id(Kind::Person, founder), subject.id.clone(), "founded")
            .since(e.founded)
            .says(format!(
                "{}年，{}创办了{}，现任公司{title}。",
                e.founded, person.name, subject.name
            ))
    })
}

/// Sentences of an article that are evidence of the relations they state.
const TOLD: usize = 6;

/// Writes the news article of an enterprise, if it gets one (evenly spread
/// over the enterprises, one article per ten entities): an introduction,
/// then the sentences of its first six relations that have one, which cite
/// the article as their evidence; the other relations' sentences are
/// dropped. Returns the article's id.
fn emit_article(
    out: &mut Output,
    subject: &Subject,
    planted: &[Planted],
    links: &mut [Link],
    rng: &mut ChaCha8Rng,
) -> Option<String> {
    let plan = subject.plan;
    let e = subject.enterprise;
    let name = subject.name;
    let stride = (plan.counts.enterprises / (plan.counts.total() / 10).max(1)).max(1) as u32;
    if !subject.index.is_multiple_of(stride) {
        return None;
    }
    let document_id = format!("syn_news_{}", subject.index);
    let told: Vec<&str> = links.iter().filter_map(|l| l.sentence.as_deref()).take(TOLD).collect();
    let latest = links.iter().filter_map(|l| l.since).max().unwrap_or(e.founded);
    let intro = format!(
        "{}（简称{name}）成立于{}年，主要从事{}相关业务。",
        e.name,
        e.founded,
        topic_names(&e.topics)
    );
    let title = match planted.first() {
        Some(first) => format!("{}与{}深化产学研合作", e.short_name, team_org(plan, first.team).1),
        None => format!("{}加快{}技术产业化步伐", e.short_name, e.topics[0].get().name),
    };
    let text = std::iter::once(intro.as_str())
        .chain(told.iter().copied())
        .collect::<Vec<_>>()
        .join("");
    let document = serde_json::json!({
        "id": document_id,
        "title": title,
        "text": text,
        "date": date_in(rng, latest),
        "source": "synthetic (innograph gen)",
    });
    Output::line(&mut out.documents, &document);
    out.document_count += 1;
    for link in links.iter_mut().filter(|l| l.sentence.is_some()).skip(TOLD) {
        link.sentence = None;
    }
    Some(document_id)
}

/// Lists the links planted on the enterprise in `truth.jsonl`.
fn emit_truth(out: &mut Output, subject: &Subject, planted: &[Planted]) {
    let plan = subject.plan;
    for link in planted {
        let (org_id, _, org_kind, _) = team_org(plan, link.team);
        let leader_id = id(Kind::Person, plan.teams[link.team as usize].leader);
        let patent_id = link.patent.map(|p| id(Kind::Patent, p));
        let record = TruthOut {
            organization: &org_id,
            organization_kind: org_kind,
            team: &leader_id,
            enterprise: &subject.id,
            kind: link.kind,
            patent: patent_id.as_deref(),
            since: link.since,
            synthetic: true,
        };
        Output::line(&mut out.truth, &record);
        out.truth_count += 1;
    }
}

fn emit_person(out: &mut Output, plan: &Plan, index: u32) {
    let person = &plan.persons[index as usize];
    let title = PERSON_TITLES[person.title as usize].0;
    let own_id = id(Kind::Person, index);
    let (org_name, city) = plan.research_org(person.employer);
    let description = match person.team {
        Some(team) => {
            let team = &plan.teams[team as usize];
            let keywords: Vec<&str> = team.topics.iter().map(|t| t.get().keywords[0]).collect();
            if team.leader == index {
                format!(
                    "{}，{org_name}{title}，带领团队长期从事{}研究，关键技术包括{}。",
                    person.name,
                    topic_names(&team.topics),
                    keywords.join("、")
                )
            } else {
                format!(
                    "{}，{org_name}{title}，研究方向为{}。",
                    person.name,
                    topic_names(&team.topics)
                )
            }
        }
        None => format!("{}，{org_name}{title}。", person.name),
    };
    out.entity(
        &own_id,
        "person",
        &person.name,
        &[],
        &description,
        &[],
        text::city(city),
        serde_json::json!({"synthetic": true, "title": title}),
    );
    let links = vec![Link::new(own_id, employer_id(person.employer), "affiliated_with")];
    out.relations(&links, None);
}

fn emit_patent(out: &mut Output, plan: &Plan, index: u32, rng: &mut ChaCha8Rng) {
    let patent = &plan.patents[index as usize];
    let (title, abstract_text) = text::patent_text(rng, patent.topic);
    let own_id = id(Kind::Patent, index);
    let field = text::industry(patent.topic.industry);
    let invention = rng.random_bool(0.7);
    let applied = date_in(rng, patent.year);
    let (applicant, city, pool): (String, u8, &[u32]) = match patent.owner {
        Owner::Team(team) => {
            let team_data = &plan.teams[team as usize];
            let (org_id, _, _, city) = team_org(plan, team);
            (org_id, city, &team_data.members)
        }
        Owner::Enterprise(e) => (
            id(Kind::Enterprise, e),
            plan.enterprises[e as usize].city,
            &plan.staff[e as usize],
        ),
    };
    let props = serde_json::json!({
        "synthetic": true,
        "application_no": text::application_number(rng, patent.year, invention),
        "ipc": pick(rng, &field.ipc),
        "type": if invention { "发明" } else { "实用新型" },
        "applied": applied,
    });
    out.entity(
        &own_id,
        "patent",
        &title,
        &[],
        &abstract_text,
        &[field.name],
        text::city(city),
        props,
    );
    let mut links = vec![
        Link::new(applicant, own_id.clone(), "applicant_of").since(patent.year),
        Link::new(own_id.clone(), id(Kind::Industry, patent.topic.industry), "in_industry"),
    ];
    if !pool.is_empty() {
        let inventors = rng.random_range(3..=9).min(pool.len());
        let start = rng.random_range(0..pool.len());
        for offset in 0..inventors {
            let person = pool[(start + offset) % pool.len()];
            links.push(Link::new(id(Kind::Person, person), own_id.clone(), "inventor_of").since(patent.year));
        }
    }
    out.relations(&links, None);
}

fn emit_project(out: &mut Output, plan: &Plan, index: u32, rng: &mut ChaCha8Rng) {
    let own_id = id(Kind::Project, index);
    let by_team = !plan.teams.is_empty() && rng.random_bool(0.4);
    let (owner_id, leader, topic, city) = if by_team {
        let team = rng.random_range(0..plan.teams.len()) as u32;
        let team_data = &plan.teams[team as usize];
        let (org_id, _, _, city) = team_org(plan, team);
        (org_id, Some(team_data.leader), *pick(rng, &team_data.topics), city)
    } else {
        let e = plan.enterprise_sampler.sample(rng) as u32;
        let enterprise = &plan.enterprises[e as usize];
        (
            id(Kind::Enterprise, e),
            plan.staff[e as usize].first().copied(),
            *pick(rng, &enterprise.topics),
            enterprise.city,
        )
    };
    let (title, description) = text::project_text(rng, topic);
    let start = rng.random_range(2008..=LAST_YEAR);
    let budget = (rng.random_range(2..=300) * 10) as f64;
    out.entity(
        &own_id,
        "project",
        &title,
        &[],
        &description,
        &[industry_name(topic.industry)],
        text::city(city),
        serde_json::json!({"synthetic": true, "start": start, "budget_wan_yuan": budget}),
    );
    let mut links = vec![
        Link::new(owner_id, own_id.clone(), "undertakes").since(start),
        Link::new(own_id.clone(), id(Kind::Industry, topic.industry), "in_industry"),
    ];
    if let Some(person) = leader {
        links.push(Link::new(id(Kind::Person, person), own_id.clone(), "leads").since(start));
    }
    if rng.random_bool(0.5) {
        let policy = (plan.policy_zipf.sample(rng) as u32 - 1).min(plan.policies.len() as u32 - 1);
        links.push(
            Link::new(own_id.clone(), id(Kind::Policy, policy), "supported_by")
                .since(start)
                .amount(budget / 2.0, "万元"),
        );
    }
    out.relations(&links, None);
}

fn emit_product(out: &mut Output, plan: &Plan, index: u32, rng: &mut ChaCha8Rng) {
    let own_id = id(Kind::Product, index);
    let owner = plan.enterprise_sampler.sample(rng) as u32;
    let enterprise = &plan.enterprises[owner as usize];
    let field = text::industry(enterprise.industry);
    let noun = *pick(rng, &field.products);
    let brand: String = enterprise.short_name.chars().take(2).collect();
    let name = format!("{brand}{noun}");
    let model = format!(
        "{}-{}",
        rng.random_range(100..999),
        ["A", "S", "Pro", "X", "M"][rng.random_range(0..5)]
    );
    let description = format!(
        "{}推出的{noun}（型号{model}），面向{}，采用{}技术。",
        enterprise.name,
        pick(rng, &field.applications),
        pick(rng, &enterprise.topics[0].get().keywords)
    );
    out.entity(
        &own_id,
        "product",
        &name,
        &[],
        &description,
        &[field.name],
        text::city(enterprise.city),
        serde_json::json!({"synthetic": true, "model": model}),
    );
    let links = vec![
        Link::new(id(Kind::Enterprise, owner), own_id.clone(), "produces"),
        Link::new(own_id.clone(), id(Kind::Industry, enterprise.industry), "in_industry"),
    ];
    out.relations(&links, None);
}

/// Checks that `out` may be written: empty, missing, or (with `force`) an
/// earlier synthetic corpus.
fn prepare_output(out: &Path, force: bool) -> Result<()> {
    if out.exists() {
        let entries: Vec<_> = fs::read_dir(out).map_err(|e| Error::io(out, e))?.flatten().collect();
        if !entries.is_empty() {
            let synthetic = out.join(MANIFEST).is_file();
            if !(force && synthetic) {
                let hint = if synthetic {
                    "pass --force to replace the earlier synthetic corpus"
                } else {
                    "it holds files that are not a synthetic corpus, choose an empty directory"
                };
                return Err(Error::invalid_parameter(
                    "out",
                    format!("`{}` is not empty: {hint}", out.display()),
                ));
            }
            for entry in entries {
                let path = entry.path();
                let removed = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
                removed.map_err(|e| Error::io(&path, e))?;
            }
        }
    }
    fs::create_dir_all(out.join("documents")).map_err(|e| Error::io(out, e))
}

/// The output files of a corpus.
struct Files {
    entities: BufWriter<File>,
    relations: BufWriter<File>,
    documents: BufWriter<File>,
    truth: BufWriter<File>,
}

fn create(path: PathBuf) -> Result<BufWriter<File>> {
    File::create(&path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| Error::io(path, e))
}

impl Files {
    fn create(out: &Path) -> Result<Files> {
        Ok(Files {
            entities: create(out.join("entities.jsonl"))?,
            relations: create(out.join("relations.jsonl"))?,
            documents: create(out.join("documents").join("news.jsonl"))?,
            truth: create(out.join("truth.jsonl"))?,
        })
    }

    /// Each file with its path in the output directory.
    fn named(&mut self) -> [(&mut BufWriter<File>, &'static str); 4] {
        [
            (&mut self.entities, "entities.jsonl"),
            (&mut self.relations, "relations.jsonl"),
            (&mut self.documents, "documents/news.jsonl"),
            (&mut self.truth, "truth.jsonl"),
        ]
    }

    /// Appends the text of one job to each file of the corpus in `out`.
    fn write(&mut self, output: &Output, out: &Path) -> Result<()> {
        let texts = [&output.entities, &output.relations, &output.documents, &output.truth];
        for ((file, name), text) in self.named().into_iter().zip(texts) {
            file.write_all(text.as_bytes())
                .map_err(|e| Error::io(out.join(name), e))?;
        }
        Ok(())
    }

    fn flush(&mut self, out: &Path) -> Result<()> {
        for (file, name) in self.named() {
            file.flush().map_err(|e| Error::io(out.join(name), e))?;
        }
        Ok(())
    }
}

/// The jobs that write a plan: every kind in output order, in chunks of at
/// most `CHUNK` records.
fn jobs(plan: &Plan) -> Vec<(Kind, std::ops::Range<u32>)> {
    const CHUNK: u32 = 2048;
    let mut jobs: Vec<(Kind, std::ops::Range<u32>)> = Vec::new();
    for kind in Kind::ALL {
        let count = kind.count(plan) as u32;
        let mut start = 0;
        while start < count {
            let end = (start + CHUNK).min(count);
            jobs.push((kind, start..end));
            start = end;
        }
    }
    jobs
}

/// Generates a synthetic ecosystem of `config.entities` entities into
/// `config.out`.
///
/// `progress` is called with (records written, total records).
pub fn generate(config: &GenConfig, progress: &mut dyn FnMut(u64, u64)) -> Result<GenSummary> {
    if config.entities < 100 {
        return Err(Error::invalid_parameter("entities", "must be at least 100"));
    }
    prepare_output(&config.out, config.force)?;
    let started = Instant::now();
    let plan = Plan::new(config.entities, config.seed);
    let total = plan.counts.total() as u64;
    tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "plan ready");

    // jobs run in parallel a batch at a time, and are written in order
    let mut files = Files::create(&config.out)?;
    let mut written = 0u64;
    let mut totals = Output::default();
    let batch = rayon::current_num_threads().max(1) * 8;
    for group in jobs(&plan).chunks(batch) {
        let outputs: Vec<Output> = group
            .par_iter()
            .map(|(kind, range)| emit(&plan, *kind, range.clone()))
            .collect();
        for (output, (_, range)) in outputs.into_iter().zip(group) {
            files.write(&output, &config.out)?;
            written += range.len() as u64;
            totals.merge(Output {
                relation_count: output.relation_count,
                document_count: output.document_count,
                truth_count: output.truth_count,
                ..Output::default()
            });
        }
        progress(written, total);
    }
    files.flush(&config.out)?;

    let summary = GenSummary {
        generator: "innograph gen",
        version: env!("CARGO_PKG_VERSION"),
        seed: config.seed,
        entities: plan.counts.total(),
        relations: totals.relation_count,
        documents: totals.document_count,
        truth_links: totals.truth_count,
        entity_kinds: Kind::ALL.iter().map(|k| (k.entity_kind(), k.count(&plan))).collect(),
        elapsed_ms: started.elapsed().as_millis(),
        synthetic: true,
    };
    let json = serde_json::to_vec_pretty(&summary).map_err(|e| Error::Serialization(e.to_string()))?;
    fs::write(config.out.join(MANIFEST), json).map_err(|e| Error::io(config.out.join(MANIFEST), e))?;
    Ok(summary)
}
