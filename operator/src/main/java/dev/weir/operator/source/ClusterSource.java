package dev.weir.operator.source;

import dev.weir.operator.state.ClusterChangeListener;
import dev.weir.operator.state.ClusterState;
import java.util.concurrent.CompletionStage;

/**
 * Where cluster objects come from: the API server or a directory of manifests. Everything after a
 * source sees only its {@link ClusterState} and its change signal, never which source ran.
 */
public interface ClusterSource extends AutoCloseable {

  /** Begins loading and watching; returns without waiting for the first complete view. */
  void start();

  /** True once the state holds a complete first view (the initial list of every kind). */
  boolean hasSynced();

  /**
   * Completes when the state first holds a complete view (as {@link #hasSynced()} turns true), so a
   * caller can wait for it without polling. Completing it is up to {@link #start()}; it never
   * completes exceptionally.
   */
  CompletionStage<Void> synced();

  /** The current view. It may change after this call returns; listeners hear of each change. */
  ClusterState state();

  /** Registers a listener; call before {@link #start()} to hear about the initial load. */
  void addListener(ClusterChangeListener listener);

  /** Stops watching. Idempotent. */
  @Override
  void close();
}
