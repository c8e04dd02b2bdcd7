package dev.griddle.server.llm;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Component;

/**
 * The JDK HTTP client every provider model sends through, one per connect timeout (in practice
 * one: the timeout comes from {@code griddle.llm.timeout}). A JDK client owns a selector thread and
 * an executor for as long as it lives, so one per model would make the node's threads grow with
 * every bring-your-own key; here a model is only its request headers over this shared client, and
 * the client's asynchronous work runs on virtual threads.
 */
@Component
class ProviderTransport implements AutoCloseable {

    private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("provider-http-", 0).factory());
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    /** LangChain4j's HTTP port for a model builder: every client it builds uses the shared JDK client. */
    HttpClientBuilder builder() {
        return new ProviderHttpClient.Builder(this);
    }

    /** The shared client for this connect timeout (null: 10 s). */
    HttpClient client(Duration connectTimeout) {
        Duration timeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        return clients.computeIfAbsent(timeout, t -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(t)
                .executor(executor).build());
    }

    /** At shutdown: no new calls; calls under way (a draining step, a turn still streaming) run to their end. Does not wait. */
    @Override
    public void close() {
        clients.values().forEach(HttpClient::shutdown);
        executor.shutdown();
    }
}
