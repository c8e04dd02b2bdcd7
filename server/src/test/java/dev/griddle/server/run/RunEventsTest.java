package dev.griddle.server.run;

import static dev.griddle.server.run.RunnerFixtures.runToEnd;
import static dev.griddle.server.run.RunnerFixtures.runner;
import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.RawResponse;
import dev.griddle.sdk.RunModels.Event;
import dev.griddle.sdk.RunModels.EventPage;
import dev.griddle.sdk.RunModels.Run;
import dev.griddle.sdk.RunModels.StartRun;
import dev.griddle.server.ApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunEventsTest extends ApiTest {

    @Test
    void theFeedPagesByCursorAndNumbersEventsWithoutGaps() {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: a, type: transform, with: {value: 1}}
                  - {id: b, type: transform, needs: [a], with: {value: 2}}
                  - {id: c, type: transform, needs: [b], if: "false", with: {value: 3}}
                """);
        Run run = runToEnd(c, r.id(), null);
        List<Event> all = new ArrayList<>();
        String cursor = null;
        while (true) {
            EventPage page = c.runs().events(run.id(), cursor, 2);
            if (page.data().isEmpty()) {
                break;
            }
            all.addAll(page.data());
            cursor = page.meta().nextCursor();
        }
        assertThat(all).extracting(Event::seq).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toList());
        assertThat(all.getFirst().type()).isEqualTo("run_started");
        assertThat(all).extracting(Event::type).contains("state_changed", "step_started", "step_completed");
        assertThat(all.getLast().type()).isEqualTo("state_changed");
        assertThat(all.getLast().data().path("to").asString()).isEqualTo("succeeded");
        assertThat(all.stream().filter(e -> "c".equals(e.stepId())).findFirst().orElseThrow().data().path("reason").asString())
                .isEqualTo("condition_false");
        assertEnvelope(c.raw("GET", "/api/v1/runs/" + run.id() + "/events?after=abc", null, Map.of()), 422, "VALIDATION_FAILED");
        assertEnvelope(c.raw("GET", "/api/v1/runs/" + run.id() + "/events?limit=0", null, Map.of()), 422, "VALIDATION_FAILED");
    }

    @Test
    void theStreamDeliversLiveEventsAndResumesAfterLastEventId() throws Exception {
        GriddleClient c = newOrg();
        var r = runner(c, """
                steps:
                  - {id: gate, type: approval, with: {message: go?}}
                  - {id: after, type: transform, needs: [gate], with: {value: done}}
                """);
        Run run = c.runs().start(r.id(), StartRun.of(null));
        List<Event> firstPart = new ArrayList<>();
        // read until the approval is requested, then drop the connection
        c.runs().stream(run.id(), null, e -> {
            firstPart.add(e);
            return !e.type().equals("approval_requested");
        });
        long last = firstPart.getLast().seq();

        List<Event> rest = new ArrayList<>();
        CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> c.runs().stream(run.id(), Long.toString(last), e -> {
            rest.add(e);
            return true;
        }));
        var approval = c.approvals().forRun(run.id(), dev.griddle.sdk.PageRequest.first()).data().getFirst();
        c.approvals().complete(approval.id(), new dev.griddle.sdk.RunModels.CompleteApproval(true, null, null));
        follower.get(20, TimeUnit.SECONDS);

        List<Long> seqs = new ArrayList<>();
        firstPart.forEach(e -> seqs.add(e.seq()));
        rest.forEach(e -> seqs.add(e.seq()));
        assertThat(seqs).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, seqs.size()).boxed().toList());
        assertThat(rest).extracting(Event::type).contains("approval_completed", "step_completed");
        assertThat(rest.getLast().data().path("to").asString()).isEqualTo("succeeded");
        assertThat(c.runs().await(run.id(), Duration.ofSeconds(5)).status()).isEqualTo("succeeded");
    }

    @Test
    void idleStreamsGetKeepAliveCommentsAndTheSseContentType() throws Exception {
        GriddleClient c = newOrg();
        var r = runner(c, "steps:\n  - {id: gate, type: approval, with: {message: wait}}\n");
        Run run = c.runs().start(r.id(), StartRun.of(null));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/api/v1/runs/" + run.id() + "/events/stream"))
                .header("Authorization", "Bearer " + keyOf(c)).header("Accept", "text/event-stream").build();
        var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(response.body()))) {
            String line;
            boolean sawEvent = false;
            while ((line = reader.readLine()) != null) {
                sawEvent |= line.startsWith("id:");
                if (line.startsWith(":")) {
                    break;
                }
            }
            assertThat(sawEvent).isTrue();
            assertThat(line).startsWith(":");
        }
        RawResponse unauth = client(null).raw("GET", "/api/v1/runs/" + run.id() + "/events/stream", null, Map.of());
        assertThat(unauth.status()).isEqualTo(401);
    }

    private String keyOf(GriddleClient c) {
        return c.keys().create(dev.griddle.sdk.Models.CreateKey.of("sse", "viewer")).secret();
    }
}
