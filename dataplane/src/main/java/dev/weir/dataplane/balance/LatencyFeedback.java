package dev.weir.dataplane.balance;

import dev.weir.contract.snapshot.Endpoint;

/**
 * A selector that learns from the requests it sent: the proxy reports each attempt on an endpoint
 * it chose, once when it starts and once when it ends (response complete, or failed), so that
 * in-flight counts always return to zero. Only selectors implementing it are told anything.
 */
public interface LatencyFeedback {
  void started(Endpoint endpoint);

  /**
   * @param nanos from {@link #started} to the end of the response, or to the failure
   */
  void ended(Endpoint endpoint, long nanos);
}
