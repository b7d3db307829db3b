//! Action items agreed at a review: when one is overdue, and reading its due date.
use jiff::civil::Date;

use super::UserId;

/// The longest action item.
pub const MAX_ACTION: usize = 200;

/// An action item agreed at a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub card_id: i64,
    pub what: String,
    pub owner: UserId,
    pub due_on: Date,
    pub done_at: Option<i64>,
}

impl ActionItem {
    /// Not done, and due before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.done_at.is_none() && self.due_on < today
    }
}

/// Reads an action item's due date, `YYYY-MM-DD`, not before `today`.
pub fn due_on(s: &str, today: Date) -> Result<Date, String> {
    let date: Date = s
        .trim()
        .parse()
        .map_err(|_| "Pick the date it is due by.".to_owned())?;
    if date < today {
        return Err("Pick today or a later day.".to_owned());
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_dates_are_days_not_before_today() {
        let today = Date::new(2026, 11, 18).unwrap();
        assert_eq!(
            due_on("2026-11-30", today).unwrap(),
            Date::new(2026, 11, 30).unwrap()
        );
        assert!(due_on("2026-11-18", today).is_ok());
        assert!(due_on("2026-11-17", today).is_err());
        assert!(due_on("soon", today).is_err());
    }
}
