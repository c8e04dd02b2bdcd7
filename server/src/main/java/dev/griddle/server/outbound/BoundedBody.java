package dev.griddle.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One outbound HTTP exchange with both of its bounds: the whole response (headers and body) must
 * arrive before a deadline, and the body may not exceed a byte limit. {@link HttpRequest#timeout}
 * covers only the wait for the headers, so a server that sends them and then one byte a second
 * would otherwise hold the caller forever; and {@code BodyHandlers.ofString()} would buffer a
 * multi-GB body before anyone could check its size. Here the body is counted as it streams in: a
 * declared {@code Content-Length} over the limit fails before the first byte, a body that grows
 * past it fails (or, for {@link Overflow#TRUNCATE}, is cut) as soon as it does, and the exchange is
 * cancelled at the deadline.
 */
public final class BoundedBody {

    /** What to do with a body longer than the limit. */
    public enum Overflow { FAIL, TRUNCATE }

    /** The body was longer than the limit; nothing past the limit was buffered. */
    public static final class TooLarge extends IOException {
        private final long limit;

        TooLarge(long limit, String how) {
            super("the response body is " + how + ", over the limit of " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private BoundedBody() {
    }

    /**
     * Sends {@code request} and reads the response within {@code deadline} (a {@link System#nanoTime()}
     * instant), keeping at most {@code maxBytes} of its body.
     *
     * @throws HttpTimeoutException the complete response did not arrive by the deadline (the exchange is cancelled)
     * @throws TooLarge the body is over {@code maxBytes} and {@code overflow} is {@link Overflow#FAIL}
     */
    public static HttpResponse<byte[]> send(HttpClient http, HttpRequest request, long maxBytes, Overflow overflow, long deadline)
            throws IOException, InterruptedException {
        AtomicReference<Capped> subscriber = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, info -> {
            Capped capped = new Capped(maxBytes, overflow, info.headers().firstValueAsLong("Content-Length").orElse(-1));
            subscriber.set(capped);
            return capped;
        });
        long left = deadline - System.nanoTime();
        try {
            return exchange.get(Math.max(0, left), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(exchange, subscriber);
            Duration allowed = Duration.ofNanos(Math.max(0, left));
            throw new HttpTimeoutException("no complete response within " + allowed.toMillis() + " ms");
        } catch (InterruptedException e) {
            cancel(exchange, subscriber);
            throw e;
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof TooLarge tooLarge) {
                    throw tooLarge;
                }
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(e.getCause()), e.getCause());
        }
    }

    private static void cancel(CompletableFuture<?> exchange, AtomicReference<Capped> subscriber) {
        Capped capped = subscriber.get();
        if (capped != null) {
            capped.cancel();
        }
        exchange.cancel(true);
    }

    /** Collects the body up to the limit, asking for one buffer list at a time. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final long maxBytes;
        private final Overflow overflow;
        private final long declared;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;

        Capped(long maxBytes, Overflow overflow, long declared) {
            this.maxBytes = maxBytes;
            this.overflow = overflow;
            this.declared = declared;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > maxBytes && overflow == Overflow.FAIL) {
                s.cancel();
                body.completeExceptionally(new TooLarge(maxBytes, declared + " bytes (Content-Length)"));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int room = (int) Math.min(Integer.MAX_VALUE, maxBytes - out.size());
                if (buffer.remaining() > room) {
                    subscription.cancel();
                    if (overflow == Overflow.FAIL) {
                        body.completeExceptionally(new TooLarge(maxBytes, "longer"));
                    } else {
                        write(buffer, room);
                        body.complete(out.toByteArray());
                    }
                    return;
                }
                write(buffer, buffer.remaining());
            }
            subscription.request(1);
        }

        private void write(ByteBuffer buffer, int n) {
            byte[] chunk = new byte[n];
            buffer.get(chunk);
            out.write(chunk, 0, n);
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(out.toByteArray());
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            body.completeExceptionally(new HttpTimeoutException("cancelled at the deadline"));
        }
    }
}
