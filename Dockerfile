# Voices: build a static binary, run it as a non-root user.
#   docker build -t voices .
#   docker run -p 8080:8080 -v voices-data:/data voices serve --demo
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (modernc SQLite), so no C toolchain or libc is needed at run time.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/voices ./cmd/voices \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/voices /usr/local/bin/voices
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
# Inside a container Voices must listen on all interfaces to be reachable.
ENV VOICES_DB=/data/voices.db \
    VOICES_ADDR=0.0.0.0:8080
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/usr/local/bin/voices"]
CMD ["serve"]
