//! The rules every entity and relation meets, whether it comes from a
//! corpus file or through the write API: one function each, so a write can
//! never store what a build would refuse. The loader reports the problems
//! with file and line; the API answers the first one as a 400.

use std::borrow::Cow;

use crate::model::{check_date, derived_title, Document, Entity, EntityKind, Relation, MAX_ALIASES};

/// A problem with one field of a record: the field and what is wrong.
pub type FieldProblem = (&'static str, String);

/// Quote marks that wrap a whole name or alias by mistake (copied with the
/// quotes of the sentence it came from).
const WRAPPING_QUOTES: [(char, char); 5] = [('“', '”'), ('"', '"'), ('「', '」'), ('『', '』'), ('‘', '’')];

/// A name or alias as stored: trimmed, without quote marks that wrap all
/// of it (`“高新贷2.0”` is 高新贷2.0; `“高新好产品”展` keeps its quotes).
pub fn clean_name(name: &str) -> String {
    let mut text = name.trim();
    loop {
        let unwrapped = WRAPPING_QUOTES.iter().find_map(|&(open, close)| {
            let inner = text.strip_prefix(open)?.strip_suffix(close)?;
            // only a pair that wraps everything: no other quote inside
            (!inner.contains(close)).then_some(inner.trim())
        });
        match unwrapped {
            Some(inner) => text = inner,
            None => return text.to_string(),
        }
    }
}

/// Checks an entity and puts its names in their stored form (see
/// [`clean_name`]; an alias equal to the name or to an earlier alias is
/// dropped). Returns the problems found, empty when it may be stored.
pub fn check_entity(entity: &mut Entity) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if entity.id.trim().is_empty() || entity.id != entity.id.trim() {
        problems.push(("id", "must be non-empty, without surrounding spaces".to_string()));
    } else if entity.id.chars().any(char::is_whitespace) {
        problems.push(("id", format!("`{}` must not contain spaces", entity.id)));
    }
    if entity.kind == EntityKind::Document {
        problems.push((
            "kind",
            "`document` is the kind of articles: write them as documents (documents/, POST /api/documents)".to_string(),
        ));
    }
    entity.name = clean_name(&entity.name);
    if entity.name.is_empty() {
        problems.push(("name", "must not be empty".to_string()));
    }
    let mut aliases: Vec<String> = Vec::with_capacity(entity.aliases.len());
    for (position, alias) in entity.aliases.iter().enumerate() {
        let alias = clean_name(alias);
        if alias.is_empty() {
            problems.push(("aliases", format!("item {position} must be a non-empty string")));
        } else if alias != entity.name && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }
    entity.aliases = aliases;
    if entity.aliases.len() > MAX_ALIASES {
        problems.push(("aliases", format!("at most {MAX_ALIASES} aliases")));
    }
    problems
}

/// Checks an article and gives an untitled one the opening words of its
/// text as a title ([`derived_title`]). Returns the problems found.
pub fn check_document(document: &mut Document) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if document.id.trim().is_empty() || document.id.chars().any(char::is_whitespace) {
        problems.push(("id", "must be non-empty, without spaces".to_string()));
    }
    if document.text.trim().is_empty() {
        problems.push(("text", "must not be empty".to_string()));
    }
    if !document.date.is_empty() {
        if let Err(crate::Error::InvalidParameter { message, .. }) = check_date("date", &document.date) {
            problems.push(("date", message));
        }
    }
    document.title = document.title.trim().to_string();
    if document.title.is_empty() {
        document.title = derived_title(&document.text);
        document.title_derived = true;
    }
    problems
}

/// Checks a relation on its own and against the documents it cites:
/// `document` gives the text of a document by id (`None` for no such
/// document). Whether its ends exist is the graph's to say.
pub fn check_relation<'d>(relation: &Relation, document: impl Fn(&str) -> Option<Cow<'d, str>>) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (field, id) in [("from", &relation.from), ("to", &relation.to)] {
        if id.trim().is_empty() {
            problems.push((field, "must not be empty".to_string()));
        }
    }
    if !relation.from.is_empty() && relation.from == relation.to {
        problems.push(("to", format!("relation links `{}` to itself", relation.to)));
    }
    if let Some(since) = &relation.since {
        if let Err(crate::Error::InvalidParameter { message, .. }) = check_date("since", since) {
            problems.push(("since", message));
        }
    }
    for (position, evidence) in relation.evidence.iter().enumerate() {
        if evidence.doc.trim().is_empty() || evidence.quote.trim().is_empty() {
            problems.push((
                "evidence",
                format!("item {position} must be {{\"doc\", \"quote\"}} with both non-empty"),
            ));
            continue;
        }
        match document(&evidence.doc) {
            None => problems.push((
                "evidence",
                format!("item {position} cites unknown document `{}`", evidence.doc),
            )),
            Some(text) if !text.contains(evidence.quote.as_str()) => problems.push((
                "evidence",
                format!("item {position}: quote not found in document `{}`", evidence.doc),
            )),
            Some(_) => {}
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntityKind, Evidence, RelationKind};

    #[test]
    fn names_lose_quotes_that_wrap_them_only() {
        assert_eq!(clean_name(" “高新贷2.0” "), "高新贷2.0");
        assert_eq!(clean_name("「“双层”」"), "双层");
        assert_eq!(clean_name("“高新好产品”展"), "“高新好产品”展");
        assert_eq!(clean_name("“甲”与“乙”"), "“甲”与“乙”");
        assert_eq!(clean_name(" “ ” "), "", "quote marks alone are no name");
        assert_eq!(clean_name("高测股份"), "高测股份");
    }

    fn entity(name: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: "e".into(),
            kind: EntityKind::Policy,
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            description: String::new(),
            industry: vec![],
            location: String::new(),
            props: Default::default(),
        }
    }

    #[test]
    fn entities_are_checked_and_their_names_cleaned() {
        let mut policy = entity("“高新贷2.0”", &["高新贷2.0", "“高新贷”", "高新贷"]);
        assert!(check_entity(&mut policy).is_empty());
        assert_eq!(policy.name, "高新贷2.0");
        assert_eq!(policy.aliases, ["高新贷"]);
        let mut blank = entity("  ", &[" "]);
        let problems = check_entity(&mut blank);
        assert_eq!(problems.iter().map(|p| p.0).collect::<Vec<_>>(), ["name", "aliases"]);
        let mut spaced = entity("甲", &[]);
        spaced.id = "a b".into();
        assert_eq!(check_entity(&mut spaced)[0].0, "id");
    }

    #[test]
    fn relations_cite_real_documents_and_quotes() {
        let text = "甲公司与乙大学签约合作";
        let document = |id: &str| (id == "doc").then_some(Cow::Borrowed(text));
        let mut relation = Relation {
            from: "a".into(),
            to: "b".into(),
            kind: RelationKind::CollaboratesWith,
            since: Some("2023-02".into()),
            amount: None,
            unit: None,
            props: Default::default(),
            evidence: vec![Evidence {
                doc: "doc".into(),
                quote: "签约合作".into(),
            }],
        };
        assert!(check_relation(&relation, document).is_empty());
        relation.evidence.push(Evidence {
            doc: "doc".into(),
            quote: "编造的句子".into(),
        });
        relation.evidence.push(Evidence {
            doc: "nowhere".into(),
            quote: "甲".into(),
        });
        relation.to = "a".into();
        relation.since = Some("2023-13".into());
        let problems = check_relation(&relation, document);
        let messages: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
        assert_eq!(problems.len(), 4, "{messages:?}");
        assert!(messages[0].contains("to itself"));
        assert!(messages[1].contains("bad date"));
        assert!(messages[2].contains("quote not found"));
        assert!(messages[3].contains("unknown document `nowhere`"));
    }
}
