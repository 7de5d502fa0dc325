# banking-api-sandbox: build the TypeScript, then run it with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-cli.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4010 \
    SANDBOX_DATA=/data/sandbox.json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY specs ./specs
COPY fixtures ./fixtures
COPY dashboard ./dashboard
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4010
# The admin API's health endpoint answers loopback clients, and with SANDBOX_ADMIN_TOKEN set, the token.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["node", "-e", "const t = process.env.SANDBOX_ADMIN_TOKEN; fetch('http://127.0.0.1:' + (process.env.PORT || 4010) + '/__sandbox/health', { headers: t ? { authorization: 'Bearer ' + t } : {} }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=32", "dist/cli.js"]
