package dev.weir.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deadline on a real event loop: when it expires after arming, re-arming and disarming. */
class DeadlineTest {
  private final EventLoop loop = new DefaultEventLoop();
  private final BlockingQueue<Long> expiries = new ArrayBlockingQueue<>(10);
  private final Deadline deadline = new Deadline(() -> expiries.add(System.nanoTime()));

  @AfterEach
  void stopLoop() {
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get();
  }

  private long millisUntilExpiry(long since) throws InterruptedException {
    Long at = expiries.poll(5, TimeUnit.SECONDS);
    assertThat(at).as("expired within 5 s").isNotNull();
    return (at - since) / 1_000_000;
  }

  @Test
  void expiresOnceAfterItsTimeout() throws Exception {
    long start = System.nanoTime();
    onLoop(() -> deadline.arm(loop, 100, TimeUnit.MILLISECONDS));
    assertThat(millisUntilExpiry(start)).isBetween(99L, 1_000L);
    assertThat(expiries.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(deadline.armed()).isFalse();
  }

  @Test
  void disarmedDeadlineDoesNotExpire() throws Exception {
    onLoop(() -> deadline.arm(loop, 50, TimeUnit.MILLISECONDS));
    onLoop(deadline::disarm);
    assertThat(expiries.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void laterDeadlineIsKeptByThePendingTask() throws Exception {
    onLoop(() -> deadline.arm(loop, 50, TimeUnit.MILLISECONDS));
    long start = System.nanoTime();
    onLoop(() -> deadline.arm(loop, 400, TimeUnit.MILLISECONDS));
    assertThat(millisUntilExpiry(start)).isBetween(399L, 1_500L);
  }

  @Test
  void earlierDeadlineReschedules() throws Exception {
    onLoop(() -> deadline.arm(loop, 10, TimeUnit.SECONDS));
    long start = System.nanoTime();
    onLoop(() -> deadline.arm(loop, 50, TimeUnit.MILLISECONDS));
    assertThat(millisUntilExpiry(start)).isBetween(49L, 1_000L);
  }

  @Test
  void stoppedDeadlineCanBeArmedAgain() throws Exception {
    onLoop(() -> deadline.arm(loop, 50, TimeUnit.MILLISECONDS));
    onLoop(deadline::stop);
    assertThat(expiries.poll(200, TimeUnit.MILLISECONDS)).isNull();
    long start = System.nanoTime();
    onLoop(() -> deadline.arm(loop, 50, TimeUnit.MILLISECONDS));
    assertThat(millisUntilExpiry(start)).isBetween(49L, 1_000L);
  }
}
