//! The words of the demo's sample data: believable reasons and recovery stories, written once.

/// A reason for a nomination, with the tags typed after it (category words set the category).
pub struct Reason {
    pub text: &'static str,
    pub tags: &'static str,
}

/// One reason per nomination the demo seeds: no sentence is said twice.
pub const REASONS: [Reason; 30] = [
    Reason {
        text: "for staying on the phone until the clinic's order system was back up, then calling them the next morning to check",
        tags: "#external #support",
    },
    Reason {
        text: "for rebuilding the Q3 pipeline report overnight when the sales team found the numbers were off",
        tags: "#internal #reporting",
    },
    Reason {
        text: "for spotting the double-charged invoices before the customers did and refunding them with a handwritten note",
        tags: "#recovery #billing",
    },
    Reason {
        text: "for waiving the restocking fee so a school could swap 40 laptops the week before term started",
        tags: "#empowerment #external",
    },
    Reason {
        text: "for walking the new support hires through the escalation runbook, twice, with real tickets",
        tags: "#internal #onboarding",
    },
    Reason {
        text: "for driving the replacement part to the customer's warehouse herself when the courier failed",
        tags: "#external #logistics",
    },
    Reason {
        text: "for answering marketing's data request in an hour instead of the usual week",
        tags: "#internal #data",
    },
    Reason {
        text: "for turning a furious renewal call into a three-year contract by listening first",
        tags: "#external #renewals",
    },
    Reason {
        text: "for fixing the broken password reset emails on a Sunday before Monday's rush",
        tags: "#recovery #email",
    },
    Reason {
        text: "for translating the onboarding guide into Portuguese so our new Lisbon customer could start on day one",
        tags: "#external #onboarding",
    },
    Reason {
        text: "for giving finance a clean export of every open order so the audit could close on time",
        tags: "#internal #finance",
    },
    Reason {
        text: "for approving a one-off extended trial so a charity could finish its pilot",
        tags: "#empowerment",
    },
    Reason {
        text: "for writing the status page updates every 30 minutes during the outage, in plain words",
        tags: "#external #incident",
    },
    Reason {
        text: "for setting up the sales demo environment at 7 am so the big pitch could go ahead",
        tags: "#internal #sales",
    },
    Reason {
        text: "for calling every customer hit by the shipping delay before they had to call us",
        tags: "#recovery #logistics",
    },
    Reason {
        text: "for pairing with support all week to close the oldest bugs in the queue",
        tags: "#internal #quality",
    },
    Reason {
        text: "for remembering the customer's launch date and sending the team a good-luck card",
        tags: "#external #delight",
    },
    Reason {
        text: "for letting a customer keep the upgraded plan free for a month after our migration slipped",
        tags: "#empowerment #recovery",
    },
    Reason {
        text: "for untangling legal's contract template mess so sales could send quotes the same day",
        tags: "#internal #contracts",
    },
    Reason {
        text: "for replying to a one-star review with an apology, a fix and a follow-up call",
        tags: "#external #reviews",
    },
    Reason {
        text: "for reading the whole contract history before the renewal call, so the customer never had to repeat themselves",
        tags: "#external #renewals",
    },
    Reason {
        text: "for staying late to re-run the failed data migration and checking every account by hand",
        tags: "#recovery #data",
    },
    Reason {
        text: "for giving the warehouse team a dashboard they actually use, built from their own wish list",
        tags: "#internal #operations",
    },
    Reason {
        text: "for offering a free replacement on the spot when a bakery's mixer broke on a Saturday",
        tags: "#empowerment #external",
    },
    Reason {
        text: "for turning three angry emails into one calm call and a plan the customer agreed to",
        tags: "#external #escalation",
    },
    Reason {
        text: "for answering every question in the all-hands chat within the hour, with links to the docs",
        tags: "#internal #support",
    },
    Reason {
        text: "for noticing the typo in the price email before it went to ten thousand customers",
        tags: "#internal #marketing",
    },
    Reason {
        text: "for flying out to the Rotterdam depot to retrain the night shift after the scanner change",
        tags: "#external #logistics",
    },
    Reason {
        text: "for rewriting the refund policy page in words a customer can follow on a phone",
        tags: "#external #billing",
    },
    Reason {
        text: "for lending two engineers to support during the holiday rush without being asked",
        tags: "#internal #teamwork",
    },
];

/// A recovery story as its author tells it in the modal.
pub struct StoryText {
    pub title: &'static str,
    pub what_went_wrong: &'static str,
    pub how_fixed: &'static str,
    pub surprise: Option<&'static str>,
    /// `external` or `internal`.
    pub customer_kind: &'static str,
    /// `blown_away`, `satisfied` or `unknown`.
    pub reaction: &'static str,
    /// Hours from the mistake to the fix.
    pub hours_to_fix: i64,
    pub tags: &'static str,
}

pub const STORIES: [StoryText; 14] = [
    StoryText {
        title: "The invoice that went out twice",
        what_went_wrong: "A retry in the billing job sent 212 customers the same invoice twice, and 38 of them paid both.",
        how_fixed: "We stopped the job, refunded every second payment the same afternoon and fixed the retry so it checks what was already sent.",
        surprise: Some(
            "Every customer who paid twice got a personal apology and a month of the premium plan.",
        ),
        customer_kind: "external",
        reaction: "blown_away",
        hours_to_fix: 6,
        tags: "billing",
    },
    StoryText {
        title: "Sales deck with last year's prices",
        what_went_wrong: "Marketing shipped the new deck to sales with last year's price table; two quotes went out wrong.",
        how_fixed: "We corrected the deck, rang both prospects with the right quote and honoured the lower price for one of them.",
        surprise: Some(
            "Sales got a one-page cheat sheet of every price change this year, which they had asked for for months.",
        ),
        customer_kind: "internal",
        reaction: "satisfied",
        hours_to_fix: 20,
        tags: "pricing",
    },
    StoryText {
        title: "The wedding cake delivery",
        what_went_wrong: "Our courier left a bakery's order of cake stands at the wrong address on the morning of a wedding.",
        how_fixed: "Omar found a spare set in the warehouse and drove it over himself, arriving two hours before the reception.",
        surprise: Some("He brought a bottle of bubbly for the couple from all of us."),
        customer_kind: "external",
        reaction: "blown_away",
        hours_to_fix: 3,
        tags: "logistics",
    },
    StoryText {
        title: "Payroll export in the wrong format",
        what_went_wrong: "A platform update changed the payroll export's date format and HR's import failed on payday eve.",
        how_fixed: "Engineering rolled back the format for HR and added a test with HR's real file.",
        surprise: None,
        customer_kind: "internal",
        reaction: "satisfied",
        hours_to_fix: 30,
        tags: "payroll",
    },
    StoryText {
        title: "Locked out before the board meeting",
        what_went_wrong: "A customer's CFO was locked out of her account an hour before presenting our dashboards to her board.",
        how_fixed: "Support verified her by phone, restored access in 12 minutes and stayed on the line until the dashboards loaded.",
        surprise: Some("We sent a printed copy of the key charts to the boardroom, just in case."),
        customer_kind: "external",
        reaction: "blown_away",
        hours_to_fix: 1,
        tags: "access",
    },
    StoryText {
        title: "The lost trade-show banners",
        what_went_wrong: "The banners for marketing's biggest trade show were shipped to last year's venue.",
        how_fixed: "Logistics had new ones printed near the venue overnight and delivered to the stand by 8 am.",
        surprise: Some(
            "The reprint used the new brand colours that marketing had not had time to order.",
        ),
        customer_kind: "internal",
        reaction: "blown_away",
        hours_to_fix: 14,
        tags: "events",
    },
    StoryText {
        title: "A week of missing order confirmations",
        what_went_wrong: "Order confirmation emails silently stopped for a week after a mail provider change.",
        how_fixed: "We re-sent every confirmation, fixed the sender settings and added an alert for a silent mail queue.",
        surprise: None,
        customer_kind: "external",
        reaction: "unknown",
        hours_to_fix: 52,
        tags: "email",
    },
    StoryText {
        title: "Support's dashboard went blank",
        what_went_wrong: "The support team's queue dashboard showed nothing for a morning after a permissions change.",
        how_fixed: "IT restored the permissions within the hour and wrote up what changed and why.",
        surprise: Some(
            "Noah added the 'oldest ticket' tile support had asked for while he was in there.",
        ),
        customer_kind: "internal",
        reaction: "blown_away",
        hours_to_fix: 1,
        tags: "dashboards",
    },
    StoryText {
        title: "The wrong size, twice",
        what_went_wrong: "A customer received the wrong size of standing desk, and then the wrong size again.",
        how_fixed: "We sent the right desk by express, collected both wrong ones and refunded the delivery.",
        surprise: Some(
            "An ergonomic chair mat came with it, and a note from the person who packed it.",
        ),
        customer_kind: "external",
        reaction: "satisfied",
        hours_to_fix: 40,
        tags: "orders",
    },
    StoryText {
        title: "Contract renewals stuck in legal",
        what_went_wrong: "Forty renewal contracts waited two weeks for a legal review nobody knew was required.",
        how_fixed: "Legal reviewed all forty in two days and agreed a standard clause set that needs no review.",
        surprise: None,
        customer_kind: "internal",
        reaction: "satisfied",
        hours_to_fix: 48,
        tags: "contracts",
    },
    StoryText {
        title: "The API key that expired on launch day",
        what_went_wrong: "A partner's API key expired the morning they launched their integration with us.",
        how_fixed: "Engineering issued a new key within 20 minutes and extended every partner key due to expire that month.",
        surprise: Some("We featured their launch in our customer newsletter that week."),
        customer_kind: "external",
        reaction: "blown_away",
        hours_to_fix: 1,
        tags: "api",
    },
    StoryText {
        title: "Duplicate leads in the CRM",
        what_went_wrong: "An import doubled every lead from the spring campaign, and sales called some people twice.",
        how_fixed: "Product merged the duplicates the same day and sales sent a short apology to the people called twice.",
        surprise: Some("The cleanup also found 60 leads nobody had ever contacted."),
        customer_kind: "internal",
        reaction: "unknown",
        hours_to_fix: 9,
        tags: "crm",
    },
    StoryText {
        title: "Refund promised, never sent",
        what_went_wrong: "A customer was promised a refund on a call, but it was never logged and never paid.",
        how_fixed: "Lena paid it the hour the customer wrote in again, and we added refunds to the call checklist.",
        surprise: None,
        customer_kind: "external",
        reaction: "satisfied",
        hours_to_fix: 2,
        tags: "billing",
    },
    StoryText {
        title: "The training room double-booked",
        what_went_wrong: "Customer success had booked the training room for a client workshop, and so had finance.",
        how_fixed: "Operations moved finance to the boardroom and set the training room up for the client by 9.",
        surprise: Some(
            "Coffee and pastries for the client, with their logo on the welcome screen.",
        ),
        customer_kind: "internal",
        reaction: "blown_away",
        hours_to_fix: 2,
        tags: "facilities",
    },
];

/// What people say in #general: messages to try the shortcuts on.
pub const CHATTER: [&str; 4] = [
    "Huge thanks to {} for jumping on the Acme escalation this morning, they are happy again!",
    "{} just saved the Lisbon onboarding by rewriting the guide over lunch.",
    "Heads up: the courier lost a parcel for the bakery order, {} is on it.",
    "Shout-out to {} for fixing the export that finance needed before the audit.",
];

/// The team Marketing's report card rates, and what Sales, Customer Success and Support expect
/// of it.
pub const SUPPLIER: &str = "Marketing";

/// One deliverable on the card and how it was delivered over the six months the demo covers:
/// the mean rating of each round, oldest first.
pub struct Deliverable {
    pub name: &'static str,
    pub trend: [f64; 6],
}

pub const DELIVERABLES: [Deliverable; 5] = [
    // Slipping: the leads come later every month.
    Deliverable {
        name: "Qualified leads by the 5th",
        trend: [4.5, 4.3, 4.0, 3.6, 3.1, 2.7],
    },
    // Improving after the action item agreed in the second round's review.
    Deliverable {
        name: "Accurate price lists",
        trend: [2.3, 2.0, 2.7, 3.6, 4.1, 4.4],
    },
    Deliverable {
        name: "Campaign calendar a month ahead",
        trend: [3.4, 3.6, 3.3, 3.5, 3.6, 3.5],
    },
    Deliverable {
        name: "Case studies for sales calls",
        trend: [2.9, 3.0, 3.2, 3.1, 3.4, 3.5],
    },
    Deliverable {
        name: "Answers to product questions within a day",
        trend: [4.1, 4.0, 4.2, 4.0, 4.1, 4.2],
    },
];

/// A comment a rater leaves in round `round` (0: the oldest) on deliverable `deliverable`.
pub struct CardComment {
    pub round: usize,
    pub deliverable: usize,
    pub text: &'static str,
}

pub const CARD_COMMENTS: [CardComment; 9] = [
    CardComment {
        round: 0,
        deliverable: 1,
        text: "Two quotes went out with last quarter's prices; the customer noticed before we did.",
    },
    CardComment {
        round: 1,
        deliverable: 1,
        text: "The price list changed twice mid-month and nobody told the sales team.",
    },
    CardComment {
        round: 1,
        deliverable: 3,
        text: "A case study for healthcare customers would help on almost every call.",
    },
    CardComment {
        round: 2,
        deliverable: 0,
        text: "Leads arrived on the 9th; the first week of the month was quiet.",
    },
    CardComment {
        round: 3,
        deliverable: 1,
        text: "The price list arrived on the 1st, checked by Finance. Not one correction since.",
    },
    CardComment {
        round: 4,
        deliverable: 0,
        text: "Leads came on the 14th, and half of them were not qualified.",
    },
    CardComment {
        round: 4,
        deliverable: 4,
        text: "Product questions are answered the same day, every time.",
    },
    CardComment {
        round: 5,
        deliverable: 0,
        text: "Still waiting for this month's leads on the 12th. What changed?",
    },
    CardComment {
        round: 5,
        deliverable: 1,
        text: "Prices have been right for three months now. Thank you!",
    },
];

/// An action item agreed in the review of round `round`, owned by `owner`.
pub struct CardAction {
    pub round: usize,
    pub what: &'static str,
    pub owner: &'static str,
    /// Days after it is added that it is due.
    pub due_in_days: i64,
    /// Days after it is added that its owner marks it done, if they have.
    pub done_after_days: Option<i64>,
}

pub const CARD_ACTIONS: [CardAction; 2] = [
    CardAction {
        round: 1,
        what: "Send the price list on the 1st of every month, checked by Finance",
        owner: "U0DSOFIA",
        due_in_days: 14,
        done_after_days: Some(9),
    },
    CardAction {
        round: 4,
        what: "Agree the lead hand-off date with Sales and hold to it",
        owner: "U0DSOFIA",
        due_in_days: 21,
        done_after_days: None,
    },
];
