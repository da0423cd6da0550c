package dev.weir.dataplane.proxy.listener;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.Drainable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The open client connections of all listeners: counted in the metrics, closed when idle, and
 * drained at shutdown.
 */
public final class ClientConnections {
  private static final AttributeKey<Tracker> TRACKER =
      AttributeKey.valueOf(ClientConnections.class, "tracker");

  private final DataplaneMetrics metrics;
  private final Set<Channel> open = ConcurrentHashMap.newKeySet();

  public ClientConnections(DataplaneMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * The first handler of every client connection: counts it while it is open, and closes it when it
   * has been idle (nothing read, nothing flushed) for about {@code idleMillis}; see {@link
   * Tracker}.
   */
  ChannelHandler tracker(boolean tls, long idleMillis) {
    return new Tracker(tls, idleMillis);
  }

  /**
   * For an HTTP/2 connection: from now on only its streams count as activity (each one's start and
   * end, {@link #streamActivity}), not every read and flush. Otherwise PINGs, SETTINGS,
   * WINDOW_UPDATEs or a header block trickled a byte at a time would keep a connection that carries
   * no request open forever; this way it closes the idle time after its last stream.
   */
  static void countStreamsOnly(Channel ch) {
    Tracker t = ch.attr(TRACKER).get();
    if (t != null) {
      t.streamsOnly = true;
      t.activity++;
    }
  }

  /** A stream of the HTTP/2 connection {@code ch} started or ended; on its event loop. */
  static void streamActivity(Channel ch) {
    Tracker t = ch.attr(TRACKER).get();
    if (t != null) {
      t.activity++;
    }
  }

  public int openCount() {
    return open.size();
  }

  /** Asks every connection to finish its in-flight work and close. */
  public void drainAll() {
    for (Channel ch : open) {
      ch.eventLoop()
          .execute(
              () -> {
                Drainable d = ch.attr(Drainable.KEY).get();
                if (d == null) {
                  ch.close();
                } else {
                  d.drain();
                }
              });
    }
  }

  public void closeAll() {
    for (Channel ch : open) {
      ch.close();
    }
  }

  /**
   * Counts the connection, and closes it when idle. Not Netty's IdleStateHandler: that one reads
   * the clock on every read and adds a listener to every write's promise, which on a keep-alive
   * connection is a measurable part of each request. Here a read or a flush bumps a counter, and a
   * check every quarter of the idle time looks whether it moved: a connection is closed once four
   * checks in a row saw no activity, that is between 1 and 1.25 times the idle time after its last
   * read or flush. For HTTP/2 the activity is that of streams instead ({@link #countStreamsOnly});
   * a connection with open streams is only asked to close ({@link Drainable#idle}) and stays while
   * they last.
   */
  private final class Tracker extends ChannelDuplexHandler {
    private static final int QUIET_CHECKS = 4;

    private final boolean tls;
    private final long checkMillis;
    private boolean streamsOnly;
    private long activity;
    private long activityAtLastCheck;
    private int quietChecks;
    private ScheduledFuture<?> check;

    Tracker(boolean tls, long idleMillis) {
      this.tls = tls;
      this.checkMillis = Math.max(1, idleMillis / QUIET_CHECKS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ctx.channel().attr(TRACKER).set(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      open.add(ctx.channel());
      metrics.connectionOpened(tls);
      scheduleCheck(ctx);
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (open.remove(ctx.channel())) {
        metrics.connectionClosed(tls);
      }
      if (check != null) {
        check.cancel(false);
        check = null;
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!streamsOnly) {
        activity++;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      if (!streamsOnly) {
        activity++;
      }
      ctx.flush();
    }

    private void scheduleCheck(ChannelHandlerContext ctx) {
      check = ctx.executor().schedule(() -> check(ctx), checkMillis, TimeUnit.MILLISECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
      check = null;
      if (!ctx.channel().isActive()) {
        return;
      }
      if (activity != activityAtLastCheck) {
        activityAtLastCheck = activity;
        quietChecks = 0;
      } else if (++quietChecks >= QUIET_CHECKS) {
        quietChecks = 0;
        Drainable d = ctx.channel().attr(Drainable.KEY).get();
        if (d == null) {
          ctx.close();
          return;
        }
        d.idle();
      }
      scheduleCheck(ctx);
    }
  }
}
