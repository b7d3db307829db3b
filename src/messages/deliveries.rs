//! Which outbox messages a nomination or a story causes, and where each goes. The messages are
//! rendered when sent, from the committed record.
use crate::domain::outbox::{Delivery, Message, Render, Visibility};
use crate::domain::{NominationId, StoryId, UserId};

/// Where `/hero` was typed (or a shortcut used), and the response_url that posts there.
#[derive(Debug, Clone, Copy)]
pub struct TypedIn<'a> {
    pub channel: &'a str,
    pub response_url: &'a str,
}

/// Where a public post goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place<'a> {
    /// A configured channel.
    Channel(&'a str),
    /// The channel where `/hero` was typed, through its `response_url` (which works even where
    /// the bot is not a member).
    Here,
}

/// Where a public post goes: `channel` if configured, else where `/hero` was typed (if it
/// was).
pub fn public_place<'a>(
    channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> Option<Place<'a>> {
    match (channel, typed_in) {
        (Some(channel), _) => Some(Place::Channel(channel)),
        (None, Some(here)) if !here.response_url.is_empty() => Some(Place::Here),
        (None, _) => None,
    }
}

/// A public post rendered as `render`: in `channel` if configured, else where `/hero` was typed.
fn public_post<'a>(
    render: Render,
    channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> Option<(Message, Place<'a>)> {
    let place = public_place(channel, typed_in)?;
    let delivery = match (place, typed_in) {
        (Place::Channel(channel), _) => Delivery::Post {
            channel: channel.to_owned(),
        },
        (Place::Here, Some(here)) => Delivery::Respond {
            url: here.response_url.to_owned(),
            channel: here.channel.to_owned(),
            visibility: Visibility::InChannel,
        },
        (Place::Here, None) => return None,
    };
    Some((Message::rendered(render, delivery), place))
}

/// Only for `person`: beside where they typed `/hero` (through its response_url), else in
/// their DM.
pub fn privately(person: &UserId, typed_in: Option<TypedIn<'_>>) -> Delivery {
    match typed_in.filter(|here| !here.response_url.is_empty()) {
        Some(here) => Delivery::Respond {
            url: here.response_url.to_owned(),
            channel: here.channel.to_owned(),
            visibility: Visibility::Private,
        },
        None => Delivery::dm(person),
    }
}

/// A nomination's celebration (heroes channel, else where it was made) and a DM to each hero.
/// Without either place ([`public_place`]), only the DMs go out.
pub fn nomination_messages(
    nomination: NominationId,
    heroes: &[UserId],
    heroes_channel: Option<&str>,
    typed_in: Option<TypedIn<'_>>,
) -> Vec<Message> {
    let post = public_post(Render::Celebration { nomination }, heroes_channel, typed_in);
    let dms = heroes.iter().map(|hero| {
        let dm = Render::HeroDm {
            nomination,
            hero: hero.clone(),
        };
        Message::rendered(dm, Delivery::dm(hero))
    });
    post.map(|(m, _)| m).into_iter().chain(dms).collect()
}

/// A story's post (stories channel, else heroes channel, else where it was told), a consent
/// request to each credited hero, and the teller's confirmation with **Ask the customer**
/// (privately where they told it, else in their DM).
pub fn story_messages(
    story: StoryId,
    teller: &UserId,
    heroes: &[UserId],
    stories_channel: Option<&str>,
    typed_in: Option<TypedIn<'_>>,
) -> Vec<Message> {
    let post = public_post(Render::StoryPost { story }, stories_channel, typed_in).map(|(m, _)| m);
    let dms = heroes.iter().map(|hero| {
        let dm = Render::ConsentDm {
            story,
            hero: hero.clone(),
        };
        Message::rendered(dm, Delivery::dm(hero))
    });
    let told = Message::rendered(Render::StoryTold { story }, privately(teller, typed_in));
    post.into_iter().chain(dms).chain([told]).collect()
}
