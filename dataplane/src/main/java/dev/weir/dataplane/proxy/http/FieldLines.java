package dev.weir.dataplane.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * A field section (a head's headers, or trailers) as HTTP/1.1 bytes, as Netty's encoders write it:
 * each field as {@code name: value} CRLF in the headers' order, names and values as ISO-8859-1 (a
 * char beyond it as {@code ?}), then the blank line. Nothing is validated: the fields are either a
 * peer's, checked as they were decoded, or Weir's own.
 */
public final class FieldLines {
  private static final int CRLF = '\r' << 8 | '\n';
  private static final int COLON_SPACE = ':' << 8 | ' ';

  private FieldLines() {}

  /** The bytes {@link #write} writes for {@code fields}. */
  public static int size(HttpHeaders fields) {
    int size = 2;
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = fields.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> field = it.next();
      size += field.getKey().length() + field.getValue().length() + 4;
    }
    return size;
  }

  /** Writes {@code fields} and the blank line ending them to {@code out}. */
  public static void write(ByteBuf out, HttpHeaders fields) {
    for (Iterator<Map.Entry<CharSequence, CharSequence>> it = fields.iteratorCharSequence();
        it.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> field = it.next();
      ByteBufUtil.writeAscii(out, field.getKey());
      out.writeShort(COLON_SPACE);
      ByteBufUtil.writeAscii(out, field.getValue());
      out.writeShort(CRLF);
    }
    out.writeShort(CRLF);
  }
}
