package dev.griddle.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.griddle.sdk.AgentModels.Plan;
import dev.griddle.sdk.AgentModels.PlanInput;
import dev.griddle.sdk.AgentModels.Todo;
import dev.griddle.sdk.AgentModels.TodoInput;
import dev.griddle.sdk.GriddleApiException;
import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RawResponse;
import dev.griddle.server.ApiTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlanTest extends ApiTest {

    @Test
    void crudWithTodos() {
        GriddleClient client = newOrg();
        Plan plan = client.plans().create(PlanInput.of("Ship it", "write", "review"));
        assertThat(plan.todos()).extracting(Todo::title).containsExactly("write", "review");
        assertThat(plan.todos()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo("open");
            assertThat(t.blockedBy()).isEmpty();
        });

        Todo deploy = client.plans().addTodo(plan.id(), new TodoInput("deploy", null, List.of(plan.todos().get(1).id())));
        assertThat(deploy.blockedBy()).containsExactly(plan.todos().get(1).id());
        Todo done = client.plans().updateTodo(plan.id(), plan.todos().get(0).id(), TodoInput.status("done"));
        assertThat(done.status()).isEqualTo("done");
        assertThat(done.title()).isEqualTo("write");

        assertThat(client.plans().rename(plan.id(), "Ship it now").title()).isEqualTo("Ship it now");
        Plan read = client.plans().get(plan.id());
        assertThat(read.todos()).extracting(Todo::title).containsExactly("write", "review", "deploy");

        client.plans().deleteTodo(plan.id(), plan.todos().get(1).id());
        assertThat(client.plans().get(plan.id()).todos()).extracting(Todo::title).containsExactly("write", "deploy");
        assertThat(client.plans().get(plan.id()).todos().get(1).blockedBy()).as("deleting a todo drops its edges").isEmpty();

        client.plans().delete(plan.id());
        expectError(404, "NOT_FOUND", () -> client.plans().get(plan.id()));
    }

    @Test
    void validates() {
        GriddleClient client = newOrg();
        expectError(422, "VALIDATION_FAILED", () -> client.plans().create(new PlanInput(" ", null, null, null)));
        expectError(422, "VALIDATION_FAILED", () -> client.plans().create(new PlanInput("p", UUID.randomUUID(), null, null)));
        expectError(422, "VALIDATION_FAILED", () -> client.plans().create(new PlanInput("p", null, UUID.randomUUID(), null)));
        Plan plan = client.plans().create(PlanInput.of("p", "one"));
        UUID one = plan.todos().get(0).id();
        expectError(422, "VALIDATION_FAILED", () -> client.plans().updateTodo(plan.id(), one, TodoInput.status("finished")));
        expectError(422, "VALIDATION_FAILED", () -> client.plans().addTodo(plan.id(), new TodoInput("x", null, List.of(UUID.randomUUID()))));
        expectError(422, "VALIDATION_FAILED", () -> client.plans().block(plan.id(), one, UUID.randomUUID()));
        expectError(404, "NOT_FOUND", () -> client.plans().updateTodo(plan.id(), UUID.randomUUID(), TodoInput.status("done")));
        expectError(404, "NOT_FOUND", () -> client.plans().unblock(plan.id(), one, one));
    }

    @Test
    void dependenciesRejectCyclesAndDriveTheReadyList() {
        GriddleClient client = newOrg();
        Plan plan = client.plans().create(PlanInput.of("p", "design", "build", "test", "docs"));
        UUID design = plan.todos().get(0).id();
        UUID build = plan.todos().get(1).id();
        UUID test = plan.todos().get(2).id();
        UUID docs = plan.todos().get(3).id();

        client.plans().block(plan.id(), build, design);
        Todo t = client.plans().block(plan.id(), test, build);
        assertThat(t.blockedBy()).containsExactly(build);
        assertThat(client.plans().block(plan.id(), test, build).blockedBy()).as("idempotent").containsExactly(build);
        assertThat(client.plans().blockers(plan.id(), test)).extracting(Todo::id).containsExactly(build);

        GriddleApiException cycle = expectError(422, "DEPENDENCY_CYCLE", () -> client.plans().block(plan.id(), design, test));
        assertThat(cycle.getMessage()).contains(design.toString()).contains(test.toString());
        expectError(422, "DEPENDENCY_CYCLE", () -> client.plans().block(plan.id(), docs, docs));
        assertThat(client.plans().get(plan.id()).todos().get(0).blockedBy()).isEmpty();

        assertThat(client.plans().ready(plan.id())).extracting(Todo::title).containsExactly("design", "docs");
        client.plans().updateTodo(plan.id(), design, TodoInput.status("in_progress"));
        assertThat(client.plans().ready(plan.id())).extracting(Todo::title).containsExactly("docs");
        client.plans().updateTodo(plan.id(), design, TodoInput.status("done"));
        assertThat(client.plans().ready(plan.id())).extracting(Todo::title).containsExactly("build", "docs");

        client.plans().unblock(plan.id(), test, build);
        assertThat(client.plans().ready(plan.id())).extracting(Todo::title).containsExactly("build", "test", "docs");
        RawResponse byQuery = client.raw("DELETE", "/api/v1/plans/" + plan.id() + "/todos/" + build + "/deps?blocked_by=" + design, null, Map.of());
        assertThat(byQuery.status()).isEqualTo(204);
        assertThat(client.plans().get(plan.id()).todos()).allSatisfy(x -> assertThat(x.blockedBy()).isEmpty());
    }

    @Test
    void listsFilterByThreadAndRun() {
        GriddleClient client = newOrg();
        String agent = json(client.send("POST", "/api/v1/agents", "{\"name\": \"a\"}", Map.of())).path("id").asString();
        String thread = json(client.send("POST", "/api/v1/threads", "{\"agent_id\": \"" + agent + "\"}", Map.of())).path("id").asString();
        Plan inThread = client.plans().create(new PlanInput("in thread", UUID.fromString(thread), null, null));
        client.plans().create(PlanInput.of("loose"));
        assertThat(client.plans().list(UUID.fromString(thread), null, PageRequest.first()).data()).extracting(Plan::id)
                .containsExactly(inThread.id());
        assertThat(client.plans().list(null, null, PageRequest.first()).meta().total()).isEqualTo(2);
        assertThat(client.plans().list(null, UUID.randomUUID(), PageRequest.first()).data()).isEmpty();
    }

    @Test
    void anotherOrganizationsPlanIsNotFound() {
        GriddleClient owner = newOrg();
        Plan plan = owner.plans().create(PlanInput.of("secret", "a", "b"));
        UUID a = plan.todos().get(0).id();
        UUID b = plan.todos().get(1).id();
        GriddleClient other = newOrg();
        expectError(404, "NOT_FOUND", () -> other.plans().get(plan.id()));
        expectError(404, "NOT_FOUND", () -> other.plans().rename(plan.id(), "mine"));
        expectError(404, "NOT_FOUND", () -> other.plans().addTodo(plan.id(), TodoInput.of("x")));
        expectError(404, "NOT_FOUND", () -> other.plans().updateTodo(plan.id(), a, TodoInput.status("done")));
        expectError(404, "NOT_FOUND", () -> other.plans().block(plan.id(), a, b));
        expectError(404, "NOT_FOUND", () -> other.plans().ready(plan.id()));
        expectError(404, "NOT_FOUND", () -> other.plans().delete(plan.id()));
        assertThat(other.plans().list(null, null, PageRequest.first()).data()).isEmpty();
        // and a todo of one plan is not reachable through another plan
        Plan mine = owner.plans().create(PlanInput.of("mine", "c"));
        expectError(404, "NOT_FOUND", () -> owner.plans().updateTodo(mine.id(), a, TodoInput.status("done")));
        expectError(422, "VALIDATION_FAILED", () -> owner.plans().block(mine.id(), mine.todos().get(0).id(), a));
    }
}
