package dev.griddle.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Models.CreateKey;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.worker.TaskFailure;
import dev.griddle.sdk.worker.Worker;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The SDK's worker runtime, in-process, against the real server. */
class WorkerRuntimeTest extends ApiTest {

    @Test
    void handlesTasksStreamsLogsReportsFailuresAndRespectsCapacity() throws Exception {
        GriddleClient admin = newOrg();
        String key = admin.keys().create(CreateKey.of("w", "worker")).secret();
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (Worker worker = Worker.builder(baseUrl(), key).name("rt").labels("gpu").maxConcurrency(2).claimWait(Duration.ofSeconds(2))
                .drainTimeout(Duration.ofSeconds(5))
                .handle("square", (input, ctx) -> {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    try {
                        ctx.log("stdout", "squaring " + input.path("n").asInt());
                        Thread.sleep(300);
                        if (input.path("n").asInt() < 0) {
                            throw new TaskFailure("negative input " + input.path("n").asInt(), false);
                        }
                        return JsonNodeFactory.instance.objectNode().put("sq", input.path("n").asInt() * input.path("n").asInt());
                    } finally {
                        now.decrementAndGet();
                    }
                }).start()) {
            String steps = """
                    steps:
                      - {id: sq, type: task, runs_on: [gpu], with: {task_type: square, input: {n: "{{ input.n }}"}}}
                    """;
            List<UUID> runs = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                runs.add(WorkerProtocolTest.start(admin, steps, "{\"n\": " + i + "}"));
            }
            UUID bad = WorkerProtocolTest.start(admin, steps, "{\"n\": -1}");
            for (int i = 0; i < runs.size(); i++) {
                Run run = admin.runs().await(runs.get(i), Duration.ofSeconds(30));
                assertThat(run.status()).isEqualTo("succeeded");
                assertThat(run.output().path("sq").path("sq").asInt()).isEqualTo((i + 1) * (i + 1));
            }
            Run failed = admin.runs().await(bad, Duration.ofSeconds(30));
            assertThat(failed.status()).isEqualTo("failed");
            assertThat(failed.error().toString()).contains("negative input -1");
            assertThat(peak.get()).as("never more than max_concurrency at once").isBetween(1, 2);
            List<Event> events = admin.runs().events(runs.getFirst(), null, 100).data();
            assertThat(events).filteredOn(e -> e.type().equals("log")).extracting(e -> e.data().path("line").asString())
                    .containsExactly("squaring 1");
            assertThat(WorkerProtocolTest.json(WorkerProtocolTest.get(admin, "/api/v1/workers/" + worker.id())).path("status").asString())
                    .isEqualTo("online");
        }
    }
}
