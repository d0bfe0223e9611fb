package io.pxlite.pxctl;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test's stand-in for a node's management API: canned replies keyed by method and request target
 * ({@code GET /v1/volumes?x=y}, raw as sent), and a log of the requests pxctl sent. Anything not
 * canned is answered 404 in the API's error shape, so a wrong route shows up in the test's output.
 */
final class CannedApi {
  record Request(String method, String target, String body) {}

  record Reply(int status, String body) {}

  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final Map<String, java.util.Deque<Reply>> sequences = new ConcurrentHashMap<>();
  private final List<Request> received = new CopyOnWriteArrayList<>();

  CannedApi on(String method, String target, int status, String body) {
    replies.put(method + " " + target, new Reply(status, body));
    return this;
  }

  /** Answers {@code 200 bodies[0]}, then {@code bodies[1]}, …, repeating the last one. */
  CannedApi onInTurn(String method, String target, String... bodies) {
    java.util.Deque<Reply> queue = new java.util.concurrent.ConcurrentLinkedDeque<>();
    for (String body : bodies) {
      queue.add(new Reply(200, body));
    }
    sequences.put(method + " " + target, queue);
    return this;
  }

  Reply answer(Request request) {
    received.add(request);
    String key = request.method() + " " + request.target();
    java.util.Deque<Reply> sequence = sequences.get(key);
    if (sequence != null) {
      return sequence.size() > 1 ? sequence.poll() : sequence.peek();
    }
    return replies.getOrDefault(key, new Reply(404, "{\"error\":\"no canned reply for " + key + "\"}"));
  }

  List<Request> received() {
    return received;
  }

  /** The single request pxctl sent; fails the test if it sent none or several. */
  Request onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + received);
    }
    return received.get(0);
  }
}
