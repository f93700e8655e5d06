# authconform's container image, for a machine with a Docker daemon:
#   docker build -t authconform .
#   docker run --rm -e AUTHCONFORM_TARGET=https://auth.example.com authconform
# Docker reads this file from the top of the build context. make image
# builds the same image without a daemon (internal/image): the static
# binary at the same path, the same non-root user.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static: no libc in the image to link against.
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/authconform ./cmd/authconform

# distroless static: CA certificates, /etc/passwd with nonroot (65532),
# /tmp, and nothing else; no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/authconform /usr/local/bin/authconform
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["/usr/local/bin/authconform"]
