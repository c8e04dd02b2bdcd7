package dev.griddle.server.web;

import java.util.List;

/**
 * {@code ?page=&per_page=} parsed and checked: page >= 1 (default 1), per_page 1..100 (default 20),
 * and {@code page * per_page} at most {@value #MAX_DEPTH} (deeper pages cost the database or the
 * merging list their whole offset; filter instead); anything else is a 422 naming the parameter.
 */
public record PageQuery(int page, int perPage) {

    public static final int MAX_PER_PAGE = 100;
    /** The deepest item a list reaches: {@code page * per_page}. */
    public static final long MAX_DEPTH = 10_000;

    public static PageQuery parse(String page, String perPage) {
        FieldErrors errors = new FieldErrors();
        int p = parseInt("page", page, 1, errors);
        int pp = parseInt("per_page", perPage, 20, errors);
        if (errors.isEmpty() && p < 1) {
            errors.add("page", "must be >= 1, was " + p);
        }
        if (errors.isEmpty() && (pp < 1 || pp > MAX_PER_PAGE)) {
            errors.add("per_page", "must be between 1 and " + MAX_PER_PAGE + ", was " + pp);
        }
        if (errors.isEmpty() && (long) p * pp > MAX_DEPTH) {
            errors.add("page", "page * per_page must be at most " + MAX_DEPTH + ", was " + (long) p * pp + "; narrow the list with its filters");
        }
        errors.throwIfAny();
        return new PageQuery(p, pp);
    }

    private static int parseInt(String name, String value, int fallback, FieldErrors errors) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            errors.add(name, "must be an integer, was '" + value + "'");
            return fallback;
        }
    }

    /** Items before this page; at most {@link #MAX_DEPTH}, computed in {@code long}. */
    public long offset() {
        return (long) (page - 1) * perPage;
    }

    public <T> Paged<T> result(List<T> data, long total) {
        return new Paged<>(data, new Paged.Meta(total, page, perPage, (total + perPage - 1) / perPage));
    }

    /** A page of a list: {@code {"data": [...], "meta": {"total", "page", "per_page", "pages"}}}. */
    public record Paged<T>(List<T> data, Meta meta) {
        public record Meta(long total, int page, int perPage, long pages) {
        }
    }

}
