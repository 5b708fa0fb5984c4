# The crawlkit image: the release binary, CA certificates (the proxy talks to
# https upstreams) and nothing else. scripts/dist builds it from a context
# holding the linux binary as `crawlkit` and the host's CA bundle as
# `ca-certificates.crt`.
FROM scratch
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY crawlkit /usr/local/bin/crawlkit
# Not root: any uid works, the binary needs no file of its own.
USER 65532:65532
EXPOSE 4010
# Healthy once the mock answers its health route, not merely once the binary
# exists (crawlkit health: http://127.0.0.1:4010, or CRAWLKIT_URL).
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s --retries=3 CMD ["/usr/local/bin/crawlkit", "health"]
ENTRYPOINT ["/usr/local/bin/crawlkit"]
# Inside a container loopback is the container's own: set
# CRAWLKIT_ADMIN_TOKEN to reach the admin API and console from outside.
CMD ["serve", "--addr", "0.0.0.0:4010"]
