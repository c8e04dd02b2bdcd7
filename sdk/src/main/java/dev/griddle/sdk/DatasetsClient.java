package dev.griddle.sdk;

import dev.griddle.sdk.ExperimentModels.AddCases;
import dev.griddle.sdk.ExperimentModels.CaseList;
import dev.griddle.sdk.ExperimentModels.CreateDataset;
import dev.griddle.sdk.ExperimentModels.Dataset;
import dev.griddle.sdk.ExperimentModels.DatasetCase;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code /api/v1/datasets}: a runner's test cases, made from runs or given, JSON Lines in and out. */
public final class DatasetsClient {

    private static final String NDJSON = "application/x-ndjson";

    private final Transport http;

    DatasetsClient(Transport http) {
        this.http = http;
    }

    public Dataset create(CreateDataset dataset) {
        return http.call("POST", "/api/v1/datasets", dataset, Dataset.class);
    }

    public Page<Dataset> list(PageRequest page) {
        return http.page("/api/v1/datasets?" + page.query(), Dataset.class);
    }

    /** The dataset with its cases. */
    public Dataset get(UUID id) {
        return http.call("GET", "/api/v1/datasets/" + id, null, Dataset.class);
    }

    public void delete(UUID id) {
        http.send("DELETE", "/api/v1/datasets/" + id, null, Map.of());
    }

    public List<DatasetCase> addCases(UUID id, AddCases cases) {
        return http.call("POST", "/api/v1/datasets/" + id + "/cases", cases, CaseList.class).data();
    }

    /** Adds cases from JSON Lines, one {@code {input, expected?}} per line. */
    public List<DatasetCase> importLines(UUID id, String jsonLines) {
        RawResponse response = http.raw("POST", "/api/v1/datasets/" + id + "/cases", jsonLines, NDJSON, Map.of());
        if (response.status() >= 400) {
            throw Transport.error(response);
        }
        return Transport.JSON.readValue(response.body(), CaseList.class).data();
    }

    /** The cases as JSON Lines, one {@code {input, expected}} per line. */
    public String exportLines(UUID id) {
        RawResponse response = http.raw("GET", "/api/v1/datasets/" + id + "/cases.jsonl", null, NDJSON, Map.of("Accept", NDJSON));
        if (response.status() >= 400) {
            throw Transport.error(response);
        }
        return response.body();
    }

    public void deleteCase(UUID id, UUID caseId) {
        http.send("DELETE", "/api/v1/datasets/" + id + "/cases/" + caseId, null, Map.of());
    }
}
