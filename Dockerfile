# The operator image: TypeScript compiled by tsc (npm run build) in a build stage and the brokers'
# readiness agent compiled by javac, run by Node 24 LTS as a non-root user with production dependencies only.
# docker build -t kafka-actor-operator:0.1.0 .

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
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
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=agent /app/dist/kafka-agent ./dist/kafka-agent
COPY package.json ./
# The node user of the base image, by number, so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
# node is PID 1: the operator handles SIGTERM itself, releasing its Lease before it exits.
ENTRYPOINT ["node", "dist/main.js"]
