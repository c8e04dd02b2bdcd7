package dev.griddle.server.knowledge;

import dev.griddle.server.apply.Action;
import dev.griddle.server.apply.Applied;
import dev.griddle.server.apply.Bundle;
import dev.griddle.server.apply.BundleSection;
import dev.griddle.server.apply.Planned;
import dev.griddle.server.web.ApiException;
import dev.griddle.server.web.Caller;
import dev.griddle.server.web.FieldErrors;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code knowledge} section of an apply bundle: documents given as {@code text} or a {@code url},
 * upserted by title within their scope, with the API's rules ({@link DocumentContent},
 * {@link DocumentChecks}, {@link ScopeAccess}). The scope of a runner or an agent is named like any
 * reference (its name or id, in the bundle or the organization), so a bundle can carry a runner
 * and its documents together. A URL is fetched while the bundle is planned, so an unchanged page is
 * reported unchanged and a changed one becomes the document's next version; a document whose
 * content and metadata are the same is left alone (it is not re-ingested).
 */
@Component
class KnowledgeSection implements BundleSection {

    private static final Set<String> FIELDS = Set.of("title", "scope_type", "scope", "text", "url", "metadata");

    /** One document of the section; {@code scope}: a project's id, or a runner's or agent's name or id (none for {@code org}). */
    record Entry(String title, String scopeType, String scope, String text, String url, JsonNode metadata) {
    }

    private final DocumentStore documents;
    private final DocumentIntake intake;
    private final ScopeAccess scopes;
    private final UrlFetcher fetcher;
    private final KnowledgeProperties props;
    private final JsonMapper json;
    private final Clock clock;

    KnowledgeSection(DocumentStore documents, DocumentIntake intake, ScopeAccess scopes, UrlFetcher fetcher, KnowledgeProperties props,
            JsonMapper json, Clock clock) {
        this.documents = documents;
        this.intake = intake;
        this.scopes = scopes;
        this.fetcher = fetcher;
        this.props = props;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "knowledge";
    }

    @Override
    public String kind() {
        return "document";
    }

    @Override
    public String keyField() {
        return "title";
    }

    @Override
    public String keyOf(JsonNode object) {
        String title = Bundle.key(object, "title");
        if (title == null) {
            return null;
        }
        String scope = Bundle.key(object, "scope");
        return "'" + title + "' in " + object.path("scope_type").asString("?") + (scope == null ? "" : " " + scope);
    }

    @Override
    public Optional<UUID> findByKey(Caller caller, String key) {
        return Optional.empty(); // nothing refers to a document; a new version has a new id anyway
    }

    @Override
    public boolean exists(Caller caller, UUID id) {
        return documents.find(caller.orgId(), id).filter(d -> ScopeAccess.sees(caller, d.scope())).isPresent();
    }

    @Override
    public List<Planned> plan(Bundle bundle, JsonNode objects) {
        List<Planned> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            String path = section() + "[" + i + "]";
            Optional<Entry> bound = bundle.bind(objects.get(i), Entry.class, kind(), path);
            if (bound.isEmpty()) {
                continue;
            }
            Entry entry = bound.get();
            bundle.warnUnknownFields(objects.get(i), FIELDS, kind(), entry.title(), path);
            plan(bundle, entry, path).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Planned> plan(Bundle bundle, Entry entry, String path) {
        String prefix = path + ".";
        FieldErrors fields = new FieldErrors();
        String title = DocumentChecks.title(entry.title(), fields);
        String metadata = DocumentChecks.metadata(entry.metadata(), fields);
        DocumentContent.Given given = DocumentContent.check(entry.text(), entry.url(), props, fields);
        FieldErrors errors = new FieldErrors();
        fields.asMap().forEach((field, messages) -> messages.forEach(m -> errors.add(prefix + field, m)));
        Optional<Scope> scope = BundleScopes.resolve(bundle, scopes, entry.scopeType(), entry.scope(), prefix, errors);
        if (bundle.problems(kind(), title, errors) || scope.isEmpty()) {
            return Optional.empty();
        }
        DocumentContent content;
        try {
            content = DocumentContent.read(given, fetcher);
        } catch (ApiException e) {
            bundle.problem(kind(), title, prefix + "url", e.getMessage());
            return Optional.empty();
        }
        Planned planned = plan(bundle.caller(), scope.get(), title, metadata, content);
        if (planned.action() != Action.UNCHANGED && scope.get().type() == ScopeType.ORG) {
            bundle.caller().requireAllProjects("change organization-wide knowledge");
        }
        return Optional.of(planned);
    }

    private Planned plan(Caller caller, Scope scope, String title, String metadata, DocumentContent content) {
        UUID orgId = caller.orgId();
        Optional<DocumentRow> existing = documents.lockByTitle(orgId, scope, title);
        boolean sameContent = existing.isPresent() && existing.get().contentHash().equals(content.sha256())
                && !existing.get().status().equals(DocumentRow.FAILED);
        if (sameContent) {
            DocumentRow current = existing.get();
            if (Objects.equals(json.readTree(current.metadata()), json.readTree(metadata))) {
                return Planned.unchanged(Applied.of(kind(), title, current.id(), null));
            }
            return new Planned(Action.UPDATE, Applied.of(kind(), title, current.id(), List.of("metadata")),
                    () -> documents.updateMetadata(orgId, current.id(), metadata, clock.instant()));
        }
        UUID id = UUID.randomUUID();
        Runnable write = () -> intake.take(orgId, scope, title, metadata, content, id);
        if (existing.isEmpty()) {
            return new Planned(Action.CREATE, Applied.of(kind(), title, id, null), write);
        }
        List<String> changed = new ArrayList<>(List.of(content.source().equals("url") ? "url" : "text"));
        if (!Objects.equals(json.readTree(existing.get().metadata()), json.readTree(metadata))) {
            changed.add("metadata");
        }
        return new Planned(Action.UPDATE, Applied.of(kind(), title, id, changed), write);
    }
}
