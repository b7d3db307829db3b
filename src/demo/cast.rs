//! The demo's sample workspace: a dozen named people, a leader, the channels and the bot.
use serde::Serialize;

/// A sample person, as `users.info` and the page show them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Person {
    pub id: &'static str,
    /// The handle Slack's client completes `@…` to.
    pub handle: &'static str,
    pub name: &'static str,
    pub title: &'static str,
}

/// A channel of the sample workspace.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Channel {
    pub id: &'static str,
    pub name: &'static str,
    pub purpose: &'static str,
}

const fn person(
    id: &'static str,
    handle: &'static str,
    name: &'static str,
    title: &'static str,
) -> Person {
    Person {
        id,
        handle,
        name,
        title,
    }
}

/// The leader: in `HEROBOT_LEADERS`, may preview and post the digest, feature stories and open
/// the library.
pub const LEADER: Person = person(
    "U0DLEADER",
    "maria",
    "Maria Jensen",
    "Chief Service Officer",
);

/// Everyone else, in the order the "you are" picker lists them.
pub const PEOPLE: [Person; 12] = [
    person("U0DPRIYA", "priya", "Priya Raman", "Support"),
    person("U0DTOMAS", "tomas", "Tomás Ortega", "Engineering"),
    person("U0DAMARA", "amara", "Amara Okafor", "Sales"),
    person("U0DLENA", "lena", "Lena Fischer", "Billing"),
    person("U0DKENJI", "kenji", "Kenji Watanabe", "Operations"),
    person("U0DSOFIA", "sofia", "Sofia Rossi", "Marketing"),
    person("U0DMATEO", "mateo", "Mateo Silva", "Customer Success"),
    person("U0DHANNAH", "hannah", "Hannah Cohen", "Legal"),
    person("U0DOMAR", "omar", "Omar Haddad", "Logistics"),
    person("U0DGRACE", "grace", "Grace Liu", "Product"),
    person("U0DNOAH", "noah", "Noah Becker", "IT"),
    person("U0DZAINAB", "zainab", "Zainab Bello", "Support"),
];

/// herobot's own bot user.
pub const BOT: Person = person("U0DHEROBOT", "herobot", "herobot", "App");

pub const GENERAL: Channel = Channel {
    id: "C0DGENERAL",
    name: "general",
    purpose: "Company-wide chat",
};
pub const HEROES: Channel = Channel {
    id: "C0DHEROES",
    name: "service-heroes",
    purpose: "Celebrations of service heroes",
};
pub const STORIES: Channel = Channel {
    id: "C0DSTORIES",
    name: "recovery-stories",
    purpose: "Recovery storytelling",
};
pub const DIGEST: Channel = Channel {
    id: "C0DDIGEST",
    name: "leaders-digest",
    purpose: "The weekly digest",
};

/// Where Sales and Marketing review Marketing's report card.
pub const REVIEW: Channel = Channel {
    id: "C0DSALESMKT",
    name: "sales-marketing-review",
    purpose: "Sales and Marketing review Marketing's report card",
};

pub const CHANNELS: [Channel; 5] = [GENERAL, HEROES, STORIES, DIGEST, REVIEW];

/// The sample company: the workspace's name, and `HEROBOT_COMPANY_NAME`, which the customer's
/// answer page names.
pub const COMPANY: &str = "Northwind";

/// The sample workspace's team.
pub const TEAM_ID: &str = "T0DEMO";
pub const TEAM_DOMAIN: &str = "herobot-demo";

/// Everyone who can be "you": the people, then the leader.
pub fn everyone() -> impl Iterator<Item = &'static Person> {
    PEOPLE.iter().chain(std::iter::once(&LEADER))
}

/// A person (or the bot) by Slack user ID.
pub fn by_id(id: &str) -> Option<&'static Person> {
    everyone().chain(std::iter::once(&BOT)).find(|p| p.id == id)
}

/// The DM channel between the bot and a person, as `conversations.open` names it.
pub fn dm_channel(user: &str) -> String {
    format!("D{}", user.trim_start_matches(['U', 'W']))
}

/// The person a DM channel belongs to.
pub fn dm_user(channel: &str) -> Option<&'static Person> {
    everyone().find(|p| dm_channel(p.id) == channel)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserId;

    #[test]
    fn every_id_is_one_slack_would_send_and_unique() {
        let mut ids: Vec<&str> = everyone().map(|p| p.id).collect();
        assert!(ids.iter().all(|id| UserId::parse(id).is_some()));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), PEOPLE.len() + 1);
    }

    #[test]
    fn dm_channels_lead_back_to_their_person() {
        assert_eq!(dm_channel("U0DPRIYA"), "D0DPRIYA");
        assert_eq!(dm_user("D0DPRIYA").unwrap().name, "Priya Raman");
        assert!(dm_user("C0DHEROES").is_none());
    }
}
