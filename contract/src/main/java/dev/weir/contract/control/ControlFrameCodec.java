package dev.weir.contract.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotCodec;
import dev.weir.contract.snapshot.SnapshotDelta;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Frames of the control channel: a 4-byte length, a 1-byte kind, the payload. A snapshot's payload
 * is its gzipped JSON (certificates compress well and a large installation's snapshot is tens of
 * megabytes), and so is a delta's; a status is small JSON. A data plane that does not know a kind
 * closes the connection, and redials to get full snapshots from an operator of its own version.
 */
public final class ControlFrameCodec extends MessageToMessageCodec<ByteBuf, ControlFrame> {
  /** Largest frame accepted: far above 10,000 hosts with certificates, gzipped. */
  public static final int MAX_FRAME_BYTES = 256 * 1024 * 1024;

  private static final byte SNAPSHOT = 1;
  private static final byte STATUS = 2;
  private static final byte DELTA = 3;
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** Adds framing and this codec to a pipeline whose TLS is already in place. */
  public static void addTo(ChannelPipeline pipeline) {
    pipeline
        .addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4))
        .addLast(new LengthFieldPrepender(4))
        .addLast(new ControlFrameCodec());
  }

  /**
   * A snapshot frame's bytes (kind and payload, without the length), encoded once by the operator
   * and shared by every data plane it is sent to.
   */
  public static byte[] encodeSnapshot(Snapshot snapshot) {
    return gzipped(SNAPSHOT, SnapshotCodec.encodeCompact(snapshot));
  }

  /** A delta frame's bytes (kind and payload, without the length), shared like a snapshot's. */
  public static byte[] encodeDelta(SnapshotDelta delta) {
    return gzipped(DELTA, SnapshotCodec.encodeDelta(delta));
  }

  private static byte[] gzipped(byte kind, byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 8));
    out.write(kind);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
      gzip.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ControlFrame frame, List<Object> out)
      throws IOException {
    if (frame instanceof ControlFrame.SnapshotFrame s) {
      out.add(Unpooled.wrappedBuffer(encodeSnapshot(s.snapshot())));
    } else if (frame instanceof ControlFrame.DeltaFrame d) {
      out.add(Unpooled.wrappedBuffer(encodeDelta(d.delta())));
    } else if (frame instanceof ControlFrame.StatusFrame status) {
      byte[] json = JSON.writeValueAsBytes(status);
      ByteBuf buf = ctx.alloc().buffer(1 + json.length);
      buf.writeByte(STATUS).writeBytes(json);
      out.add(buf);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out)
      throws IOException, InvalidSnapshotException {
    byte kind = frame.readByte();
    switch (kind) {
      case SNAPSHOT -> {
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(frame), 64 * 1024)) {
          out.add(new ControlFrame.SnapshotFrame(SnapshotCodec.decode(in.readAllBytes())));
        }
      }
      case DELTA -> {
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(frame), 64 * 1024)) {
          out.add(new ControlFrame.DeltaFrame(SnapshotCodec.decodeDelta(in.readAllBytes())));
        }
      }
      case STATUS -> {
        try (InputStream in = new ByteBufInputStream(frame)) {
          out.add(JSON.readValue(in, ControlFrame.StatusFrame.class));
        }
      }
      default -> throw new IOException("unknown control frame kind " + kind);
    }
  }
}
