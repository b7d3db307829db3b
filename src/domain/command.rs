//! The `/hero` grammar: what a person typed after the command, read into a `Command`.
use super::CardId;
use super::nomination::{Category, CustomerKind, Nomination, NominationError, Reason, Tag, UserId};
use super::text::{Piece, pieces};

/// What `/hero …` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// `/hero` alone: open the nomination modal.
    NominationModal,
    /// `/hero @alice for … #tag`: a quick nomination.
    Nominate(Nomination),
    StoryModal,
    Find(String),
    Profile(Option<UserId>),
    Top(Period),
    Digest {
        post: bool,
    },
    Library,
    /// `/hero wall`: a wallboard link; `/hero wall revoke` ends every link.
    Wall {
        revoke: bool,
    },
    /// `/hero reportcard …`: report cards.
    ReportCard(CardCommand),
}

/// What `/hero reportcard …` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardCommand {
    /// `/hero reportcard`: the modal for a new card.
    New,
    /// `/hero reportcard edit 3`.
    Edit(CardId),
    /// `/hero reportcard retire 3`.
    Retire(CardId),
    /// `/hero reportcard list`.
    List,
}

const REPORT_CARD_USAGE: &str = "Use `/hero reportcard` to create a report card, `/hero reportcard list` to see them, or `/hero reportcard edit 3` or `retire 3` with a card's number from the list.";

impl CardCommand {
    fn parse(rest: &str) -> Result<Self, CommandError> {
        let words: Vec<String> = rest
            .split_whitespace()
            .map(|w| w.trim_start_matches('#').to_lowercase())
            .collect();
        let card = |n: &str| CardId::parse(n).filter(|id| id.get() > 0);
        match words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] | ["new"] | ["create"] => Ok(Self::New),
            ["list"] => Ok(Self::List),
            ["edit", n] if let Some(id) = card(n) => Ok(Self::Edit(id)),
            ["retire", n] if let Some(id) = card(n) => Ok(Self::Retire(id)),
            _ => Err(CommandError::Usage(REPORT_CARD_USAGE)),
        }
    }
}

/// The period `/hero top` looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "" | "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            "year" => Some(Self::Year),
            _ => None,
        }
    }
}

/// Why `/hero …` could not be read; each reads as a message to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Nomination(#[from] NominationError),
    #[error("{0}")]
    Usage(&'static str),
    /// The first word is neither a subcommand nor a mention, and nobody is named: `/hero stats`.
    #[error("I don't know `{0}`.")]
    Unknown(String),
}

/// Reads the text of a `/hero` command typed by `nominator`.
pub fn parse(text: &str, nominator: &UserId, min_reason: usize) -> Result<Command, CommandError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Command::NominationModal);
    }
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    match word.to_lowercase().as_str() {
        "help" | "?" | "-h" | "--help" => Ok(Command::Help),
        "story" => Ok(Command::StoryModal),
        "find" | "search" if rest.is_empty() => Err(CommandError::Usage(
            "Tell me what to look for, for example `/hero find billing outage`.",
        )),
        "find" | "search" => Ok(Command::Find(super::text::unescape(rest))),
        "profile" => match pieces(rest).as_slice() {
            [] => Ok(Command::Profile(None)),
            [Piece::User(user)] => Ok(Command::Profile(Some(user.clone()))),
            [Piece::User(user), Piece::Typed(space)] if space.trim().is_empty() => {
                Ok(Command::Profile(Some(user.clone())))
            }
            _ => Err(CommandError::Usage(
                "Use `/hero profile` for yours, or `/hero profile @someone`.",
            )),
        },
        "top" => Period::parse(rest)
            .map(Command::Top)
            .ok_or(CommandError::Usage(
                "Use `/hero top`, or `/hero top week|month|quarter|year`.",
            )),
        "digest" => match rest.to_lowercase().as_str() {
            "" => Ok(Command::Digest { post: false }),
            "post" => Ok(Command::Digest { post: true }),
            _ => Err(CommandError::Usage(
                "Use `/hero digest` to preview, or `/hero digest post` to post it.",
            )),
        },
        "library" => Ok(Command::Library),
        "reportcard" | "report-card" | "reportcards" => {
            CardCommand::parse(rest).map(Command::ReportCard)
        }
        "wall" => match rest.to_lowercase().as_str() {
            "" => Ok(Command::Wall { revoke: false }),
            "revoke" => Ok(Command::Wall { revoke: true }),
            _ => Err(CommandError::Usage(
                "Use `/hero wall` for a wallboard link, or `/hero wall revoke` to end every link.",
            )),
        },
        // `for …` reads as a nomination that forgot its hero: that refusal says more.
        w if w != "for" && names_nobody(text) => Err(CommandError::Unknown(unknown_word(word))),
        _ => Ok(Command::Nominate(nomination(text, nominator, min_reason)?)),
    }
}

/// No mention and no typed `@name` anywhere: the text cannot be a nomination.
fn names_nobody(text: &str) -> bool {
    pieces(text).iter().all(|piece| match piece {
        Piece::User(_) => false,
        Piece::Typed(text) => words(text).all(|w| typed_name(w).is_none()),
        Piece::Reference(_) => true,
    })
}

/// The unknown word as it can be shown between backticks: at most 30 characters, without
/// backticks, escaped for mrkdwn.
fn unknown_word(word: &str) -> String {
    let word: String = super::text::unescape(word)
        .chars()
        .filter(|c| *c != '`')
        .take(30)
        .collect();
    word.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Words that may join the heroes named before the reason: `@a, @b and @c for …`.
const JOINERS: [&str; 4] = [",", "and", "&", "+"];

/// Reads a quick nomination: every mention is a hero; `#tags` are tags (category words set the
/// category); the rest, after the heroes named up front, is the reason. A tag inside the reason
/// keeps its word there (`an #external customer` → `an external customer`); tags at the end go.
fn nomination(
    text: &str,
    nominator: &UserId,
    min_reason: usize,
) -> Result<Nomination, NominationError> {
    let mut heroes = Vec::new();
    let mut tags = Vec::new();
    let mut categories = Vec::new();
    let mut reason = String::new();
    // Spaces and tag words after the last word of the reason: kept only if more words follow.
    let mut tail = String::new();
    let say = |reason: &mut String, tail: &mut String, text: &str| {
        reason.push_str(tail);
        reason.push_str(text);
        tail.clear();
    };
    for piece in pieces(text) {
        match piece {
            Piece::User(user) => {
                if !reason.is_empty() {
                    say(&mut reason, &mut tail, &format!("<@{user}>"));
                }
                heroes.push(user);
            }
            Piece::Reference(text) => say(&mut reason, &mut tail, &text),
            Piece::Typed(text) => {
                for word in words(&text) {
                    if let Some(name) = typed_name(word) {
                        return Err(NominationError::UnresolvedName(name.to_owned()));
                    }
                    if let Some(tag) = tag(word) {
                        match Category::parse(tag.as_str()) {
                            Some(category) => categories.push(category),
                            None => tags.push(tag),
                        }
                        if !reason.is_empty() {
                            tail.push_str(&word[1..]);
                        }
                    } else if word.trim().is_empty() {
                        if !reason.is_empty() {
                            tail.push_str(word);
                        }
                    } else if reason.is_empty() && JOINERS.contains(&word) {
                        // Joins heroes named up front; not part of the reason.
                    } else {
                        say(&mut reason, &mut tail, word);
                    }
                }
            }
        }
    }
    // The hero rules come first: a missing hero says more than a short reason.
    let heroes = super::nomination::heroes(heroes, nominator)?;
    let (category, customer_kind) = category_and_kind(&categories)?;
    let reason = Reason::parse(&tidy(&reason), min_reason)?;
    Nomination::new(
        nominator.clone(),
        heroes,
        reason,
        category,
        customer_kind,
        tags,
    )
}

/// Category words may name a kind of service (`recovery`, `empowerment`) and a kind of
/// customer (`external`, `internal`) at once; two of the same sort conflict.
fn category_and_kind(
    words: &[Category],
) -> Result<(Option<Category>, Option<CustomerKind>), NominationError> {
    let has = |c: Category| words.contains(&c);
    if has(Category::Recovery) && has(Category::Empowerment) {
        return Err(NominationError::ConflictingCategories(
            "recovery",
            "empowerment",
        ));
    }
    if has(Category::External) && has(Category::Internal) {
        return Err(NominationError::ConflictingCategories(
            "external", "internal",
        ));
    }
    let kind = words.iter().find_map(|c| c.customer_kind());
    let service = words.iter().copied().find(|c| c.customer_kind().is_none());
    Ok((service.or_else(|| words.first().copied()), kind))
}

/// Splits text into runs of whitespace and runs of anything else, keeping every character.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first.is_whitespace();
        let end = rest
            .find(|c: char| c.is_whitespace() != space)
            .unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// `#word` at the start of a word (`#recovery.` is the tag `recovery`).
fn tag(word: &str) -> Option<Tag> {
    let body = word.strip_prefix('#')?;
    let end = body
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(body.len());
    Tag::parse(&body[..end])
}

/// A typed `@name` that Slack did not turn into a mention (broadcast words aside).
fn typed_name(word: &str) -> Option<&str> {
    let body = word
        .trim_start_matches(['(', '[', '"', '\''])
        .strip_prefix('@')?;
    let end = body
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(body.len());
    let name = body[..end].trim_end_matches('.');
    (!name.is_empty() && !matches!(name, "here" | "channel" | "everyone")).then_some(name)
}

/// Collapses runs of spaces within lines and trims every line, keeping line breaks.
fn tidy(reason: &str) -> String {
    let lines: Vec<String> = reason
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> UserId {
        UserId::parse("U0ME").unwrap()
    }

    fn nominate(text: &str) -> Result<Nomination, CommandError> {
        match parse(text, &me(), 20)? {
            Command::Nominate(n) => Ok(n),
            other => panic!("expected a nomination, got {other:?}"),
        }
    }

    fn ids(n: &Nomination) -> Vec<&str> {
        n.heroes.iter().map(UserId::as_str).collect()
    }

    fn tags(n: &Nomination) -> Vec<&str> {
        n.tags.iter().map(Tag::as_str).collect()
    }

    #[test]
    fn the_example_from_the_product_reads_as_two_heroes_a_reason_and_a_category() {
        let n =
            nominate("<@U0ALICE|alice> <@U0BOB|bob> for turning a billing outage into a thank-you note #recovery")
                .unwrap();
        assert_eq!(ids(&n), ["U0ALICE", "U0BOB"]);
        assert_eq!(
            n.reason.as_str(),
            "for turning a billing outage into a thank-you note"
        );
        assert_eq!(n.category, Some(Category::Recovery));
        assert_eq!(n.customer_kind, None);
        assert!(n.tags.is_empty());
    }

    #[test]
    fn mentions_may_be_plain_named_or_enterprise_ids() {
        let n =
            nominate("<@U0ALICE>, <@W0GRID|grid> and <@U0BOB|bob> for staying late on the export")
                .unwrap();
        assert_eq!(ids(&n), ["U0ALICE", "W0GRID", "U0BOB"]);
        assert_eq!(n.reason.as_str(), "for staying late on the export");
    }

    #[test]
    fn a_mention_inside_the_reason_is_a_hero_and_stays_in_the_reason() {
        let n = nominate("<@U0ALICE> for pairing with <@U0BOB> on the refund backlog").unwrap();
        assert_eq!(ids(&n), ["U0ALICE", "U0BOB"]);
        assert_eq!(
            n.reason.as_str(),
            "for pairing with <@U0BOB> on the refund backlog"
        );
    }

    #[test]
    fn tags_anywhere_are_lifted_out_and_category_words_set_the_category() {
        let n = nominate(
            "<@U0ALICE> #Billing for calming an #external customer down, fast. #vip #billing",
        )
        .unwrap();
        assert_eq!(tags(&n), ["billing", "vip"]);
        assert_eq!(n.category, Some(Category::External));
        assert_eq!(n.customer_kind, Some(CustomerKind::External));
        assert_eq!(
            n.reason.as_str(),
            "for calming an external customer down, fast."
        );
    }

    #[test]
    fn a_service_category_and_a_customer_kind_can_be_given_together() {
        let n =
            nominate("<@U0ALICE> for fixing the invoices overnight #internal #recovery").unwrap();
        assert_eq!(n.category, Some(Category::Recovery));
        assert_eq!(n.customer_kind, Some(CustomerKind::Internal));
    }

    #[test]
    fn two_categories_of_the_same_sort_are_refused() {
        let err = nominate("<@U0ALICE> for fixing the invoices overnight #internal #external")
            .unwrap_err();
        assert_eq!(
            err,
            NominationError::ConflictingCategories("external", "internal").into()
        );
        let err = nominate("<@U0ALICE> for fixing the invoices overnight #recovery #empowerment")
            .unwrap_err();
        assert_eq!(
            err,
            NominationError::ConflictingCategories("recovery", "empowerment").into()
        );
    }

    #[test]
    fn slack_escapes_are_undone_for_storage() {
        let n = nominate("<@U0ALICE> for turning &lt;angry&gt; into &amp;happy&amp; customers")
            .unwrap();
        assert_eq!(
            n.reason.as_str(),
            "for turning <angry> into &happy& customers"
        );
    }

    #[test]
    fn a_broadcast_in_the_reason_is_kept_as_text_not_as_a_name() {
        let n = nominate("<@U0ALICE> for telling <!channel> about the fix before anyone asked")
            .unwrap();
        assert_eq!(
            n.reason.as_str(),
            "for telling @channel about the fix before anyone asked"
        );
    }

    #[test]
    fn no_hero_is_refused() {
        assert_eq!(
            nominate("for a great job on the billing outage").unwrap_err(),
            NominationError::NoHero.into()
        );
    }

    #[test]
    fn an_unknown_first_word_is_named_back() {
        assert_eq!(
            parse("stats", &me(), 20).unwrap_err(),
            CommandError::Unknown("stats".into())
        );
        assert_eq!(
            parse("st`a<ts week", &me(), 20).unwrap_err(),
            CommandError::Unknown("sta&lt;ts".into())
        );
        assert!(matches!(
            parse(
                "thanks <@U0ALICE> for fixing the export before the demo",
                &me(),
                20
            ),
            Ok(Command::Nominate(_))
        ));
        assert_eq!(
            parse("thanks @alice for fixing the export", &me(), 20).unwrap_err(),
            NominationError::UnresolvedName("alice".into()).into()
        );
    }

    #[test]
    fn only_yourself_is_refused() {
        assert_eq!(
            nominate("<@U0ME> for fixing my own mistake within the hour").unwrap_err(),
            NominationError::OnlyYourself.into()
        );
    }

    #[test]
    fn a_typed_name_without_an_id_is_refused_with_the_name() {
        assert_eq!(
            nominate("@alice for turning a billing outage into a thank-you note").unwrap_err(),
            NominationError::UnresolvedName("alice".into()).into()
        );
        assert_eq!(
            nominate("<@U0BOB> and (@carol.smith) for turning a billing outage around")
                .unwrap_err(),
            NominationError::UnresolvedName("carol.smith".into()).into()
        );
    }

    #[test]
    fn an_email_address_is_not_a_typed_name() {
        assert!(nominate("<@U0ALICE> for answering bob@example.com within minutes").is_ok());
    }

    #[test]
    fn a_short_reason_is_refused_with_its_length() {
        assert_eq!(
            nominate("<@U0ALICE> thanks! #external").unwrap_err(),
            NominationError::ReasonTooShort { min: 20, len: 7 }.into()
        );
    }

    #[test]
    fn the_minimum_reason_length_is_configurable() {
        assert!(matches!(
            parse("<@U0ALICE> thanks!", &me(), 5),
            Ok(Command::Nominate(_))
        ));
    }

    #[test]
    fn spaces_are_tidied_and_line_breaks_kept() {
        let n = nominate("<@U0ALICE>   for   the  weekend\n  rescue of the   launch  ").unwrap();
        assert_eq!(n.reason.as_str(), "for the weekend\nrescue of the launch");
    }

    #[test]
    fn subcommands_are_recognised_case_insensitively() {
        let p = |t| parse(t, &me(), 20);
        assert_eq!(p(""), Ok(Command::NominationModal));
        assert_eq!(p("  "), Ok(Command::NominationModal));
        assert_eq!(p("HELP"), Ok(Command::Help));
        assert_eq!(p("story"), Ok(Command::StoryModal));
        assert_eq!(
            p("find billing &amp; outage"),
            Ok(Command::Find("billing & outage".into()))
        );
        assert_eq!(p("profile"), Ok(Command::Profile(None)));
        assert_eq!(
            p("profile <@U0BOB|bob> "),
            Ok(Command::Profile(UserId::parse("U0BOB")))
        );
        assert_eq!(p("top"), Ok(Command::Top(Period::Week)));
        assert_eq!(p("top quarter"), Ok(Command::Top(Period::Quarter)));
        assert_eq!(p("digest"), Ok(Command::Digest { post: false }));
        assert_eq!(p("digest post"), Ok(Command::Digest { post: true }));
        assert_eq!(p("library"), Ok(Command::Library));
        assert_eq!(p("wall"), Ok(Command::Wall { revoke: false }));
        assert_eq!(p("Wall REVOKE"), Ok(Command::Wall { revoke: true }));
        assert_eq!(p("reportcard"), Ok(Command::ReportCard(CardCommand::New)));
        assert_eq!(
            p("reportcard list"),
            Ok(Command::ReportCard(CardCommand::List))
        );
        assert_eq!(
            p("ReportCard edit #3"),
            Ok(Command::ReportCard(CardCommand::Edit(CardId(3))))
        );
        assert_eq!(
            p("reportcard retire 12"),
            Ok(Command::ReportCard(CardCommand::Retire(CardId(12))))
        );
    }

    #[test]
    fn malformed_subcommands_answer_with_usage() {
        for text in [
            "find",
            "top decade",
            "digest now",
            "profile bob",
            "wall down",
            "reportcard edit",
            "reportcard retire x",
            "reportcard delete 3",
        ] {
            assert!(
                matches!(parse(text, &me(), 20), Err(CommandError::Usage(_))),
                "{text}"
            );
        }
    }
}
