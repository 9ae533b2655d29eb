//! Ranking: the signals, their weights, and the explanation card of each
//! result. Every signal is a value in 0–1 per candidate; the score is
//! their weighted sum, and each result says what each signal gave.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::profile::{self, Side};
use super::records::{experienced, popularity};
use super::request::{
    Explanation, MatchEvidence, MatchQuery, MatchRequest, MatchResponse, MatchResult, MatchedTerm, SignalShare, Tie,
};
use crate::graph::{Budget, EntityIndex, KnowledgeGraph};
use crate::model::{EntityKind, EntityRef};
use crate::search::{FoundEntry, KindPages, SearchIndex, SearchRequest};
use crate::{Error, Result};

/// The weight of each signal in a match's score. The defaults
/// ([`Weights::FULL`]) were set on synthetic ecosystems of seeds 1 and 2
/// (10k) and 5 (100k) with the time split (`innograph eval match`) and
/// are documented in the README:
///
/// - `text`: BM25 relevance of the capability's patents, people, projects
///   and articles to the need's words: what the candidate can do;
/// - `industry`: the need and the candidate share an industry;
/// - `proximity`: short walks along ties join them (a partner's or a
///   fellow tenant's team, a team's people), busy intermediaries
///   discounted;
/// - `referral`: a partner of the enterprise, or a fellow tenant of its
///   incubator, has worked with the candidate (word of mouth: 1 − ½ⁿ for
///   n such peers);
/// - `locality`: same city, or the city of the entity's incubator
///   (collaboration is mostly local);
/// - `ties`: already tied (only seen with `include_linked`), or a team of
///   an organisation already worked with;
/// - `popularity`: the candidate's track record, how many enterprises it
///   has worked with (log scale), counted in full for a candidate whose
///   text or industry fits and half for another; the most experienced teams are candidates of an
///   enterprise's match even when the text missed them. Alone, it is a
///   baseline that ranks the same for every need.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub text: f32,
    pub industry: f32,
    pub proximity: f32,
    #[serde(default)]
    pub referral: f32,
    pub locality: f32,
    pub ties: f32,
    pub popularity: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights::FULL
    }
}

impl Weights {
    /// The matcher.
    pub const FULL: Weights = Weights {
        text: 0.2,
        industry: 0.04,
        proximity: 0.1,
        referral: 0.15,
        locality: 0.11,
        ties: 0.02,
        popularity: 0.38,
    };
    /// Text relevance alone (a baseline).
    pub const TEXT_ONLY: Weights = Weights {
        text: 1.0,
        industry: 0.0,
        proximity: 0.0,
        referral: 0.0,
        locality: 0.0,
        ties: 0.0,
        popularity: 0.0,
    };
    /// The graph's signals alone, proximity and referral (a baseline).
    pub const GRAPH_ONLY: Weights = Weights {
        text: 0.0,
        industry: 0.0,
        proximity: 1.0,
        referral: 1.0,
        locality: 0.0,
        ties: 0.0,
        popularity: 0.0,
    };
    /// The most tied candidates, whatever the need (a baseline).
    pub const POPULARITY: Weights = Weights {
        text: 0.0,
        industry: 0.0,
        proximity: 0.0,
        referral: 0.0,
        locality: 0.0,
        ties: 0.0,
        popularity: 1.0,
    };

    /// These weights with those `text` sets (`text=0.5,ties=0.2`: a
    /// signal name and its weight, comma-separated).
    pub fn with(mut self, text: &str) -> Result<Weights> {
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| Error::invalid_parameter("weights", format!("`{item}` is not `signal=weight`")))?;
            let value: f32 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f32| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    Error::invalid_parameter("weights", format!("`{value}` is not a weight of 0 or more"))
                })?;
            let slot = match name.trim() {
                "text" => &mut self.text,
                "industry" => &mut self.industry,
                "proximity" => &mut self.proximity,
                "referral" => &mut self.referral,
                "locality" => &mut self.locality,
                "ties" => &mut self.ties,
                "popularity" => &mut self.popularity,
                other => {
                    return Err(Error::invalid_parameter(
                        "weights",
                        format!(
                        "unknown signal `{other}`: text, industry, proximity, referral, locality, ties or popularity"
                    ),
                    ))
                }
            };
            *slot = value;
        }
        Ok(self)
    }

    fn named(&self) -> [(&'static str, f32); 7] {
        [
            ("text", self.text),
            ("industry", self.industry),
            ("proximity", self.proximity),
            ("referral", self.referral),
            ("locality", self.locality),
            ("ties", self.ties),
            ("popularity", self.popularity),
        ]
    }
}

/// Hits read per search of a match.
const HITS_PER_SEARCH: usize = crate::search::MAX_LIMIT;
/// Content words an entry must hold to count as relevant (a need text is
/// long; entries are ranked by how much of it they hold).
const MIN_WORDS: usize = 2;
/// Hits counted per candidate, strongest first, each worth
/// [`HIT_DECAY`] times the one before.
const HITS_PER_CANDIDATE: usize = 8;
const HIT_DECAY: f32 = 0.6;
/// Edges a proximity walk may read.
const WALK_VISITS: usize = 200_000;
/// Candidates the walk adds beside the text's.
const WALK_CANDIDATES: usize = 200;
/// One more than the enterprises a candidate must have worked with for
/// its track record to count in full (`popularity` is the log of one more
/// than their count over the log of this).
const SEASONED: f32 = 31.0;
/// What a track record counts for when neither the candidate's text nor
/// its industry fits the need: an experienced team is worth a look, but
/// less than one of the field.
const UNFITTING_RECORD: f32 = 0.5;
/// Candidates with the longest track records added beside the text's.
const EXPERIENCED_CANDIDATES: usize = 200;
/// What the whole profile's hits count for beside those of the need it
/// states.
const WHOLE_PROFILE: f32 = 0.5;
/// The `locality` value of a candidate in the city of the entity's
/// incubator rather than its own.
const INCUBATOR_PLACE: f32 = 0.5;
/// The `ties` value of a person whose organisation is already tied to
/// the entity (a direct tie is 1).
const ORG_TIE: f32 = 0.5;
/// What a researcher who leads no team counts for, against its leader,
/// when people are ranked for a need (the team is met through its leader).
const MEMBER_FACTOR: f32 = 0.5;
/// Bound of the search for each result's connecting path (a page of ten
/// stays within a match's time goal; a path not found within it is left
/// out of the card).
const PATH_BUDGET: Budget = Budget {
    max_visits: 5_000,
    max_time: std::time::Duration::from_millis(4),
};
/// Evidence items, terms, teams and patents shown per result.
const SHOWN: usize = 5;

/// A hit of one of the match's searches.
struct Hit {
    /// The entry found (its id and score).
    entry: FoundEntry,
    /// The text whose search found it (its title and snippet are read
    /// through that search's pages, for the results shown only).
    text_at: usize,
    /// Score relative to its search's best, times the search's factor.
    weight: f32,
}

/// What one candidate gathered.
#[derive(Default)]
struct Candidate {
    /// (hit, weight, via), strongest first once sorted.
    hits: Vec<(usize, f32, &'static str)>,
    text: f32,
    industry: f32,
    proximity: f32,
    referral: f32,
    /// The peers behind `referral`.
    referred_by: Vec<EntityIndex>,
    locality: f32,
    ties: f32,
    popularity: f32,
    score: f32,
    shared_industries: Vec<String>,
}

/// The need or capability matched, as read.
struct Source {
    entity: Option<EntityIndex>,
    /// The need its profile states (an enterprise's 技术需求), searched on
    /// its own as well.
    stated: Option<String>,
    side: Side,
    text: String,
    industries: Vec<String>,
    location: Option<String>,
    /// Where the entity's incubators are (a company is often incubated
    /// where its founders' lab is).
    incubator_places: Vec<String>,
}

/// Runs a match over the graph and the search index as they are now.
pub fn run(graph: &KnowledgeGraph, search: &SearchIndex, request: &MatchRequest) -> Result<MatchResponse> {
    request.validate()?;
    let started = std::time::Instant::now();
    let lap = |phase: &str| {
        tracing::debug!(phase, elapsed_ms = started.elapsed().as_secs_f64() * 1000.0, "match");
    };
    let weights = request.signals.unwrap_or_default();
    let source = read_source(graph, request)?;
    lap("read");
    let kinds = if request.kinds.is_empty() {
        source.side.default_kinds()
    } else {
        request.kinds.clone()
    };
    if let Some(bad) = kinds.iter().find(|k| !source.side.allowed_kinds().contains(k)) {
        let allowed: Vec<&str> = source.side.allowed_kinds().iter().map(|k| k.as_str()).collect();
        let what = match source.entity {
            Some(entity) => format!("an entity of kind {} is matched to", graph.kind_at(entity).as_str()),
            None => "a need is matched to".to_string(),
        };
        return Err(Error::invalid_parameter(
            "kind",
            format!("`{bad}` cannot be matched here: {what} {}", allowed.join(", ")),
        ));
    }
    let wanted = |kind: EntityKind| kinds.contains(&kind);
    let wants_orgs = kinds.iter().any(|&k| profile::is_research_org(k));

    // text relevance: hits of each search carried to the candidates they stand for
    let mut candidates: HashMap<EntityIndex, Candidate> = HashMap::new();
    let mut hits: Vec<Hit> = Vec::new();
    // each text's search, which reads the hits shown
    let mut searched: Vec<KindPages> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    // the stated need on its own (when the profile states one), and the whole profile
    let mut texts: Vec<(String, f32)> = Vec::new();
    if let Some(stated) = &source.stated {
        texts.push((profile::as_query_text(stated), 1.0));
    }
    let whole_factor = if texts.is_empty() { 1.0 } else { WHOLE_PROFILE };
    texts.push((profile::as_query_text(&source.text), whole_factor));
    texts.retain(|(text, _)| !text.trim().is_empty());
    let groups: Vec<Vec<String>> = source
        .side
        .searches()
        .iter()
        .map(|(kinds, _)| kinds.iter().map(|kind| kind.to_string()).collect())
        .collect();
    if weights.text > 0.0 {
        let mut responses = Vec::with_capacity(texts.len() * groups.len());
        // the best hit of a text over all its kinds: a kind whose best
        // hit is weak stays weak
        let mut best = vec![f32::EPSILON; texts.len()];
        for (text_at, (text, text_factor)) in texts.iter().enumerate() {
            let mut search_request = SearchRequest::new(text.clone(), HITS_PER_SEARCH);
            search_request.min_match = Some(MIN_WORDS);
            search_request.ignored = profile::FRAMING_WORDS;
            let mut found = search.search_per_kind(&search_request, &groups)?;
            for (page, (_, factor)) in std::mem::take(&mut found.pages).into_iter().zip(source.side.searches()) {
                if let Some(first) = page.entries.first() {
                    best[text_at] = best[text_at].max(first.score);
                }
                responses.push((text_at, factor * text_factor, page));
            }
            searched.push(found);
        }
        for (text_at, factor, response) in responses {
            let best = best[text_at];
            if let Some(reading) = &response.reading {
                for word in &reading.words {
                    if !words.contains(word) {
                        words.push(word.clone());
                    }
                }
            }
            for found in response.entries {
                let Some(position) = graph.position_of_id(&found.id) else {
                    continue;
                };
                if Some(position) == source.entity {
                    continue;
                }
                let weight = factor * found.score / best;
                let at = hits.len();
                for (candidate, carried, via) in profile::stood_for(graph, position, &wanted, wants_orgs) {
                    if Some(candidate) == source.entity {
                        continue;
                    }
                    candidates
                        .entry(candidate)
                        .or_default()
                        .hits
                        .push((at, weight * carried, via));
                }
                hits.push(Hit {
                    entry: found,
                    text_at,
                    weight,
                });
            }
        }
    }
    for candidate in candidates.values_mut() {
        candidate.hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // one hit counts once for a candidate, through its strongest route
        let mut seen = HashSet::new();
        candidate
            .hits
            .retain(|(hit, _, _)| seen.insert(hits[*hit].entry.id.as_str()));
        candidate.hits.truncate(HITS_PER_CANDIDATE);
        let mut factor = 1.0;
        for (_, weight, _) in &candidate.hits {
            candidate.text += weight * factor;
            factor *= HIT_DECAY;
        }
    }

    lap("searched");
    // graph proximity from the entity, and the candidates it adds
    if let Some(entity) = source.entity {
        if weights.proximity > 0.0 || weights.text == 0.0 {
            let reached = profile::walk_proximity(graph, entity, WALK_VISITS);
            let mut reached: Vec<(EntityIndex, f32)> = reached
                .into_iter()
                .filter(|(node, _)| wanted(graph.kind_at(*node)))
                .collect();
            reached.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.index().cmp(&b.0.index())));
            for (rank, (node, mass)) in reached.into_iter().enumerate() {
                match candidates.get_mut(&node) {
                    Some(candidate) => candidate.proximity = mass,
                    None if rank < WALK_CANDIDATES && weights.proximity > 0.0 => {
                        candidates.entry(node).or_default().proximity = mass;
                    }
                    None => {}
                }
            }
        }
    }

    // referrals: the candidates the entity's peers (partners, fellow
    // tenants) have worked with, or for a capability, the peers of the
    // enterprises it has worked with
    if let Some(entity) = source.entity {
        if weights.referral > 0.0 {
            for (candidate, peers) in profile::referred(graph, entity, source.side, &wanted) {
                let candidate = candidates.entry(candidate).or_default();
                candidate.referral = 1.0 - 0.5f32.powi(peers.len() as i32);
                candidate.referred_by = peers;
            }
        }
    }

    lap("walked");
    // ties: the candidates the entity is already tied to
    let ties = match source.entity {
        Some(entity) => profile::ties_of(graph, entity, &wanted),
        None => HashMap::new(),
    };
    if request.include_linked || weights.ties > 0.0 {
        for candidate in ties.keys() {
            candidates.entry(*candidate).or_default().ties = 1.0;
        }
    }
    // a person whose organisation the entity already works with: a prior
    // tie one step away (a second team of a university it knows)
    let tied_orgs = match source.entity {
        Some(entity) if weights.ties > 0.0 && kinds.contains(&EntityKind::Person) => {
            profile::ties_of(graph, entity, &profile::is_research_org)
        }
        _ => HashMap::new(),
    };
    if !tied_orgs.is_empty() {
        for (&position, candidate) in candidates.iter_mut() {
            if candidate.ties == 0.0
                && graph.kind_at(position) == EntityKind::Person
                && profile::organisations_of(graph, position)
                    .iter()
                    .any(|org| tied_orgs.contains_key(org))
            {
                candidate.ties = ORG_TIE;
            }
        }
    }

    // popularity (a track record): how many enterprises a candidate has
    // worked with, on a log scale (the tenth partner says less than the
    // first); the baseline ranks every candidate of the wanted kinds by it,
    // the matcher weighs those text and graph found
    // the popularity baseline: the track record alone ranks every candidate
    let popularity_alone = weights.text == 0.0 && weights.proximity == 0.0;
    if weights.popularity > 0.0 {
        let record = |count: usize| ((1.0 + count as f32).ln() / SEASONED.ln()).min(1.0);
        if popularity_alone {
            for position in graph.live_positions() {
                if wanted(graph.kind_at(position)) {
                    let value = record(popularity(graph, position));
                    if value > 0.0 {
                        candidates.entry(position).or_default().popularity = value;
                    }
                }
            }
        } else {
            // the most experienced teams are candidates whatever the text
            // found: firms hear of the teams others work with
            let records = experienced(graph);
            if source.side == Side::Need {
                let known = records
                    .ranked
                    .iter()
                    .filter(|(position, _)| wanted(graph.kind_at(*position)));
                for &(position, _) in known.take(EXPERIENCED_CANDIDATES) {
                    candidates.entry(position).or_default();
                }
            }
            for (position, candidate) in candidates.iter_mut() {
                candidate.popularity = record(records.counts.get(position).copied().unwrap_or(0) as usize);
            }
        }
    }

    lap("tied");
    // candidate-level signals and filters
    let mut linked_left_out = 0;
    let mut kept: Vec<(EntityIndex, Candidate)> = Vec::with_capacity(candidates.len());
    for (position, mut candidate) in candidates {
        if !graph.is_live(position) {
            continue;
        }
        if ties.contains_key(&position) && !request.include_linked {
            linked_left_out += 1;
            continue;
        }
        // a person ranks for a need as a researcher, never as a company's
        // staff, and as a team: its leader first
        let record = graph.entity_record(position)?;
        if graph.kind_at(position) == EntityKind::Person && source.side != Side::Capability {
            if !profile::is_researcher(graph, position) {
                continue;
            }
            if !profile::leads_a_team(graph, position, &record.description) {
                candidate.text *= MEMBER_FACTOR;
                candidate.referral *= MEMBER_FACTOR;
                candidate.popularity *= MEMBER_FACTOR;
            }
        }
        let candidate_industries = industries_of(graph, position, &record.industry);
        if let Some(industry) = &request.industry {
            if !candidate_industries.iter().any(|i| same_place(i, industry)) {
                continue;
            }
        }
        if let Some(location) = &request.location {
            if !same_place(&record.location, location) {
                continue;
            }
        }
        candidate.shared_industries = source
            .industries
            .iter()
            .filter(|need| candidate_industries.iter().any(|i| i == *need))
            .cloned()
            .collect();
        if !source.industries.is_empty() {
            candidate.industry = candidate.shared_industries.len().min(1) as f32;
        }
        // a track record counts in full for a candidate that fits the need
        // (its text or its industry), half for a busy team of another field
        if candidate.text == 0.0 && candidate.industry == 0.0 && weights.text > 0.0 {
            candidate.popularity *= UNFITTING_RECORD;
        }
        if let Some(location) = &source.location {
            candidate.locality = if same_place(&record.location, location) {
                1.0
            } else if source.incubator_places.iter().any(|p| same_place(&record.location, p)) {
                INCUBATOR_PLACE
            } else {
                0.0
            };
        }
        kept.push((position, candidate));
    }
    normalise(&mut kept, |c| &mut c.text);
    // for a pasted need, the text is the whole question: a track record
    // counts only as far as the candidate's text fits it
    if source.side == Side::Text {
        for (_, candidate) in kept.iter_mut() {
            candidate.popularity *= candidate.text;
        }
    }
    normalise(&mut kept, |c| &mut c.proximity);
    if popularity_alone {
        normalise(&mut kept, |c| &mut c.popularity);
    }
    for (_, candidate) in kept.iter_mut() {
        candidate.score = weights.text * candidate.text
            + weights.industry * candidate.industry
            + weights.proximity * candidate.proximity
            + weights.referral * candidate.referral
            + weights.locality * candidate.locality
            + weights.ties * candidate.ties
            + weights.popularity * candidate.popularity;
    }
    // a candidate nothing but place or industry points to is no match,
    // nor one that only the track record of a distant team of another
    // field points to (an experienced team nearby is worth a look)
    let fits = |c: &Candidate| c.industry > 0.0 || c.locality > 0.0 || weights.text == 0.0;
    kept.retain(|(_, c)| {
        c.text > 0.0 || c.proximity > 0.0 || c.referral > 0.0 || c.ties > 0.0 || (c.popularity > 0.0 && fits(c))
    });
    kept.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.index().cmp(&b.0.index())));
    let total = kept.len();
    let page: Vec<(EntityIndex, Candidate)> = kept.into_iter().skip(request.offset).take(request.limit).collect();

    lap("ranked");
    let mut results = Vec::with_capacity(page.len());
    let found = Found {
        search,
        searched: &searched,
        hits: &hits,
    };
    for (position, candidate) in page {
        results.push(explain(graph, &source, request, &found, &ties, position, candidate)?);
    }
    lap("explained");
    let entity_ref = source.entity.map(|e| EntityRef::from(graph.entity_at(e)));
    Ok(MatchResponse {
        query: MatchQuery {
            entity: entity_ref,
            text: request.text.clone(),
            kinds,
            words,
            industries: source.industries.clone(),
            industry: request.industry.clone(),
            location: request.location.clone(),
            include_linked: request.include_linked,
        },
        total,
        linked_left_out,
        offset: request.offset,
        limit: request.limit,
        weights,
        results,
        resolved_from: BTreeMap::new(),
    })
}

/// Reads the entity or the text of a request into what is matched.
fn read_source(graph: &KnowledgeGraph, request: &MatchRequest) -> Result<Source> {
    if let Some(key) = &request.entity {
        let entity = graph.resolve(key)?;
        let kind = graph.kind_at(entity);
        let side = Side::of(kind).ok_or_else(|| {
            Error::invalid_parameter(
                "entity",
                format!(
                    "`{key}` is a {kind}, which cannot be matched: match an enterprise (to universities, institutes, teams) or a university, institute or person (to enterprises), or send its need as text"
                ),
            )
        })?;
        let record = graph.entity_record(entity)?;
        let mut industries = industries_of(graph, entity, &record.industry);
        if let Some(industry) = &request.industry {
            if !industries.contains(industry) {
                industries.push(industry.clone());
            }
        }
        let mut incubator_places = Vec::new();
        if graph.degree(entity) <= profile::HUB_DEGREE {
            for edge in graph.adjacency().edges(entity) {
                if edge.kind == crate::model::RelationKind::IncubatedBy && edge.outgoing {
                    let place = graph.entity_record(edge.neighbor)?.location;
                    if !place.is_empty() && !incubator_places.contains(&place) {
                        incubator_places.push(place);
                    }
                }
            }
        }
        return Ok(Source {
            incubator_places,
            entity: Some(entity),
            stated: profile::stated_need(&record),
            side,
            text: profile::profile_text(graph, entity)?,
            industries,
            location: (!record.location.is_empty()).then_some(record.location),
        });
    }
    // a year in a pasted need (成立于2018年) says nothing of the technology
    let text = profile::without_years(request.text.as_deref().unwrap_or_default());
    Ok(Source {
        incubator_places: Vec::new(),
        entity: None,
        stated: None,
        side: Side::Text,
        text,
        industries: request.industry.iter().cloned().collect(),
        location: request.location.clone(),
    })
}

/// An entity's industries: its profile's and those it is linked to.
/// A person's are those of their patents.
fn industries_of(graph: &KnowledgeGraph, entity: EntityIndex, listed: &[String]) -> Vec<String> {
    let mut industries: Vec<String> = listed.to_vec();
    let mut add_linked = |node: EntityIndex| {
        if graph.degree(node) > profile::HUB_DEGREE {
            return;
        }
        for edge in graph.adjacency().edges(node) {
            if edge.kind == crate::model::RelationKind::InIndustry && edge.outgoing {
                let name = graph.entity_at(edge.neighbor).name.to_string();
                if !industries.contains(&name) {
                    industries.push(name);
                }
            }
        }
    };
    add_linked(entity);
    if graph.kind_at(entity) == EntityKind::Person && graph.degree(entity) <= profile::HUB_DEGREE {
        let patents: Vec<EntityIndex> = graph
            .adjacency()
            .edges(entity)
            .filter(|edge| edge.kind == crate::model::RelationKind::InventorOf && edge.outgoing)
            .map(|edge| edge.neighbor)
            .take(profile::PROFILE_ITEMS)
            .collect();
        for patent in patents {
            add_linked(patent);
        }
    }
    industries
}

/// Whether two places (or industries) name the same one, one inside the
/// other (`青岛` and `青岛高新区`).
fn same_place(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a))
}

/// Scales a signal so that its largest value among the candidates is 1.
fn normalise(kept: &mut [(EntityIndex, Candidate)], field: impl Fn(&mut Candidate) -> &mut f32) {
    let largest = kept.iter_mut().map(|(_, c)| *field(c)).fold(0.0f32, f32::max);
    if largest > 0.0 {
        for (_, candidate) in kept.iter_mut() {
            *field(candidate) /= largest;
        }
    }
}

/// The words in `<em>` of a snippet.
fn emphasised(snippet: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find("<em>") {
        let after = &rest[start + 4..];
        let Some(end) = after.find("</em>") else { break };
        words.push(after[..end].to_string());
        rest = &after[end + 5..];
    }
    words
}

/// The hits of a match's searches, and what reads those shown.
struct Found<'a> {
    search: &'a SearchIndex,
    searched: &'a [KindPages],
    hits: &'a [Hit],
}

/// The result of a candidate, with its explanation card.
fn explain(
    graph: &KnowledgeGraph,
    source: &Source,
    request: &MatchRequest,
    found: &Found<'_>,
    ties: &HashMap<EntityIndex, Vec<crate::graph::RelationIndex>>,
    position: EntityIndex,
    candidate: Candidate,
) -> Result<MatchResult> {
    let record = graph.entity_record(position)?;
    let text_total: f32 = candidate.hits.iter().map(|(_, w, _)| w).sum::<f32>().max(f32::EPSILON);
    let mut term_weights: Vec<(String, f32)> = Vec::new();
    let mut evidence = Vec::new();
    let mut teams = Vec::new();
    let mut patents = Vec::new();
    for &(at, weight, via) in &candidate.hits {
        let hit = &found.hits[at];
        let shown = found.search.found_hit(&found.searched[hit.text_at], &hit.entry)?;
        for term in emphasised(&shown.snippet) {
            match term_weights.iter_mut().find(|(t, _)| *t == term) {
                Some(slot) => slot.1 += weight,
                None => term_weights.push((term, weight)),
            }
        }
        if evidence.len() < SHOWN {
            evidence.push(MatchEvidence {
                id: hit.entry.id.clone(),
                kind: shown.kind,
                title: shown.name.or(shown.title).unwrap_or_default(),
                snippet: shown.snippet,
                via: via.to_string(),
                weight: weight / text_total,
            });
        }
        if let Some(found) = graph.position_of_id(&hit.entry.id) {
            let list = match graph.kind_at(found) {
                EntityKind::Person => &mut teams,
                EntityKind::Patent => &mut patents,
                _ => continue,
            };
            if found != position && list.len() < SHOWN {
                list.push(EntityRef::from(graph.entity_at(found)));
            }
        }
        debug_assert!(hit.weight >= 0.0);
    }
    term_weights.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let term_total: f32 = term_weights.iter().map(|(_, w)| w).sum::<f32>().max(f32::EPSILON);
    let terms = term_weights
        .into_iter()
        .take(2 * SHOWN)
        .map(|(term, weight)| MatchedTerm {
            term,
            weight: weight / term_total,
        })
        .collect();

    let values = [
        candidate.text,
        candidate.industry,
        candidate.proximity,
        candidate.referral,
        candidate.locality,
        candidate.ties,
        candidate.popularity,
    ];
    let score = candidate.score.max(f32::EPSILON);
    let weights = request.signals.unwrap_or_default();
    let signals = weights
        .named()
        .into_iter()
        .zip(values)
        .filter(|((_, weight), _)| *weight > 0.0)
        .map(|((name, weight), value)| SignalShare {
            signal: name.to_string(),
            value,
            weight,
            share: weight * value / score,
        })
        .collect();

    let tie_list = match ties.get(&position) {
        Some(relations) => relations
            .iter()
            .take(SHOWN)
            .map(|&relation| {
                let fact = graph.relation(relation)?;
                let (from, to) = graph.relation_ends(relation);
                Ok(Tie {
                    kind: fact.kind.as_str().to_string(),
                    from: EntityRef::from(graph.entity_at(from)),
                    to: EntityRef::from(graph.entity_at(to)),
                    since: fact.since,
                    evidence: fact.evidence,
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None => Vec::new(),
    };

    let path = source
        .entity
        .filter(|_| !request.brief)
        .and_then(|entity| graph.connecting_path(entity, position, PATH_BUDGET).ok().flatten());

    Ok(MatchResult {
        id: record.id,
        kind: record.kind,
        name: record.name,
        score: candidate.score,
        location: (!record.location.is_empty()).then_some(record.location),
        linked: ties.contains_key(&position),
        explanation: Explanation {
            terms,
            evidence,
            industries: candidate.shared_industries,
            path,
            ties: tie_list,
            referred_by: candidate
                .referred_by
                .iter()
                .take(SHOWN)
                .map(|&peer| EntityRef::from(graph.entity_at(peer)))
                .collect(),
            signals,
            teams,
            patents,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasised_words_are_read_from_snippets() {
        assert_eq!(
            emphasised("治疗<em>溃疡性结肠炎</em>的<em>干细胞</em>药"),
            vec!["溃疡性结肠炎".to_string(), "干细胞".to_string()]
        );
        assert!(emphasised("<em>open").is_empty());
    }

    #[test]
    fn places_match_one_inside_the_other() {
        assert!(same_place("青岛高新区", "青岛"));
        assert!(same_place("青岛", "青岛高新区"));
        assert!(!same_place("青岛", "济南"));
        assert!(!same_place("", "青岛"));
    }

    #[test]
    fn baselines_use_their_own_signals_only() {
        let used = |weights: Weights| -> Vec<&str> {
            weights
                .named()
                .into_iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(name, _)| name)
                .collect()
        };
        assert_eq!(used(Weights::TEXT_ONLY), ["text"]);
        assert_eq!(used(Weights::GRAPH_ONLY), ["proximity", "referral"]);
        assert_eq!(used(Weights::POPULARITY), ["popularity"]);
        let full: f32 = Weights::FULL.named().iter().map(|(_, w)| w).sum();
        assert!((full - 1.0).abs() < 1e-6);
    }
}
