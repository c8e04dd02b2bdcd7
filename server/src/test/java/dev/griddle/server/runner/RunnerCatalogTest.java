package dev.griddle.server.runner;

import static dev.griddle.server.runner.RunnersApiTest.transform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunnerModels.Runner;
import dev.griddle.sdk.RunnerModels.RunnerInput;
import dev.griddle.sdk.RunnerModels.Step;
import dev.griddle.server.ApiTest;
import dev.griddle.server.auth.ProjectScope;
import dev.griddle.server.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The engine's contract with runner definitions, called directly (the runs endpoint lives elsewhere). */
class RunnerCatalogTest extends ApiTest {

    @Autowired
    RunnerCatalog catalog;

    private UUID orgId;
    private GriddleClient admin;

    @BeforeEach
    void org() {
        var org = instanceAdmin().organizations().create("org-" + UUID.randomUUID());
        orgId = org.id();
        admin = client(org.adminKey());
    }

    private static ApiException expectApi(int status, Runnable call) {
        ApiException e = catchThrowableOfType(ApiException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.status().value()).as(e.getMessage()).isEqualTo(status);
        return e;
    }

    @Test
    void pinningWithoutVersionPublishesTheDraftOnlyWhenItChanged() {
        Runner runner = admin.runners().create(RunnerInput.named("pin").withSteps(List.of(transform("a", "1"))));
        PinnedRunner first = catalog.pinForRun(orgId, runner.id(), null);
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.name()).isEqualTo("pin");
        assertThat(first.spec().steps()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("a");
            assertThat(s.retry()).isEqualTo(RetryPolicy.NONE);
        });
        assertThat(first.spec().output()).isNull();
        assertThat(catalog.pinForRun(orgId, runner.id(), null).version()).isEqualTo(1);

        admin.runners().update(runner.id(), RunnerInput.named("pin").withSteps(List.of(transform("a", "2"))));
        assertThat(catalog.pinForRun(orgId, runner.id(), null).version()).isEqualTo(2);
        assertThat(catalog.pinForRun(orgId, runner.id(), 1).spec().steps().getFirst().with().get("value").asInt()).isEqualTo(1);
        assertThat(catalog.version(orgId, runner.id(), 2)).isPresent();
        assertThat(catalog.version(orgId, runner.id(), 3)).isEmpty();
        expectApi(404, () -> catalog.pinForRun(orgId, runner.id(), 3));
        expectApi(404, () -> catalog.pinForRun(UUID.randomUUID(), runner.id(), null));
        expectApi(404, () -> catalog.pinForRun(orgId, UUID.randomUUID(), null));
    }

    @Test
    void aPinThatNeedsNoWriteIsFoundWithoutPublishing() {
        Runner runner = admin.runners().create(RunnerInput.named("peek").withSteps(List.of(transform("a", "1"))));
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), null, ProjectScope.ALL)).isEmpty();
        assertThat(catalog.version(orgId, runner.id(), 1)).isEmpty();
        catalog.pinForRun(orgId, runner.id(), null);
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), null, ProjectScope.ALL)).hasValueSatisfying(p -> assertThat(p.version()).isEqualTo(1));
        admin.runners().update(runner.id(), RunnerInput.named("peek").withSteps(List.of(transform("a", "2"))));
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), null, ProjectScope.ALL)).isEmpty();
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), 1, ProjectScope.ALL)).hasValueSatisfying(p -> assertThat(p.version()).isEqualTo(1));
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), 2, ProjectScope.ALL)).isEmpty();
        assertThat(catalog.pinnedWithoutPublishing(orgId, runner.id(), 1, ProjectScope.ofOwner(UUID.randomUUID()))).isEmpty();
        assertThat(catalog.version(orgId, runner.id(), 2)).isEmpty();
    }

    @Test
    void anInvalidDraftCannotBePinned() {
        Runner runner = admin.runners().create(RunnerInput.named("bad").withSteps(List.of(Step.of("a", "llm", RunnersApiTest.json("{}")))));
        ApiException e = expectApi(422, () -> catalog.pinForRun(orgId, runner.id(), null));
        assertThat(e.code()).isEqualTo("VALIDATION_FAILED");
        assertThat((List<?>) e.details().get("errors")).singleElement()
                .isEqualTo(Map.of("step_id", "a", "path", "steps[0].with.prompt", "message", "required for a step of type 'llm'"));
    }

    @Test
    void concurrentPinsPublishOneVersion() throws Exception {
        Runner runner = admin.runners().create(RunnerInput.named("race").withSteps(List.of(transform("a", "1"))));
        try (var pool = Executors.newFixedThreadPool(8)) {
            Callable<Integer> pin = () -> catalog.pinForRun(orgId, runner.id(), null).version();
            List<Future<Integer>> pins = pool.invokeAll(java.util.Collections.nCopies(8, pin));
            for (Future<Integer> f : pins) {
                assertThat(f.get()).isEqualTo(1);
            }
        }
        assertThat(admin.runners().versions(runner.id(), PageRequest.first()).meta().total()).isEqualTo(1);
    }

    @Test
    void inputIsValidatedAgainstTheVersionsSchema() {
        Runner runner = admin.runners().create(RunnerInput.named("typed").withSteps(List.of(transform("a", "'{{ input.urls }}'")))
                .withInputSchema(RunnersApiTest.json("{'type': 'object', 'required': ['urls'], 'properties': {'urls': {'type': 'array', 'items': {'type': 'string'}}}}")));
        PinnedRunner pinned = catalog.pinForRun(orgId, runner.id(), null);
        catalog.validateInput(pinned, RunnersApiTest.json("{'urls': ['a', 'b']}"));

        ApiException missing = expectApi(422, () -> catalog.validateInput(pinned, null));
        assertThat(missing.code()).isEqualTo("VALIDATION_FAILED");
        assertThat((List<?>) missing.details().get("errors")).hasSize(1);

        ApiException wrong = expectApi(422, () -> catalog.validateInput(pinned, RunnersApiTest.json("{'urls': ['a', 2]}")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) wrong.details().get("errors");
        assertThat(errors).singleElement().satisfies(err -> {
            assertThat(err.get("path")).isEqualTo("input.urls[1]");
            assertThat((String) err.get("message")).isNotBlank();
        });
        assertThat(wrong.getMessage()).contains("input.urls[1]");

        Runner open = admin.runners().create(RunnerInput.named("open").withSteps(List.of(transform("a", "1"))));
        catalog.validateInput(catalog.pinForRun(orgId, open.id(), null), RunnersApiTest.json("[1, 2]"));
    }
}
