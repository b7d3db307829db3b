//! The form and `payload=` decoders: any body Slack (or anyone) posts decodes or is refused,
//! and the values of a decoded modal read without panicking.
#![no_main]
use herobot::modals::Origin;
use herobot::slack::payload::{EventEnvelope, Interaction, InteractionForm, SlashCommand, Values};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = serde_urlencoded::from_bytes::<SlashCommand>(body);
    let _ = serde_json::from_slice::<EventEnvelope>(body);
    let Ok(form) = serde_urlencoded::from_bytes::<InteractionForm>(body) else {
        return;
    };
    match serde_json::from_str::<Interaction>(&form.payload) {
        Ok(Interaction::ViewSubmission(submission)) => {
            let view = &submission.view;
            let _ = Origin::from_metadata(&view.private_metadata);
            let values = Values(&view.state.values);
            for block in view.state.values.keys() {
                let _ = (values.text(block), values.users(block));
                let _ = (values.option(block), values.date_time(block));
            }
            let _ = Interaction::team_of(&submission.team, &submission.user, None);
        }
        Ok(Interaction::BlockActions(actions)) => {
            let _ = Interaction::team_of(&actions.team, &actions.user, None);
        }
        Ok(Interaction::MessageAction(action)) => {
            let _ = Interaction::team_of(&action.team, &action.user, None);
        }
        _ => {}
    }
});
