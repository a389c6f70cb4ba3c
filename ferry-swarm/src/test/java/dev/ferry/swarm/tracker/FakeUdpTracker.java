package dev.ferry.swarm.tracker;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP tracker in the test, on a real DatagramSocket: it records every request and answers as the
 * test's {@link Responder} says (any number of datagrams, or none).
 */
final class FakeUdpTracker implements AutoCloseable {
  /** A request as it came. */
  record Request(int action, int transactionId, long connectionId, byte[] bytes) {
    ByteBuffer body() {
      return ByteBuffer.wrap(bytes);
    }
  }

  /** The datagrams to send back to the {@code index}-th request (0 first). */
  interface Responder {
    List<byte[]> respond(int index, Request request);
  }

  static final long CONNECTION_ID = 0x1122334455667788L;

  private final DatagramSocket socket;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Responder responder;

  FakeUdpTracker(InetAddress address, Responder responder) throws IOException {
    this.responder = responder;
    this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
    Thread.ofVirtual().name("fake-udp-tracker").start(this::loop);
  }

  URI announce() {
    String host = socket.getLocalAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("udp://" + host + ":" + socket.getLocalPort() + "/announce");
  }

  List<Request> requests() {
    return requests;
  }

  void respondWith(Responder other) {
    responder = other;
  }

  /** The well-behaved answer: a connection id to a connect, {@code peers} to an announce. */
  static List<byte[]> honest(Request request, int interval, byte[] peers) {
    if (request.action() == 0) {
      return List.of(connected(request.transactionId()));
    }
    return List.of(announced(request.transactionId(), interval, peers));
  }

  static byte[] connected(int transactionId) {
    return ByteBuffer.allocate(16).putInt(0).putInt(transactionId).putLong(CONNECTION_ID).array();
  }

  static byte[] announced(int transactionId, int interval, byte[] peers) {
    return ByteBuffer.allocate(20 + peers.length)
        .putInt(1)
        .putInt(transactionId)
        .putInt(interval)
        .putInt(3)
        .putInt(7)
        .put(peers)
        .array();
  }

  static byte[] error(int transactionId, String message) {
    byte[] text = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + text.length).putInt(3).putInt(transactionId).put(text).array();
  }

  private void loop() {
    byte[] buffer = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(packet);
        byte[] bytes = Arrays.copyOf(buffer, packet.getLength());
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long connectionId = in.getLong();
        Request request = new Request(in.getInt(), in.getInt(), connectionId, bytes);
        int index = requests.size();
        requests.add(request);
        SocketAddress from = packet.getSocketAddress();
        for (byte[] answer : responder.respond(index, request)) {
          socket.send(new DatagramPacket(answer, answer.length, from));
        }
      } catch (IOException | RuntimeException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
