package dev.gantry.xds.translate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import dev.gantry.api.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Content versions: a SHA-256 over deterministic proto bytes, never {@code hashCode()}. */
public final class Versions {
  private Versions() {}

  public static String of(Iterable<? extends Message> messages) {
    MessageDigest digest = Digests.sha256();
    for (Message m : messages) {
      digest.update(deterministicBytes(m));
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
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
