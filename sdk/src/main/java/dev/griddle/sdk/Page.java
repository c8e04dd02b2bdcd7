package dev.griddle.sdk;

import java.util.List;

/** One page of a list: the items and where they sit in the whole. */
public record Page<T>(List<T> data, Meta meta) {

    public record Meta(long total, int page, int perPage, long pages) {
    }
}
