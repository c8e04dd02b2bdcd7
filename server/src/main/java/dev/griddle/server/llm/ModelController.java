package dev.griddle.server.llm;

import dev.griddle.server.web.Caller;
import dev.griddle.server.web.PageQuery;
import io.swagger.v3.oas.annotations.Operation;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/models}: the catalog, with {@code available} saying whether the provider is configured on this server. */
@RestController
class ModelController {

    record ModelView(String id, String provider, int contextWindow, BigDecimal inputUsdPerMtok, BigDecimal outputUsdPerMtok, boolean available) {
    }

    private final ModelCatalog catalog;
    private final ProviderSettings providers;

    ModelController(ModelCatalog catalog, ProviderSettings providers) {
        this.catalog = catalog;
        this.providers = providers;
    }

    @GetMapping("/api/v1/models")
    @Operation(summary = "The model catalog", description = "Shipped models plus griddle.llm.models; available = the provider is configured.")
    PageQuery.Paged<ModelView> list(Caller caller, PageQuery page) {
        List<ModelView> all = catalog.all().stream().map(m -> new ModelView(m.id(), m.provider().wire(), m.contextWindow(), m.inputUsdPerMtok(),
                m.outputUsdPerMtok(), providers.configured(m.provider()))).toList();
        int from = (int) Math.min(page.offset(), all.size());
        return page.result(all.subList(from, Math.min(from + page.perPage(), all.size())), all.size());
    }
}
