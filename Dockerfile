# Production image: the platform runs TypeScript through tsx (no separate build step).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY tsconfig.json ./
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "src/main.ts"]
