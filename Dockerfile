# syntax=docker/dockerfile:1
# Velvet, one image for every role: `--role hub` (the default command) or `--role workers`.
# Stages: dependencies from the lockfile → the built inbox UI → production dependencies →
# a slim runtime that runs as the unprivileged `node` user.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY shared/package.json shared/
COPY llm/package.json llm/
COPY platforms/package.json platforms/
COPY workers/package.json workers/
COPY hub/package.json hub/
COPY inbox-ui/package.json inbox-ui/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

# The same install without devDependencies (vite, vitest, the type packages…).
FROM deps AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8080 \
    DATA_DIR=/data \
    MEDIA_DIR=/data/media
# pg_dump and pg_restore for the scheduled backups: Debian 12's client is PostgreSQL 15, the
# version docker-compose.yml runs (pg_dump cannot dump a newer server).
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client-15 \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY config ./config
COPY scripts ./scripts
COPY shared ./shared
COPY llm ./llm
COPY platforms ./platforms
COPY workers ./workers
COPY hub ./hub
COPY bench/package.json ./bench/package.json
COPY inbox-ui/package.json ./inbox-ui/package.json
COPY --from=build /app/inbox-ui/build ./inbox-ui/build
RUN mkdir -p /data/media && chown -R node:node /data
USER node
VOLUME /data
EXPOSE 8080
# The hub answers /healthz; a workers process checks the Redis and PostgreSQL it works from.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["node", "--import", "tsx", "hub/src/main.ts"]
CMD ["--role", "hub"]
