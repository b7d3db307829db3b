//! A nomination and the types it is made of, each built once by `parse` and trusted after.

/// Most heroes one nomination may name: enough for a whole team, few enough to stay readable.
pub const MAX_HEROES: usize = 20;
/// Longest reason accepted, in characters (a Slack input holds at most 3,000).
pub const MAX_REASON: usize = 3000;
/// Most tags one nomination may carry.
pub const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG_LEN: usize = 40;

pub use super::id::UserId;

/// What kind of service a nomination recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    External,
    Internal,
    Recovery,
    Empowerment,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::External,
        Self::Internal,
        Self::Recovery,
        Self::Empowerment,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::External => "external",
            Self::Internal => "internal",
            Self::Recovery => "recovery",
            Self::Empowerment => "empowerment",
        }
    }

    /// How the category reads to a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::External => "External customer",
            Self::Internal => "Internal customer",
            Self::Recovery => "Service recovery",
            Self::Empowerment => "Empowerment champion",
        }
    }

    /// The customer kind a category implies, if it implies one.
    pub fn customer_kind(self) -> Option<CustomerKind> {
        match self {
            Self::External => Some(CustomerKind::External),
            Self::Internal => Some(CustomerKind::Internal),
            Self::Recovery | Self::Empowerment => None,
        }
    }
}

/// Whether the customer served was a paying customer or an internal team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerKind {
    External,
    Internal,
}

impl CustomerKind {
    pub const ALL: [CustomerKind; 2] = [Self::External, Self::Internal];

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "external" => Some(Self::External),
            "internal" => Some(Self::Internal),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::External => "external",
            Self::Internal => "internal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::External => "external customer",
            Self::Internal => "internal customer",
        }
    }
}

/// A tag: lowercase letters, digits, `-` and `_`, without the leading `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag(String);

impl Tag {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().trim_start_matches('#').to_lowercase();
        let ok = !s.is_empty()
            && s.chars().count() <= MAX_TAG_LEN
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        ok.then_some(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the store, where only parsed values are written.
    pub fn stored(s: String) -> Self {
        Self(s)
    }
}

/// Whether `s` has a letter or digit outside emoji, Slack's `:shortcode:` emoji included.
fn has_words(s: &str) -> bool {
    let is_code = |c: char| c.is_ascii_alphanumeric() || "_+-'".contains(c);
    s.split(':').enumerate().any(|(i, part)| {
        // An odd part between two colons, all shortcode characters, is an emoji.
        let emoji = i % 2 == 1 && !part.is_empty() && part.chars().all(is_code);
        !emoji && part.chars().any(char::is_alphanumeric)
    })
}

/// Why the heroes are recognised: plain text (Slack's escapes undone), long enough to tell a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    pub fn parse(s: &str, min_chars: usize) -> Result<Self, NominationError> {
        let s = s.trim();
        let len = s.chars().count();
        if len < min_chars {
            return Err(NominationError::ReasonTooShort {
                min: min_chars,
                len,
            });
        }
        if len > MAX_REASON {
            return Err(NominationError::ReasonTooLong {
                max: MAX_REASON,
                len,
            });
        }
        if !has_words(s) {
            return Err(NominationError::ReasonWithoutWords);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the store, where only parsed values are written.
    pub fn stored(s: String) -> Self {
        Self(s)
    }
}

/// One person recognising one or more heroes, with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nomination {
    pub nominator: UserId,
    pub heroes: Vec<UserId>,
    pub reason: Reason,
    pub category: Option<Category>,
    pub customer_kind: Option<CustomerKind>,
    pub tags: Vec<Tag>,
}

/// A stored nomination and where it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNomination {
    pub id: i64,
    pub team_id: String,
    pub channel_id: Option<String>,
    pub message_permalink: Option<String>,
    pub created_at: i64,
    pub nomination: Nomination,
}

/// A rule about heroes that a list of them broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeroRule {
    /// Nobody was named.
    NoHero,
    /// Only the person recognising was named.
    OnlyYourself,
    /// More than `MAX_HEROES` were named.
    TooMany,
}

/// The hero rules, for nominations and stories alike: at least one hero, not only the person
/// recognising them, at most `MAX_HEROES`. A hero named twice counts once, in the order first
/// named.
pub fn heroes(named: Vec<UserId>, by: &UserId) -> Result<Vec<UserId>, HeroRule> {
    let mut unique: Vec<UserId> = Vec::with_capacity(named.len());
    for hero in named {
        if !unique.contains(&hero) {
            unique.push(hero);
        }
    }
    if unique.is_empty() {
        return Err(HeroRule::NoHero);
    }
    if unique.iter().all(|h| h == by) {
        return Err(HeroRule::OnlyYourself);
    }
    if unique.len() > MAX_HEROES {
        return Err(HeroRule::TooMany);
    }
    Ok(unique)
}

/// The tag rules, for nominations and stories alike: a tag named twice counts once, and at
/// most `MAX_TAGS`; None if there are too many.
pub fn tags(named: Vec<Tag>) -> Option<Vec<Tag>> {
    let mut unique: Vec<Tag> = Vec::with_capacity(named.len());
    for tag in named {
        if !unique.contains(&tag) {
            unique.push(tag);
        }
    }
    (unique.len() <= MAX_TAGS).then_some(unique)
}

impl Nomination {
    /// Applies the rules a nominator meets: the hero rules and the tag rules.
    pub fn new(
        nominator: UserId,
        heroes: Vec<UserId>,
        reason: Reason,
        category: Option<Category>,
        customer_kind: Option<CustomerKind>,
        tags: Vec<Tag>,
    ) -> Result<Self, NominationError> {
        let heroes = self::heroes(heroes, &nominator)?;
        let tags = self::tags(tags).ok_or(NominationError::TooManyTags { max: MAX_TAGS })?;
        let customer_kind = customer_kind.or_else(|| category.and_then(Category::customer_kind));
        Ok(Self {
            nominator,
            heroes,
            reason,
            category,
            customer_kind,
            tags,
        })
    }
}

/// Why a nomination was refused; each reads as a message to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NominationError {
    #[error(
        "Name at least one hero with @, for example `/hero @alice for staying late to fix a customer's export`."
    )]
    NoHero,
    #[error(
        "You can't nominate only yourself. Recognise a colleague who served a customer remarkably well."
    )]
    OnlyYourself,
    #[error(
        "I can't tell who `@{0}` is: Slack sent the name without a user ID. Pick the person from the list that pops up as you type @, then send again. If no list pops up, ask your Slack admin: /hero must be allowed to receive the people it names."
    )]
    UnresolvedName(String),
    #[error(
        "Tell the story: a reason needs at least {min} characters so others can see what great service looks like (yours has {len})."
    )]
    ReasonTooShort { min: usize, len: usize },
    #[error("That reason is {len} characters long; please shorten it to at most {max} characters.")]
    ReasonTooLong { max: usize, len: usize },
    #[error(
        "Tell the story in words: a reason needs letters or digits, not only emoji and punctuation."
    )]
    ReasonWithoutWords,
    #[error("A nomination can name at most {max} heroes.")]
    TooManyHeroes { max: usize },
    #[error("A nomination can carry at most {max} tags.")]
    TooManyTags { max: usize },
    #[error("Pick one category: `#{0}` and `#{1}` don't go together.")]
    ConflictingCategories(&'static str, &'static str),
}

impl From<HeroRule> for NominationError {
    fn from(rule: HeroRule) -> Self {
        match rule {
            HeroRule::NoHero => Self::NoHero,
            HeroRule::OnlyYourself => Self::OnlyYourself,
            HeroRule::TooMany => Self::TooManyHeroes { max: MAX_HEROES },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    fn reason() -> Reason {
        Reason::parse("for turning a billing outage into a thank-you note", 20).unwrap()
    }

    #[test]
    fn user_ids_are_u_or_w_followed_by_uppercase_alphanumerics() {
        assert!(UserId::parse("U012ABCDEF").is_some());
        assert!(UserId::parse("W012ABCDEF").is_some());
        for bad in ["", "U", "C012ABCDEF", "u012abcdef", "U01 2", "U012<ABC"] {
            assert!(UserId::parse(bad).is_none(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn heroes_named_twice_count_once_and_keep_their_order() {
        let n = Nomination::new(
            user("U1A"),
            vec![user("U2B"), user("U3C"), user("U2B")],
            reason(),
            None,
            None,
            vec![],
        )
        .unwrap();
        assert_eq!(n.heroes, vec![user("U2B"), user("U3C")]);
    }

    #[test]
    fn nominating_only_yourself_is_refused_but_yourself_among_others_is_fine() {
        let me = user("U1A");
        let only_me = Nomination::new(
            me.clone(),
            vec![me.clone(), me.clone()],
            reason(),
            None,
            None,
            vec![],
        );
        assert_eq!(only_me.unwrap_err(), NominationError::OnlyYourself);
        assert!(
            Nomination::new(
                me.clone(),
                vec![me, user("U2B")],
                reason(),
                None,
                None,
                vec![]
            )
            .is_ok()
        );
    }

    #[test]
    fn a_category_for_a_kind_of_customer_sets_the_customer_kind() {
        let n = Nomination::new(
            user("U1A"),
            vec![user("U2B")],
            reason(),
            Some(Category::Internal),
            None,
            vec![],
        )
        .unwrap();
        assert_eq!(n.customer_kind, Some(CustomerKind::Internal));
    }

    #[test]
    fn reasons_are_measured_in_characters_not_bytes() {
        assert!(Reason::parse("ééééééééééééééééééé", 20).is_err());
        assert!(Reason::parse("éééééééééééééééééééé", 20).is_ok());
        assert_eq!(
            Reason::parse("  too short  ", 20).unwrap_err(),
            NominationError::ReasonTooShort { min: 20, len: 9 }
        );
    }

    #[test]
    fn a_reason_needs_letters_or_digits() {
        assert_eq!(
            Reason::parse("🎉🎉🎉🎉🎉 !!! 🙌🙌🙌🙌🙌 ??? 🚀🚀🚀🚀🚀", 20).unwrap_err(),
            NominationError::ReasonWithoutWords
        );
        assert!(Reason::parse("🎉 fixed it in 2 hours 🎉 thanks!", 20).is_ok());
        assert_eq!(
            Reason::parse(":tada: :tada: :raised_hands: :+1: !!!", 20).unwrap_err(),
            NominationError::ReasonWithoutWords
        );
        assert!(Reason::parse(":tada: fixed the export by 10:30 :tada:", 20).is_ok());
        assert!(Reason::parse("顧客の請求ミスを一時間で直しお詫びの手紙を送った", 20).is_ok());
    }

    #[test]
    fn tags_are_lowercased_and_limited_to_word_characters() {
        assert_eq!(
            Tag::parse("#Billing-Outage").unwrap().as_str(),
            "billing-outage"
        );
        assert!(Tag::parse("#").is_none());
        assert!(Tag::parse("a b").is_none());
        assert!(Tag::parse(&"x".repeat(MAX_TAG_LEN + 1)).is_none());
    }
}
