//! The customer's own answer to a recovery story ("were you blown away?") and the rules of
//! asking: how long a link stays open and how often one link may change the answer.
use super::UserId;

/// How long a customer's answer link stays open after it was made.
pub const LINK_OPEN_SECS: i64 = 28 * 24 * 60 * 60;
/// How many times one link may record an answer (a first answer and its changes).
pub const ANSWERS_PER_LINK: i64 = 10;
/// Longest comment a customer may leave, in characters.
pub const MAX_COMMENT: usize = 2000;

/// What the customer answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    BlownAway,
    Satisfied,
    NotReally,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Self::BlownAway, Self::Satisfied, Self::NotReally];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlownAway => "blown_away",
            Self::Satisfied => "satisfied",
            Self::NotReally => "not_really",
        }
    }

    /// How the choice reads on a button or a page.
    pub fn label(self) -> &'static str {
        match self {
            Self::BlownAway => "Yes, blown away",
            Self::Satisfied => "Satisfied",
            Self::NotReally => "Not really",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            Self::BlownAway => "🤩",
            Self::Satisfied => "🙂",
            Self::NotReally => "😐",
        }
    }
}

/// Who gave an answer: the holder of an answer link, or the internal customer asked in Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    Link,
    Colleague(UserId),
}

impl Customer {
    /// As exported: `link`, or the colleague's user ID.
    pub fn label(&self) -> &str {
        match self {
            Self::Link => "link",
            Self::Colleague(user) => user.as_str(),
        }
    }
}

/// A story's customer answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAnswer {
    pub answer: Answer,
    pub comment: Option<String>,
    /// Unix seconds of the latest answer.
    pub answered_at: i64,
    pub by: Customer,
}

/// A comment as the customer typed it: trimmed, empty as none, at most `MAX_COMMENT` characters.
pub fn comment(text: Option<&str>) -> Option<String> {
    let text = text?.trim();
    (!text.is_empty()).then(|| text.chars().take(MAX_COMMENT).collect())
}

/// Until when a link made at `made_at` is open (unix seconds, excluded).
pub fn open_until(made_at: i64) -> i64 {
    made_at.saturating_add(LINK_OPEN_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back() {
        for a in Answer::ALL {
            assert_eq!(Answer::parse(a.as_str()), Some(a));
        }
        assert_eq!(Answer::parse("unknown"), None);
    }

    #[test]
    fn comments_are_trimmed_and_cut() {
        assert_eq!(comment(Some("  ")), None);
        assert_eq!(comment(None), None);
        assert_eq!(comment(Some(" thanks ")).as_deref(), Some("thanks"));
        assert_eq!(
            comment(Some(&"é".repeat(5000))).unwrap().chars().count(),
            MAX_COMMENT
        );
    }

    #[test]
    fn a_link_is_open_for_28_days() {
        assert_eq!(open_until(0), 28 * 86_400);
    }
}
