# Builds the dashboard (wasm) and the server, then ships both in a slim image.
FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
COPY . .
RUN cd frontend && cargo build --locked --release --target wasm32-unknown-unknown \
 && mkdir -p dist/pkg && cp static/* dist/ \
 && wasm-bindgen --target web --no-typescript --out-dir dist/pkg \
      target/wasm32-unknown-unknown/release/ecops-dashboard.wasm \
 && cd .. && cargo build --locked --release -p ecops-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/ecops ecops \
 && mkdir -p /var/lib/ecops && chown ecops /var/lib/ecops
COPY --from=build /src/target/release/ecops /usr/local/bin/ecops
COPY --from=build /src/frontend/dist /usr/share/ecops/dashboard
USER ecops
WORKDIR /var/lib/ecops
ENV ECOPS_BIND=0.0.0.0:8080 \
    ECOPS_DATA_DIR=/var/lib/ecops \
    ECOPS_DASHBOARD_DIR=/usr/share/ecops/dashboard \
    DATABASE_URL=sqlite:///var/lib/ecops/ecops.db
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["ecops"]
CMD ["serve"]
