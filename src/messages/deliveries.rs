//! Which outbox messages a nomination or a story causes, and where each goes. The messages are
//! rendered when sent, from the committed record.
use crate::domain::UserId;
use crate::domain::outbox::{Delivery, Message, Render, Visibility};

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

/// A public post rendered as `render`: in `channel` if configured, else where `/hero` was typed.
fn public_post<'a>(
    render: Render,
    channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> Option<(Message, Place<'a>)> {
    match (channel, typed_in) {
        (Some(channel), _) => Some((
            Message::rendered(
                render,
                Delivery::Post {
                    channel: channel.to_owned(),
                },
            ),
            Place::Channel(channel),
        )),
        (None, Some(here)) if !here.response_url.is_empty() => Some((
            Message::rendered(
                render,
                Delivery::Respond {
                    url: here.response_url.to_owned(),
                    channel: here.channel.to_owned(),
                    visibility: Visibility::InChannel,
                },
            ),
            Place::Here,
        )),
        (None, _) => None,
    }
}

/// A nomination's celebration (heroes channel, else where it was made) and a DM to each hero.
/// Without either place, only the DMs go out.
pub fn nomination_messages<'a>(
    heroes: &[UserId],
    heroes_channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> (Vec<Message>, Option<Place<'a>>) {
    let post = public_post(Render::Celebration, heroes_channel, typed_in);
    let place = post.as_ref().map(|(_, place)| *place);
    let dms = heroes
        .iter()
        .map(|hero| Message::rendered(Render::HeroDm { hero: hero.clone() }, Delivery::dm(hero)));
    let messages = post.map(|(m, _)| m).into_iter().chain(dms).collect();
    (messages, place)
}

/// A story's post (stories channel, else heroes channel, else where it was told), a consent
/// request to each credited hero, and the teller's confirmation with **Ask the customer**
/// (privately where they told it, else in their DM).
pub fn story_messages(
    teller: &UserId,
    heroes: &[UserId],
    stories_channel: Option<&str>,
    typed_in: Option<TypedIn<'_>>,
) -> Vec<Message> {
    let post = public_post(Render::StoryPost, stories_channel, typed_in).map(|(m, _)| m);
    let dms = heroes.iter().map(|hero| {
        Message::rendered(Render::ConsentDm { hero: hero.clone() }, Delivery::dm(hero))
    });
    let told = match typed_in.filter(|here| !here.response_url.is_empty()) {
        Some(here) => Delivery::Respond {
            url: here.response_url.to_owned(),
            channel: here.channel.to_owned(),
            visibility: Visibility::Private,
        },
        None => Delivery::dm(teller),
    };
    let told = Message::rendered(Render::StoryTold, told);
    post.into_iter().chain(dms).chain([told]).collect()
}
