//! The trained tagger: BIOES tags over a few mention kinds, feature weights
//! in a compact open-addressing table of 8-bit values, and Viterbi decoding
//! under the BIOES transition constraints. Also the model file format
//! (see [`Tagger::to_bytes`]).

use super::features::FeatureBuffer;
use super::gazetteer::Gazetteer;
use super::table::{Probe, Row, WeightTable, ROW_BYTES, WEIGHTS};
use crate::extract::mention::MentionKind;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"IGNER\0\0\x01";

/// What a model tags: a kind of mention, or a kind of phrase it learns to
/// tell apart from mentions and that recognition drops (a job title beside
/// a name, the title of a book, a game or a film, a sight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Mention(MentionKind),
    /// 董事长, 主力前锋 (CLUENER's `position`).
    Position,
    /// A book, a game or a film (CLUENER's `book`, `game`, `movie`).
    Work,
    /// A sight or a park (CLUENER's `scene`).
    Scene,
}

impl Class {
    /// The phrases that are not mentions, with their code in model files.
    const OTHERS: [(Class, u8); 3] = [(Class::Position, 100), (Class::Work, 101), (Class::Scene, 102)];

    /// The class of a gold label: a mention kind's, or one of the others.
    pub fn from_label(label: &str) -> Option<Class> {
        if let Some(kind) = MentionKind::from_label(label) {
            return Some(Class::Mention(kind));
        }
        match label {
            "position" => Some(Class::Position),
            "book" | "game" | "movie" => Some(Class::Work),
            "scene" => Some(Class::Scene),
            _ => None,
        }
    }

    /// The mention kind, `None` for the other phrases.
    pub fn kind(self) -> Option<MentionKind> {
        match self {
            Class::Mention(kind) => Some(kind),
            _ => None,
        }
    }

    fn code(self) -> u8 {
        match self {
            Class::Mention(kind) => MentionKind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u8,
            other => Class::OTHERS
                .iter()
                .find(|(c, _)| *c == other)
                .map_or(0, |(_, code)| *code),
        }
    }

    fn from_code(code: u8) -> Option<Class> {
        if let Some(&kind) = MentionKind::ALL.get(code as usize) {
            return Some(Class::Mention(kind));
        }
        Class::OTHERS.iter().find(|(_, c)| *c == code).map(|(class, _)| *class)
    }
}

impl From<MentionKind> for Class {
    fn from(kind: MentionKind) -> Class {
        Class::Mention(kind)
    }
}

/// The tags of a model with `classes` kinds: `O`, then `B I E S` per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSet {
    pub classes: Vec<Class>,
}

/// The four positions of a tag inside a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Begin,
    Inside,
    End,
    Single,
}

impl TagSet {
    pub fn new(classes: Vec<Class>) -> TagSet {
        TagSet { classes }
    }

    /// The number of tags.
    pub fn len(&self) -> usize {
        1 + 4 * self.classes.len()
    }

    /// Whether there are no tags but `O` (never, for a trained model).
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// The tag of `part` of a mention of class `class`.
    pub fn tag(&self, class: usize, part: Part) -> usize {
        1 + 4 * class
            + match part {
                Part::Begin => 0,
                Part::Inside => 1,
                Part::End => 2,
                Part::Single => 3,
            }
    }

    /// Class and part of `tag`, `None` for `O`.
    pub fn split(&self, tag: usize) -> Option<(usize, Part)> {
        if tag == 0 {
            return None;
        }
        let part = match (tag - 1) % 4 {
            0 => Part::Begin,
            1 => Part::Inside,
            2 => Part::End,
            _ => Part::Single,
        };
        Some(((tag - 1) / 4, part))
    }

    /// Whether `to` may follow `from` (`None`: the start of a sentence).
    pub fn allowed(&self, from: Option<usize>, to: usize) -> bool {
        let open = |tag: Option<usize>| match tag.and_then(|t| self.split(t)) {
            Some((class, Part::Begin | Part::Inside)) => Some(class),
            _ => None,
        };
        match (open(from), self.split(to)) {
            (Some(class), Some((to_class, Part::Inside | Part::End))) => class == to_class,
            (Some(_), _) => false,
            (None, Some((_, Part::Inside | Part::End))) => false,
            (None, _) => true,
        }
    }

    /// Whether a sentence may end on `tag`.
    pub fn may_end(&self, tag: usize) -> bool {
        !matches!(self.split(tag), Some((_, Part::Begin | Part::Inside)))
    }

    /// The spans `(class, start, end)` a tag sequence says.
    pub fn spans(&self, tags: &[usize]) -> Vec<(usize, usize, usize)> {
        let mut spans = Vec::new();
        let mut open: Option<(usize, usize)> = None;
        for (i, &tag) in tags.iter().enumerate() {
            match self.split(tag) {
                Some((class, Part::Single)) => spans.push((class, i, i + 1)),
                Some((class, Part::Begin)) => open = Some((class, i)),
                Some((class, Part::End)) => {
                    if let Some((open_class, start)) = open.take() {
                        if open_class == class {
                            spans.push((class, start, i + 1));
                        }
                    }
                }
                Some((_, Part::Inside)) => {}
                None => open = None,
            }
        }
        spans
    }

    /// Gold tags for a sentence of `len` characters with `spans`.
    pub fn encode(&self, len: usize, spans: &[(usize, usize, usize)]) -> Vec<usize> {
        let mut tags = vec![0; len];
        for &(class, start, end) in spans {
            if end <= start || end > len || tags[start..end].iter().any(|&t| t != 0) {
                continue;
            }
            if end - start == 1 {
                tags[start] = self.tag(class, Part::Single);
            } else {
                tags[start] = self.tag(class, Part::Begin);
                for tag in &mut tags[start + 1..end - 1] {
                    *tag = self.tag(class, Part::Inside);
                }
                tags[end - 1] = self.tag(class, Part::End);
            }
        }
        tags
    }

    /// For each tag, the tags that may come before it (`num_tags` stands
    /// for the start of the sentence).
    pub fn predecessors(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        (0..n)
            .map(|to| {
                (0..=n)
                    .filter(|&from| self.allowed((from < n).then_some(from), to))
                    .collect()
            })
            .collect()
    }
}

/// Scores for Viterbi: emission scores per character and tag, transition
/// scores `transitions[from * n + to]` with row `n` for the start. The
/// plain reading of the algorithm, kept as the reference [`Lattice`] is
/// tested against.
#[cfg(test)]
fn viterbi(tags: &TagSet, emissions: &[i64], transitions: &[i64], predecessors: &[Vec<usize>]) -> Vec<usize> {
    let n = tags.len();
    let len = emissions.len() / n;
    if len == 0 {
        return Vec::new();
    }
    const NONE: i64 = i64::MIN / 4;
    let mut score = vec![NONE; len * n];
    let mut back = vec![0u8; len * n];
    for to in 0..n {
        if tags.allowed(None, to) {
            score[to] = transitions[n * n + to] + emissions[to];
        }
    }
    for i in 1..len {
        let (done, rest) = score.split_at_mut(i * n);
        let previous = &done[(i - 1) * n..];
        let current = &mut rest[..n];
        for to in 0..n {
            let mut best = NONE;
            let mut best_from = 0;
            for &from in &predecessors[to] {
                if from == n {
                    continue;
                }
                let candidate = previous[from] + transitions[from * n + to];
                if candidate > best {
                    best = candidate;
                    best_from = from;
                }
            }
            if best > NONE {
                current[to] = best + emissions[i * n + to];
                back[i * n + to] = best_from as u8;
            }
        }
    }
    let mut tag = best_end(&score[(len - 1) * n..len * n], |t| tags.may_end(t));
    let mut path = vec![0; len];
    for i in (0..len).rev() {
        path[i] = tag;
        tag = back[i * n + tag] as usize;
    }
    path
}

/// Viterbi made ready for one tag set and its transitions, for decoding
/// many sentences (tagging) or one per update (training): each tag's
/// predecessors in one flat list and the transitions into a tag side by
/// side. Ties go to the first best predecessor and the lowest final tag.
#[derive(Debug, Clone)]
pub(crate) struct Lattice {
    n: usize,
    /// The score of starting on each tag, `None` where a sentence may not
    /// start.
    start: Vec<Option<i64>>,
    /// The predecessors of tag `to` (the start left out), in increasing
    /// order: `predecessors[bounds[to]..bounds[to + 1]]`.
    predecessors: Vec<u8>,
    bounds: Vec<usize>,
    /// `into[to * n + from]`: the transition from `from` to `to`.
    into: Vec<i64>,
    may_end: Vec<bool>,
}

impl Lattice {
    pub(crate) fn new(tags: &TagSet, transitions: &[i64], predecessors: &[Vec<usize>]) -> Lattice {
        let n = tags.len();
        let start = (0..n)
            .map(|to| tags.allowed(None, to).then(|| transitions[n * n + to]))
            .collect();
        let mut flat = Vec::new();
        let mut bounds = vec![0];
        let mut into = vec![0; n * n];
        for (to, list) in predecessors.iter().enumerate() {
            for &from in list.iter().filter(|&&from| from < n) {
                flat.push(from as u8);
                into[to * n + from] = transitions[from * n + to];
            }
            bounds.push(flat.len());
        }
        Lattice {
            n,
            start,
            predecessors: flat,
            bounds,
            into,
            may_end: (0..n).map(|t| tags.may_end(t)).collect(),
        }
    }

    /// The best path under `emissions` (`len * n` scores).
    pub(crate) fn decode(&self, emissions: &[i64]) -> Vec<usize> {
        const NONE: i64 = i64::MIN / 4;
        let n = self.n;
        let len = emissions.len() / n;
        if len == 0 {
            return Vec::new();
        }
        let mut score = vec![NONE; len * n];
        let mut back = vec![0u8; len * n];
        for (to, start) in self.start.iter().enumerate() {
            if let Some(transition) = start {
                score[to] = transition + emissions[to];
            }
        }
        for i in 1..len {
            let (done, rest) = score.split_at_mut(i * n);
            let previous = &done[(i - 1) * n..];
            let current = &mut rest[..n];
            let here = &emissions[i * n..(i + 1) * n];
            let back = &mut back[i * n..(i + 1) * n];
            for to in 0..n {
                let into = &self.into[to * n..(to + 1) * n];
                let froms = &self.predecessors[self.bounds[to]..self.bounds[to + 1]];
                let candidate = |from: u8| previous[from as usize] + into[from as usize];
                // the best score first (without a branch per predecessor),
                // then the first predecessor that gives it: the one a
                // search for a strictly better score keeps
                let best = froms.iter().fold(NONE, |best, &from| best.max(candidate(from)));
                if best > NONE {
                    current[to] = best + here[to];
                    back[to] = froms.iter().copied().find(|&from| candidate(from) == best).unwrap_or(0);
                }
            }
        }
        let mut tag = best_end(&score[(len - 1) * n..len * n], |t| self.may_end[t]);
        let mut path = vec![0; len];
        for i in (0..len).rev() {
            path[i] = tag;
            tag = back[i * n + tag] as usize;
        }
        path
    }
}

/// The tag a path ends on: the best score of the last character among the
/// tags that may end one, the lowest such tag on a tie (0 when none may).
fn best_end<T: Ord + Copy>(last: &[T], may_end: impl Fn(usize) -> bool) -> usize {
    (0..last.len())
        .filter(|&t| may_end(t))
        .max_by_key(|&t| (last[t], std::cmp::Reverse(t)))
        .unwrap_or(0)
}

/// Scores no path reaches: far below any real score of the narrow
/// decoder, and twice it still fits in an `i32`.
const UNREACHED: i32 = -(1 << 29);

/// The largest score magnitude [`Narrow`] decodes: beyond it (a sentence
/// or a model far larger than any seen) the wide [`Lattice`] does.
const NARROW_LIMIT: i64 = 1 << 26;

/// Tags that share their predecessors (with BIOES: `O`, `B` and `S` of
/// every class after `O`, `E` or `S`; `I` and `E` of a class after its
/// `B` or `I`), so that the scores of those predecessors are gathered
/// once for all of them.
#[derive(Debug, Clone)]
struct Group {
    /// The shared predecessors, in increasing order.
    predecessors: Vec<u8>,
    /// The number of scores compared per tag: the predecessors, then
    /// [`UNREACHED`] up to a multiple of 4.
    width: usize,
    tags: Vec<u8>,
    /// `into[j * width + k]`: the transition from predecessor `k` to
    /// `tags[j]`, [`UNREACHED`] in the padding.
    into: Vec<i32>,
}

/// [`Lattice`] on 32-bit scores, for tagging: the same path (ties to the
/// first best predecessor and the lowest final tag), found by keeping
/// each tag's best incoming score and looking for the predecessor that
/// gives it only along the path.
#[derive(Debug, Clone)]
struct Narrow {
    n: usize,
    start: Vec<i32>,
    groups: Vec<Group>,
    /// `transitions[from * n + to]`.
    transitions: Vec<i32>,
    predecessors: Vec<Vec<u8>>,
    may_end: Vec<bool>,
    /// The largest magnitude of a transition or start score.
    largest: i64,
}

impl Narrow {
    fn new(tags: &TagSet, transitions: &[i64], predecessors: &[Vec<usize>]) -> Option<Narrow> {
        let n = tags.len();
        let largest = transitions.iter().map(|t| t.abs()).max().unwrap_or(0);
        if largest >= NARROW_LIMIT {
            return None;
        }
        let start = (0..n)
            .map(|to| {
                if tags.allowed(None, to) {
                    transitions[n * n + to] as i32
                } else {
                    UNREACHED
                }
            })
            .collect();
        let lists: Vec<Vec<u8>> = predecessors
            .iter()
            .map(|list| list.iter().filter(|&&from| from < n).map(|&from| from as u8).collect())
            .collect();
        let mut groups: Vec<Group> = Vec::new();
        for (to, list) in lists.iter().enumerate() {
            let index = match groups.iter().position(|g| &g.predecessors == list) {
                Some(index) => index,
                None => {
                    groups.push(Group {
                        predecessors: list.clone(),
                        width: list.len().div_ceil(4).max(1) * 4,
                        tags: Vec::new(),
                        into: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            group.tags.push(to as u8);
            let width = group.width;
            group
                .into
                .extend(list.iter().map(|&from| transitions[from as usize * n + to] as i32));
            group.into.resize(group.tags.len() * width, UNREACHED);
        }
        Some(Narrow {
            n,
            start,
            groups,
            transitions: transitions[..n * n].iter().map(|&t| t as i32).collect(),
            predecessors: lists,
            may_end: (0..n).map(|t| tags.may_end(t)).collect(),
            largest,
        })
    }

    /// Whether scores summed from `emissions` stay well inside the narrow
    /// range, `largest_emission` bounding each one's magnitude.
    fn fits(&self, len: usize, largest_emission: i64) -> bool {
        (len as i64 + 1).saturating_mul(largest_emission.saturating_add(self.largest)) < NARROW_LIMIT
    }

    /// The best path under `emissions` (`len * n` scores); `scores` and
    /// `incoming` are scratch space.
    fn decode(&self, emissions: &[i32], scores: &mut Vec<i32>, incoming: &mut Vec<i32>) -> Vec<usize> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked above).
            return unsafe { self.decode_avx2(emissions, scores, incoming) };
        }
        self.decode_plain(emissions, scores, incoming)
    }

    /// [`Narrow::decode`] compiled for processors with AVX2 (the maxima
    /// of [`best_sum`] then take one instruction, not three).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn decode_avx2(&self, emissions: &[i32], scores: &mut Vec<i32>, incoming: &mut Vec<i32>) -> Vec<usize> {
        self.decode_plain(emissions, scores, incoming)
    }

    /// [`Narrow::decode`] on any processor.
    #[inline(always)]
    fn decode_plain(&self, emissions: &[i32], scores: &mut Vec<i32>, incoming: &mut Vec<i32>) -> Vec<usize> {
        let n = self.n;
        let len = emissions.len() / n;
        if len == 0 {
            return Vec::new();
        }
        scores.clear();
        scores.resize(len * n, UNREACHED);
        incoming.clear();
        incoming.resize(len * n, UNREACHED);
        for (to, &start) in self.start.iter().enumerate() {
            if start != UNREACHED {
                scores[to] = start + emissions[to];
            }
        }
        let mut gathered = [UNREACHED; 4 * MAX_TAGS.div_ceil(4)];
        for i in 1..len {
            let (done, rest) = scores.split_at_mut(i * n);
            let previous = &done[(i - 1) * n..];
            let current = &mut rest[..n];
            let here = &emissions[i * n..(i + 1) * n];
            let incoming = &mut incoming[i * n..(i + 1) * n];
            for group in &self.groups {
                let width = group.width;
                for (slot, &from) in gathered.iter_mut().zip(&group.predecessors) {
                    *slot = previous[from as usize];
                }
                for (&to, into) in group.tags.iter().zip(group.into.chunks_exact(width)) {
                    let best = best_sum(&gathered[..width], into);
                    if best > -NARROW_LIMIT as i32 {
                        incoming[to as usize] = best;
                        current[to as usize] = best + here[to as usize];
                    }
                }
                // the padding of the next group starts unreached again
                gathered[..width].fill(UNREACHED);
            }
        }
        let mut tag = best_end(&scores[(len - 1) * n..len * n], |t| self.may_end[t]);
        let mut path = vec![0; len];
        for i in (0..len).rev() {
            path[i] = tag;
            if i == 0 {
                break;
            }
            let wanted = incoming[i * n + tag];
            let previous = &scores[(i - 1) * n..i * n];
            tag = self.predecessors[tag]
                .iter()
                .map(|&from| from as usize)
                .find(|&from| previous[from] + self.transitions[from * n + tag] == wanted)
                .unwrap_or(0);
        }
        path
    }
}

/// The largest `a[k] + b[k]`, four lanes at a time (which the compiler
/// does with vector instructions).
#[inline(always)]
fn best_sum(a: &[i32], b: &[i32]) -> i32 {
    let mut best = [UNREACHED * 2; 4];
    for (a, b) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        for lane in 0..4 {
            best[lane] = best[lane].max(a[lane] + b[lane]);
        }
    }
    best[0].max(best[1]).max(best[2].max(best[3]))
}

/// Scratch space for [`Tagger::tag`], kept from one sentence to the next.
#[derive(Debug, Default, Clone)]
pub struct TagScratch {
    emissions: Vec<i32>,
    /// The second lines a character's features are looked for on, with
    /// the tag wanted there.
    second: Vec<(u32, u32)>,
    scores: Vec<i32>,
    incoming: Vec<i32>,
    wide: Vec<i64>,
}

/// The most tags a model has: a row of weights holds one byte per tag in
/// 32 bytes (half a cache line) beside the feature's tag, so a model tags
/// at most seven classes.
pub const MAX_TAGS: usize = WEIGHTS;

/// How many features ahead [`Tagger::tag`] asks for the home line of.
const PREFETCH_AHEAD: usize = 16;

/// Lines of the weight table per feature (rounded up to a power of two
/// lines): with two entries a line, about one feature in two lines.
const LINES_PER_FEATURE: f64 = 1.0;

/// The most features of one character summed in 16-bit lanes: 255 of at
/// most 128 in magnitude stay under 32,767.
const NARROW_SUM_FEATURES: usize = 255;

/// Adds the bytes of `row` to `sums` (which the compiler does with vector
/// instructions, 16 or 32 lanes at a time).
#[inline(always)]
fn add_row<T: Copy + From<i8> + std::ops::AddAssign>(sums: &mut [T; ROW_BYTES], row: &Row) {
    for (sum, &weight) in sums.iter_mut().zip(&row.0) {
        *sum += T::from(weight);
    }
}

/// The sums of the rows of `ids` over `table`, in lanes of `T`, the home
/// line of the feature [`PREFETCH_AHEAD`] on asked for before each is
/// read; features on a second line are read after the others, their line
/// asked for as soon as it is known.
#[inline(always)]
fn sum_features<T: Copy + Default + From<i8> + std::ops::AddAssign>(
    table: &WeightTable,
    ids: &[u32],
    range: std::ops::Range<usize>,
    second: &mut Vec<(u32, u32)>,
) -> [T; ROW_BYTES] {
    let mut sums = [T::default(); ROW_BYTES];
    for at in range {
        if let Some(&ahead) = ids.get(at + PREFETCH_AHEAD) {
            table.prefetch(ahead);
        }
        match table.probe(ids[at]) {
            Probe::Found(row) => add_row(&mut sums, row),
            Probe::Absent => {}
            Probe::Second { line, wanted } => {
                table.prefetch_line(line);
                second.push((line, wanted));
            }
        }
    }
    for (line, wanted) in second.drain(..) {
        if let Some(row) = table.second(line, wanted) {
            add_row(&mut sums, row);
        }
    }
    sums
}

/// The emission scores of each character, `n` a character, into
/// `emissions`; returns the largest magnitude they may have.
#[inline(always)]
fn sum_emissions(
    table: &WeightTable,
    features: &FeatureBuffer,
    n: usize,
    emissions: &mut [i32],
    second: &mut Vec<(u32, u32)>,
) -> i64 {
    let ids = &features.ids;
    for &id in ids.iter().take(PREFETCH_AHEAD) {
        table.prefetch(id);
    }
    let mut largest = 0i64;
    for (i, scores) in emissions.chunks_exact_mut(n).enumerate() {
        let (from, to) = (features.offsets[i] as usize, features.offsets[i + 1] as usize);
        if to - from <= NARROW_SUM_FEATURES {
            let sums = sum_features::<i16>(table, ids, from..to, second);
            for (score, &sum) in scores.iter_mut().zip(&sums) {
                *score = i32::from(sum);
            }
        } else {
            let sums = sum_features::<i32>(table, ids, from..to, second);
            scores.copy_from_slice(&sums[..n]);
        }
        largest = largest.max(128 * (to - from) as i64);
    }
    largest
}

/// [`sum_emissions`] compiled for processors with AVX2 (the sums of a
/// row then take two or four instructions).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sum_emissions_avx2(
    table: &WeightTable,
    features: &FeatureBuffer,
    n: usize,
    emissions: &mut [i32],
    second: &mut Vec<(u32, u32)>,
) -> i64 {
    sum_emissions(table, features, n, emissions, second)
}

/// A trained tagger.
#[derive(Debug, Clone)]
pub struct Tagger {
    pub tags: TagSet,
    /// Weight of one unit of the 8-bit values.
    pub scale: f32,
    /// The weights of each feature, found by its id (see [`WeightTable`]).
    table: WeightTable,
    /// The feature ids, sorted, for writing the model back.
    ids: Vec<u32>,
    /// `(n + 1) * n` transition weights in units of `scale`.
    transitions: Vec<i64>,
    lattice: Lattice,
    narrow: Option<Narrow>,
    /// Names labelled in the training sentences.
    gazetteer: Gazetteer,
}

impl Tagger {
    /// Builds a tagger from quantised weights: `(feature id, one weight per
    /// tag)` and transitions. At most [`MAX_TAGS`] tags.
    pub fn from_parts(tags: TagSet, scale: f32, mut features: Vec<(u32, Vec<i8>)>, transitions: Vec<i64>) -> Tagger {
        let n = tags.len();
        assert!(n <= MAX_TAGS, "a tagger has at most {MAX_TAGS} tags, not {n}");
        features.sort_unstable_by_key(|(id, _)| *id);
        features.dedup_by_key(|(id, _)| *id);
        debug_assert!(features.iter().all(|(id, weights)| *id != 0 && weights.len() == n));
        let table = WeightTable::new(&features, LINES_PER_FEATURE);
        let predecessors = tags.predecessors();
        let lattice = Lattice::new(&tags, &transitions, &predecessors);
        let narrow = Narrow::new(&tags, &transitions, &predecessors);
        Tagger {
            tags,
            scale,
            ids: features.iter().map(|(id, _)| *id).collect(),
            table,
            transitions,
            lattice,
            narrow,
            gazetteer: Gazetteer::default(),
        }
    }

    /// The tagger with the names of its training sentences.
    pub fn with_gazetteer(mut self, gazetteer: Gazetteer) -> Tagger {
        self.gazetteer = gazetteer;
        self
    }

    /// The names of its training sentences (see [`super::gazetteer`]).
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// The number of features with weights.
    pub fn feature_count(&self) -> usize {
        self.ids.len()
    }

    /// The weights of feature `id` (then zeros up to [`WEIGHTS`]), if it
    /// has any.
    fn row(&self, id: u32) -> Option<&[i8]> {
        self.table.find(id).map(|row| &row.0[..WEIGHTS])
    }

    /// The best tags for a sentence whose features are `features`;
    /// `scratch` is kept between calls.
    pub fn tag(&self, features: &FeatureBuffer, scratch: &mut TagScratch) -> Vec<usize> {
        let largest = self.emissions(features, scratch);
        let narrow = self.narrow.as_ref().filter(|d| d.fits(features.len(), largest));
        match narrow {
            Some(narrow) => narrow.decode(&scratch.emissions, &mut scratch.scores, &mut scratch.incoming),
            None => {
                scratch.wide.clear();
                scratch.wide.extend(scratch.emissions.iter().map(|&e| i64::from(e)));
                self.lattice.decode(&scratch.wide)
            }
        }
    }

    /// The emission scores of each character and tag, `len * n`, into
    /// `scratch.emissions`: the sums of the weights of the character's
    /// features; returns the largest magnitude among them. The table is
    /// read at random and does not fit the processor's nearer caches, so
    /// each feature's line is asked for [`PREFETCH_AHEAD`] features before
    /// it is read.
    fn emissions(&self, features: &FeatureBuffer, scratch: &mut TagScratch) -> i64 {
        let n = self.tags.len();
        let emissions = &mut scratch.emissions;
        emissions.clear();
        emissions.resize(features.len() * n, 0);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked above).
            return unsafe { sum_emissions_avx2(&self.table, features, n, emissions, &mut scratch.second) };
        }
        sum_emissions(&self.table, features, n, emissions, &mut scratch.second)
    }

    /// The model file: magic, classes, scale, transitions, then the
    /// features sorted by id, each as the gap from the previous id and a
    /// bit mask of its non-zero tags (LEB128), then those weights; then,
    /// when the model has a gazetteer, the number of its entries and each
    /// entry sorted by hash (the 8-byte hash, little-endian, and its value
    /// as LEB128: see [`Gazetteer`]); last a 4-byte checksum.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.tags.len();
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(self.tags.classes.len() as u8);
        for class in &self.tags.classes {
            out.push(class.code());
        }
        out.extend_from_slice(&self.scale.to_le_bytes());
        for &weight in &self.transitions {
            write_varint(&mut out, zigzag(weight));
        }
        let features: Vec<(u32, &[i8])> = self
            .ids
            .iter()
            .map(|&id| (id, self.row(id).map_or(&[][..], |row| &row[..n])))
            .collect();
        write_varint(&mut out, features.len() as u64);
        let mut previous = 0u32;
        for (key, row) in features {
            write_varint(&mut out, u64::from(key - previous));
            previous = key;
            let mask = row
                .iter()
                .enumerate()
                .filter(|(_, &w)| w != 0)
                .fold(0u64, |mask, (t, _)| mask | 1 << t);
            write_varint(&mut out, mask);
            out.extend(row.iter().filter(|&&w| w != 0).map(|&w| w as u8));
        }
        if !self.gazetteer.is_empty() {
            let entries = self.gazetteer.entries();
            write_varint(&mut out, entries.len() as u64);
            for (hash, value) in entries {
                out.extend_from_slice(&hash.to_le_bytes());
                write_varint(&mut out, u64::from(value));
            }
        }
        let checksum = blake3::hash(&out);
        out.extend_from_slice(&checksum.as_bytes()[..4]);
        out
    }

    /// Reads a model file written by [`Tagger::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger> {
        let bad = |reason: &str| Error::Serialization(format!("model file: {reason}"));
        if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
            return Err(bad("not an innograph tagger model (wrong magic)"));
        }
        let (body, checksum) = bytes.split_at(bytes.len() - 4);
        if &blake3::hash(body).as_bytes()[..4] != checksum {
            return Err(bad("checksum mismatch"));
        }
        let mut reader = Reader {
            bytes: body,
            at: MAGIC.len(),
        };
        let class_count = reader.byte().ok_or_else(|| bad("truncated"))? as usize;
        let mut classes = Vec::with_capacity(class_count);
        for _ in 0..class_count {
            let code = reader.byte().ok_or_else(|| bad("truncated"))?;
            classes.push(Class::from_code(code).ok_or_else(|| bad("unknown class"))?);
        }
        let tags = TagSet::new(classes);
        let n = tags.len();
        let scale = f32::from_le_bytes(reader.array().ok_or_else(|| bad("truncated"))?);
        let mut transitions = Vec::with_capacity((n + 1) * n);
        for _ in 0..(n + 1) * n {
            transitions.push(unzigzag(reader.varint().ok_or_else(|| bad("truncated"))?));
        }
        let count = reader.varint().ok_or_else(|| bad("truncated"))? as usize;
        let mut features = Vec::with_capacity(count);
        let mut key = 0u32;
        for _ in 0..count {
            let gap = reader.varint().ok_or_else(|| bad("truncated"))?;
            key = key
                .checked_add(u32::try_from(gap).map_err(|_| bad("bad feature id"))?)
                .ok_or_else(|| bad("bad feature id"))?;
            let mask = reader.varint().ok_or_else(|| bad("truncated"))?;
            let mut row = vec![0i8; n];
            for (t, weight) in row.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *weight = reader.byte().ok_or_else(|| bad("truncated"))? as i8;
                }
            }
            if key == 0 {
                return Err(bad("bad feature id"));
            }
            features.push((key, row));
        }
        let mut names = Vec::new();
        if reader.at != body.len() {
            let count = reader.varint().ok_or_else(|| bad("truncated"))? as usize;
            for _ in 0..count {
                let hash = u64::from_le_bytes(reader.array().ok_or_else(|| bad("truncated"))?);
                let value = reader.varint().ok_or_else(|| bad("truncated"))?;
                names.push((hash, u32::try_from(value).map_err(|_| bad("bad name entry"))?));
            }
        }
        if reader.at != body.len() {
            return Err(bad("trailing bytes"));
        }
        Ok(Tagger::from_parts(tags, scale, features, transitions).with_gazetteer(Gazetteer::from_entries(names)))
    }
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let slice = self.bytes.get(self.at..self.at + N)?;
        self.at += N;
        slice.try_into().ok()
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> TagSet {
        TagSet::new(vec![
            MentionKind::Organization.into(),
            MentionKind::Person.into(),
            MentionKind::Location.into(),
        ])
    }

    #[test]
    fn bioes_round_trip_and_constraints() {
        let tags = three();
        assert_eq!(tags.len(), 13);
        let spans = vec![(0, 0, 4), (1, 5, 6), (2, 7, 9)];
        let encoded = tags.encode(10, &spans);
        assert_eq!(tags.spans(&encoded), spans);
        assert!(!tags.allowed(None, tags.tag(0, Part::Inside)));
        assert!(!tags.allowed(Some(tags.tag(0, Part::Begin)), tags.tag(1, Part::End)));
        assert!(tags.allowed(Some(tags.tag(0, Part::End)), tags.tag(1, Part::Begin)));
        assert!(!tags.may_end(tags.tag(2, Part::Begin)));
    }

    #[test]
    fn viterbi_respects_constraints() {
        let tags = three();
        let n = tags.len();
        // emissions want B-ORG then O: not allowed, so the best legal path
        let mut emissions = vec![0i64; 2 * n];
        emissions[tags.tag(0, Part::Begin)] = 10;
        emissions[n] = 10;
        let transitions = vec![0i64; (n + 1) * n];
        let path = viterbi(&tags, &emissions, &transitions, &tags.predecessors());
        assert_eq!(tags.spans(&path).len(), tags.spans(&path).len());
        assert!(tags.may_end(path[1]));
        assert!(tags.allowed(None, path[0]) && tags.allowed(Some(path[0]), path[1]));
    }

    /// The built-in model's tags and transitions on even rounds, three
    /// classes with random transitions on odd ones.
    fn tags_for_round(round: usize, builtin: &Tagger, rng: &mut rand_chacha::ChaCha8Rng) -> (TagSet, Vec<i64>) {
        use rand::RngExt;
        if round.is_multiple_of(2) {
            return (builtin.tags.clone(), builtin.transitions.clone());
        }
        let tags = three();
        let transitions = (0..(tags.len() + 1) * tags.len())
            .map(|_| rng.random_range(-40..40))
            .collect();
        (tags, transitions)
    }

    #[test]
    fn the_lattice_finds_the_path_viterbi_finds() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let builtin = super::super::builtin().expect("models/ner.bin decodes");
        for round in 0..300 {
            let (tags, transitions) = tags_for_round(round, builtin, &mut rng);
            let n = tags.len();
            let len = rng.random_range(0..60);
            // narrow ranges make ties, which both must break alike
            let spread = if round % 3 == 0 { 3 } else { 400 };
            let emissions: Vec<i64> = (0..len * n).map(|_| rng.random_range(-spread..spread)).collect();
            let predecessors = tags.predecessors();
            let lattice = Lattice::new(&tags, &transitions, &predecessors);
            assert_eq!(
                lattice.decode(&emissions),
                viterbi(&tags, &emissions, &transitions, &predecessors),
                "round {round}"
            );
        }
    }

    #[test]
    fn the_narrow_decoder_finds_the_path_the_lattice_finds() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let builtin = super::super::builtin().expect("models/ner.bin decodes");
        let (mut scores, mut incoming) = (Vec::new(), Vec::new());
        for round in 0..600 {
            let (tags, transitions) = tags_for_round(round, builtin, &mut rng);
            let n = tags.len();
            let len = rng.random_range(0..200);
            let spread = if round % 3 == 0 { 3 } else { 6000 };
            let emissions: Vec<i32> = (0..len * n).map(|_| rng.random_range(-spread..spread)).collect();
            let wide: Vec<i64> = emissions.iter().map(|&e| i64::from(e)).collect();
            let predecessors = tags.predecessors();
            let narrow = Narrow::new(&tags, &transitions, &predecessors).expect("small transitions");
            assert!(narrow.fits(len, i64::from(spread)));
            let wanted = Lattice::new(&tags, &transitions, &predecessors).decode(&wide);
            assert_eq!(
                narrow.decode(&emissions, &mut scores, &mut incoming),
                wanted,
                "round {round}"
            );
            assert_eq!(
                narrow.decode_plain(&emissions, &mut scores, &mut incoming),
                wanted,
                "round {round}"
            );
        }
    }

    #[test]
    fn emissions_are_the_sums_of_the_rows_found() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(14);
        let tags = three();
        let n = tags.len();
        let features: Vec<(u32, Vec<i8>)> = (0..5_000)
            .map(|_| {
                let id = rng.random_range(1..u32::MAX);
                (id, (0..n).map(|_| rng.random_range(-128i16..128) as i8).collect())
            })
            .collect();
        let known: Vec<u32> = features.iter().map(|(id, _)| *id).collect();
        let tagger = Tagger::from_parts(tags, 1.0, features, vec![0; (n + 1) * n]);
        let mut buffer = FeatureBuffer::default();
        for round in 0..50 {
            buffer.ids.clear();
            buffer.offsets.clear();
            buffer.offsets.push(0);
            for _ in 0..rng.random_range(0..40) {
                // some characters with more features than 16-bit sums hold
                let count = if round % 10 == 0 {
                    rng.random_range(250..400)
                } else {
                    rng.random_range(0..60)
                };
                for _ in 0..count {
                    let id = if rng.random_range(0..3) == 0 {
                        rng.random()
                    } else {
                        known[rng.random_range(0..known.len())]
                    };
                    buffer.ids.push(id);
                }
                buffer.offsets.push(buffer.ids.len() as u32);
            }
            let mut expected = Vec::new();
            for i in 0..buffer.len() {
                for t in 0..n {
                    let sum: i64 = buffer
                        .of(i)
                        .iter()
                        .filter_map(|&id| tagger.row(id))
                        .map(|row| i64::from(row[t]))
                        .sum();
                    expected.push(sum as i32);
                }
            }
            let mut scratch = TagScratch::default();
            let largest = tagger.emissions(&buffer, &mut scratch);
            assert_eq!(scratch.emissions, expected, "round {round}");
            assert!(expected.iter().all(|&e| i64::from(e).abs() <= largest));
            let mut plain = vec![0; buffer.len() * n];
            sum_emissions(&tagger.table, &buffer, n, &mut plain, &mut Vec::new());
            assert_eq!(plain, expected, "round {round}");
        }
    }

    #[test]
    fn a_feature_without_weights_never_reads_a_neighbour_s() {
        let tags = three();
        let n = tags.len();
        // 16 and 32 both start at slot 0 of a 16-slot table, so 32 sits
        // in slot 1, where 1 would start; they share their upper bits
        let tagger = Tagger::from_parts(
            tags,
            1.0,
            vec![(16, vec![1; n]), (32, vec![2; n])],
            vec![0; (n + 1) * n],
        );
        assert_eq!(tagger.row(32).map(|r| r[0]), Some(2));
        assert_eq!(tagger.row(1), None);
        assert_eq!(tagger.row(0), None);
    }

    #[test]
    fn model_bytes_round_trip_and_reject_damage() {
        let tags = three();
        let n = tags.len();
        let mut row = vec![0i8; n];
        row[3] = -7;
        row[12] = 100;
        let transitions: Vec<i64> = (0..(n + 1) * n).map(|i| i as i64 - 50).collect();
        let tagger = Tagger::from_parts(tags, 0.5, vec![(42, row.clone()), (7, vec![1; n])], transitions);
        let bytes = tagger.to_bytes();
        let back = Tagger::from_bytes(&bytes).unwrap();
        assert_eq!(back.row(42).map(|r| &r[..n]), Some(row.as_slice()));
        assert_eq!(back.row(43), None);
        assert_eq!(back.to_bytes(), bytes);
        let mut damaged = bytes.clone();
        damaged[20] ^= 1;
        assert!(Tagger::from_bytes(&damaged).is_err());
        assert!(Tagger::from_bytes(b"nonsense").is_err());
        // with names: they come back, and a model without them still reads
        let name: Vec<char> = "德罗巴".chars().collect();
        let prefixes = super::super::gazetteer::prefixes(&name);
        let named = back.with_gazetteer(Gazetteer::from_names([(&prefixes[..], 0b100)]));
        let with_names = named.to_bytes();
        assert!(with_names.len() > bytes.len());
        let again = Tagger::from_bytes(&with_names).unwrap();
        assert_eq!(again.gazetteer().entries(), named.gazetteer().entries());
        assert_eq!(again.gazetteer().len(), 1);
        assert_eq!(again.to_bytes(), with_names);
        let mut cut = with_names[..with_names.len() - 6].to_vec();
        let checksum = blake3::hash(&cut);
        cut.extend_from_slice(&checksum.as_bytes()[..4]);
        assert!(Tagger::from_bytes(&cut).is_err(), "a cut list of names");
    }
}
