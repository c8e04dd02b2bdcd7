package dev.griddle.server.trigger;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A notification receiver on 127.0.0.1 (a real HTTP server, each request on its own virtual
 * thread) that answers as {@link Behaviour} says and keeps count: requests, how many are open at
 * once (the most ever), and per delivery ({@code webhook-id}) how often it came and whether it came
 * while the same delivery was still open (a concurrent duplicate).
 */
final class FakeReceiver implements AutoCloseable {

    /** The status to answer a request with; may block (a slow or hanging endpoint). */
    interface Behaviour {
        int answer() throws InterruptedException;
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final Map<String, AtomicInteger> openById = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> receivedById = new ConcurrentHashMap<>();
    private final List<String> concurrentDuplicates = new CopyOnWriteArrayList<>();

    FakeReceiver(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String id = String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id"));
            requests.incrementAndGet();
            receivedById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (openById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() > 1) {
                concurrentDuplicates.add(id);
            }
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            int status = 500;
            try {
                status = behaviour.answer();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                open.decrementAndGet();
                openById.get(id).decrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            answered.incrementAndGet();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int requests() {
        return requests.get();
    }

    int answered() {
        return answered.get();
    }

    /** Requests received and not yet answered. */
    int open() {
        return open.get();
    }

    /** The most requests ever open at once. */
    int mostOpen() {
        return mostOpen.get();
    }

    /** How many times each delivery id came. */
    Map<String, Integer> receivedById() {
        Map<String, Integer> counts = new java.util.HashMap<>();
        receivedById.forEach((id, n) -> counts.put(id, n.get()));
        return counts;
    }

    /** Delivery ids that came while the same delivery was still open. */
    List<String> concurrentDuplicates() {
        return List.copyOf(concurrentDuplicates);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
