package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The socket transport: Linux epoll or io_uring when their native library loads (and the kernel or
 * sandbox lets io_uring run), Java NIO otherwise.
 */
public record Transport(
    Kind kind,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> clientChannel) {

  /** A transport by name, as {@code --transport} takes it. */
  public enum Kind {
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /**
   * What the operator asked for: a transport, or {@link #AUTO}. Each tries its transports in order
   * and takes the first available; NIO always is.
   */
  public enum Preference {
    // epoll before io_uring: io_uring measured no more requests per CPU-second than epoll
    // (bench/README.md, "Runtime"), and is refused by many container runtimes' seccomp profiles.
    AUTO(List.of(Kind.EPOLL, Kind.NIO)),
    EPOLL(List.of(Kind.EPOLL, Kind.NIO)),
    IO_URING(List.of(Kind.IO_URING, Kind.EPOLL, Kind.NIO)),
    NIO(List.of(Kind.NIO));

    private final List<Kind> order;

    Preference(List<Kind> order) {
      this.order = order;
    }

    public String id() {
      return this == AUTO ? "auto" : Kind.valueOf(name()).id();
    }

    /**
     * The preference named {@code id} ({@code auto}, {@code epoll}, {@code io_uring}, {@code nio}).
     */
    public static Preference of(String id) {
      for (Preference p : values()) {
        if (p.id().equals(id.toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new IllegalArgumentException("'" + id + "' is not one of auto, epoll, io_uring, nio");
    }
  }

  /**
   * The transport a preference got, and why each transport it preferred was passed over (in the
   * order tried; empty when its first choice was available).
   */
  public record Choice(Transport transport, Map<Kind, String> unavailable) {
    public Choice {
      unavailable = Collections.unmodifiableMap(new LinkedHashMap<>(unavailable));
    }

    public boolean fellBack() {
      return !unavailable.isEmpty();
    }

    /** "io_uring: CAUSE; epoll: CAUSE" for the transports passed over, in the order tried. */
    public String unavailableText() {
      StringBuilder text = new StringBuilder();
      unavailable.forEach(
          (kind, cause) ->
              text.append(text.length() == 0 ? "" : "; ")
                  .append(kind.id())
                  .append(": ")
                  .append(cause));
      return text.toString();
    }
  }

  /** The first available transport of {@code preference}. */
  public static Choice choose(Preference preference) {
    return choose(preference, Transport::unavailabilityCause);
  }

  /**
   * As {@link #choose(Preference)}, with {@code unavailability} saying why a transport cannot be
   * used (null when it can).
   */
  static Choice choose(Preference preference, Function<Kind, Throwable> unavailability) {
    Map<Kind, String> unavailable = new LinkedHashMap<>();
    for (Kind kind : preference.order) {
      Throwable cause = kind == Kind.NIO ? null : unavailability.apply(kind);
      if (cause == null) {
        return new Choice(of(kind), unavailable);
      }
      unavailable.put(kind, String.valueOf(cause));
    }
    throw new IllegalStateException("NIO is always available");
  }

  /** {@code kind}'s transport, whether or not it is available. */
  public static Transport of(Kind kind) {
    return switch (kind) {
      case EPOLL ->
          new Transport(
              kind,
              EpollIoHandler.newFactory(),
              EpollServerSocketChannel.class,
              EpollSocketChannel.class);
      case IO_URING ->
          new Transport(
              kind,
              IoUringIoHandler.newFactory(),
              IoUringServerSocketChannel.class,
              IoUringSocketChannel.class);
      case NIO ->
          new Transport(
              kind,
              NioIoHandler.newFactory(),
              NioServerSocketChannel.class,
              NioSocketChannel.class);
    };
  }

  /** Why {@code kind} cannot be used here, or null when it can. */
  public static Throwable unavailabilityCause(Kind kind) {
    return switch (kind) {
      case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
      case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
      case NIO -> null;
    };
  }

  public String name() {
    return kind.id();
  }

  public EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
  }
}
