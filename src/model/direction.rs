//! Which way a relation runs, seen from one of its ends.

use serde::{Deserialize, Serialize};

/// Which way a relation runs, seen from an entity: `out` when the entity is
/// the relation's `from`, `in` when it is its `to`. Along a path, `out`
/// means the relation runs the way the path goes. As a filter (which
/// relations to follow from an entity), `both` takes either; a relation
/// itself is never `both`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The entity is the relation's `from`.
    Out,
    /// The entity is the relation's `to`.
    In,
    /// Either (filters only).
    #[default]
    Both,
}

impl Direction {
    /// The direction of a relation seen from an end: `Out` from its `from`.
    pub fn of(outgoing: bool) -> Direction {
        if outgoing {
            Direction::Out
        } else {
            Direction::In
        }
    }

    /// Whether a filter of this direction lets a relation through, seen
    /// from the end for which it is `outgoing` or not.
    pub fn allows(self, outgoing: bool) -> bool {
        match self {
            Direction::Both => true,
            Direction::Out => outgoing,
            Direction::In => !outgoing,
        }
    }

    /// The same relation seen from its other end.
    pub fn reversed(self) -> Direction {
        match self {
            Direction::Out => Direction::In,
            Direction::In => Direction::Out,
            Direction::Both => Direction::Both,
        }
    }

    /// The name used in the query language, the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
            Direction::Both => "both",
        }
    }
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "out" => Ok(Direction::Out),
            "in" => Ok(Direction::In),
            "both" => Ok(Direction::Both),
            _ => Err(format!("unknown direction `{s}`, expected out, in or both")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_parse_print_and_filter() {
        for direction in [Direction::Out, Direction::In, Direction::Both] {
            assert_eq!(direction.as_str().parse::<Direction>(), Ok(direction));
            assert_eq!(serde_json::to_string(&direction).unwrap(), format!("\"{direction}\""));
        }
        assert!("forward".parse::<Direction>().is_err());
        assert_eq!(Direction::of(true), Direction::Out);
        assert_eq!(Direction::Out.reversed(), Direction::In);
        assert!(Direction::Both.allows(false) && Direction::In.allows(false) && !Direction::Out.allows(false));
    }
}
