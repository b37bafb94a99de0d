// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Sends one request to a {@link ControlServer} and reads its answer. Stateless.
 */
final class ControlClient {

  /** The longest answer read: the server's limit plus room for the last zone. */
  static final int MAX_ANSWER = ControlServer.MAX_ANSWER + (64 << 10);

  /**
   * An answer.
   *
   * @param ok whether the first line was {@code ok}
   * @param error the text after {@code error: }, empty when ok
   * @param body the lines after the first
   */
  record Answer(boolean ok, String error, String body) {
  }

  private ControlClient() {
  }

  /**
   * Sends {@code request} and returns the answer.
   *
   * @param socket the control socket
   * @param request one line, without its line break
   * @param timeoutMillis how long the whole exchange may take
   * @return the answer
   * @throws IOException if the socket cannot be reached, the server does not answer in time or
   *     the answer is not of the protocol
   */
  static Answer ask(Path socket, String request, long timeoutMillis) throws IOException {
    long deadline = ControlIo.deadline(timeoutMillis);
    ByteBuffer in = ByteBuffer.allocate(MAX_ANSWER + 1);
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.configureBlocking(false);
      if (!ControlIo.write(ch, ByteBuffer.wrap((request + "\n").getBytes(US_ASCII)),
          deadline)) {
        throw new IOException("the server did not take the request within "
            + timeoutMillis / 1000 + " s");
      }
      ch.shutdownOutput();
      ControlIo.End end = ControlIo.read(ch, in, deadline, true);
      if (end == ControlIo.End.TIMEOUT) {
        throw new IOException("no complete answer within " + timeoutMillis / 1000 + " s");
      }
      if (end == ControlIo.End.FULL) {
        throw new IOException("answer longer than " + MAX_ANSWER + " bytes");
      }
    }
    String text = new String(in.array(), 0, in.position(), UTF_8);
    int nl = text.indexOf('\n');
    if (nl < 0) {
      throw new IOException(text.isEmpty() ? "the server closed without an answer"
          : "answer without a line break");
    }
    String first = text.substring(0, nl);
    String body = text.substring(nl + 1);
    if (first.equals("ok")) {
      return new Answer(true, "", body);
    }
    if (first.startsWith("error: ")) {
      return new Answer(false, first.substring("error: ".length()), body);
    }
    throw new IOException("unexpected answer: " + ConfigException.quote(first));
  }
}
