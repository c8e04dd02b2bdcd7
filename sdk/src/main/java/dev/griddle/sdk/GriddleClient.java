package dev.griddle.sdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The Griddle API from Java. Thread-safe; build one per API key and share it.
 *
 * <pre>{@code
 * GriddleClient griddle = GriddleClient.builder("http://localhost:8080").apiKey(key).build();
 * Project p = griddle.projects().create("support", "Ticket pipelines");
 * }</pre>
 *
 * Every API error surfaces as {@link GriddleApiException}.
 */
public final class GriddleClient {

    private final Transport http;

    private GriddleClient(Transport http) {
        this.http = http;
    }

    public static Builder builder(String baseUrl) {
        return new Builder(URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/"));
    }

    public KeysClient keys() {
        return new KeysClient(http);
    }

    public ProjectsClient projects() {
        return new ProjectsClient(http);
    }

    public RunnersClient runners() {
        return new RunnersClient(http);
    }

    public OrganizationsClient organizations() {
        return new OrganizationsClient(http);
    }

    public RunsClient runs() {
        return new RunsClient(http);
    }

    public ApprovalsClient approvals() {
        return new ApprovalsClient(http);
    }

    public TriggersClient triggers() {
        return new TriggersClient(http);
    }

    public NotificationsClient notifications() {
        return new NotificationsClient(http);
    }

    /** {@code POST /api/v1/apply}: bulk import of a JSON or YAML bundle. */
    public ApplyClient apply() {
        return new ApplyClient(http);
    }

    public TracesClient traces() {
        return new TracesClient(http);
    }

    public AnalyticsClient analytics() {
        return new AnalyticsClient(http);
    }

    public AgentsClient agents() {
        return new AgentsClient(http);
    }

    public SessionsClient sessions() {
        return new SessionsClient(http);
    }

    public WorkersClient workers() {
        return new WorkersClient(http);
    }

    public SkillsClient skills() {
        return new SkillsClient(http);
    }

    public PlansClient plans() {
        return new PlansClient(http);
    }

    public ThreadsClient threads() {
        return new ThreadsClient(http);
    }

    public McpServersClient mcpServers() {
        return new McpServersClient(http);
    }

    public IntegrationsClient integrations() {
        return new IntegrationsClient(http);
    }

    /** Custom HTTP tools, tool attachments and the web tools' setting. */
    public ToolsClient tools() {
        return new ToolsClient(http);
    }

    /** The organization's secrets, read by templates as {@code secrets.NAME}. */
    public SecretsClient secrets() {
        return new SecretsClient(http);
    }

    /** Documents for retrieval: upload, text, URL, chunks, search. */
    public KnowledgeClient knowledge() {
        return new KnowledgeClient(http);
    }

    /** A runner's test cases (issue #18). */
    public DatasetsClient datasets() {
        return new DatasetsClient(http);
    }

    /** Experiments over datasets, and runners' publish gates (issue #18). */
    public ExperimentsClient experiments() {
        return new ExperimentsClient(http);
    }

    /** The same server with another key. */
    public GriddleClient withApiKey(String apiKey) {
        return new GriddleClient(http.withApiKey(apiKey));
    }

    /**
     * Any request, answered as it came, without turning errors into exceptions: for routes this
     * client does not wrap yet, or to look at statuses and headers.
     */
    public RawResponse raw(String method, String path, String body, Map<String, String> headers) {
        return http.raw(method, path, body, headers.getOrDefault("Content-Type", "application/json"), headers);
    }

    /** Any request with a JSON body (an object, or a JSON string as is); an error status throws. */
    public RawResponse send(String method, String path, Object body, Map<String, String> headers) {
        return http.send(method, path, body, headers);
    }

    public static final class Builder {
        private final URI baseUrl;
        private String apiKey;
        private Duration timeout = Duration.ofSeconds(30);
        private HttpClient httpClient;

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        public GriddleClient build() {
            HttpClient client = httpClient != null ? httpClient
                    : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            return new GriddleClient(new Transport(baseUrl, apiKey, client, timeout));
        }
    }
}
