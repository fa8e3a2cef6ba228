# oatie-ops: build the TypeScript once, run the compiled JavaScript as an unprivileged user.
# The base is pinned to an exact release (bump it deliberately); no secret is copied or set here:
# they come from the environment at run time (the Kubernetes secret).
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# The build starts the bot once to write its code caches into dist/ (the image's dist/ is read-only to
# the bot), so the policy and the templates it reads at start-up are needed here too.
COPY templates ./templates
COPY manifests/kubernetes/policy.yaml ./manifests/kubernetes/policy.yaml
RUN npm run build && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production PORT=3000 OATIE_DATA_DIR=/data MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=1048576
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY templates ./templates
COPY manifests/kubernetes/policy.yaml ./manifests/kubernetes/policy.yaml
RUN mkdir -p /data && chown node:node /data
# The image's `node` user (uid 1000), as the Kubernetes manifests' runAsUser expects.
USER 1000:1000
EXPOSE 3000
# /livez: the process is alive; a platform target being down must not mark the bot unhealthy.
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--max-semi-space-size=1", "dist/main.js"]
