package dev.griddle.server.thread;

import java.util.List;

/**
 * Which past messages a new turn sends the model: the most recent ones that fit the model's context
 * window, dropping the oldest first. Tokens are estimated at four characters each (plus a few per
 * message), so a window is never filled to the brim; the model's output allowance and the system
 * prompt and new message are kept free. Pure.
 */
final class ThreadMemory {

    /** Messages kept when a model's context window is unknown (0 in the catalog). */
    static final int UNKNOWN_WINDOW_MESSAGES = 40;

    private ThreadMemory() {
    }

    static int estimateTokens(String text) {
        return 4 + (text == null ? 0 : (text.length() + 3) / 4);
    }

    /**
     * The suffix of {@code history} (oldest first) that fits; never starts with an assistant
     * message, so the model always sees a turn from its user side.
     *
     * @param reserved tokens already spoken for: system prompt, the new message, the output allowance
     */
    static List<ThreadMessage> fit(List<ThreadMessage> history, int contextWindow, int reserved) {
        int from;
        if (contextWindow <= 0) {
            from = Math.max(0, history.size() - UNKNOWN_WINDOW_MESSAGES);
        } else {
            int budget = contextWindow - reserved;
            int used = 0;
            from = history.size();
            while (from > 0 && used + estimateTokens(history.get(from - 1).content()) <= budget) {
                used += estimateTokens(history.get(from - 1).content());
                from--;
            }
        }
        while (from < history.size() && !"user".equals(history.get(from).role())) {
            from++;
        }
        return history.subList(from, history.size());
    }
}
