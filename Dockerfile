# aliyun_ecs_exporter: a static binary in an empty image, run as nobody.
#
#   make image          # builds the binary, then this image with docker, podman or buildah
#
# The build context is the repository root after `make build`; .dockerignore
# sends only the binary. There is no build stage: the binary is built
# (CGO_ENABLED=0, version stamped) by `make build` on the host, so nothing has
# to be pulled. It carries its own CA roots (golang.org/x/crypto/x509roots/fallback)
# for the HTTPS ECS endpoints, and needs no other file.
FROM scratch

ARG VERSION=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.title="aliyun_ecs_exporter" \
      org.opencontainers.image.description="Prometheus exporter for Alibaba Cloud ECS instance status" \
      org.opencontainers.image.source="https://github.com/ecs-exporter/aliyun_ecs_exporter" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

COPY aliyun_ecs_exporter /aliyun_ecs_exporter

USER 65534:65534
EXPOSE 9877
ENTRYPOINT ["/aliyun_ecs_exporter"]
