package dev.weir.contract.snapshot;

/**
 * A certificate chain and its private key, both PEM. The operator uses a hash of the content as the
 * id, so an unchanged certificate keeps its id across snapshots.
 */
public record Certificate(String id, String certificateChain, SecretValue privateKey) {}
