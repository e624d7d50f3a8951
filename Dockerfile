# aliyun_ecs_exporter: a static binary in an empty image, run as nobody.
#
#   make image          # make crossbuild, then this image for each platform
#
# The build context is the repository root after `make crossbuild`, which
# writes .build/OS-ARCH/aliyun_ecs_exporter for linux/amd64 and linux/arm64;
# .dockerignore sends only those, LICENSE and NOTICE. There is no build stage: the binaries are
# built (CGO_ENABLED=0, reproducible, version stamped) on the host, so
# nothing has to be pulled, and the image holds the same binary as the
# release tarball. The builder's --platform picks the binary (TARGETOS,
# TARGETARCH) and sets the image's architecture. The binary carries its own
# CA roots (golang.org/x/crypto/x509roots/fallback) for the HTTPS ECS
# endpoints, and needs no other file.
FROM scratch

ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.title="aliyun_ecs_exporter" \
      org.opencontainers.image.description="Prometheus exporter for Alibaba Cloud ECS instance status" \
      org.opencontainers.image.source="https://github.com/ecs-exporter/aliyun_ecs_exporter" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

COPY LICENSE NOTICE /
COPY .build/${TARGETOS}-${TARGETARCH}/aliyun_ecs_exporter /aliyun_ecs_exporter

USER 65534:65534
EXPOSE 9877
ENTRYPOINT ["/aliyun_ecs_exporter"]
