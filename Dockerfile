# syntax=docker/dockerfile:1
#
# herobot: one binary on an embedded SQLite database, or on PostgreSQL as several replicas
# (deploy/compose.yml, deploy/kubernetes/; docs/operating.md, "Running replicas on PostgreSQL").
#
#   docker build -t herobot .
#   docker run -d --name herobot -p 3000:3000 -v herobot-data:/data --env-file .env herobot
#
# .env (the same file `herobot` reads when run directly) holds SLACK_SIGNING_SECRET,
# SLACK_BOT_TOKEN (xoxb-...), HEROBOT_PUBLIC_URL and the other HEROBOT_* settings.
# A bind mount for /data must be writable by uid 10001.
#
# The database lives in the /data volume and is migrated at start-up.

# ---- build ------------------------------------------------------------------
# The toolchain is Cargo.toml's rust-version (tests/architecture/deploy.rs keeps them equal).
FROM rust:1.94-bookworm AS builder
WORKDIR /src

# The whole context (minus .dockerignore): Cargo.toml, Cargo.lock, src/, migrations/sqlite/
# (embedded at compile time by sqlx::migrate!), templates/ (the library's pages, compiled in
# by askama) and the bench/ workspace member, which
# Cargo needs to load the workspace even though only herobot is built.
COPY . .

# Cache mounts keep the crate registry and compiled dependencies between builds; the
# binary is copied out because the target/ cache mount is not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin herobot \
 && install -m 0755 target/release/herobot /usr/local/bin/herobot

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim

# ca-certificates: TLS to slack.com; curl: the HEALTHCHECK below and deploy/compose.yml's.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 herobot \
 && useradd --system --uid 10001 --gid herobot --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin herobot \
 && mkdir -p /data \
 && chown herobot:herobot /data

COPY --from=builder /usr/local/bin/herobot /usr/local/bin/herobot

WORKDIR /data
VOLUME /data

ENV DATABASE_URL=sqlite:///data/herobot.db \
    HEROBOT_LISTEN=0.0.0.0:3000

USER herobot:herobot
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1

ENTRYPOINT ["herobot"]
CMD ["serve"]
