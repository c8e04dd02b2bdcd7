package dev.griddle.server.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code needs} graph of a draft: which ids exist, which steps lie upstream of which, and the
 * cycles that make it not a DAG. Built leniently from possibly invalid drafts: unknown needs and
 * duplicate ids are ignored here (the validator reports them).
 */
final class StepGraph {

    private final Map<String, List<String>> needs = new LinkedHashMap<>();

    StepGraph(List<RunnerDraft.Step> steps) {
        for (RunnerDraft.Step step : steps) {
            if (step.id() != null && !needs.containsKey(step.id())) {
                needs.put(step.id(), step.needs() == null ? List.of() : step.needs());
            }
        }
    }

    Set<String> ids() {
        return needs.keySet();
    }

    /** Every step {@code id} transitively needs (not including itself unless in a cycle). */
    Set<String> upstream(String id) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(needs.getOrDefault(id, List.of()));
        while (!todo.isEmpty()) {
            String next = todo.removeLast();
            if (needs.containsKey(next) && seen.add(next)) {
                todo.addAll(needs.get(next));
            }
        }
        return seen;
    }

    /** Each cycle once, as the path that closes it: {@code [a, b, c, a]}. */
    List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the current path, 2: done
        for (String id : needs.keySet()) {
            visit(id, new ArrayList<>(), state, cycles);
        }
        return cycles;
    }

    private void visit(String id, List<String> path, Map<String, Integer> state, List<List<String>> cycles) {
        Integer s = state.get(id);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            cycle.add(id);
            cycles.add(cycle);
            return;
        }
        state.put(id, 1);
        path.add(id);
        for (String next : needs.get(id)) {
            if (needs.containsKey(next)) {
                visit(next, path, state, cycles);
            }
        }
        path.removeLast();
        state.put(id, 2);
    }
}
