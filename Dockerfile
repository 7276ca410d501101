# syntax=docker/dockerfile:1
# The apps' images: one Dockerfile, one target per app, because the NestJS monorepo has one
# package.json and one TypeScript build for all five, so the dependency and build stages are the
# same for every app and are built once. Build one image with its target, from the repository:
#
#   docker build --target inference --build-arg GIT_COMMIT="$(git rev-parse HEAD)" \
#     -t sentimentops-inference .
#   (targets: gateway, inference, registry, drift, trainer-controller)
#
# Every image runs `node dist/apps/<app>/src/main.js` as UID/GID 10001 (numeric, so `runAsNonRoot`
# can verify it) from /opt/sentimentops, where the files it reads at run time sit as in the
# repository: package.json ("type": "module"), dist/build-info.json, proto/ (gateway), the
# bundled demo model in models/ (inference, registry, drift) and inference's worker script. It
# writes nowhere but SENTIMENTOPS_STATE_DIR (/tmp/sentimentops: model cache, pipeline folders), so
# a read-only root file system with an emptyDir on /tmp works.
#
# Bases, overridable: NODE_IMAGE for the build stages (needs npm and a shell), RUNTIME_IMAGE for
# the final one (needs only node at /usr/local/bin/node: this stage runs no command, so a base
# without a shell fits). Pinned by exact version; add the digest (@sha256:...) when pushing from
# a registry. `make test-images` builds both bases from Debian 12 packages (scripts/images/).
ARG NODE_IMAGE=node:22.23.3-bookworm-slim
ARG RUNTIME_IMAGE=node:22.23.3-bookworm-slim

# All dependencies: the build needs the dev ones (TypeScript, tsc-alias). --ignore-scripts: no
# package's install script is needed (onnxruntime-node and tokenizers ship their CPU binaries in
# the package; onnxruntime-node's script would only download CUDA libraries). Behind a proxy that
# re-signs TLS, pass its CA as a secret (`--secret id=npm-ca,src=ca.pem`): it is not kept.
FROM ${NODE_IMAGE} AS deps
WORKDIR /opt/sentimentops
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,id=sentimentops-npm,target=/root/.npm,sharing=locked \
    --mount=type=secret,id=npm-ca \
    if [ -f /run/secrets/npm-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm-ca; fi \
    && npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-info.mjs scripts/
COPY libs libs
COPY apps apps
# The image has no .git: the commit recorded in dist/build-info.json (every app's `info`).
ARG GIT_COMMIT=unknown
RUN GIT_COMMIT="${GIT_COMMIT}" npm run build

# Production dependencies only, without what Node never loads on this platform (other platforms'
# native binaries, source maps, TypeScript declarations): 620 MB -> about 200 MB.
FROM deps AS prod-deps
COPY scripts/images/prune-node-modules.mjs /usr/local/lib/
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
    && node /usr/local/lib/prune-node-modules.mjs node_modules

# What every app's image shares (one set of layers in a registry).
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /opt/sentimentops
# HTTP_HOST: the apps bind loopback by default (the local stack); a pod must be reachable.
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    SENTIMENTOPS_STATE_DIR=/tmp/sentimentops
COPY --from=prod-deps /opt/sentimentops/node_modules node_modules
COPY --from=build /opt/sentimentops/package.json ./
COPY --from=build /opt/sentimentops/dist/build-info.json dist/
COPY --from=build /opt/sentimentops/dist/libs dist/libs
USER 10001:10001

FROM runtime AS gateway
COPY proto proto
COPY --from=build /opt/sentimentops/dist/apps/gateway dist/apps/gateway
EXPOSE 8080 8081
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/gateway/src/main.js"]

# The demo model: served until the registry names a version (INFERENCE_MODEL_DIR's default).
FROM runtime AS inference
COPY models/sentiment-demo models/sentiment-demo
COPY apps/inference/src/runtime/ort-worker.mjs apps/inference/src/runtime/
COPY --from=build /opt/sentimentops/dist/apps/inference dist/apps/inference
EXPOSE 8082
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/inference/src/main.js"]

# The demo model: registered as version 1 at first start (REGISTRY_BOOTSTRAP_MODEL_URI), at the
# same path as in the inference and drift images, which read that version's files.
FROM runtime AS registry
COPY models/sentiment-demo models/sentiment-demo
COPY --from=build /opt/sentimentops/dist/apps/registry dist/apps/registry
EXPOSE 8083
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/registry/src/main.js"]

# The demo model's reference profile is drift's reference for version 1 (see registry).
FROM runtime AS drift
COPY models/sentiment-demo models/sentiment-demo
COPY --from=build /opt/sentimentops/dist/apps/drift dist/apps/drift
EXPOSE 8084
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/drift/src/main.js"]

# In a cluster, training runs as Kubernetes Jobs (TRAINER_JOB_RUNNER=kubernetes, image
# training/Dockerfile): this image has no Python for the local runner.
FROM runtime AS trainer-controller
COPY --from=build /opt/sentimentops/dist/apps/trainer-controller dist/apps/trainer-controller
EXPOSE 8085
ENTRYPOINT ["node", "--enable-source-maps", "dist/apps/trainer-controller/src/main.js"]
