package dev.weir.operator.state;

/**
 * Told that the cluster state may have changed. Called on the source's thread, possibly many times
 * in a burst: implementations should only record that a change happened (the publisher coalesces
 * and translates on its own thread), never translate inline.
 */
@FunctionalInterface
public interface ClusterChangeListener {
  void clusterChanged();
}
