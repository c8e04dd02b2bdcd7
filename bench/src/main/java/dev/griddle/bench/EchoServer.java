package dev.griddle.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The target of {@code http} steps: {@code /echo} answers a small JSON at once, on 127.0.0.1 and a
 * random port. It counts requests and sums the time it spent handling them, so scenarios can
 * subtract the target's own cost from what they measure.
 */
final class EchoServer implements AutoCloseable {

    private static final byte[] BODY = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final LongAdder requests = new LongAdder();
    private final LongAdder handlingNanos = new LongAdder();

    private EchoServer(HttpServer server) {
        this.server = server;
    }

    static EchoServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        EchoServer echo = new EchoServer(server);
        server.createContext("/echo", echo::handle);
        server.setExecutor(echo.threads);
        server.start();
        return echo;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long t0 = System.nanoTime();
        try (exchange; InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputSink.INSTANCE);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            exchange.getResponseBody().write(BODY);
        } finally {
            requests.increment();
            handlingNanos.add(System.nanoTime() - t0);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
    }

    long requests() {
        return requests.sum();
    }

    /** Total time spent inside the handler, in milliseconds. */
    double handlingMillis() {
        return handlingNanos.sum() / 1e6;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** Discards a request body. */
    private static final class OutputSink extends java.io.OutputStream {
        static final OutputSink INSTANCE = new OutputSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
