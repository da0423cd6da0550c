package dev.weir.dataplane.proxy.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * A request head that passed validation, with its parsed target. {@code request} may be a
 * FullHttpRequest (HTTP/2 HEADERS that end the stream); it is then reference counted.
 */
public record ValidatedRequest(HttpRequest request, RequestTarget target, String host) {}
