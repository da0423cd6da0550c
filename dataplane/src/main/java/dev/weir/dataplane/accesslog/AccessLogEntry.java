package dev.weir.dataplane.accesslog;

/**
 * What the access log says about one request, captured on the event loop when its response ends and
 * formatted later on the writer's thread. Only values, never a header other than the request id: no
 * Authorization, no Cookie, no query parameters beyond the path as sent.
 *
 * @param timeMillis when the response ended (epoch milliseconds)
 * @param client the client's address (a PROXY protocol header's source, when there is one; behind
 *     trusted proxies, the client their X-Forwarded-For names)
 * @param host the Host (or :authority) the client sent; null if none
 * @param method request method
 * @param path the path as routed, without its query
 * @param protocol {@code HTTP/1.0}, {@code HTTP/1.1} or {@code HTTP/2}
 * @param status the status the client got
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param durationNanos from the request head to the response's end
 * @param upstream {@code address:port} of the last endpoint tried; null if none
 * @param upstreamStatus the backend's status; 0 when Weir answered itself
 * @param upstreamNanos from sending the request upstream to the response head; -1 if none
 * @param virtualHost the matched virtual host; null if none
 * @param ingress {@code namespace/name} of the Ingress owning the matched path; null if none
 * @param backend the matched backend's id; null if none
 * @param requestId the request's X-Request-ID as sent upstream; null if none
 * @param tlsProtocol e.g. {@code TLSv1.3}; null over plain HTTP
 * @param tlsResumed whether the TLS session was resumed
 */
public record AccessLogEntry(
    long timeMillis,
    String client,
    String host,
    String method,
    String path,
    String protocol,
    int status,
    long bytesIn,
    long bytesOut,
    long durationNanos,
    String upstream,
    int upstreamStatus,
    long upstreamNanos,
    String virtualHost,
    String ingress,
    String backend,
    String requestId,
    String tlsProtocol,
    boolean tlsResumed) {}
