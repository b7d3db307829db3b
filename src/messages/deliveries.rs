//! Which outbox messages a nomination or a story causes, and where each goes. The messages are
//! rendered when sent, from the committed record.
use serde_json::json;

use crate::domain::UserId;
use crate::store::batch::NewMessage;

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
    render: &'static str,
    channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> Option<(NewMessage, Place<'a>)> {
    match (channel, typed_in) {
        (Some(channel), _) => Some((
            NewMessage {
                method: "chat.postMessage",
                lane: channel.to_owned(),
                url: None,
                payload: json!({ "channel": channel }).to_string(),
                render: Some(render),
            },
            Place::Channel(channel),
        )),
        (None, Some(here)) if !here.response_url.is_empty() => Some((
            NewMessage {
                method: "response_url",
                lane: here.channel.to_owned(),
                url: Some(here.response_url.to_owned()),
                payload: json!({ "response_type": "in_channel" }).to_string(),
                render: Some(render),
            },
            Place::Here,
        )),
        (None, _) => None,
    }
}

/// A DM rendered as `render` to each person.
fn direct_messages(render: &'static str, people: &[UserId]) -> impl Iterator<Item = NewMessage> {
    people.iter().map(move |person| NewMessage {
        method: "chat.postMessage",
        lane: person.to_string(),
        url: None,
        payload: json!({ "channel": person.as_str() }).to_string(),
        render: Some(render),
    })
}

/// A nomination's celebration (heroes channel, else where it was made) and a DM to each hero.
/// Without either place, only the DMs go out.
pub fn nomination_messages<'a>(
    heroes: &[UserId],
    heroes_channel: Option<&'a str>,
    typed_in: Option<TypedIn<'_>>,
) -> (Vec<NewMessage>, Option<Place<'a>>) {
    let post = public_post("celebration", heroes_channel, typed_in);
    let place = post.as_ref().map(|(_, place)| *place);
    let messages = post
        .map(|(m, _)| m)
        .into_iter()
        .chain(direct_messages("hero_dm", heroes))
        .collect();
    (messages, place)
}

/// A story's post (stories channel, else heroes channel, else where it was told) and a consent
/// request to each credited hero.
pub fn story_messages(
    heroes: &[UserId],
    stories_channel: Option<&str>,
    typed_in: Option<TypedIn<'_>>,
) -> Vec<NewMessage> {
    let post = public_post("story_post", stories_channel, typed_in).map(|(m, _)| m);
    post.into_iter()
        .chain(direct_messages("consent_dm", heroes))
        .collect()
}
