# The bbsync CLI in a small image, for `bbsync webhooks serve` (or scheduled `bbsync sync` outside GitHub).
#
#   docker build -t bbsync .
#   docker run -d --name bbsync-webhooks -p 8080:8080 -v bbsync-data:/data \
#     -e BBSYNC_WEBHOOK_SECRET=... bbsync webhooks serve --port 8080 --out /data/runs
#
# Build stage: install with the pinned pnpm from the lockfile, build, keep only production dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npx --yes pnpm@12.21.0 install --frozen-lockfile \
 && npx --yes pnpm@12.21.0 run build \
 && npx --yes pnpm@12.21.0 --filter @bbsync/action deploy --prod --legacy /out

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out /app
# Deliveries and run folders live on a volume: the delivery journal must survive restarts to deduplicate.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) finishes the deliveries in flight and closes the run folders.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["webhooks", "serve", "--port", "8080", "--out", "/data/runs"]
