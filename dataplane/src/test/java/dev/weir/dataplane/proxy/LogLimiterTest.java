package dev.weir.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final LogLimiter limiter = new LogLimiter(1_000_000_000L, now::get);

  @Test
  void oneLinePerKeyPerIntervalThenTheCountOfWhatWasSuppressed() {
    assertThat(limiter.admit("connect ns/a:80")).isZero();
    for (int i = 0; i < 500; i++) {
      now.addAndGet(1_000_000);
      assertThat(limiter.admit("connect ns/a:80")).isEqualTo(LogLimiter.SUPPRESS);
    }
    now.addAndGet(500_000_001L);
    assertThat(limiter.admit("connect ns/a:80")).isEqualTo(500);
    assertThat(limiter.admit("connect ns/a:80")).isEqualTo(LogLimiter.SUPPRESS);
  }

  @Test
  void keysAreLimitedIndependently() {
    assertThat(limiter.admit("connect ns/a:80")).isZero();
    assertThat(limiter.admit("connect ns/b:80")).isZero();
    assertThat(limiter.admit("refused 400")).isZero();
    assertThat(limiter.admit("connect ns/a:80")).isEqualTo(LogLimiter.SUPPRESS);
  }
}
