# Production image: the platform runs TypeScript through tsx (no separate build step). The
# web UI is built by Vite (a dev dependency) in its own stage; only web/dist is kept.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./web
RUN npx vite build --config web/vite.config.ts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY --from=web /app/web/dist ./web/dist
COPY tsconfig.json ./
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "src/main.ts"]
