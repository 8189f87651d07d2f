# syntax=docker/dockerfile:1
# One image recipe for every service. Build from the repository root, naming the service:
#   docker build --build-arg SERVICE=users --target service -t helm-release-platform/users .
#   docker build --build-arg SERVICE=gateway --target gateway -t helm-release-platform/gateway .
#   docker build --build-arg SERVICE=releases --target releases -t helm-release-platform/releases .
# The releases image is the service image plus a pinned helm binary; the gateway image adds the web console.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG GO_IMAGE=golang:1.26.0-bookworm
ARG HELM_VERSION=v3.22.0

# The pinned helm binary, built from its Go module (static, stripped, reporting its version and the
# Kubernetes minor it was made for, as the released binary does). Only the releases target uses it.
FROM ${GO_IMAGE} AS helm
ARG HELM_VERSION
RUN CGO_ENABLED=0 GOBIN=/out go install -ldflags "-s -w \
      -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=32 \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=32" \
      helm.sh/helm/v3/cmd/helm@${HELM_VERSION} \
 && /out/helm version --short | grep -qx "${HELM_VERSION}"

# Only the manifests of the workspaces the service needs: npm ci then installs the locked versions of their
# dependencies and nothing of the other workspaces (test-support's testcontainers, say).
FROM ${NODE_IMAGE} AS manifests
ARG SERVICE
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/service-kit/package.json libs/service-kit/
COPY libs/audit/package.json libs/audit/
COPY libs/kubeconfig-parser/package.json libs/kubeconfig-parser/
COPY services/${SERVICE}/package.json services/${SERVICE}/

# Compiles the service and the libraries it references, with the dev dependencies (TypeScript).
FROM manifests AS build
ARG SERVICE
RUN npm ci --workspace services/${SERVICE} --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs/contracts libs/contracts
COPY libs/service-kit libs/service-kit
COPY libs/audit libs/audit
COPY libs/kubeconfig-parser libs/kubeconfig-parser
COPY services/${SERVICE} services/${SERVICE}
# libs/kubeconfig-parser is built only for the services that reference it (users, releases); the gateway
# gets an empty folder so that the next stage's COPY holds for every service.
RUN npx tsc -b services/${SERVICE} && mkdir -p libs/kubeconfig-parser/dist

# Production dependencies of this service only (with the @platform/* libraries it uses linked),
# plus the compiled code.
FROM manifests AS app
ARG SERVICE
RUN npm ci --workspace services/${SERVICE} --include-workspace-root=false --omit=dev --no-audit --no-fund
COPY --from=build /app/libs/contracts/dist libs/contracts/dist
COPY --from=build /app/libs/service-kit/dist libs/service-kit/dist
COPY --from=build /app/libs/audit/dist libs/audit/dist
COPY --from=build /app/libs/kubeconfig-parser/dist libs/kubeconfig-parser/dist
COPY --from=build /app/services/${SERVICE}/dist services/${SERVICE}/dist

# The web console: static files bundled by Vite, which only the gateway serves (at /, from /app/console/dist).
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/api-client/package.json libs/api-client/
COPY console/package.json console/
RUN npm ci --workspace console --workspace libs/api-client --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY libs/api-client libs/api-client
COPY console console
RUN npx tsc -b libs/api-client && npm run build --workspace @platform/console

# The runtime: Node.js, the service and its production dependencies, nothing else. Each service listens on
# its own default port (gateway 8080, users 8081, releases 8082) on every interface.
FROM ${NODE_IMAGE} AS service
ARG SERVICE
# npm, npx, corepack and yarn are build tools; the running service needs none of them.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production HOST=0.0.0.0
# Owned by root and read-only to the service's user: the code cannot be changed by the process running it.
COPY --from=app /app /app
WORKDIR /app/services/${SERVICE}
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
CMD ["node", "dist/server.js"]

FROM service AS releases
COPY --from=helm /out/helm /usr/local/bin/helm
# helm writes its cache and config under these; /tmp is the only writable folder (an emptyDir or tmpfs).
ENV HELM_BIN=/usr/local/bin/helm HOME=/tmp \
    HELM_CACHE_HOME=/tmp/helm/cache HELM_CONFIG_HOME=/tmp/helm/config HELM_DATA_HOME=/tmp/helm/data
# Memory within the chart's 768Mi (README, Untrusted clusters: "sizing the releases pods"): a main heap that V8 collects before
# the pod's limit rather than after (decoded records left as garbage grew it past 500 MiB otherwise), and two
# malloc arenas instead of one per thread, which kept freed gunzip output of the decoding worker resident.
ENV NODE_OPTIONS=--max-old-space-size=384 MALLOC_ARENA_MAX=2

FROM service AS gateway
COPY --from=console /app/console/dist /app/console/dist
