package dev.griddle.sdk;

/** Which page to fetch: {@code page} from 1, {@code perPage} 1..100. */
public record PageRequest(int page, int perPage) {

    public static PageRequest first() {
        return new PageRequest(1, 20);
    }

    public static PageRequest of(int page, int perPage) {
        return new PageRequest(page, perPage);
    }

    String query() {
        return "page=" + page + "&per_page=" + perPage;
    }
}
