//! "👏 Add your thanks": what a colleague thanks, who may, and how the count reads on the post.
use super::{NominationId, StoryId, UserId};

/// What a colleague adds their thanks to: a nomination's celebration or a story's post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thanked {
    Nomination(NominationId),
    Story(StoryId),
}

/// Why a press added no thanks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoThanks {
    /// The person is one of the heroes.
    Hero,
    /// The person made the post: the nominator, or the story's teller.
    Author,
    /// The person added theirs before.
    Already,
    /// The recognition is no longer stored.
    Gone,
}

impl NoThanks {
    /// The words the person who pressed reads, privately.
    pub fn words(self) -> &'static str {
        match self {
            Self::Hero => "Heroes can't thank themselves, but your colleagues can.",
            Self::Author => {
                "This recognition is yours: your thanks are already in it. Your colleagues can add theirs."
            }
            Self::Already => "You already added your thanks.",
            Self::Gone => "This recognition is no longer kept, so no thanks can be added to it.",
        }
    }
}

/// Whether `by` may add their thanks to a recognition of `heroes` made by `author`: anyone but
/// the heroes and the person who made it (their post is their thanks already, and the count
/// says how many others joined in).
pub fn may_thank(by: &UserId, heroes: &[UserId], author: &UserId) -> Result<(), NoThanks> {
    if heroes.contains(by) {
        Err(NoThanks::Hero)
    } else if by == author {
        Err(NoThanks::Author)
    } else {
        Ok(())
    }
}

/// The post's line once colleagues added their thanks: "👏 +3 colleagues added their thanks".
pub fn count_line(thanks: i64) -> Option<String> {
    match thanks {
        n if n <= 0 => None,
        1 => Some(":clap: +1 colleague added their thanks".to_owned()),
        n => Some(format!(":clap: +{n} colleagues added their thanks")),
    }
}

/// What the person who pressed reads when their thanks were added.
pub const ADDED: &str =
    ":clap: Your thanks were added. The heroes see them on their profile and App Home.";

#[cfg(test)]
mod tests {
    use super::*;

    fn u(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    #[test]
    fn anyone_but_the_heroes_and_the_author_may_thank() {
        let heroes = [u("U0ALICE"), u("U0BOB")];
        assert_eq!(
            may_thank(&u("U0ALICE"), &heroes, &u("U0NOM")),
            Err(NoThanks::Hero)
        );
        assert_eq!(
            may_thank(&u("U0NOM"), &heroes, &u("U0NOM")),
            Err(NoThanks::Author)
        );
        assert_eq!(may_thank(&u("U0CAROL"), &heroes, &u("U0NOM")), Ok(()));
    }

    #[test]
    fn the_count_reads_as_a_sentence() {
        assert_eq!(count_line(0), None);
        assert_eq!(
            count_line(1).as_deref(),
            Some(":clap: +1 colleague added their thanks")
        );
        assert_eq!(
            count_line(3).as_deref(),
            Some(":clap: +3 colleagues added their thanks")
        );
    }
}
