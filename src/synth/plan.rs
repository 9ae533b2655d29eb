//! The structure of a synthetic ecosystem, decided before any record is
//! written: how many entities of each kind, where each organisation is, who
//! works where, which teams exist and whose patents are whose. Everything
//! that needs a global view (inverted lists, heavy-tailed weights, unique
//! names) is settled here, sequentially, from one random stream.

use std::collections::HashSet;

use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedAliasIndex;
use rand_distr::{Distribution, Pareto, Zipf};

use super::growth::{self, Partnership, PlannedLink};
use super::text::{self, fill, pick, TopicId};
use super::vocab::{CITIES, INDUSTRIES, PERSON_TITLES, PLATFORM_PATTERNS, POLICY_PATTERNS, UNIVERSITY_PATTERNS};

/// How many entities of each kind.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub zones: usize,
    pub industries: usize,
    pub universities: usize,
    pub institutes: usize,
    pub platforms: usize,
    pub policies: usize,
    pub enterprises: usize,
    pub persons: usize,
    pub projects: usize,
    pub products: usize,
    pub patents: usize,
}

impl Counts {
    /// Splits `total` entities in the proportions of a real zone: patents
    /// about half, enterprises and people a fifth each, then projects,
    /// products and policies; universities and institutes few but large.
    pub(crate) fn for_total(total: usize) -> Counts {
        let share = |ratio: f64, min: usize| ((total as f64 * ratio) as usize).max(min);
        let mut counts = Counts {
            zones: (total / 100_000).clamp(1, 12),
            industries: INDUSTRIES.len(),
            universities: (total / 5_000).clamp(2, 300),
            institutes: (total / 4_000).clamp(2, 400),
            platforms: share(0.003, 3),
            policies: share(0.004, 4),
            enterprises: share(0.20, 10),
            persons: share(0.20, 20),
            projects: share(0.035, 5),
            products: share(0.045, 5),
            patents: 0,
        };
        let others = counts.total();
        counts.patents = total.saturating_sub(others).max(10);
        counts
    }

    pub(crate) fn total(&self) -> usize {
        self.zones
            + self.industries
            + self.universities
            + self.institutes
            + self.platforms
            + self.policies
            + self.enterprises
            + self.persons
            + self.projects
            + self.products
            + self.patents
    }
}

/// Where a person works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Employer {
    University(u32),
    Institute(u32),
    Enterprise(u32),
}

/// Who applied for a patent or undertakes a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Team(u32),
    Enterprise(u32),
}

pub(crate) struct Zone {
    pub name: String,
    pub city: u8,
}

pub(crate) struct University {
    pub name: String,
    pub city: u8,
    pub industries: Vec<u8>,
}

pub(crate) struct Institute {
    pub name: String,
    pub city: u8,
    pub industry: u8,
    /// The university it belongs to, if any.
    pub parent: Option<u32>,
}

pub(crate) struct Platform {
    pub name: String,
    pub city: u8,
    pub industry: u8,
    pub zone: Option<u32>,
}

pub(crate) struct Policy {
    pub name: String,
    pub city: u8,
    pub industry: u8,
    pub year: u16,
    pub zone: Option<u32>,
}

pub(crate) struct Enterprise {
    pub name: String,
    pub short_name: String,
    pub city: u8,
    pub zone: Option<u32>,
    pub industry: u8,
    pub founded: u16,
    pub weight: f64,
    pub topics: Vec<TopicId>,
    pub needs: Vec<TopicId>,
    pub incubator: Option<u32>,
}

pub(crate) struct Person {
    pub name: String,
    pub employer: Employer,
    pub title: u8,
    pub team: Option<u32>,
}

/// A research team of a university or institute.
pub(crate) struct Team {
    pub employer: Employer,
    pub leader: u32,
    pub members: Vec<u32>,
    pub topics: Vec<TopicId>,
    pub patents: Vec<u32>,
}

pub(crate) struct Patent {
    pub owner: Owner,
    pub topic: TopicId,
    pub year: u16,
}

/// The whole structure.
pub(crate) struct Plan {
    pub seed: u64,
    pub counts: Counts,
    pub zones: Vec<Zone>,
    pub universities: Vec<University>,
    pub institutes: Vec<Institute>,
    pub platforms: Vec<Platform>,
    pub policies: Vec<Policy>,
    pub enterprises: Vec<Enterprise>,
    pub persons: Vec<Person>,
    pub teams: Vec<Team>,
    pub patents: Vec<Patent>,
    /// Staff of each enterprise.
    pub staff: Vec<Vec<u32>>,
    /// Teams whose topics include an industry, per industry.
    pub teams_by_industry: Vec<Vec<u32>>,
    /// Samples enterprises in proportion to their size (a heavy tail).
    pub enterprise_sampler: WeightedAliasIndex<f64>,
    /// Enterprise weight above which a company leads its industry chain.
    pub chain_leader_weight: f64,
    /// Policies of each city.
    pub policies_by_city: Vec<Vec<u32>>,
    /// Each enterprise's strategic partnerships with other enterprises.
    pub partners: Vec<Vec<Partnership>>,
    /// Each enterprise's links with research teams, in time order.
    pub links: Vec<Vec<PlannedLink>>,
    /// Samples policies with a Zipf law (a few are popular).
    pub policy_zipf: Zipf<f64>,
}

/// First year of synthetic dates.
pub(crate) const FIRST_YEAR: u16 = 2006;
/// Last year of synthetic dates.
pub(crate) const LAST_YEAR: u16 = 2025;

/// Draws a unique name with `make`, retrying on collisions; past a few
/// tries, the last draw is told apart by `variant` (given 2, 3, …).
fn unique<R: Rng + ?Sized>(
    rng: &mut R,
    taken: &mut HashSet<String>,
    mut make: impl FnMut(&mut R) -> String,
    variant: impl Fn(&str, usize) -> String,
) -> String {
    for _ in 0..12 {
        let name = make(rng);
        if taken.insert(name.clone()) {
            return name;
        }
    }
    let base = make(rng);
    (2..)
        .map(|number| variant(&base, number))
        .find(|name| taken.insert(name.clone()))
        .unwrap_or(base)
}

/// A small number in Chinese digits (2 → 二), Arabic past ten.
fn chinese_number(number: usize) -> String {
    const DIGITS: [&str; 11] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    DIGITS.get(number).map_or_else(|| number.to_string(), |d| d.to_string())
}

/// Tells apart two organisations of the same name by a numbered campus,
/// branch or phase, as real ones are.
fn numbered(label: &'static str) -> impl Fn(&str, usize) -> String {
    move |base, number| format!("{base}{}{label}", chinese_number(number))
}

fn academic_titles() -> Vec<u8> {
    (0..PERSON_TITLES.len() as u8)
        .filter(|&i| PERSON_TITLES[i as usize].1)
        .collect()
}

fn business_titles() -> Vec<u8> {
    (0..PERSON_TITLES.len() as u8)
        .filter(|&i| !PERSON_TITLES[i as usize].1)
        .collect()
}

/// Index of a title by its text.
pub(crate) fn title_index(title: &str) -> u8 {
    PERSON_TITLES.iter().position(|(t, _)| *t == title).unwrap_or(0) as u8
}

fn random_topic<R: Rng + ?Sized>(rng: &mut R, industry: u8, zipf: &Zipf<f64>) -> TopicId {
    let count = INDUSTRIES[industry as usize].topics.len();
    let topic = (zipf.sample(rng) as usize - 1).min(count - 1);
    TopicId {
        industry,
        topic: topic as u8,
    }
}

/// The index of the zone in `city`, if there is one.
fn zone_of_city(zones: &[Zone], city: u8) -> Option<u32> {
    zones.iter().position(|z| z.city == city).map(|i| i as u32)
}

/// The indices of organisations in each city, given each one's city in order.
fn by_city(cities: impl Iterator<Item = u8>) -> Vec<Vec<u32>> {
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); CITIES.len()];
    for (index, city) in cities.enumerate() {
        lists[city as usize].push(index as u32);
    }
    lists
}

/// Samples enterprises in proportion to their weight, and the weight above
/// which an enterprise leads its industry chain (that of the largest one in
/// 300).
fn enterprise_sizes(enterprises: &[Enterprise]) -> (WeightedAliasIndex<f64>, f64) {
    let weights: Vec<f64> = enterprises.iter().map(|e| e.weight).collect();
    let sampler = WeightedAliasIndex::new(weights.clone()).expect("positive weights");
    let mut sorted = weights;
    sorted.sort_by(|a, b| b.total_cmp(a));
    let leaders = (sorted.len() / 300).max(1);
    (sampler, sorted[leaders - 1])
}

/// A research organisation by its index among universities then institutes:
/// as an employer, and the industries its teams work in.
fn employer_and_industries(org: usize, universities: &[University], institutes: &[Institute]) -> (Employer, Vec<u8>) {
    if org < universities.len() {
        (Employer::University(org as u32), universities[org].industries.clone())
    } else {
        let institute = &institutes[org - universities.len()];
        (
            Employer::Institute((org - universities.len()) as u32),
            vec![institute.industry],
        )
    }
}

/// A policy's name: its programme in a city, told apart from other years'
/// by its year half the time the pattern has none.
fn policy_name<R: Rng + ?Sized>(rng: &mut R, city: u8, industry: u8, year: u16) -> String {
    let base = fill(
        pick::<&str, _>(rng, &POLICY_PATTERNS),
        text::city(city),
        INDUSTRIES[industry as usize].name,
        year,
        "",
        "",
    );
    let base = if base.contains(text::city(city)) {
        base
    } else {
        format!("{}{base}", text::city(city))
    };
    // recurring programmes are told apart by their year
    if base.contains(&year.to_string()) || rng.random_bool(0.5) {
        base
    } else {
        format!("{year}年{base}")
    }
}

/// Where enterprises find an incubator: the platforms of each city, and a
/// Zipf law over all platforms (a few are popular).
struct Incubators {
    by_city: Vec<Vec<u32>>,
    zipf: Zipf<f64>,
    count: u32,
}

/// Who works where: every person, each enterprise's staff, and each research
/// organisation's academics (universities first, then institutes).
struct People {
    persons: Vec<Person>,
    staff: Vec<Vec<u32>>,
    academics_of: Vec<Vec<u32>>,
}

/// Draws the parts of a plan, one after the other, from one random stream,
/// with the distributions they share and the organisation names taken so
/// far (unique across kinds).
struct Planner {
    rng: ChaCha8Rng,
    /// Cities of the zones; they come first among the cities, and most
    /// activity is there.
    zone_cities: Vec<u8>,
    city_zipf: Zipf<f64>,
    topic_zipf: Zipf<f64>,
    taken: HashSet<String>,
}

impl Planner {
    fn new(seed: u64, zones: usize) -> Planner {
        Planner {
            rng: ChaCha8Rng::seed_from_u64(seed),
            zone_cities: (0..zones as u8).collect(),
            city_zipf: Zipf::new(CITIES.len() as f64, 1.1).expect("valid zipf"),
            topic_zipf: Zipf::new(20.0, 0.8).expect("valid zipf"),
            taken: HashSet::new(),
        }
    }

    /// A city: most often a zone's, otherwise any, large ones more often.
    fn city(&mut self) -> u8 {
        if self.rng.random_bool(0.7) {
            *pick(&mut self.rng, &self.zone_cities)
        } else {
            (self.city_zipf.sample(&mut self.rng) as usize - 1) as u8
        }
    }

    fn industry(&mut self) -> u8 {
        self.rng.random_range(0..INDUSTRIES.len() as u8)
    }

    /// A topic of `industry`, the first ones more often.
    fn topic(&mut self, industry: u8) -> TopicId {
        random_topic(&mut self.rng, industry, &self.topic_zipf)
    }

    fn zones(&self) -> Vec<Zone> {
        self.zone_cities
            .iter()
            .map(|&city| Zone {
                name: format!("{}高新技术产业开发区", text::city(city)),
                city,
            })
            .collect()
    }

    /// A university, spread over the province and beyond, working in two to
    /// four industries.
    fn university(&mut self) -> University {
        // replaced by the city of the name drawn below
        let mut city = self.city();
        let city_zipf = &self.city_zipf;
        let name = unique(
            &mut self.rng,
            &mut self.taken,
            |rng| {
                city = (city_zipf.sample(rng) as usize - 1) as u8;
                fill(
                    pick::<&str, _>(rng, &UNIVERSITY_PATTERNS),
                    text::city(city),
                    "",
                    0,
                    "",
                    "",
                )
            },
            numbered("校区"),
        );
        let mut industries: Vec<u8> = (0..self.rng.random_range(2..=4)).map(|_| self.industry()).collect();
        industries.sort_unstable();
        industries.dedup();
        University { name, city, industries }
    }

    /// An institute, of a university (in its city and one of its industries)
    /// or on its own.
    fn institute(&mut self, universities: &[University]) -> Institute {
        let parent = self
            .rng
            .random_bool(0.4)
            .then(|| self.rng.random_range(0..universities.len()) as u32);
        let (city, industry) = match parent {
            Some(u) => {
                let university = &universities[u as usize];
                (university.city, *pick(&mut self.rng, &university.industries))
            }
            None => (self.city(), self.industry()),
        };
        let name = unique(
            &mut self.rng,
            &mut self.taken,
            |rng| {
                let word = *pick(rng, &INDUSTRIES[industry as usize].institute_words);
                match parent {
                    Some(u) => format!("{}{word}", universities[u as usize].name),
                    None if rng.random_bool(0.3) => format!("中国科学院{}{word}", text::city(city)),
                    None => format!("{}{word}", text::city(city)),
                }
            },
            numbered("分院"),
        );
        Institute {
            name,
            city,
            industry,
            parent,
        }
    }

    fn platform(&mut self, zones: &[Zone]) -> Platform {
        let city = self.city();
        let industry = self.industry();
        let name = unique(
            &mut self.rng,
            &mut self.taken,
            |rng| {
                fill(
                    pick::<&str, _>(rng, &PLATFORM_PATTERNS),
                    text::city(city),
                    INDUSTRIES[industry as usize].name,
                    0,
                    "",
                    "",
                )
            },
            numbered("期"),
        );
        Platform {
            name,
            city,
            industry,
            zone: zone_of_city(zones, city),
        }
    }

    fn policy(&mut self, zones: &[Zone]) -> Policy {
        let city = self.city();
        let industry = self.industry();
        let year = self.rng.random_range(FIRST_YEAR..=LAST_YEAR);
        let name = unique(
            &mut self.rng,
            &mut self.taken,
            |rng| policy_name(rng, city, industry, year),
            |base: &str, n: usize| format!("{base}（第{}批）", chinese_number(n)),
        );
        Policy {
            name,
            city,
            industry,
            year,
            zone: zone_of_city(zones, city),
        }
    }

    /// Enterprises, their sizes heavy-tailed.
    fn enterprises(&mut self, count: usize, zones: &[Zone], platforms: &[Platform]) -> Vec<Enterprise> {
        let incubators = Incubators {
            by_city: by_city(platforms.iter().map(|p| p.city)),
            zipf: Zipf::new(platforms.len() as f64, 1.0).expect("valid zipf"),
            count: platforms.len() as u32,
        };
        let size: Pareto<f64> = Pareto::new(1.0, 1.16).expect("valid pareto");
        (0..count).map(|_| self.enterprise(zones, &incubators, &size)).collect()
    }

    /// An enterprise: where it is, what it works on and needs, who incubated
    /// it, when it was founded and how large it is.
    fn enterprise(&mut self, zones: &[Zone], incubators: &Incubators, size: &Pareto<f64>) -> Enterprise {
        let city = self.city();
        let industry = self.industry();
        let (name, short_name) = self.enterprise_names(city, industry);
        let zone = zone_of_city(zones, city).filter(|_| self.rng.random_bool(0.85));
        let mut topics: Vec<TopicId> = (0..self.rng.random_range(1..=2))
            .map(|_| self.topic(industry))
            .collect();
        topics.dedup();
        let mut needs: Vec<TopicId> = (0..self.rng.random_range(1..=2)).map(|_| self.need(industry)).collect();
        needs.dedup();
        let incubator = self.rng.random_bool(0.3).then(|| self.incubator(city, incubators));
        Enterprise {
            name,
            short_name,
            city,
            zone,
            industry,
            founded: self.rng.random_range(FIRST_YEAR - 10..=LAST_YEAR),
            weight: size.sample(&mut self.rng).min(1e6),
            topics,
            needs,
            incubator,
        }
    }

    /// An enterprise's unique registered name, and its short name.
    fn enterprise_names(&mut self, city: u8, industry: u8) -> (String, String) {
        let mut short = String::new();
        let full = unique(
            &mut self.rng,
            &mut self.taken,
            |rng| {
                let (full, s) = text::enterprise_names(rng, city, industry);
                short = s;
                full
            },
            numbered("分公司"),
        );
        (full, short)
    }

    /// A topic an enterprise of `industry` needs, mostly of its own industry.
    fn need(&mut self, industry: u8) -> TopicId {
        let need_industry = if self.rng.random_bool(0.85) {
            industry
        } else {
            self.industry()
        };
        self.topic(need_industry)
    }

    /// The incubator of an enterprise in `city`: mostly one of the city's,
    /// otherwise a popular one.
    fn incubator(&mut self, city: u8, incubators: &Incubators) -> u32 {
        let local = &incubators.by_city[city as usize];
        if !local.is_empty() && self.rng.random_bool(0.7) {
            *pick(&mut self.rng, local)
        } else {
            (incubators.zipf.sample(&mut self.rng) as u32 - 1).min(incubators.count - 1)
        }
    }

    /// People: a third at universities and institutes (sized heavy-tailed),
    /// the rest in enterprises, in proportion to their size.
    fn people(
        &mut self,
        count: usize,
        universities: &[University],
        institutes: &[Institute],
        enterprises: &[Enterprise],
        enterprise_sampler: &WeightedAliasIndex<f64>,
    ) -> People {
        let academic = academic_titles();
        let business = business_titles();
        let research_orgs = universities.len() + institutes.len();
        let org_size: Pareto<f64> = Pareto::new(1.0, 1.3).expect("valid pareto");
        let org_weights: Vec<f64> = (0..research_orgs)
            .map(|_| org_size.sample(&mut self.rng).min(1e4))
            .collect();
        let org_sampler = WeightedAliasIndex::new(org_weights).expect("positive weights");
        let mut people = People {
            persons: Vec::with_capacity(count),
            staff: vec![Vec::new(); enterprises.len()],
            academics_of: vec![Vec::new(); research_orgs],
        };
        for index in 0..count as u32 {
            let name = text::person_name(&mut self.rng);
            let person = if self.rng.random_bool(0.33) {
                let org = org_sampler.sample(&mut self.rng);
                let employer = if org < universities.len() {
                    Employer::University(org as u32)
                } else {
                    Employer::Institute((org - universities.len()) as u32)
                };
                people.academics_of[org].push(index);
                Person {
                    name,
                    employer,
                    title: *pick(&mut self.rng, &academic),
                    team: None,
                }
            } else {
                let enterprise = enterprise_sampler.sample(&mut self.rng) as u32;
                people.staff[enterprise as usize].push(index);
                Person {
                    name,
                    employer: Employer::Enterprise(enterprise),
                    title: *pick(&mut self.rng, &business),
                    team: None,
                }
            };
            people.persons.push(person);
        }
        people
    }

    /// Teams: each research organisation's academics in groups of 3 to 8, led
    /// by a professor or research fellow; and the teams of each industry.
    fn teams(
        &mut self,
        persons: &mut [Person],
        academics_of: &[Vec<u32>],
        universities: &[University],
        institutes: &[Institute],
    ) -> (Vec<Team>, Vec<Vec<u32>>) {
        let mut teams: Vec<Team> = Vec::new();
        let mut teams_by_industry: Vec<Vec<u32>> = vec![Vec::new(); INDUSTRIES.len()];
        let senior = [title_index("教授"), title_index("研究员")];
        for (org, members) in academics_of.iter().enumerate() {
            let (employer, industries) = employer_and_industries(org, universities, institutes);
            let mut rest = members.as_slice();
            while !rest.is_empty() {
                let size = self.rng.random_range(3..=8).min(rest.len());
                let (group, tail) = rest.split_at(size);
                rest = tail;
                let team_index = teams.len() as u32;
                let leader = group[0];
                persons[leader as usize].title = *pick(&mut self.rng, &senior);
                for &member in group {
                    persons[member as usize].team = Some(team_index);
                }
                let topics = self.team_topics(&industries);
                let mut industries_of_team: Vec<u8> = topics.iter().map(|t| t.industry).collect();
                industries_of_team.sort_unstable();
                industries_of_team.dedup();
                for industry in industries_of_team {
                    teams_by_industry[industry as usize].push(team_index);
                }
                teams.push(Team {
                    employer,
                    leader,
                    members: group.to_vec(),
                    topics,
                    patents: Vec::new(),
                });
            }
        }
        (teams, teams_by_industry)
    }

    /// A team's two or three topics in one of its organisation's
    /// `industries`, sometimes one more in another.
    fn team_topics(&mut self, industries: &[u8]) -> Vec<TopicId> {
        let industry = *pick(&mut self.rng, industries);
        let mut topics: Vec<TopicId> = (0..self.rng.random_range(2..=3))
            .map(|_| self.topic(industry))
            .collect();
        if self.rng.random_bool(0.3) {
            let extra_industry = *pick(&mut self.rng, industries);
            topics.push(self.topic(extra_industry));
        }
        topics.dedup();
        topics
    }

    /// Patents: a quarter from university and institute teams (which are
    /// told their patents), the rest from enterprises in proportion to their
    /// size.
    fn patents(
        &mut self,
        count: usize,
        teams: &mut [Team],
        enterprises: &[Enterprise],
        enterprise_sampler: &WeightedAliasIndex<f64>,
    ) -> Vec<Patent> {
        let mut patents = Vec::with_capacity(count);
        for index in 0..count as u32 {
            let year = self.rng.random_range(FIRST_YEAR..=LAST_YEAR);
            if !teams.is_empty() && self.rng.random_bool(0.25) {
                let team = self.rng.random_range(0..teams.len());
                let topic = *pick(&mut self.rng, &teams[team].topics);
                teams[team].patents.push(index);
                patents.push(Patent {
                    owner: Owner::Team(team as u32),
                    topic,
                    year,
                });
            } else {
                let enterprise = enterprise_sampler.sample(&mut self.rng);
                let topic = *pick(&mut self.rng, &enterprises[enterprise].topics);
                patents.push(Patent {
                    owner: Owner::Enterprise(enterprise as u32),
                    topic,
                    year: year.max(enterprises[enterprise].founded),
                });
            }
        }
        patents
    }
}

impl Plan {
    /// Decides the structure of an ecosystem of `total` entities. The parts
    /// are drawn in a fixed order, each from where the one before left the
    /// random stream.
    pub(crate) fn new(total: usize, seed: u64) -> Plan {
        let counts = Counts::for_total(total);
        let mut planner = Planner::new(seed, counts.zones);
        let zones = planner.zones();
        let universities: Vec<University> = (0..counts.universities).map(|_| planner.university()).collect();
        let institutes: Vec<Institute> = (0..counts.institutes)
            .map(|_| planner.institute(&universities))
            .collect();
        let platforms: Vec<Platform> = (0..counts.platforms).map(|_| planner.platform(&zones)).collect();
        let policies: Vec<Policy> = (0..counts.policies).map(|_| planner.policy(&zones)).collect();
        let enterprises = planner.enterprises(counts.enterprises, &zones, &platforms);
        let (enterprise_sampler, chain_leader_weight) = enterprise_sizes(&enterprises);
        let People {
            mut persons,
            staff,
            academics_of,
        } = planner.people(
            counts.persons,
            &universities,
            &institutes,
            &enterprises,
            &enterprise_sampler,
        );
        let (mut teams, teams_by_industry) = planner.teams(&mut persons, &academics_of, &universities, &institutes);
        let patents = planner.patents(counts.patents, &mut teams, &enterprises, &enterprise_sampler);
        let mut plan = Plan {
            seed,
            policies_by_city: by_city(policies.iter().map(|p| p.city)),
            counts,
            zones,
            universities,
            institutes,
            platforms,
            policy_zipf: Zipf::new(policies.len() as f64, 1.0).expect("valid zipf"),
            policies,
            enterprises,
            persons,
            teams,
            patents,
            staff,
            teams_by_industry,
            enterprise_sampler,
            chain_leader_weight,
            partners: Vec::new(),
            links: Vec::new(),
        };
        plan.partners = growth::partnerships(&plan, &mut planner.rng);
        let links = growth::links(&plan, &plan.partners, &mut planner.rng);
        plan.links = links;
        plan
    }

    /// The name and city of a research organisation.
    pub(crate) fn research_org(&self, employer: Employer) -> (&str, u8) {
        match employer {
            Employer::University(u) => (&self.universities[u as usize].name, self.universities[u as usize].city),
            Employer::Institute(i) => (&self.institutes[i as usize].name, self.institutes[i as usize].city),
            Employer::Enterprise(e) => (&self.enterprises[e as usize].name, self.enterprises[e as usize].city),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportions_follow_a_real_zone() {
        let counts = Counts::for_total(100_000);
        assert_eq!(counts.total(), 100_000);
        assert!((45_000..=52_000).contains(&counts.patents), "{counts:?}");
        assert_eq!(counts.enterprises, 20_000);
        assert!(counts.universities < 100 && counts.universities >= 2);
        let small = Counts::for_total(100);
        assert!(small.total() >= 100 && small.enterprises >= 10);
    }

    #[test]
    fn plan_is_deterministic_and_consistent() {
        let a = Plan::new(5_000, 42);
        let b = Plan::new(5_000, 42);
        assert_eq!(
            a.enterprises.iter().map(|e| &e.name).collect::<Vec<_>>(),
            b.enterprises.iter().map(|e| &e.name).collect::<Vec<_>>()
        );
        let names: HashSet<&String> = a.enterprises.iter().map(|e| &e.name).collect();
        assert_eq!(names.len(), a.enterprises.len(), "registered names are unique");
        for (index, team) in a.teams.iter().enumerate() {
            assert!(team.members.contains(&team.leader));
            for &member in &team.members {
                assert_eq!(a.persons[member as usize].team, Some(index as u32));
            }
            for &patent in &team.patents {
                assert_eq!(a.patents[patent as usize].owner, Owner::Team(index as u32));
            }
        }
        let c = Plan::new(5_000, 43);
        assert_ne!(a.enterprises[0].name, c.enterprises[0].name);
    }
}
