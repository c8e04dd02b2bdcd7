package dev.griddle.cli;

import dev.griddle.sdk.GriddleClient;
import dev.griddle.sdk.Page;
import dev.griddle.sdk.PageRequest;
import dev.griddle.sdk.RunnerModels.Runner;
import java.util.List;
import java.util.UUID;

/**
 * A runner named on the command line by id or by name. The API has no lookup by name, so a name
 * is found by paging through the runners the key sees, at most {@link #MAX_PAGES} pages of 100.
 */
final class RunnerRef {

    static final int MAX_PAGES = 100;

    private RunnerRef() {
    }

    static Runner resolve(GriddleClient client, String nameOrId) {
        UUID id = uuidOrNull(nameOrId);
        if (id != null) {
            return client.runners().get(id);
        }
        for (int page = 1; page <= MAX_PAGES; page++) {
            Page<Runner> runners = client.runners().list(PageRequest.of(page, 100));
            List<Runner> named = runners.data().stream().filter(r -> r.name().equals(nameOrId)).toList();
            if (!named.isEmpty()) {
                return named.getFirst();
            }
            if (page >= runners.meta().pages()) {
                break;
            }
        }
        throw new CliFailure(ExitCodes.API_ERROR, "no runner named '" + nameOrId + "' (or with that id) visible to this key");
    }

    static UUID uuidOrNull(String text) {
        try {
            return text.length() == 36 ? UUID.fromString(text) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
