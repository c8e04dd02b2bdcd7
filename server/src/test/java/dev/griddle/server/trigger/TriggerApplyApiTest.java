package dev.griddle.server.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.TriggerModels.Applied;
import dev.griddle.sdk.TriggerModels.ApplyResult;
import dev.griddle.sdk.TriggerModels.Trigger;
import dev.griddle.server.ApiTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/apply}: the shared example bundles, dry runs, create/update/unchanged, and all-or-nothing failure. */
class TriggerApplyApiTest extends ApiTest {

    private static String resource(String name) {
        try (InputStream in = TriggerApplyApiTest.class.getResourceAsStream("/apply/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(List<Applied> applied) {
        return applied.stream().map(a -> a.kind() + ":" + a.name()).toList();
    }

    private static long runners(GriddleClient c) {
        return c.runners().list(PageRequest.first()).meta().total();
    }

    @Test
    void theDigestExampleAppliesAsYamlThenIsUnchanged() {
        GriddleClient c = newOrg();
        String bundle = resource("digest.yaml");
        ApplyResult dry = c.apply().yaml(bundle, true);
        assertThat(dry.dryRun()).isTrue();
        assertThat(names(dry.created())).containsExactly("runner:daily-digest", "trigger:daily-digest/cron 0 7 * * 1-5 Europe/Berlin");
        assertThat(dry.created()).allMatch(a -> a.id() == null);
        assertThat(runners(c)).isZero();
        assertThat(dry.warnings()).isEmpty();

        ApplyResult applied = c.apply().yaml(bundle, false);
        assertThat(names(applied.created())).isEqualTo(names(dry.created()));
        UUID runnerId = applied.created().getFirst().id();
        assertThat(c.runners().get(runnerId).valid()).isTrue();
        JsonNode budget = json(c.raw("GET", "/api/v1/runners/" + runnerId + "/budget", null, Map.of()));
        assertThat(budget.path("max_cost_usd_per_run").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(budget.path("on_exceed").asString()).isEqualTo("pause");
        List<Trigger> triggers = c.triggers().list(runnerId, PageRequest.first()).data();
        assertThat(triggers).hasSize(1);
        assertThat(triggers.getFirst().cron().overlap()).isEqualTo("skip");
        assertThat(triggers.getFirst().input().path("urls").size()).isEqualTo(2);

        ApplyResult again = c.apply().yaml(bundle, false);
        assertThat(again.created()).isEmpty();
        assertThat(again.updated()).isEmpty();
        assertThat(names(again.unchanged())).isEqualTo(names(applied.created()));
        assertThat(again.unchanged().getFirst().id()).isEqualTo(runnerId);

        ApplyResult changed = c.apply().yaml(bundle.replace("Summarise the pages we watch", "Summarise what we watch")
                .replace("overlap: skip", "overlap: allow"), false);
        assertThat(names(changed.updated())).containsExactly("runner:daily-digest", "trigger:daily-digest/cron 0 7 * * 1-5 Europe/Berlin");
        assertThat(c.runners().get(runnerId).description()).isEqualTo("Summarise what we watch and post the digest after a human says yes");
        assertThat(c.triggers().list(runnerId, PageRequest.first()).data().getFirst().cron().overlap()).isEqualTo("allow");
        assertThat(runners(c)).isEqualTo(1);
    }

    @Test
    void theTriageExampleAppliesAsJsonWithAWebhookOnceItsConnectionsExist() {
        GriddleClient c = newOrg();
        GriddleApiException missing = expectError(422, "VALIDATION_FAILED", () -> c.apply().json(resource("triage.json"), false));
        assertThat(missing.details().get("errors").toString()).contains("agents[0].integrations[0].integration", "agents[0].mcps[0].mcp_server");
        assertThat(runners(c)).isZero();

        assertThat(c.raw("POST", "/api/v1/integrations", "{\"name\": \"crm\", \"kind\": \"postgresql\", "
                + "\"url\": \"jdbc:postgresql://127.0.0.1:5432/crm\"}", Map.of()).status()).isEqualTo(201);
        assertThat(c.raw("POST", "/api/v1/mcp-servers", "{\"name\": \"Linear\", \"slug\": \"linear\", \"transport\": \"streamable_http\", "
                + "\"url\": \"http://127.0.0.1:9/mcp\"}", Map.of()).status()).isEqualTo(201);
        ApplyResult result = c.apply().json(resource("triage.json"), false);
        assertThat(names(result.created())).containsExactly("agent:triager", "runner:ticket-triage", "trigger:ticket-triage/webhook[0]");
        assertThat(result.warnings()).isEmpty();
        Applied webhook = result.created().get(2);
        assertThat(webhook.signingSecret()).startsWith("whsec_");
        assertThat(webhook.ingressUrl()).isEqualTo(baseUrl() + "/hooks/" + webhook.id());
        // the webhook works with the secret apply returned
        var accepted = c.triggers().deliver(webhook.id(), webhook.signingSecret(),
                "{\"ticket_id\": \"T-1\", \"text\": \"help\", \"email\": \"a@example.com\"}", null);
        assertThat(accepted.runId()).isNotNull();

        ApplyResult again = c.apply().json(resource("triage.json"), false);
        assertThat(names(again.unchanged())).containsExactly("agent:triager", "runner:ticket-triage", "trigger:ticket-triage/webhook[0]");
        assertThat(again.unchanged()).allMatch(a -> a.signingSecret() == null);
    }

    @Test
    void anInvalidBundleListsEveryProblemAndWritesNothing() {
        GriddleClient c = newOrg();
        String bundle = """
                runners:
                  - name: good
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    triggers: [{type: cron, cron: {schedule: "@daily"}}]
                  - name: bad-graph
                    steps: [{id: a, type: transform, needs: [nope], with: {value: 1}}]
                  - name: bad-trigger
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    triggers: [{type: cron, cron: {schedule: "* * *", timezone: Nowhere/Land}}]
                  - steps: []
                  - name: never-fires
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    triggers: [{type: cron, cron: {schedule: "0 0 30 2 *"}}]
                """;
        GriddleApiException e = expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bundle, false));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) e.details().get("errors");
        assertThat(errors).extracting(m -> m.get("path")).contains("runners[1].steps[0].needs[0]", "runners[2].triggers[0].cron.schedule",
                "runners[2].triggers[0].cron.timezone", "runners[3].name", "runners[4].triggers[0].cron.schedule");
        assertThat(errors).anySatisfy(m -> assertThat(m.get("name")).isEqualTo("bad-graph"));
        assertThat(runners(c)).isZero();
        expectError(422, "VALIDATION_FAILED", () -> c.apply().yaml(bundle, true));

        expectError(400, "BAD_REQUEST", () -> c.apply().yaml("runners: [unclosed", false));
        expectError(400, "BAD_REQUEST", () -> c.apply().json("[1, 2]", false));
        expectError(422, "VALIDATION_FAILED", () -> c.apply().json("{\"runners\": [{\"name\": \"x\"}, {\"name\": \"x\"}]}", false));
        assertThat(runners(c)).isZero();
    }

    @Test
    void existingTriggersMissingFromTheBundleAreLeftWithAWarning() {
        GriddleClient c = newOrg();
        c.apply().yaml("""
                runners:
                  - name: two
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    triggers: [{type: cron, cron: {schedule: "@daily"}}, {type: cron, cron: {schedule: "@hourly"}}]
                """, false);
        ApplyResult result = c.apply().yaml("""
                runners:
                  - name: two
                    steps: [{id: a, type: transform, with: {value: 1}}]
                    triggers: [{type: cron, cron: {schedule: "@daily"}}, {type: webhook}]
                """, false);
        assertThat(names(result.created())).containsExactly("trigger:two/webhook[0]");
        assertThat(names(result.unchanged())).containsExactly("runner:two", "trigger:two/cron @daily UTC");
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w.name()).isEqualTo("two/cron @hourly UTC"));
        assertThat(c.triggers().list(result.unchanged().getFirst().id(), PageRequest.first()).meta().total()).isEqualTo(3);
    }
}
