# The living organism in a container (docs/operations.md "Running the organism"):
#   docker build -t organism .
#   docker run -d --name organism -v organism-data:/var/lib/organism \
#     -v $PWD/organism.toml:/etc/organism/organism.toml:ro organism
#   docker stop organism          (SIGTERM: finishes the bar, exits 0; give it --time 120)
#   docker kill -s HUP organism   (reload the config)
# The store is in the volume /var/lib/organism; import data into it with the same image:
#   docker run --rm -v organism-data:/var/lib/organism organism data import ...
FROM debian:bookworm

ENV DEBIAN_FRONTEND=noninteractive
# scripts/setup installs every package it needs itself (it runs apt-get as root here).
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates sudo tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src/organism
COPY . .
# The benchmarks are not needed to run; the binary goes on PATH.
RUN ORGANISM_BUILD_BENCH=OFF scripts/setup \
 && install -m 0755 build/bin/organism /usr/local/bin/organism \
 && rm -rf build tests/interop/node_modules \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --home-dir /var/lib/organism --shell /usr/sbin/nologin organism \
 && install -d -o organism -g organism -m 0750 /var/lib/organism /etc/organism
VOLUME ["/var/lib/organism"]
WORKDIR /var/lib/organism
USER organism

# tini forwards SIGTERM and SIGHUP to organism and reaps the evolution child.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/organism"]
CMD ["run", "--config", "/etc/organism/organism.toml", "--db", "/var/lib/organism/organism.db"]
STOPSIGNAL SIGTERM
