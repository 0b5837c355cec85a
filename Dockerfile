# syntax=docker/dockerfile:1
# The portal as a container image: a static binary (packaging/build.sh) on distroless, run as a non-root
# user; the root file system can be read-only, the SQLite database lives on the /data volume. CI builds
# and runs it: packaging/container-check.sh. README, "Running it for real".
#
#   docker build -t formportal .
#   docker run --read-only -v portal-data:/data -p 8080:8080 \
#     -e PORTAL_BASE_URL=https://portal.council.gov.uk -e PORTAL_SMTP_HOST=smtp.council.gov.uk ... formportal

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN ./packaging/build.sh /out/portal \
	&& mkdir -p /out/data

# distroless static: CA certificates (SMTP over TLS, single sign-on), /etc/passwd with the nonroot user
# 65532, no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portal /portal
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV PORTAL_ADDR=:8080 PORTAL_DATA=/data
VOLUME /data
EXPOSE 8080
# No curl in the image: the portal asks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/portal", "healthcheck"]
ENTRYPOINT ["/portal"]
