# syntax=docker/dockerfile:1
# The failgraph binary on a distroless base: docker build -t failgraph . && docker run -p 8080:8080 failgraph
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/failgraph ./cmd/failgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/failgraph /failgraph
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/failgraph"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
