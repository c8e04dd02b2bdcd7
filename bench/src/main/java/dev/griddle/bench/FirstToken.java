package dev.griddle.bench;

import dev.griddle.sdk.AgentModels.ChatEvent;
import dev.griddle.sdk.AgentModels.ThreadMessage;
import dev.griddle.sdk.RawResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Chat-thread streaming latency: the provider inside the bench ({@link StreamingProvider}) flushes
 * its first chunk; the client reads the first {@code message.delta} of the answer; the difference
 * (same clock, same process) is what the server adds on the token path. {@code --turns} turns
 * (default 200), one at a time, each in a new thread of one agent, after {@code --warmup} turns
 * (default 20). The server must be started with {@code GRIDDLE_OPENAI_BASE_URL=http://127.0.0.1:<provider-port>/v1}
 * and an OpenAI key (any value); {@code --model} (default {@code openai/gpt-4o-mini}) must be in its catalog.
 */
final class FirstToken implements Scenario {

    @Override
    public void run(Bench bench) throws Exception {
        int port = bench.options().integer("provider-port", 18299);
        int turns = bench.options().integer("turns", 200);
        int warmup = (int) bench.options().longValue("warmup", 20, 0, 100_000);
        long think = bench.options().longValue("think-ms", 20, 0, 60_000);
        int chunks = bench.options().integer("chunks", 5);
        long gap = bench.options().longValue("gap-ms", 5, 0, 60_000);
        String model = bench.options().string("model", "openai/gpt-4o-mini");
        try (StreamingProvider provider = StreamingProvider.start(port, think, chunks, gap)) {
            Report.log("fake provider at %s", provider.baseUrl());
            RawResponse created = bench.griddle().send("POST", "/api/v1/agents", Map.of("name", "bench-firsttoken-" + UUID.randomUUID().toString()
                    .substring(0, 8), "model", model, "instructions", "Answer."), Map.of());
            if (created.status() != 201) {
                throw new IllegalStateException("creating the agent: " + created.status() + " " + created.body());
            }
            JsonNode agent = Report.JSON.readTree(created.body());
            UUID agentId = UUID.fromString(agent.path("id").asString());
            Stats firstToken = new Stats();
            Stats total = new Stats();
            for (int i = 0; i < warmup + turns; i++) {
                UUID thread = bench.griddle().threads().create(agentId, null).id();
                AtomicLong firstDelta = new AtomicLong();
                long t0 = System.nanoTime();
                ThreadMessage answer = bench.griddle().threads().send(thread, "Say something", (ChatEvent e) -> {
                    if (e.type().equals("message.delta")) {
                        firstDelta.compareAndSet(0, System.nanoTime());
                    }
                });
                long end = System.nanoTime();
                if (answer == null || !"completed".equals(answer.status()) || firstDelta.get() == 0) {
                    throw new IllegalStateException("turn " + i + " did not complete with deltas: " + answer);
                }
                if (i >= warmup) {
                    firstToken.add((firstDelta.get() - provider.firstChunkNanos()) / 1e6);
                    total.add((end - t0) / 1e6);
                }
            }
            ObjectNode line = bench.report().line("firsttoken", bench.options().parameters());
            line.put("turns", firstToken.count());
            line.put("first_token_ms_p50", Report.ms(firstToken.percentile(50)));
            line.put("first_token_ms_p95", Report.ms(firstToken.percentile(95)));
            line.put("first_token_ms_p99", Report.ms(firstToken.percentile(99)));
            line.put("first_token_ms_max", Report.ms(firstToken.max()));
            line.put("first_token_ms_mean", Report.ms(firstToken.mean()));
            line.put("turn_ms_p50", Report.ms(total.percentile(50)));
            bench.report().print(line);
        }
    }
}
