package dev.weir.contract.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogConfiguratorTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private LoggerContext context(String level) {
    LoggerContext context = new LoggerContext();
    // A context of its own, as logback's initialiser would make it.
    context.setMDCAdapter(new LogbackMDCAdapter());
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setOutputStream(out);
    LogConfigurator.configure(context, appender, level);
    return context;
  }

  private String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void oneLinePerEventWithUtcTimeLevelAndTheLoggersSimpleName() {
    Logger log = context(null).getLogger("dev.weir.dataplane.Dataplane");
    log.info("event=started port={}", 8443);
    assertThat(written())
        .matches(
            "ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z level=INFO logger=Dataplane"
                + " event=started port=8443\\R");
  }

  @Test
  void aThrowableFollowsItsLine() {
    Logger log = context("INFO").getLogger("Top");
    log.warn("event=failed", new IllegalStateException("broken"));
    assertThat(written())
        .contains("level=WARN logger=Top event=failed")
        .contains("java.lang.IllegalStateException: broken")
        .contains("at dev.weir.contract.cli.LogConfiguratorTest");
  }

  @Test
  void theLevelComesFromTheSettingAndAnUnknownOneIsInfo() {
    assertThat(context("debug").getLogger(Logger.ROOT_LOGGER_NAME).getLevel())
        .isEqualTo(Level.DEBUG);
    assertThat(context(" WARN ").getLogger(Logger.ROOT_LOGGER_NAME).getLevel())
        .isEqualTo(Level.WARN);
    LoggerContext typo = context("verbose");
    assertThat(typo.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    typo.getLogger("x").debug("hidden");
    assertThat(written()).isEmpty();
  }

  @Test
  void nettyIsQuietBelowWarnings() {
    LoggerContext context = context("DEBUG");
    context.getLogger("io.netty.channel.DefaultChannelPipeline").info("noise");
    context.getLogger("dev.weir.X").debug("event=kept");
    assertThat(written()).doesNotContain("noise").contains("event=kept");
  }

  @Test
  void logbackFindsItAsAService() {
    assertThat(
            StreamSupport.stream(ServiceLoader.load(Configurator.class).spliterator(), false)
                .map(Object::getClass))
        .contains(LogConfigurator.class);
  }
}
