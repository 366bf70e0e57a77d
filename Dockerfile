# The operator image: the operator and its dependencies' code bundled into one file by esbuild (npm
# run build: scripts/bundle.ts) in a build stage and the brokers' readiness agent compiled by javac,
# run by Node 24 LTS on a distroless Debian 12 base (C and C++ runtime, CA certificates, time zones;
# no shell, no package manager) as a numeric non-root user; node_modules holds only the production
# packages with native addons (scripts/runtime-packages.ts). `npm run image` builds the same image
# offline from Debian and npm packages (scripts/image.sh); keep the two in step.
# docker build --build-arg REVISION="$(git rev-parse HEAD)" --build-arg SOURCE=<repository URL> \
#   -t kafka-actor-operator:0.1.0 .

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/bundle.ts scripts/runtime-packages.ts ./scripts/
COPY src ./src
RUN npm run build

# The brokers' readiness agent (kafka-agent/), which the operator ships to every cluster it runs.
FROM eclipse-temurin:17-jdk AS agent
WORKDIR /app
COPY kafka-agent ./kafka-agent
RUN bash kafka-agent/build.sh

FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/runtime-packages.ts ./scripts/
# The rest is bundled; type declarations and source maps are never run.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && node scripts/runtime-packages.ts node_modules \
  && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

FROM gcr.io/distroless/cc-debian12
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=kafka-actor-operator
LABEL org.opencontainers.image.title="kafka-actor-operator" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV NODE_ENV=production
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=agent /app/dist/kafka-agent ./dist/kafka-agent
COPY package.json ./
# By number, so Kubernetes can verify runAsNonRoot; the files above stay root's, read-only to it.
USER 1000:1000
EXPOSE 8080
# node is PID 1: the operator handles SIGTERM itself, releasing its Lease before it exits.
ENTRYPOINT ["node", "dist/main.js"]
