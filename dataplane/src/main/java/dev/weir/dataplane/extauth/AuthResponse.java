package dev.weir.dataplane.extauth;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * What an auth service answered: its status and headers (the body is never used).
 *
 * @param headers read-only by convention: a cached response is shared by requests
 */
record AuthResponse(int status, HttpHeaders headers) {}
