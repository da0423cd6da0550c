package dev.weir.contract.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The log format of both processes, set up in code rather than by a {@code logback.xml}: one line
 * per event, {@code ts=... level=... logger=...} and then the event's own key=value pairs, at the
 * root level {@code WEIR_LOG_LEVEL} names (INFO by default), Netty at WARN.
 *
 * <p>logback finds it through its {@code ServiceLoader} before it would look for an XML file, so
 * neither Joran nor the JDK's XML parser is ever loaded: about 600 classes fewer in the data plane,
 * whose memory is counted. A {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on
 * the class path (the tests') still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
  static final String LEVEL_ENV = "WEIR_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    configure(context, console, System.getenv(LEVEL_ENV));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Sends {@code context}'s events to {@code appender} in Weir's format at {@code level}. */
  static void configure(
      LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, String level) {
    LineLayout layout = new LineLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    // An unknown name (a typo in the chart's logLevel) falls back to INFO rather than to DEBUG.
    root.setLevel(Level.toLevel(level == null ? null : level.trim(), Level.INFO));
    root.addAppender(appender);
    context.getLogger("io.netty").setLevel(Level.WARN);
  }

  /**
   * {@code ts=<UTC, milliseconds> level=<level> logger=<simple name> <message>}, then any trace.
   */
  static final class LineLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
      StringBuilder line = new StringBuilder(128);
      line.append("ts=");
      TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
      line.append(" level=").append(event.getLevel());
      String logger = event.getLoggerName();
      line.append(" logger=").append(logger, logger.lastIndexOf('.') + 1, logger.length());
      line.append(' ').append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
      }
      return line.toString();
    }
  }
}
