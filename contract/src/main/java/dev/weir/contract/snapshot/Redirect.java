package dev.weir.contract.snapshot;

/**
 * Every request of a route is answered with a redirect to one fixed location, never proxied
 * (ingress-nginx's {@code permanent-redirect} and {@code temporal-redirect}); schema version 4.
 *
 * @param location the {@code Location} header, as written
 * @param code the status, 300 to 308
 */
public record Redirect(String location, int code) {}
