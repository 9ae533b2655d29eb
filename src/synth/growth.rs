//! How the university–enterprise links of a synthetic ecosystem form, year
//! by year. Every planned link is drawn in time order, so that a link can
//! follow from those made before it, as links between firms and research
//! teams do:
//!
//! - **fit first**: a team whose topics are close to one of the
//!   enterprise's needs is far more likely than one of another topic;
//! - **nearness**: the same city, or the city of the enterprise's
//!   incubator;
//! - **repeat ties**: an organisation the enterprise has worked with;
//! - **referral**: a team that a partner of the enterprise (an enterprise it
//!   had a strategic agreement with by then) or a fellow tenant of its
//!   incubator has already worked with (triadic closure);
//! - **track record**: a team with earlier industry links attracts more,
//!   sublinearly (odds grow with the square root of one plus their count),
//!   so fit still comes first;
//! - and chance (Gumbel noise: the choice is a softmax draw).
//!
//! The strategic partnerships between enterprises are drawn here too, since
//! referrals travel along them.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Distribution, Poisson};

use super::plan::{Employer, Plan, LAST_YEAR};
use super::text::pick;

/// A link planted between an enterprise and a research team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// A research collaboration with the team's leader.
    Collaboration,
    /// One of the team's patents transferred to the enterprise.
    Transfer(u32),
    /// One of the team's patents licensed to the enterprise.
    Licence(u32),
    /// The team's leader founded the enterprise.
    SpinOff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlannedLink {
    pub team: u32,
    pub kind: LinkKind,
    pub year: u16,
}

/// A strategic partnership of an enterprise with another, from `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partnership {
    pub other: u32,
    pub year: u16,
}

/// Share of enterprises with planted links.
const LINKED_SHARE: f64 = 0.15;
/// Share of those with a second link.
const SECOND_LINK: f64 = 0.3;
/// The candidates of a link, the teams the enterprise hears of: some of
/// the need's industry drawn evenly (fairs, databases), some in
/// proportion to one plus their earlier industry links (one hears of the
/// teams others work with), some of the industry in the enterprise's own
/// city (search is local), and a few from anywhere.
const INDUSTRY_CANDIDATES: usize = 10;
const KNOWN_CANDIDATES: usize = 10;
const LOCAL_CANDIDATES: usize = 5;
const ANY_CANDIDATES: usize = 4;
/// Referred teams added to the candidates, at most.
const REFERRED_CANDIDATES: usize = 8;

/// The odds each driver multiplies, as log-odds.
struct Drivers;

impl Drivers {
    /// Per unit of topical closeness (1 for the same topic, 0.3 for another
    /// of the industry).
    const FIT: f64 = 4.0;
    fn same_city() -> f64 {
        2.5f64.ln()
    }
    fn incubator_city() -> f64 {
        1.5f64.ln()
    }
    fn repeat_tie() -> f64 {
        2.0f64.ln()
    }
    fn referral() -> f64 {
        3.0f64.ln()
    }
    /// `earlier` industry links of the team.
    fn track_record(earlier: u32) -> f64 {
        0.5 * (1.0 + earlier as f64).ln()
    }
}

/// Each enterprise's partnerships: about two, larger enterprises chosen
/// more often, each from a year both existed.
pub(crate) fn partnerships(plan: &Plan, rng: &mut ChaCha8Rng) -> Vec<Vec<Partnership>> {
    let poisson = Poisson::new(2.0).expect("valid mean");
    let mut all = Vec::with_capacity(plan.enterprises.len());
    for (index, e) in plan.enterprises.iter().enumerate() {
        let mut partners: Vec<Partnership> = Vec::new();
        let count = (poisson.sample(rng) as usize).min(10);
        for _ in 0..count {
            let other = plan.enterprise_sampler.sample(rng) as u32;
            if other as usize == index || partners.iter().any(|p| p.other == other) {
                continue;
            }
            let from = e.founded.max(plan.enterprises[other as usize].founded);
            let year = rng.random_range(from..=LAST_YEAR.max(from));
            partners.push(Partnership { other, year });
        }
        all.push(partners);
    }
    all
}

/// The university–enterprise links of every enterprise, drawn in time
/// order (see the module's documentation).
pub(crate) fn links(plan: &Plan, partners: &[Vec<Partnership>], rng: &mut ChaCha8Rng) -> Vec<Vec<PlannedLink>> {
    // (year, enterprise, kind roll) of every link to draw
    let mut events: Vec<(u16, u32, f64)> = Vec::new();
    for (index, e) in plan.enterprises.iter().enumerate() {
        if !rng.random_bool(LINKED_SHARE) {
            continue;
        }
        let count = if rng.random_bool(SECOND_LINK) { 2 } else { 1 };
        for _ in 0..count {
            let roll: f64 = rng.random();
            let year = if roll >= 0.9 {
                e.founded
            } else {
                rng.random_range(e.founded.max(2008)..=LAST_YEAR.max(e.founded))
            };
            events.push((year, index as u32, roll));
        }
    }
    events.sort_by_key(|&(year, enterprise, _)| (year, enterprise));

    // partners in both directions, with the year the tie began
    let mut partnered: Vec<Vec<Partnership>> = vec![Vec::new(); plan.enterprises.len()];
    for (index, list) in partners.iter().enumerate() {
        for p in list {
            partnered[index].push(*p);
            partnered[p.other as usize].push(Partnership {
                other: index as u32,
                year: p.year,
            });
        }
    }
    let mut state = State {
        links: vec![Vec::new(); plan.enterprises.len()],
        team_links: vec![0; plan.teams.len()],
        tenant_teams: vec![Vec::new(); plan.platforms.len()],
    };
    for (year, enterprise, roll) in events {
        let own: Vec<u32> = state.links[enterprise as usize].iter().map(|l| l.team).collect();
        let referred = state.referred(plan, &partnered[enterprise as usize], enterprise, &own, year);
        let Some(team) = choose_team(plan, &state, enterprise, &own, &referred, rng) else {
            continue;
        };
        let kind = link_kind(plan, enterprise, team, roll, year, rng);
        state.add(plan, enterprise, PlannedLink { team, kind, year });
    }
    state.links
}

/// The links drawn so far.
struct State {
    links: Vec<Vec<PlannedLink>>,
    /// Links of each team.
    team_links: Vec<u32>,
    /// Teams linked with the tenants of each platform.
    tenant_teams: Vec<Vec<u32>>,
}

impl State {
    fn add(&mut self, plan: &Plan, enterprise: u32, link: PlannedLink) {
        self.team_links[link.team as usize] += 1;
        if let Some(platform) = plan.enterprises[enterprise as usize].incubator {
            let teams = &mut self.tenant_teams[platform as usize];
            if !teams.contains(&link.team) {
                teams.push(link.team);
            }
        }
        self.links[enterprise as usize].push(link);
    }

    /// Teams a partner (tied by `year`) or a fellow tenant worked with,
    /// but for the enterprise's `own`.
    fn referred(&self, plan: &Plan, partners: &[Partnership], enterprise: u32, own: &[u32], year: u16) -> Vec<u32> {
        let mut teams: Vec<u32> = partners
            .iter()
            .filter(|p| p.year <= year)
            .flat_map(|p| self.links[p.other as usize].iter().map(|l| l.team))
            .collect();
        if let Some(platform) = plan.enterprises[enterprise as usize].incubator {
            teams.extend(&self.tenant_teams[platform as usize]);
        }
        teams.retain(|t| !own.contains(t));
        teams.sort_unstable();
        teams.dedup();
        teams
    }
}

/// The city of a team's organisation.
fn team_city(plan: &Plan, team: u32) -> u8 {
    plan.research_org(plan.teams[team as usize].employer).1
}

/// Chooses the team of a link, other than the enterprise's `own`: the
/// candidates the enterprise hears of, scored by the drivers, plus noise.
fn choose_team(
    plan: &Plan,
    state: &State,
    enterprise: u32,
    own: &[u32],
    referred: &[u32],
    rng: &mut ChaCha8Rng,
) -> Option<u32> {
    let e = &plan.enterprises[enterprise as usize];
    let need = *pick(rng, &e.needs);
    let pool = &plan.teams_by_industry[need.industry as usize];
    let mut candidates: Vec<u32> = Vec::with_capacity(
        INDUSTRY_CANDIDATES + KNOWN_CANDIDATES + LOCAL_CANDIDATES + ANY_CANDIDATES + REFERRED_CANDIDATES,
    );
    if !pool.is_empty() {
        candidates.extend((0..INDUSTRY_CANDIDATES).map(|_| *pick(rng, pool)));
        let weights: Vec<f64> = pool
            .iter()
            .map(|&t| 1.0 + state.team_links[t as usize] as f64)
            .collect();
        if let Ok(known) = WeightedIndex::new(&weights) {
            candidates.extend((0..KNOWN_CANDIDATES).map(|_| pool[known.sample(rng)]));
        }
        let local: Vec<u32> = pool.iter().copied().filter(|&t| team_city(plan, t) == e.city).collect();
        if !local.is_empty() {
            candidates.extend((0..LOCAL_CANDIDATES).map(|_| *pick(rng, &local)));
        }
    }
    if !plan.teams.is_empty() {
        candidates.extend((0..ANY_CANDIDATES).map(|_| rng.random_range(0..plan.teams.len()) as u32));
    }
    if referred.len() <= REFERRED_CANDIDATES {
        candidates.extend_from_slice(referred);
    } else {
        candidates.extend((0..REFERRED_CANDIDATES).map(|_| *pick(rng, referred)));
    }
    candidates.retain(|t| !own.contains(t));
    let prior_orgs: Vec<Employer> = own.iter().map(|&t| plan.teams[t as usize].employer).collect();
    let incubator_city = e.incubator.map(|p| plan.platforms[p as usize].city);
    candidates
        .into_iter()
        .map(|team| {
            let employer = plan.teams[team as usize].employer;
            let city = team_city(plan, team);
            let closeness = e
                .needs
                .iter()
                .flat_map(|n| plan.teams[team as usize].topics.iter().map(move |t| n.similarity(*t)))
                .fold(0.0, f64::max);
            let mut score = Drivers::FIT * closeness;
            if city == e.city {
                score += Drivers::same_city();
            }
            if incubator_city == Some(city) {
                score += Drivers::incubator_city();
            }
            if prior_orgs.contains(&employer) {
                score += Drivers::repeat_tie();
            }
            if referred.contains(&team) {
                score += Drivers::referral();
            }
            score += Drivers::track_record(state.team_links[team as usize]);
            let uniform: f64 = rng.random_range(1e-12..1.0);
            score -= (-uniform.ln()).ln();
            (score, team)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, team)| team)
}

/// What kind of link `roll` makes: half the time a collaboration; four
/// times in ten a transfer or licence of the team's patent closest to the
/// enterprise's needs (of ten drawn among those filed by `year`; a
/// collaboration if there is none); otherwise a spin-off.
fn link_kind(plan: &Plan, enterprise: u32, team: u32, roll: f64, year: u16, rng: &mut ChaCha8Rng) -> LinkKind {
    if roll >= 0.9 {
        return LinkKind::SpinOff;
    }
    if roll < 0.5 {
        return LinkKind::Collaboration;
    }
    let e = &plan.enterprises[enterprise as usize];
    let filed: Vec<u32> = plan.teams[team as usize]
        .patents
        .iter()
        .copied()
        .filter(|&p| plan.patents[p as usize].year <= year)
        .collect();
    if filed.is_empty() {
        return LinkKind::Collaboration;
    }
    let closeness = |p: u32| {
        e.needs
            .iter()
            .map(|n| n.similarity(plan.patents[p as usize].topic))
            .fold(0.0, f64::max)
    };
    let patent = (0..10)
        .map(|_| *pick(rng, &filed))
        .max_by(|a, b| closeness(*a).total_cmp(&closeness(*b)))
        .unwrap_or(filed[0]);
    if roll < 0.75 {
        LinkKind::Transfer(patent)
    } else {
        LinkKind::Licence(patent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_time_and_never_repeat_a_team() {
        let plan = Plan::new(20_000, 7);
        let mut total = 0;
        for (index, links) in plan.links.iter().enumerate() {
            let e = &plan.enterprises[index];
            let mut teams: Vec<u32> = links.iter().map(|l| l.team).collect();
            teams.dedup();
            assert_eq!(teams.len(), links.len(), "a team twice for one enterprise");
            for link in links {
                total += 1;
                assert!(link.year >= e.founded && link.year <= LAST_YEAR.max(e.founded));
                if let LinkKind::Transfer(p) | LinkKind::Licence(p) = link.kind {
                    assert!(
                        plan.patents[p as usize].year <= link.year,
                        "a patent dealt before it was filed"
                    );
                    assert!(plan.teams[link.team as usize].patents.contains(&p));
                }
            }
        }
        let enterprises = plan.enterprises.len() as f64;
        assert!(
            (total as f64) > enterprises * 0.15 && (total as f64) < enterprises * 0.25,
            "{total}"
        );
    }

    #[test]
    fn referrals_and_track_records_shape_the_links() {
        // teams with many links are rarer than under a uniform draw, and
        // enterprises share teams with their partners more than chance
        let plan = Plan::new(40_000, 11);
        let mut per_team = vec![0u32; plan.teams.len()];
        for link in plan.links.iter().flatten() {
            per_team[link.team as usize] += 1;
        }
        let links: u32 = per_team.iter().sum();
        let mean = links as f64 / plan.teams.len() as f64;
        let busiest = *per_team.iter().max().unwrap() as f64;
        assert!(busiest > 4.0 * mean, "busiest team {busiest}, mean {mean}");

        // partners share a team more often than enterprises paired at random
        let teams_of = |e: usize| -> Vec<u32> { plan.links[e].iter().map(|l| l.team).collect() };
        let share_of = |pairs: &[(usize, usize)]| {
            let shared = pairs
                .iter()
                .filter(|&&(a, b)| teams_of(a).iter().any(|t| teams_of(b).contains(t)))
                .count();
            shared as f64 / pairs.len().max(1) as f64
        };
        let linked: Vec<usize> = (0..plan.links.len()).filter(|&e| !plan.links[e].is_empty()).collect();
        let partnered: Vec<(usize, usize)> = plan
            .partners
            .iter()
            .enumerate()
            .flat_map(|(e, list)| list.iter().map(move |p| (e, p.other as usize)))
            .filter(|&(a, b)| !plan.links[a].is_empty() && !plan.links[b].is_empty())
            .collect();
        let random: Vec<(usize, usize)> = (0..linked.len())
            .map(|i| (linked[i], linked[(i * 7919 + 13) % linked.len()]))
            .filter(|(a, b)| a != b)
            .collect();
        assert!(partnered.len() > 20, "{} linked partner pairs", partnered.len());
        let (partners, chance) = (share_of(&partnered), share_of(&random));
        assert!(
            partners > 1.5 * chance,
            "partners share a team {partners:.3}, random pairs {chance:.3}"
        );
    }
}
