package dev.gantry.xds.translate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Content versions: a SHA-256 over the SHA-256 of each message's deterministic bytes (a route
 * configuration's from its name and its virtual hosts' digests), never {@code hashCode()}. Equal
 * content has an equal version however it was made ({@link ContentVersions} keeps the digests of
 * messages an assembly reuses).
 */
public final class Versions {
  private Versions() {}

  public static String of(Iterable<? extends Message> messages) {
    return new ContentVersions().of(messages);
  }

  static byte[] deterministicBytes(Message m) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(m.getSerializedSize());
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      m.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
