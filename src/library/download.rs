//! An export written as it is read: the head goes out at once, then each story as its row
//! comes from the database, in chunks, so memory stays flat and the first byte is early
//! whatever the number of stories. Names come from the cache, warmed in bulk within a budget.
use crate::store::Db;
use std::time::Duration;

use jiff::tz::TimeZone;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::export::{self, Format, KeptInside};
use super::names;
use crate::clock::Clock;
use crate::domain::audit::{Actor, Entry, Event, ExportFilter, Subject};
use crate::slack::client::SlackClient;
use crate::store::library::{self, Filter};

/// What an export reads from.
#[derive(Clone)]
pub struct ExportSource {
    /// Where the stories are read from.
    pub reads: Db,
    /// The shared pool, where cached names and the search's progress are read.
    pub db: Db,
    /// Where names are cached and search indexing catches up before a search.
    pub writes: crate::store::Writes,
    /// None: names from the cache only (the CLI without a token).
    pub slack: Option<SlackClient>,
    pub clock: Clock,
    pub timezone: TimeZone,
    /// How long names may be looked up before IDs stand in for the rest.
    pub names_budget: Duration,
    /// When `users.list` was last read, so it is not read again and again.
    pub roster: std::sync::Arc<names::Roster>,
    /// Who asks: the export's row in the audit trail names them.
    pub by: Actor,
}

/// How long an export over HTTP waits for names before IDs stand in.
pub const NAMES_BUDGET: Duration = Duration::from_secs(3);
/// The command line waits longer: nobody is watching a spinner.
pub const NAMES_BUDGET_CLI: Duration = Duration::from_secs(60);
/// Bytes gathered before they are handed on.
const CHUNK: usize = 64 * 1024;
/// Stories read ahead of the rendering.
const ROWS_AHEAD: usize = 64;
/// Chunks waiting for a slow reader before the export waits for it.
const CHUNKS_AHEAD: usize = 4;

/// Starts writing the stories `filter` selects in `format`: the chunks arrive on the receiver
/// (an error ends it early), and the task answers how many stories were written. A talk pack
/// leaves out the stories kept inside unless `kept_inside` includes them.
pub fn spawn(
    source: ExportSource,
    format: Format,
    filter: Filter,
    kept_inside: KeptInside,
) -> (
    mpsc::Receiver<std::io::Result<String>>,
    JoinHandle<Result<usize, sqlx::Error>>,
) {
    let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
    let task = tokio::spawn(async move {
        let written = write(&source, format, &filter, kept_inside, &tx).await;
        match &written {
            Ok(rows) => {
                // The rows are sent already: a busy database must not make them read as failed.
                if let Err(err) = audited(&source, format, &filter, kept_inside, *rows).await {
                    tracing::warn!(error = %err, "an export was sent but its audit row was not written");
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "an export failed part-way");
                let _ = tx
                    .send(Err(std::io::Error::other("the export failed")))
                    .await;
            }
        }
        written
    });
    (rx, task)
}

/// The export's row in the audit trail: who, the format, the filter's structured parts (never
/// the words searched for) and the stories written (also when the reader left early). An export
/// changes nothing, so its row is written once it is done.
async fn audited(
    source: &ExportSource,
    format: Format,
    filter: &Filter,
    kept_inside: KeptInside,
    rows: usize,
) -> Result<(), sqlx::Error> {
    let day = |at: i64| crate::clock::local(at, &source.timezone, "%Y-%m-%d");
    let parts = ExportFilter {
        since: filter.since.map(day),
        // `until` is the start of the day after the last one included.
        until: filter.until.map(|at| day(at - 1)),
        query: filter.query.is_some(),
        featured: filter.featured,
        shareable: filter.shareable,
        internal_only: filter.internal_only,
        include_internal: format == Format::Markdown && kept_inside == KeptInside::Included,
        customer: filter.customer_kind.map(|k| k.as_str().to_owned()),
        tag: filter.tag.is_some(),
        hero: filter.hero.is_some(),
    };
    let subject = Subject::Export {
        format: format.extension().to_owned(),
        filter: parts,
        rows: rows as u64,
    };
    let entry = Entry::new(source.by.clone(), Event::Exported, subject);
    let mut tx = source.writes.begin().await?;
    crate::store::audit::record(&mut tx, source.clock.now_secs(), &entry).await?;
    tx.commit().await
}

async fn write(
    source: &ExportSource,
    format: Format,
    filter: &Filter,
    kept_inside: KeptInside,
    tx: &mpsc::Sender<std::io::Result<String>>,
) -> Result<usize, sqlx::Error> {
    if filter.query.is_some() {
        // Words are searched in everything committed before the export.
        crate::store::search::catch_up(&source.db, &source.writes).await?;
    }
    let db = &source.reads;
    let (count, shareable) = match format {
        // Only the talk pack says up front how many stories it holds.
        Format::Markdown => library::tally(db, filter).await?,
        Format::Csv | Format::Json => (0, 0),
    };
    // The talk pack is for talks outside the company: without the person asking, it holds only
    // what every hero agreed to tell there.
    let narrowed = Filter {
        shareable: true,
        ..filter.clone()
    };
    let (filter, count, left_out) = match (format, kept_inside) {
        (Format::Markdown, KeptInside::LeftOut) => (&narrowed, shareable, count - shareable),
        _ => (filter, count, 0),
    };
    if tx
        .send(Ok(export::head(format, count, shareable, left_out)))
        .await
        .is_err()
    {
        return Ok(0);
    }
    let mut people = library::authors_and_heroes(db, filter).await?;
    for text in library::texts_with_mentions(db, filter).await? {
        people.extend(
            crate::domain::text::mentioned(&text)
                .iter()
                .map(ToString::to_string),
        );
    }
    people.sort();
    people.dedup();
    let names = names::for_export(
        &source.db,
        &source.writes,
        source.slack.as_ref(),
        &people,
        source.names_budget,
        &source.clock,
        &source.roster,
    )
    .await?;
    let (stories, mut each) = mpsc::channel(ROWS_AHEAD);
    let render = async {
        let mut written = 0;
        let mut out = String::with_capacity(CHUNK + CHUNK / 4);
        while let Some(story) = each.recv().await {
            export::row(format, written, &story, &names, &source.timezone, &mut out);
            written += 1;
            if out.len() >= CHUNK {
                let chunk = std::mem::replace(&mut out, String::with_capacity(CHUNK + CHUNK / 4));
                if tx.send(Ok(chunk)).await.is_err() {
                    // The reader is gone: dropping the receiver stops the reading too.
                    return written;
                }
            }
        }
        out.push_str(export::tail(format, written));
        let _ = tx.send(Ok(out)).await;
        written
    };
    let (read, written) = tokio::join!(library::each_story(db, filter, stories), render);
    read?;
    Ok(written)
}

/// The chunks as a stream, for an HTTP body.
pub struct Chunks(pub mpsc::Receiver<std::io::Result<String>>);

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<String>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}
