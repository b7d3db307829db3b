//! The card form: a card as a leader fills it in, each field checked and every problem told
//! beside its field.
use super::{Comments, UserId};
use crate::domain::ChannelId;

/// The most deliverables a card has.
pub const MAX_DELIVERABLES: usize = 6;
/// The longest supplier name and deliverable, in characters.
pub const MAX_SUPPLIER: usize = 80;
pub const MAX_DELIVERABLE: usize = 150;
/// The most raters a card has (every one gets a DM each month).
pub const MAX_RATERS: usize = 100;

/// A card's inputs as the modal gave them.
#[derive(Debug, Clone, Default)]
pub struct CardForm {
    pub supplier: Option<String>,
    pub raters: Vec<String>,
    pub deliverables: Option<String>,
    pub review_channel: Option<String>,
    pub comments: Option<String>,
}

/// The field a problem with a card belongs beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CardField {
    Supplier,
    Raters,
    Deliverables,
    ReviewChannel,
}

/// A card as a leader filled it in, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCard {
    supplier: String,
    raters: Vec<UserId>,
    deliverables: Vec<String>,
    review_channel: ChannelId,
    comments: Comments,
}

impl NewCard {
    /// Reads a filled-in card; every problem is reported beside its field.
    pub fn parse(form: CardForm) -> Result<Self, Vec<(CardField, String)>> {
        let mut problems = Vec::new();
        let supplier = form.supplier.as_deref().unwrap_or_default().trim();
        if supplier.is_empty() {
            problems.push((
                CardField::Supplier,
                "Name the team that is rated, for example Marketing.".into(),
            ));
        } else if supplier.chars().count() > MAX_SUPPLIER {
            problems.push((
                CardField::Supplier,
                format!("Keep the team's name within {MAX_SUPPLIER} characters."),
            ));
        }
        let mut raters: Vec<UserId> = Vec::new();
        for id in &form.raters {
            match UserId::parse(id) {
                Some(user) if !raters.contains(&user) => raters.push(user),
                Some(_) => {}
                None => problems.push((CardField::Raters, "Pick people to rate.".into())),
            }
        }
        if form.raters.is_empty() {
            problems.push((
                CardField::Raters,
                "Pick the people of the customer team who rate.".into(),
            ));
        } else if raters.len() > MAX_RATERS {
            problems.push((
                CardField::Raters,
                format!("Pick at most {MAX_RATERS} raters."),
            ));
        }
        let lines: Vec<String> = form
            .deliverables
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '•', '*'])
                    .trim()
                    .to_owned()
            })
            .filter(|l| !l.is_empty())
            .collect();
        let mut deliverables: Vec<String> = Vec::new();
        for line in lines {
            if line.chars().count() > MAX_DELIVERABLE {
                problems.push((
                    CardField::Deliverables,
                    format!("Keep each deliverable within {MAX_DELIVERABLE} characters."),
                ));
            } else if deliverables.iter().any(|d| d.eq_ignore_ascii_case(&line)) {
                problems.push((
                    CardField::Deliverables,
                    format!("\"{line}\" is listed twice."),
                ));
            } else {
                deliverables.push(line);
            }
        }
        if deliverables.is_empty() && !problems.iter().any(|(f, _)| *f == CardField::Deliverables) {
            problems.push((
                CardField::Deliverables,
                "List what the team delivers, one per line.".into(),
            ));
        } else if deliverables.len() > MAX_DELIVERABLES {
            problems.push((
                CardField::Deliverables,
                format!(
                    "A card has at most {MAX_DELIVERABLES} deliverables; this lists {}.",
                    deliverables.len()
                ),
            ));
        }
        let review_channel = form.review_channel.as_deref().and_then(ChannelId::parse);
        if review_channel.is_none() {
            problems.push((
                CardField::ReviewChannel,
                "Pick the channel the results are reviewed in.".into(),
            ));
        }
        let comments = form
            .comments
            .as_deref()
            .and_then(Comments::parse)
            .unwrap_or(Comments::Anonymous);
        // One message per field, the first found.
        problems.sort_by_key(|(field, _)| *field);
        problems.dedup_by_key(|(field, _)| *field);
        let Some(review_channel) = review_channel.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        Ok(Self {
            supplier: supplier.to_owned(),
            raters,
            deliverables,
            review_channel,
            comments,
        })
    }

    pub fn supplier(&self) -> &str {
        &self.supplier
    }

    pub fn raters(&self) -> &[UserId] {
        &self.raters
    }

    pub fn deliverables(&self) -> &[String] {
        &self.deliverables
    }

    pub fn review_channel(&self) -> &str {
        &self.review_channel
    }

    pub fn comments(&self) -> Comments {
        self.comments
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(deliverables: &str) -> CardForm {
        CardForm {
            supplier: Some("Marketing".into()),
            raters: vec!["U0ANA".into(), "U0BEN".into()],
            deliverables: Some(deliverables.into()),
            review_channel: Some("C0REVIEW".into()),
            comments: None,
        }
    }

    #[test]
    fn a_card_reads_its_deliverables_one_per_line_and_is_anonymous_by_default() {
        let card = NewCard::parse(form(
            "- Qualified leads by the 5th\n\n  Accurate price lists \n",
        ))
        .unwrap();
        assert_eq!(
            card.deliverables(),
            ["Qualified leads by the 5th", "Accurate price lists"]
        );
        assert_eq!(card.comments(), Comments::Anonymous);
        assert_eq!(card.raters().len(), 2);
    }

    #[test]
    fn every_problem_is_told_beside_its_field() {
        let seven = (1..=7).map(|i| format!("Thing {i}\n")).collect::<String>();
        let problems = NewCard::parse(CardForm {
            supplier: Some("  ".into()),
            raters: vec![],
            deliverables: Some(seven),
            review_channel: None,
            comments: None,
        })
        .unwrap_err();
        let fields: Vec<CardField> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                CardField::Supplier,
                CardField::Raters,
                CardField::Deliverables,
                CardField::ReviewChannel
            ]
        );
        assert!(problems[2].1.contains("at most 6"), "{problems:?}");
        let twice = NewCard::parse(form("Leads\nleads")).unwrap_err();
        assert_eq!(twice[0].0, CardField::Deliverables);
        assert!(NewCard::parse(form("")).is_err());
    }
}
